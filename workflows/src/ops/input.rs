//! Well-formedness of command-line values (usage errors, exit 2): text, ids, lists, shares, numbers.

use crate::money::Percent;
use engine::Failure;
use rust_decimal::Decimal;
use std::str::FromStr;

/// A non-empty text, trimmed, within its flag's length limit (`crate::bounds`).
pub fn text(flag: &str, value: &str) -> Result<String, Failure> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(Failure::usage(format!("{flag} is empty"))
            .with_detail(format!("give {flag} some words")));
    }
    if let Some(problem) = crate::bounds::text_problem(flag, trimmed) {
        return Err(Failure::usage(problem).with_detail("shorten it; nothing was written"));
    }
    Ok(trimmed.to_string())
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

/// An id: lower-case letters, digits and dashes, starting with a letter or digit, at most 64.
pub fn check_id(what: &str, id: &str) -> Result<(), Failure> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-');
    if ok {
        Ok(())
    } else {
        Err(Failure::usage(format!("{id:?} is not a valid {what} id"))
            .with_detail("use lower-case letters, digits and dashes, e.g. shared-elections"))
    }
}

/// A list with no name twice (each trimmed; empty names refused).
pub fn distinct(flag: &str, names: &[String]) -> Result<Vec<String>, Failure> {
    let mut out: Vec<String> = Vec::new();
    for name in names {
        let name = name.trim();
        if name.is_empty() {
            return Err(Failure::usage(format!("{flag} has an empty name"))
                .with_detail("separate names with commas and no empty entries"));
        }
        if out.iter().any(|n| n == name) {
            return Err(Failure::usage(format!("{flag} names {name} twice"))
                .with_detail("name each one once"));
        }
        out.push(name.to_string());
    }
    Ok(out)
}

/// `COUNCIL=PERCENT` pairs, each council once.
pub fn shares(flag: &str, given: &[String]) -> Result<Vec<(String, Percent)>, Failure> {
    let mut out: Vec<(String, Percent)> = Vec::new();
    for pair in given {
        let Some((council, pct)) = pair.split_once('=') else {
            return Err(
                Failure::usage(format!("{flag} {pair:?} is not COUNCIL=PERCENT"))
                    .with_detail(format!("write it like {flag} bromsgrove=50")),
            );
        };
        let council = council.trim();
        if council.is_empty() {
            return Err(Failure::usage(format!("{flag} {pair:?} names no council"))
                .with_detail(format!("write it like {flag} bromsgrove=50")));
        }
        if out.iter().any(|(c, _)| c == council) {
            return Err(Failure::usage(format!("{flag} gives {council} twice"))
                .with_detail("give each council's share once"));
        }
        out.push((council.to_string(), Percent::parse(pct)?));
    }
    Ok(out)
}

/// A decimal number (a KPI target or value); never a float.
pub fn number(flag: &str, text: &str) -> Result<Decimal, Failure> {
    Decimal::from_str(text.trim())
        .map(|d| d.normalize())
        .map_err(|_| {
            Failure::usage(format!("{flag} {text:?} is not a number"))
                .with_detail("write it like 98 or 97.5")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_ids_and_lists() {
        assert_eq!(slug("Elections"), "elections");
        assert_eq!(slug("  Community Safety (CCTV) "), "community-safety-cctv");
        assert!(check_id("proposal", "elections-2").is_ok());
        assert!(check_id("proposal", "Elections").is_err());
        assert!(distinct("--councils", &["a".into(), "a".into()]).is_err());
    }

    #[test]
    fn shares_and_numbers() {
        let s = shares("--share", &["bromsgrove=60".into(), "redditch=40".into()]).unwrap();
        assert_eq!(s[0].1.hundredths, 6000);
        assert!(shares("--share", &["bromsgrove:60".into()]).is_err());
        assert!(shares("--share", &["a=1".into(), "a=2".into()]).is_err());
        assert!(shares("--share", &["a=33.333".into()]).is_err());
        assert_eq!(number("--value", "97.50").unwrap().to_string(), "97.5");
        assert!(number("--value", "high").is_err());
    }
}
