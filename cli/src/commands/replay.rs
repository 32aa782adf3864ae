//! `concordat audit replay --as-of INSTANT_OR_DATE [--basis effective|recorded]`.

use super::GlobalArgs;
use crate::context;
use crate::output::terminal_text;
use clap::{Args, ValueEnum};
use engine::store::OpenMode;
use engine::Failure;
use serde::Serialize;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use workflows::ops::replay::{Basis, ReplayHeader, ReplayRun, ReplayedProposal};

/// Which of an event's two times to cut by.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum BasisArg {
    /// What was true then: decisions by the date they were taken.
    Effective,
    /// What the system said then: events by the instant they were recorded.
    Recorded,
}

/// Arguments of `audit replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// An RFC 3339 instant, or a date (the end of that day in the partnership's time zone).
    #[arg(long = "as-of", value_name = "INSTANT_OR_DATE")]
    pub as_of: String,
    /// Cut by effective date (default) or by recorded instant.
    #[arg(long, value_enum, default_value = "effective")]
    pub basis: BasisArg,
}

/// Replays the log and prints each proposal as it stood, each as soon as it is replayed (memory
/// holds one proposal, never the document).
pub async fn exec(g: &GlobalArgs, args: ReplayArgs) -> Result<ExitCode, Failure> {
    let basis = match args.basis {
        BasisArg::Effective => Basis::Effective,
        BasisArg::Recorded => Basis::Recorded,
    };
    let mut session = context::session(g, OpenMode::Existing).await?;
    let folding = crate::progress::Spinner::start("replaying the log");
    let mut run = ReplayRun::start(&mut session, &args.as_of, basis).await?;
    // On a terminal the proposals appearing are the progress; elsewhere the spinner stays.
    let folding = (!std::io::stdout().is_terminal()).then_some(folding);
    let mut out = Out::new();
    let mut doc = Document::new(g.json);
    out.write(&doc.head(&run.header)?);
    while let Some(p) = run.next(&mut session).await? {
        out.write(&doc.item(&p)?);
        if out.closed {
            break;
        }
    }
    out.write(&doc.tail());
    out.flush();
    drop(folding);
    super::finish(session).await
}

/// Standard output, buffered; a closed pipe (`| head`) ends the writing, not the command.
struct Out {
    stdout: std::io::BufWriter<std::io::Stdout>,
    closed: bool,
}

impl Out {
    fn new() -> Out {
        Out {
            stdout: std::io::BufWriter::new(std::io::stdout()),
            closed: false,
        }
    }

    fn write(&mut self, text: &str) {
        if !self.closed && self.stdout.write_all(text.as_bytes()).is_err() {
            self.closed = true;
        }
    }

    fn flush(&mut self) {
        if !self.closed && self.stdout.flush().is_err() {
            self.closed = true;
        }
    }
}

/// The replay printed a piece at a time, in JSON (byte for byte what `serde_json`'s pretty printer
/// writes of the whole [`workflows::ops::replay::Replay`]) or as text.
struct Document {
    json: bool,
    items: usize,
}

impl Document {
    fn new(json: bool) -> Document {
        Document { json, items: 0 }
    }

    /// Everything before the first proposal.
    fn head(&self, h: &ReplayHeader) -> Result<String, Failure> {
        if self.json {
            return Ok(format!(
                "{{\n  \"as_of\": {},\n  \"basis\": {},\n  \"proposals\": [",
                to_json(&h.as_of)?,
                to_json(h.basis)?
            ));
        }
        let what = match h.basis {
            "recorded" => "what the log said",
            _ => "what was true, by the dates decisions were taken,",
        };
        Ok(terminal_text(&format!(
            "Replay of {what} as of {} ({} basis)\n",
            h.as_of, h.basis
        )))
    }

    /// One proposal, after those before it.
    fn item<T: Serialize + AsText>(&mut self, p: &T) -> Result<String, Failure> {
        self.items += 1;
        if !self.json {
            return Ok(terminal_text(&p.as_text()));
        }
        let pretty =
            serde_json::to_string_pretty(p).map_err(|e| Failure::internal(e.to_string()))?;
        // Nested two levels down: every line of the item indented four more spaces (a JSON
        // string never holds a raw newline, so every newline is a line break).
        let separator = if self.items == 1 { "" } else { "," };
        Ok(format!(
            "{separator}\n    {}",
            pretty.replace('\n', "\n    ")
        ))
    }

    /// Everything after the last proposal.
    fn tail(&self) -> String {
        match (self.json, self.items) {
            (true, 0) => "]\n}\n".to_string(),
            (true, _) => "\n  ]\n}\n".to_string(),
            (false, 0) => "\nNo proposal existed then.\n".to_string(),
            (false, _) => String::new(),
        }
    }
}

fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, Failure> {
    serde_json::to_string(value).map_err(|e| Failure::internal(e.to_string()))
}

/// A replayed item's lines in the text form.
trait AsText {
    fn as_text(&self) -> String;
}

impl AsText for ReplayedProposal {
    fn as_text(&self) -> String {
        let v = &self.view;
        let mut out = format!("\n{} — {}\n", v.id, v.title);
        let approvals: Vec<String> = v
            .approvals
            .iter()
            .map(|(c, d)| format!("{c} {d}"))
            .collect();
        out += &format!(
            "  stage {}, version {}; board {}; councils: {}; savings recorded {}\n",
            workflows::words::stage(&v.stage),
            v.version,
            v.board.outcome.map(|o| o.as_str()).unwrap_or("no vote yet"),
            approvals.join(", "),
            workflows::money::pounds(v.savings.total)
        );
        out += "  taken       recorded                    by          what\n";
        for e in &self.timeline {
            out += &format!(
                "  {:<11} {:<27} {:<11} {} {}\n",
                e.effective_on, e.recorded_at, e.actor, e.kind, e.summary
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::Event;

    impl AsText for Event {
        fn as_text(&self) -> String {
            format!("{} {}\n", self.seq, self.kind)
        }
    }

    /// A document of the replay's shape whose items nest objects and arrays.
    #[derive(Serialize)]
    struct Whole<'a> {
        as_of: &'a str,
        basis: &'a str,
        proposals: &'a [Event],
    }

    fn pieces(json: bool, header: &ReplayHeader, items: &[Event]) -> String {
        let mut doc = Document::new(json);
        let mut out = doc.head(header).unwrap();
        for item in items {
            out += &doc.item(item).unwrap();
        }
        out + &doc.tail()
    }

    #[test]
    fn the_json_written_in_pieces_is_the_pretty_printed_whole_byte_for_byte() {
        let events: Vec<Event> = include_str!("../../../tests/fixtures/demo-2008/export.jsonl")
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let header = ReplayHeader {
            as_of: "2009-01-22T23:59:59.999999999+00:00 \"quoted\"".to_string(),
            basis: "recorded",
        };
        for n in [0, 1, 2, events.len()] {
            let whole = Whole {
                as_of: &header.as_of,
                basis: header.basis,
                proposals: &events[..n],
            };
            let expected = serde_json::to_string_pretty(&whole).unwrap() + "\n";
            assert_eq!(pieces(true, &header, &events[..n]), expected, "{n} items");
        }
    }

    #[test]
    fn the_text_says_when_no_proposal_existed() {
        let header = ReplayHeader {
            as_of: "2008-08-31T23:59:59+01:00".to_string(),
            basis: "effective",
        };
        let text = pieces(false, &header, &[]);
        assert!(text.starts_with("Replay of what was true"), "{text}");
        assert!(text.ends_with("\nNo proposal existed then.\n"), "{text}");
    }
}
