//! The values a command is given, parsed: each type's `FromStr` is what the CLI (as a clap value
//! parser, so a bad value is a usage error before the store is opened) and a web form both call.
//! A parse failure says what is wrong with the value, never which flag carried it: the caller knows.

use crate::money::{Money, Percent};
use engine::Failure;
use rust_decimal::Decimal;
use std::fmt;
use std::str::FromStr;

/// A free text (a reason, a risk, a summary): non-empty, trimmed, at most
/// [`MAX_TEXT_CHARS`](crate::bounds::MAX_TEXT_CHARS) characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(pub String);

impl FromStr for Text {
    type Err = Failure;
    fn from_str(value: &str) -> Result<Text, Failure> {
        bounded(value, crate::bounds::MAX_TEXT_CHARS).map(Text)
    }
}

/// A one-line text (a title, a name, a unit, a minute reference): non-empty, trimmed, at most
/// [`MAX_TITLE_CHARS`](crate::bounds::MAX_TITLE_CHARS) characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line(pub String);

impl FromStr for Line {
    type Err = Failure;
    fn from_str(value: &str) -> Result<Line, Failure> {
        bounded(value, crate::bounds::MAX_TITLE_CHARS).map(Line)
    }
}

/// `value` trimmed, refused when empty or longer than `max` characters.
fn bounded(value: &str, max: usize) -> Result<String, Failure> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(Failure::usage("it is empty").with_detail("give it some words"));
    }
    if let Some(problem) = crate::bounds::text_problem(trimmed, max) {
        return Err(Failure::usage(problem).with_detail("shorten it; nothing was written"));
    }
    Ok(trimmed.to_string())
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One name of a list (a council, a party, a Board member): non-empty, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name(pub String);

impl FromStr for Name {
    type Err = Failure;
    fn from_str(value: &str) -> Result<Name, Failure> {
        if value.trim().is_empty() {
            return Err(Failure::usage("an empty name")
                .with_detail("separate names with commas and no empty entries"));
        }
        bounded(value, crate::bounds::MAX_TITLE_CHARS).map(Name)
    }
}

/// The first name a list gives twice, if any.
pub fn repeated(names: &[String]) -> Option<&str> {
    names
        .iter()
        .enumerate()
        .find(|(i, n)| names[..*i].contains(n))
        .map(|(_, n)| n.as_str())
}

/// The names of a list, each once (the first name given twice refused).
pub fn distinct(names: Vec<Name>) -> Result<Vec<String>, Failure> {
    let names: Vec<String> = names.into_iter().map(|n| n.0).collect();
    match repeated(&names) {
        Some(twice) => {
            Err(Failure::usage(format!("{twice} is named twice")).with_detail("name each one once"))
        }
        None => Ok(names),
    }
}

/// The id a name makes: lower case, runs of anything but letters and digits turned into one dash.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for ch in name.trim().chars().flat_map(char::to_lowercase) {
        if ch.is_ascii_alphanumeric() {
            out.push(ch);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// A service's name, which makes the proposal's id: it needs letters or digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service(pub String);

impl FromStr for Service {
    type Err = Failure;
    fn from_str(value: &str) -> Result<Service, Failure> {
        let Line(name) = value.parse()?;
        if slug(&name).is_empty() {
            return Err(Failure::usage(format!(
                "{name:?} has no letters or digits to make an id from"
            ))
            .with_detail("name the service in words, e.g. elections"));
        }
        Ok(Service(name))
    }
}

/// An id (of a proposal or milestone): lower-case letters, digits and dashes, starting with a
/// letter or digit, at most 64.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Id(pub String);

impl FromStr for Id {
    type Err = Failure;
    fn from_str(id: &str) -> Result<Id, Failure> {
        let ok = !id.is_empty()
            && id.len() <= 64
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !id.starts_with('-');
        if ok {
            Ok(Id(id.to_string()))
        } else {
            Err(Failure::usage(format!("{id:?} is not a valid id"))
                .with_detail("use lower-case letters, digits and dashes, e.g. shared-elections"))
        }
    }
}

/// One council's share: `COUNCIL=PERCENT`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Share {
    pub council: String,
    pub percent: Percent,
}

impl FromStr for Share {
    type Err = Failure;
    fn from_str(pair: &str) -> Result<Share, Failure> {
        let example = "write it like bromsgrove=50";
        let Some((council, pct)) = pair.split_once('=') else {
            return Err(
                Failure::usage(format!("{pair:?} is not COUNCIL=PERCENT")).with_detail(example)
            );
        };
        let council = council.trim();
        if council.is_empty() {
            return Err(Failure::usage(format!("{pair:?} names no council")).with_detail(example));
        }
        Ok(Share {
            council: council.to_string(),
            percent: Percent::parse(pct)?,
        })
    }
}

/// The shares as (council, percent), each council once.
pub fn shares(given: Vec<Share>) -> Result<Vec<(String, Percent)>, Failure> {
    let councils: Vec<String> = given.iter().map(|s| s.council.clone()).collect();
    if let Some(twice) = repeated(&councils) {
        return Err(Failure::usage(format!("{twice} is given a share twice"))
            .with_detail("give each council's share once"));
    }
    Ok(given.into_iter().map(|s| (s.council, s.percent)).collect())
}

/// A decimal number (a KPI target or value); never a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Number(pub Decimal);

impl FromStr for Number {
    type Err = Failure;
    fn from_str(text: &str) -> Result<Number, Failure> {
        let number = Decimal::from_str(text.trim())
            .map(|d| d.normalize())
            .map_err(|_| {
                Failure::usage(format!("{text:?} is not a number"))
                    .with_detail("write it like 98 or 97.5")
            })?;
        // Bounded so that a status against a target is exact arithmetic (proposal/rag.rs).
        if number.scale() > 6 || number.abs() >= Decimal::from(10_000_000_000_000_000i64) {
            return Err(Failure::usage(format!("{text:?} is too long a number"))
                .with_detail("give at most 16 digits before the point and 6 after"));
        }
        Ok(Number(number))
    }
}

/// A sum of money that is not negative (a cost, a saving).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amount(pub Money);

impl FromStr for Amount {
    type Err = Failure;
    fn from_str(text: &str) -> Result<Amount, Failure> {
        Money::parse_non_negative(text, "a sum").map(Amount)
    }
}

/// A sum of pounds that may be negative (a quarter's shortfall: `-250`, `-£1,250.50`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedAmount(pub Money);

impl FromStr for SignedAmount {
    type Err = Failure;
    fn from_str(text: &str) -> Result<SignedAmount, Failure> {
        Money::parse(text).map(SignedAmount)
    }
}

/// A SHA-256 hash as 64 hex digits (the head a verification expects).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HashHex(pub String);

impl FromStr for HashHex {
    type Err = Failure;
    fn from_str(h: &str) -> Result<HashHex, Failure> {
        if h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(
                Failure::usage(format!("{h:?} is not a SHA-256 hash")).with_detail(
                    "give the 64 hex digits of the head you expect, e.g. from a quarterly report",
                ),
            );
        }
        Ok(HashHex(h.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<Name> {
        list.iter().map(|n| n.parse().unwrap()).collect()
    }

    #[test]
    fn slugs_ids_and_lists() {
        assert_eq!(slug("Elections"), "elections");
        assert_eq!(slug("  Community Safety (CCTV) "), "community-safety-cctv");
        assert!("elections-2".parse::<Id>().is_ok());
        assert!("Elections".parse::<Id>().is_err());
        assert!("".parse::<Id>().is_err());
        assert!("-x".parse::<Id>().is_err());
        assert!(" ".parse::<Name>().is_err());
        assert!(distinct(names(&["a", "a"])).is_err());
        assert_eq!(distinct(names(&[" a", "b "])).unwrap(), ["a", "b"]);
        assert!(" ".parse::<Text>().is_err());
        assert_eq!(" words ".parse::<Text>().unwrap().0, "words");
        let long = "t".repeat(crate::bounds::MAX_TITLE_CHARS + 1);
        assert!(long.parse::<Line>().is_err() && long.parse::<Text>().is_ok());
        assert!("r"
            .repeat(crate::bounds::MAX_TEXT_CHARS + 1)
            .parse::<Text>()
            .is_err());
    }

    #[test]
    fn shares_numbers_and_amounts() {
        let parse = |s: &[&str]| shares(s.iter().map(|p| p.parse().unwrap()).collect());
        let s = parse(&["bromsgrove=60", "redditch=40"]).unwrap();
        assert_eq!(s[0].1.hundredths, 6000);
        assert!("bromsgrove:60".parse::<Share>().is_err());
        assert!("=60".parse::<Share>().is_err());
        assert!(parse(&["a=1", "a=2"]).is_err());
        assert!("a=33.333".parse::<Share>().is_err());
        assert_eq!("97.50".parse::<Number>().unwrap().0.to_string(), "97.5");
        assert!("high".parse::<Number>().is_err());
        assert!("-5".parse::<Amount>().is_err());
        assert_eq!("5".parse::<Amount>().unwrap().0, Money::from_pence(500));
        assert_eq!(
            "-£1,250.5".parse::<SignedAmount>().unwrap().0,
            Money::from_pence(-125_050)
        );
        assert!("1e3".parse::<SignedAmount>().is_err());
        assert!("abc".parse::<HashHex>().is_err());
    }
}
