//! `concordat audit replay --as-of INSTANT_OR_DATE [--basis effective|recorded]`.

use super::GlobalArgs;
use crate::{context, output};
use clap::{Args, ValueEnum};
use engine::store::OpenMode;
use engine::Failure;
use std::process::ExitCode;
use workflows::ops::replay::{Basis, Replay};

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

/// Replays the log and prints each proposal as it stood.
pub async fn exec(g: &GlobalArgs, args: ReplayArgs) -> Result<ExitCode, Failure> {
    let basis = match args.basis {
        BasisArg::Effective => Basis::Effective,
        BasisArg::Recorded => Basis::Recorded,
    };
    let mut session = context::session(g, OpenMode::Existing).await?;
    let folding = crate::progress::Spinner::start("replaying the log");
    let replay = workflows::ops::replay::replay(&mut session, &args.as_of, basis).await?;
    drop(folding);
    output::emit(g.json, &replay, human)?;
    super::finish(session).await
}

fn human(r: &Replay) -> String {
    let what = match r.basis {
        "recorded" => "what the log said",
        _ => "what was true, by the dates decisions were taken,",
    };
    let mut out = format!("Replay of {what} as of {} ({} basis)\n", r.as_of, r.basis);
    if r.proposals.is_empty() {
        out += "\nNo proposal existed then.\n";
    }
    for p in &r.proposals {
        let v = &p.view;
        out += &format!("\n{} — {}\n", v.id, v.title);
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
        for e in &p.timeline {
            out += &format!(
                "  {:<11} {:<27} {:<11} {} {}\n",
                e.effective_on, e.recorded_at, e.actor, e.kind, e.summary
            );
        }
    }
    out
}
