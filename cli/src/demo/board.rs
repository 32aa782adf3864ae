//! The Board's meetings in the demo (issue 21): the minutes of 1 September 2008 as the seed quotes
//! them, and the partnership as amended when the Labour Group Leaders joined. Steps name these
//! files by placeholder; [`args`] puts the paths in.

use std::path::{Path, PathBuf};

/// The minutes of the Board's first meeting (seed 003, Appendix 4), abridged.
const MINUTES: &str = include_str!("minutes-2008-09-01.txt");
/// A step's placeholder for the minutes file.
pub const MINUTES_FILE: &str = "{MINUTES}";
/// A step's placeholder for the amended partnership file.
pub const AMENDED_FILE: &str = "{AMENDED}";

/// The partnership once each council's Labour Group Leader sits on the Board (recommendation 2.1.5).
fn amended(partnership: &str) -> String {
    partnership
        .replace(
            "\"bdc-member-3\"]",
            "\"bdc-member-3\", \"bdc-labour-leader\"]",
        )
        .replace(
            "\"rbc-member-3\"]",
            "\"rbc-member-3\", \"rbc-labour-leader\"]",
        )
}

/// The files the steps name, in a directory of this process's own.
pub struct Files {
    dir: PathBuf,
    minutes: PathBuf,
    amended: PathBuf,
}

impl Files {
    /// Writes the minutes and the amended partnership in a new directory under `parent`.
    pub fn write(parent: &Path, partnership: &str) -> std::io::Result<Files> {
        let dir = parent.join(format!("concordat-demo-board-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let files = Files {
            minutes: dir.join("minutes-2008-09-01.txt"),
            amended: dir.join("bromsgrove-redditch-labour-leaders.toml"),
            dir,
        };
        std::fs::write(&files.minutes, MINUTES)?;
        std::fs::write(&files.amended, amended(partnership))?;
        Ok(files)
    }

    /// A step's words with the placeholders replaced by the files' paths.
    pub fn args(&self, args: &[&str]) -> Vec<String> {
        args.iter()
            .map(|a| match *a {
                MINUTES_FILE => self.minutes.display().to_string(),
                AMENDED_FILE => self.amended.display().to_string(),
                other => other.to_string(),
            })
            .collect()
    }

    /// Removes the files and their directory.
    pub fn remove(&self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_amended_partnership_seats_both_labour_leaders_and_still_loads() {
        let text = amended(include_str!("../../../examples/bromsgrove-redditch.toml"));
        let p = workflows::partnership::Partnership::from_toml(&text).unwrap();
        assert_eq!(
            p.council_of_member("bdc-labour-leader").unwrap().id,
            "bromsgrove"
        );
        assert_eq!(
            p.council_of_member("rbc-labour-leader").unwrap().id,
            "redditch"
        );
    }
}
