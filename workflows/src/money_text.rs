//! Reading a sum of money as people write it: the one parser behind the command line, the web
//! forms and stored event data. `1500`, `1500.5`, `1,500.00`, `£1,500`, `-£250` are read; an
//! exponent (`1e3`), a comma that does not separate groups of three digits (`1,5,0,0`, `15,00`),
//! more than two decimals, or nothing at all is refused with the form that would be accepted.

use crate::money::Money;
use engine::Failure;

/// The forms a sum may take, in one plain line (a refusal's second line).
pub const ACCEPTED: &str =
    "write pounds like 1500, 1500.50, 1,500.00 or £1,500: digits, commas only \
between groups of three, at most two decimals, no exponent";

/// Parses a sum of pounds (negative with a leading `-`); every refusal is a usage failure.
pub fn parse(text: &str) -> Result<Money, Failure> {
    let refuse = |why: &str| {
        Failure::usage(format!("{text:?} is not a sum of money: {why}")).with_detail(ACCEPTED)
    };
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(refuse("it is empty"));
    }
    let (negative, rest) = match trimmed.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    let rest = rest.strip_prefix('£').unwrap_or(rest);
    let (whole, fraction) = match rest.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (rest, None),
    };
    let pence_part = match fraction {
        None => 0,
        Some(f) if f.len() > 2 && digits(f) => {
            return Err(refuse(
                "it has more than two decimals (money is counted in whole pence)",
            ))
        }
        Some(f) if !f.is_empty() && digits(f) => {
            let n: i64 = f.parse().map_err(|_| refuse("its pence are not digits"))?;
            if f.len() == 1 {
                n * 10
            } else {
                n
            }
        }
        Some(_) => return Err(refuse("after the point come one or two digits of pence")),
    };
    let pounds = whole_pounds(whole).map_err(refuse)?;
    let pence = pounds
        .checked_mul(100)
        .and_then(|p| p.checked_add(pence_part))
        .ok_or_else(|| refuse("it is too large a sum"))?;
    Ok(Money::from_pence(if negative { -pence } else { pence }))
}

/// Whether `s` is one or more ASCII digits.
fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// The whole pounds: digits, or groups of three digits after a first group of one to three.
fn whole_pounds(whole: &str) -> Result<i64, &'static str> {
    if whole.is_empty() {
        return Err("it has no pounds before the point");
    }
    if whole.contains(',') {
        let mut groups = whole.split(',');
        let first = groups.next().unwrap_or_default();
        let grouped =
            digits(first) && first.len() <= 3 && groups.all(|g| g.len() == 3 && digits(g));
        if !grouped {
            return Err("commas go only between groups of three digits");
        }
    } else if !digits(whole) {
        return Err("it is not written in digits (an exponent or another sign)");
    }
    let bare: String = whole.chars().filter(|c| *c != ',').collect();
    bare.parse::<i64>().map_err(|_| "it is too large a sum")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::pounds;
    use proptest::prelude::*;

    fn pence(text: &str) -> i64 {
        parse(text)
            .unwrap_or_else(|e| panic!("{text:?}: {}", e.message))
            .pence
    }

    #[test]
    fn the_forms_a_council_writes_are_read() {
        assert_eq!(pence("1500"), 150_000);
        assert_eq!(pence("1500.5"), 150_050);
        assert_eq!(pence("1,500.00"), 150_000);
        assert_eq!(pence("£1,500"), 150_000);
        assert_eq!(pence(" 1,234,567.89 "), 123_456_789);
        assert_eq!(pence("-250"), -25_000);
        assert_eq!(pence("-£1,250.05"), -125_005);
        assert_eq!(pence("0"), 0);
        assert_eq!(pence("999"), 99_900);
    }

    #[test]
    fn other_forms_are_refused_with_the_form_that_would_do() {
        for bad in [
            "1e3",
            "1E3",
            "1,5,0,0",
            "15,00",
            "1,50",
            ",500",
            "1500,",
            "1.234",
            "",
            "  ",
            "£",
            "-",
            "1500.",
            ".5",
            "+5",
            "forty",
            "1 500",
            "1_500",
            "£-5",
            "--5",
            "1,500.5.0",
            "1,0000",
            "NaN",
            "inf",
            "0x10",
        ] {
            let failure = parse(bad).expect_err(bad);
            assert_eq!(failure.kind, engine::FailureKind::Usage, "{bad:?}");
            assert_eq!(failure.details, vec![ACCEPTED.to_string()], "{bad:?}");
            assert!(!failure.message.contains('\n'), "one line: {bad:?}");
        }
        assert!(parse("1e3").unwrap_err().message.contains("exponent"));
        assert!(parse("15,00")
            .unwrap_err()
            .message
            .contains("groups of three"));
        assert!(parse("1.234").unwrap_err().message.contains("two decimals"));
        assert!(parse("92233720368547758.08")
            .unwrap_err()
            .message
            .contains("too large"));
    }

    proptest! {
        #[test]
        fn what_pounds_prints_reads_back(p in -10_000_000_000_000i64..10_000_000_000_000) {
            let m = Money::from_pence(p);
            prop_assert_eq!(parse(&pounds(m)).unwrap(), m);
            prop_assert_eq!(parse(&m.to_string()).unwrap(), m);
        }

        #[test]
        fn any_text_is_read_or_refused_as_usage(text in "\\PC{0,24}") {
            match parse(&text) {
                Ok(m) => prop_assert_eq!(parse(&m.to_string()).unwrap(), m),
                Err(e) => prop_assert_eq!(e.kind, engine::FailureKind::Usage),
            }
        }

        #[test]
        fn money_like_text_is_read_or_refused_as_usage(text in "[-£0-9,.e]{0,16}") {
            match parse(&text) {
                Ok(m) => prop_assert_eq!(parse(&pounds(m)).unwrap(), m),
                Err(e) => prop_assert_eq!(e.kind, engine::FailureKind::Usage),
            }
        }
    }
}
