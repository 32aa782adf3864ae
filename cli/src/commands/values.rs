//! The command line's values: clap value parsers over the library's parsed types (so a bad value
//! is a usage error, exit 2, before the store is opened) and the checks a whole list needs.

use engine::Failure;
use jiff::civil::Date;
use std::str::FromStr;
use workflows::ops::input::{repeated, Name};

/// A clap value parser for any of the library's values: its failure, in one line.
pub fn parsed<T: FromStr<Err = Failure>>(text: &str) -> Result<T, String> {
    text.parse().map_err(|f: Failure| one_line(&f))
}

/// A date, `YYYY-MM-DD`.
pub fn date(text: &str) -> Result<Date, String> {
    engine::time::parse_date(text).map_err(|f| one_line(&f))
}

fn one_line(failure: &Failure) -> String {
    let mut line = failure.message.clone();
    for detail in crate::remedies::lines(failure) {
        line += "; ";
        line += &detail;
    }
    line
}

/// Refuses a list flag that names someone twice.
pub fn once(flag: &str, names: &[Name]) -> Result<(), Failure> {
    let names: Vec<String> = names.iter().map(|n| n.0.clone()).collect();
    match repeated(&names) {
        Some(twice) => {
            Err(Failure::usage(format!("{flag} names {twice} twice"))
                .with_detail("name each one once"))
        }
        None => Ok(()),
    }
}
