//! An example for every command, shown at the foot of its help (and so in the man pages and
//! docs/cli-reference.md). Kept in one table, beside the command tree rather than inside it, so
//! that a test can parse every example against the real definitions: an example that stops being
//! valid fails the build's tests.

use clap::Command;

/// Command path (words after `concordat`) → example command lines, from the 2008 story.
const EXAMPLES: &[(&str, &[&str])] = &[
    ("", &["concordat --store ./bromsgrove-redditch --as jce proposal list --stage consultation"]),
    ("init", &[
        "concordat init --example bromsgrove-redditch",
        "concordat --store ./bromsgrove-redditch init bromsgrove-redditch.toml",
    ]),
    ("demo", &["concordat --store ./concordat-demo demo"]),
    ("partnership", &["concordat partnership show"]),
    ("partnership show", &["concordat --json partnership show"]),
    ("partnership amend", &["concordat --as admin partnership amend bromsgrove-redditch.toml --on 2008-11-03"]),
    ("partnership end", &["concordat --as admin partnership end --on 2016-11-15 --minute \"Joint Committee 15 Nov 2016, item 4\""]),
    ("proposal", &["concordat proposal show elections"]),
    ("proposal new", &["concordat --as jce proposal new --title \"A single elections team\" --service elections --lead bromsgrove --on 2008-09-01"]),
    ("proposal show", &["concordat proposal show elections"]),
    ("proposal list", &["concordat proposal list --stage consultation --council redditch"]),
    ("proposal history", &["concordat --as audit proposal history elections"]),
    ("proposal advance", &["concordat --as jce proposal advance elections --to council-approval --on 2008-11-21 --expect-version 8"]),
    ("proposal business-case", &["concordat --as jce proposal business-case elections --one-off-cost 15000 --annual-saving 18000 --share bromsgrove=50 --share redditch=50 --on 2008-10-20"]),
    ("proposal hold", &["concordat --as jce proposal hold elections --reason \"Awaiting the boundary review\" --on 2008-10-01"]),
    ("proposal resume", &["concordat --as jce proposal resume elections --reason \"Boundary review published\" --on 2008-10-15"]),
    ("proposal withdraw", &["concordat --as jce proposal withdraw payroll --reason \"Superseded by a county-wide scheme\""]),
    ("proposal not-pursue", &["concordat --as jce proposal not-pursue payroll --reason \"No saving after the business case\""]),
    ("proposal close", &["concordat --as jce proposal close payroll --reason \"Service ended by agreement\""]),
    ("proposal vary-shares", &["concordat --as jce proposal vary-shares elections --share bromsgrove=55 --share redditch=45 --on 2010-03-01"]),
    ("proposal declare-interest", &["concordat --as bdc-clerk proposal declare-interest elections --reason \"Spouse works in the elections team\""]),
    ("proposal correct-date", &["concordat --as jce proposal correct-date elections --seq 57 --on 2009-03-02 --reason \"Go-live was entered as 1 Nov 2008; the service went live on 2 Mar 2009\""]),
    ("consultation", &["concordat --as jce consultation open elections --with staff,unison,gmb"]),
    ("consultation open", &["concordat --as jce consultation open elections --with staff,unison,gmb --on 2008-10-21"]),
    ("consultation respond", &["concordat --as jce consultation respond elections --party staff --summary \"Support one team\" --on 2008-11-14"]),
    ("consultation close", &["concordat --as jce consultation close elections --on 2008-11-21"]),
    ("board", &["concordat --as jce board vote elections --meeting 2008-11-03 --support bdc-leader,bdc-member-2,rbc-leader,rbc-member-2"]),
    ("board vote", &["concordat --as jce board vote elections --meeting 2008-11-03 --support bdc-leader,bdc-member-2,rbc-leader,rbc-member-2 --abstain rbc-member-3"]),
    ("board meeting", &["concordat board meeting list"]),
    ("board meeting schedule", &["concordat --as jce board meeting schedule --on 2008-11-03 --at 17:30 --venue redditch"]),
    ("board meeting list", &["concordat --json board meeting list"]),
    ("board meeting show", &["concordat --as jce board meeting show 2008-09-01"]),
    ("board agenda", &["concordat --as jce board agenda add 2008-11-03 --proposal elections"]),
    ("board agenda add", &["concordat --as jce board agenda add 2008-11-03 --proposal financial-services --exempt \"information relating to an individual (a vacant post)\""]),
    ("board attend", &["concordat --as jce board attend 2008-09-01 --present bdc-leader,bdc-member-2,rbc-leader,rbc-member-2,rbc-member-3 --apologies bdc-member-3"]),
    ("board minutes", &["concordat --as jce board minutes approve 2008-09-01 --at 2008-11-03"]),
    ("board minutes draft", &["concordat --as jce board minutes draft 2008-09-01 --file minutes-2008-09-01.txt --on 2008-09-03"]),
    ("board minutes approve", &["concordat --as jce board minutes approve 2008-09-01 --at 2008-11-03"]),
    ("council", &["concordat --as bdc-clerk council decide elections --council bromsgrove --decision approve"]),
    ("council decide", &["concordat --as bdc-clerk council decide elections --council bromsgrove --decision approve --minute \"Council 10 Dec 2008\" --on 2008-12-10"]),
    ("council in-principle", &["concordat --as bdc-clerk council in-principle elections --council bromsgrove --minute \"BDC Council 17 Sep 2008, minute 2.1.4: quick wins approved in principle\" --on 2008-09-17"]),
    ("council call-in", &["concordat --as rbc-clerk council call-in elections --council redditch --reason \"Called in by the scrutiny committee\" --on 2009-01-23"]),
    ("council leave", &["concordat --as wdc-clerk council leave elections --council wychavon --minute \"Cabinet 16 Mar 2016, item 7\" --on 2016-04-01"]),
    ("council consent", &["concordat --as rbc-clerk council consent elections --council redditch --minute \"Executive 9 Mar 2010\" --on 2010-03-09"]),
    ("council call-in-resolved", &["concordat --as rbc-clerk council call-in-resolved elections --council redditch --outcome confirmed --on 2009-02-02"]),
    ("monitor", &["concordat --as jce monitor saving elections --quarter 2008/09-Q4 --amount 1500"]),
    ("monitor kpi", &[
        "concordat --as jce monitor kpi elections --name \"Cost per elector\" --target 1.20 --unit GBP",
        "concordat --as jce monitor kpi elections --name \"Cost per elector\" --target 1.20 --unit GBP --baseline 1.45 --direction lower",
    ]),
    ("monitor record", &["concordat --as jce monitor record elections --name \"Cost per elector\" --quarter 2009/10-Q1 --value 1.15"]),
    ("monitor cost", &[
        "concordat --as bdc-finance monitor cost elections --quarter 2008/09-Q4 --amount 15000 --kind one-off --code ELEC-ICT --paid-by bromsgrove --on 2009-04-03",
        "concordat --as bdc-finance monitor cost elections --quarter 2009/10-Q1 --amount 1,250.00 --kind recurring --correct --reason \"Printing invoice received late\" --on 2009-08-03",
    ]),
    ("monitor position", &["concordat monitor position elections --quarter 2009/10-Q1"]),
    ("funding", &["concordat funding list"]),
    ("funding record", &[
        "concordat --as jce funding record --source \"West Midlands Regional Improvement and Efficiency Partnership\" --amount 35000 --on 2008-10-15",
        "concordat --as rbc-finance funding record --source \"Match funding\" --amount 3000 --proposal elections --share bromsgrove=60 --share redditch=40 --on 2009-04-15",
    ]),
    ("funding list", &["concordat --json funding list"]),
    ("funding position", &["concordat funding position --quarter 2009/10-Q2"]),
    ("report programme", &["concordat report programme --quarter 2009/10-Q2 --known-at seq:86"]),
    ("monitor saving", &[
        "concordat --as jce monitor saving elections --quarter 2008/09-Q4 --amount 1500 --on 2009-03-31",
        "concordat --as jce monitor saving elections --quarter 2008/09-Q4 --amount 1,450.00 --correct --reason \"An invoice counted twice\" --on 2009-04-20",
        "concordat --as jce monitor saving elections --quarter 2009/10-Q1 --amount -250.01 --reason \"Agency staff for the county elections\" --on 2009-06-30",
    ]),
    ("review", &["concordat --as bdc-clerk review record elections --kind six-month --council bromsgrove --outcome continue"]),
    ("risk", &["concordat risk list --min-score 15"]),
    ("risk add", &[
        "concordat --as jce risk add --proposal elections --title \"Election staff lose access during the move\" --likelihood 4 --impact 4 --owner jce --mitigation \"Both offices keep their registers until the move is tested\" --review 2009-01-15",
        "concordat --as jce risk add --title \"The trial's review finds the savings unproven\" --likelihood 3 --impact 4 --owner jce --mitigation \"Savings recorded quarterly against the business case\" --review 2009-03-31",
    ]),
    ("risk update", &["concordat --as jce risk update risk-1 --likelihood 2 --review 2009-04-15 --reason \"Access tested on both sites\""]),
    ("risk close", &["concordat --as jce risk close risk-1 --reason \"The move is complete\""]),
    ("risk list", &["concordat risk list --proposal elections --min-score 10"]),
    ("risk show", &["concordat risk show risk-1"]),
    ("review record", &["concordat --as bdc-clerk review record elections --kind six-month --council bromsgrove --outcome continue --on 2009-09-02", "concordat --as bdc-clerk review record --arrangement joint-chief-executive --council bromsgrove --outcome continue --on 2009-01-12"]),
    ("milestone", &["concordat milestone list"]),
    ("milestone add", &["concordat --as jce milestone add phase-2 --title \"Phase 2 business cases\" --due 2009-01-31"]),
    ("milestone amend", &["concordat --as jce milestone amend phase-2 --due 2009-02-28 --reason \"Board agreed a month's delay\""]),
    ("milestone complete", &["concordat --as jce milestone complete phase-2 --on 2009-01-30"]),
    ("milestone list", &["concordat --json milestone list"]),
    ("audit", &["concordat audit verify"]),
    ("audit verify", &[
        "concordat audit verify",
        "concordat audit verify --file export.jsonl --head 5f55fcecb802030438c5a1aaf8002f56ba623a578fdff1cdac2e1c0b495b6441",
    ]),
    ("audit export", &["concordat audit export --out export.jsonl"]),
    ("audit follow", &["concordat audit follow --from 1 > events.jsonl"]),
    ("audit replay", &["concordat --as audit audit replay --as-of 2009-01-22 --basis effective"]),
    ("audit log", &["concordat --as audit audit log --actor rbc-clerk --from 2009-01-01 --to 2009-03-31"]),
    ("audit prove", &[
        "concordat audit prove --event 12 --out proof-12.txt",
        "concordat audit prove --from checkpoint-2008-Q3.txt --now",
    ]),
    ("audit check-proof", &["concordat audit check-proof proof-12.txt --checkpoint checkpoint.txt --key verifier-key.txt"]),
    ("store", &["concordat store copy --from ./bromsgrove-redditch --to postgres://concordat@db.example/concordat"]),
    ("store copy", &["concordat store copy --from ./bromsgrove-redditch --to postgres://concordat@db.example/concordat"]),
    ("store import", &["concordat --store ./restored store import backup-2009-04-01.jsonl --head 6f1c0b3a9e2d4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c"]),
    ("store restore", &["concordat --store ./bromsgrove-redditch store restore --from backup-2009-04-01.jsonl"]),
    ("store accept-loss", &["concordat --store ./bromsgrove-redditch --as admin store accept-loss --after 80 --on 2009-04-02"]),
    ("checkpoint", &["concordat --as ops checkpoint sign --key /etc/concordat/checkpoint.key"]),
    ("checkpoint keygen", &["concordat checkpoint keygen --out /etc/concordat/checkpoint.key --name bromsgrove-redditch"]),
    ("checkpoint sign", &["concordat --as ops checkpoint sign --key /etc/concordat/checkpoint.key --out checkpoint.txt"]),
    ("reminders", &["concordat reminders list --until 2010-03-31"]),
    ("reminders list", &["concordat reminders list --until 2010-03-31"]),
    ("reminders ics", &["concordat reminders ics > concordat.ics"]),
    ("scheduler", &["concordat --as ops scheduler tick"]),
    ("scheduler tick", &["concordat --as ops scheduler tick --outbox /srv/reports"]),
    ("scheduler run", &["concordat --as ops --log-format json scheduler run --poll-secs 30"]),
    ("report", &["concordat report quarterly --quarter 2008/09-Q4 --council redditch"]),
    ("report quarterly", &[
        "concordat report quarterly --quarter 2008/09-Q4 --council redditch",
        "concordat report quarterly --quarter 2008/09-Q3 --known-at seq:40 --format csv",
    ]),
    ("completions", &["source <(concordat completions bash)"]),
    ("user", &["concordat --as admin user add jce --password-file jce.pass"]),
    ("user add", &["concordat --as admin user add jce --password-file jce.pass"]),
    ("user reset", &["concordat --as admin user reset jce --password-file jce.pass"]),
    ("user remove", &["concordat --as admin user remove jce"]),
    ("serve", &[
        "concordat serve",
        "concordat serve --listen 0.0.0.0:8443 --tls-cert cert.pem --tls-key key.pem --public",
    ]),
];

/// `cmd` with each command's examples at the foot of its help.
pub fn attach(cmd: Command) -> Command {
    attach_at(cmd, "")
}

fn attach_at(mut cmd: Command, path: &str) -> Command {
    if let Some((_, lines)) = EXAMPLES.iter().find(|(p, _)| *p == path) {
        let mut text = String::from("Examples:");
        for line in lines.iter() {
            text.push_str("\n  ");
            text.push_str(line);
        }
        cmd = cmd.after_help(text);
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        let sub_path = if path.is_empty() {
            name.clone()
        } else {
            format!("{path} {name}")
        };
        cmd = cmd.mut_subcommand(&name, |sub| attach_at(sub, &sub_path));
    }
    cmd
}

/// The examples of the command at `path`, for tests.
#[cfg(test)]
pub fn of(path: &str) -> Option<&'static [&'static str]> {
    EXAMPLES.iter().find(|(p, _)| *p == path).map(|(_, l)| *l)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::Cli;

    /// Every command's path (words after `concordat`), hidden ones included.
    fn paths(cmd: &Command, prefix: &str, out: &mut Vec<(String, Command)>) {
        out.push((prefix.to_string(), cmd.clone()));
        for sub in cmd.get_subcommands() {
            let path = if prefix.is_empty() {
                sub.get_name().to_string()
            } else {
                format!("{prefix} {}", sub.get_name())
            };
            paths(sub, &path, out);
        }
    }

    fn all() -> Vec<(String, Command)> {
        let mut cmd = Cli::full_command();
        cmd.build();
        let mut out = Vec::new();
        paths(&cmd, "", &mut out);
        // clap's own `help` subcommands document themselves.
        out.retain(|(p, _)| !p.split(' ').any(|w| w == "help"));
        out
    }

    /// The words of the `concordat …` command inside an example line, split as a shell would
    /// for the plain quoting the examples use (a redirection or `<(…)` around it is dropped).
    fn words(line: &str) -> Vec<String> {
        let start = line.find("concordat ").expect("an example runs concordat");
        let mut rest = &line[start..];
        for end in [" > ", ")"] {
            if let Some(i) = rest.find(end) {
                rest = &rest[..i];
            }
        }
        let mut out = Vec::new();
        let (mut word, mut quoted, mut any) = (String::new(), false, false);
        for c in rest.chars() {
            match c {
                '"' => (quoted, any) = (!quoted, true),
                c if c.is_whitespace() && !quoted => {
                    if any {
                        out.push(std::mem::take(&mut word));
                        any = false;
                    }
                }
                c => (word.push(c), any = true).1,
            }
        }
        if any {
            out.push(word);
        }
        out
    }

    #[test]
    fn every_example_parses_against_the_definitions() {
        for (path, lines) in EXAMPLES {
            for line in lines.iter() {
                let w = words(line);
                if let Err(e) = Cli::parse_from_args(&w) {
                    panic!("the example of `{path}` does not parse: {line}\n{e}");
                }
            }
        }
    }

    /// Every visible command has an `about` and every visible argument and flag (the global
    /// ones too) a `help`: the failure names each that has none. A hidden command, or one under
    /// a hidden command, and a hidden argument are exempt.
    #[test]
    fn every_visible_command_and_argument_has_help() {
        let all = all();
        let hidden = |path: &str| {
            let words: Vec<&str> = path.split(' ').filter(|w| !w.is_empty()).collect();
            (1..=words.len()).any(|n| {
                let p = words[..n].join(" ");
                all.iter().any(|(q, c)| *q == p && c.is_hide_set())
            })
        };
        let mut missing = Vec::new();
        for (path, cmd) in &all {
            if hidden(path) {
                continue;
            }
            let shown = if path.is_empty() {
                "concordat".to_string()
            } else {
                format!("concordat {path}")
            };
            if cmd.get_about().is_none() {
                missing.push(format!("`{shown}` has no about"));
            }
            for arg in cmd.get_arguments() {
                if arg.is_hide_set() || arg.get_help().is_some() {
                    continue;
                }
                let name = match (arg.get_long(), arg.get_short()) {
                    (Some(long), _) => format!("--{long}"),
                    (None, Some(short)) => format!("-{short}"),
                    (None, None) => format!("<{}>", arg.get_id()),
                };
                let line = if arg.is_global_set() {
                    format!("the global flag {name} has no help")
                } else {
                    format!("{name} of `{shown}` has no help")
                };
                if !missing.contains(&line) {
                    missing.push(line);
                }
            }
        }
        assert!(
            missing.is_empty(),
            "{} without help:\n{}",
            missing.len(),
            missing.join("\n")
        );
    }

    #[test]
    fn every_visible_command_has_an_example_and_every_example_a_command() {
        let all = all();
        for (path, cmd) in &all {
            if !cmd.is_hide_set() {
                assert!(of(path).is_some(), "`concordat {path}` has no example");
            }
        }
        for (path, _) in EXAMPLES {
            assert!(
                all.iter().any(|(p, _)| p == path),
                "examples for `{path}`, which is not a command"
            );
        }
    }
}
