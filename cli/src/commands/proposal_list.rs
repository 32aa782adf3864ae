//! `proposal list` printed as its lines are made: JSON the same bytes as one pretty array, text one
//! line per proposal, so the command holds no line once it is printed.

use super::proposal_text::human_line;
use crate::output;
use engine::Failure;
use std::io::{BufWriter, Stdout, Write};
use workflows::definition::Stage;
use workflows::ops::proposal as ops;
use workflows::ops::Session;
use workflows::proposal::view::ListItem;

/// Lists the proposals at `stage` or involving `council`, printing each line as it comes.
pub async fn print(
    session: &mut Session,
    json: bool,
    stage: Option<Stage>,
    council: Option<&str>,
) -> Result<(), Failure> {
    let mut folding = Some(crate::progress::Spinner::start("folding the log"));
    let mut out = Lines::new(json);
    ops::list_each(session, stage, council, |item| {
        folding.take();
        out.line(&item);
    })
    .await?;
    drop(folding);
    out.end();
    Ok(())
}

/// Lines are written in chunks of this many bytes (one `write` per line costs more than the line).
const CHUNK: usize = 64 * 1024;

/// What has been printed so far: how many lines, and whether the pipe is still open.
struct Lines {
    json: bool,
    count: usize,
    open: bool,
    out: BufWriter<Stdout>,
}

impl Lines {
    fn new(json: bool) -> Lines {
        Lines {
            json,
            count: 0,
            open: true,
            out: BufWriter::with_capacity(CHUNK, std::io::stdout()),
        }
    }

    fn line(&mut self, item: &ListItem) {
        let text = if self.json {
            let pretty = serde_json::to_string_pretty(item).expect("a list line serialises");
            // As `to_string_pretty` prints an array: each element's lines indented two spaces.
            let indented: Vec<String> = pretty.lines().map(|l| format!("  {l}")).collect();
            let sep = if self.count == 0 { "[\n" } else { ",\n" };
            format!("{sep}{}", indented.join("\n"))
        } else {
            output::terminal_text(&human_line(item))
        };
        self.count += 1;
        self.write(&text);
    }

    fn end(mut self) {
        let text = match (self.json, self.count) {
            (true, 0) => "[]\n",
            (true, _) => "\n]\n",
            (false, 0) => "no proposals match\n",
            (false, _) => "",
        };
        self.write(text);
        if self.open {
            let _ = self.out.flush();
        }
    }

    fn write(&mut self, text: &str) {
        // A closed pipe (`| head`) is not a failure of the command: stop writing.
        if self.open {
            self.open = self.out.write_all(text.as_bytes()).is_ok();
        }
    }
}
