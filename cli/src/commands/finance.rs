//! `monitor cost` and `monitor position`, and the text of a position (`funding position` too).

use super::common::ChangeArgs;
use super::values::parsed;
use super::GlobalArgs;
use crate::output;
use clap::{Args, ValueEnum};
use engine::Failure;
use std::process::ExitCode;
use workflows::finance::position::{Finance, Measure, Standing};
use workflows::money::pounds;
use workflows::ops::change::Recorded;
use workflows::ops::costs::{self as ops, CostInput};
use workflows::ops::input::{Amount, Line, Text};
use workflows::ops::Session;
use workflows::proposal::costs::CostKind;
use workflows::quarter::Quarter;
use workflows::words;

/// Whether a cost is spent once or every year.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CostKindArg {
    /// Set-up: systems, redundancy, accommodation.
    OneOff,
    /// Running costs, every year.
    Recurring,
}

/// `monitor cost`.
#[derive(Debug, Args)]
pub struct CostCmd {
    /// The proposal's id, e.g. elections.
    id: String,
    /// The financial quarter the cost fell in, e.g. 2009/10-Q1 (it must have ended by --on).
    #[arg(long, value_parser = parsed::<Quarter>)]
    quarter: Quarter,
    /// The cost in pounds: 1500, 1500.50, 1,500.00 or £1,500.
    #[arg(long, allow_hyphen_values = true, value_parser = parsed::<Amount>)]
    amount: Amount,
    /// one-off (set-up) or recurring (running costs).
    #[arg(long, value_enum)]
    kind: CostKindArg,
    /// The finance code it was booked to, e.g. SS-ELEC-01 (one figure stands per quarter, kind and code).
    #[arg(long, value_parser = parsed::<Line>)]
    code: Option<Line>,
    /// The council that paid the invoice (the others owe it their parts).
    #[arg(long, value_name = "COUNCIL")]
    paid_by: Option<String>,
    /// Replace the figure already recorded for the quarter, kind and code. Needs --reason.
    #[arg(long, requires = "reason")]
    correct: bool,
    /// Why: required with --correct.
    #[arg(long, value_parser = parsed::<Text>)]
    reason: Option<Text>,
    #[command(flatten)]
    change: ChangeArgs,
}

/// `monitor position`.
#[derive(Debug, Args)]
pub struct PositionCmd {
    /// The proposal's id, e.g. elections.
    id: String,
    /// As of the end of this financial quarter (default: the last quarter ended).
    #[arg(long, value_parser = parsed::<Quarter>)]
    quarter: Option<Quarter>,
}

/// `report programme`.
#[derive(Debug, Args)]
pub struct ProgrammeArgs {
    /// The financial quarter, e.g. 2009/10-Q2.
    #[arg(long, value_name = "Q", value_parser = parsed::<Quarter>)]
    quarter: Quarter,
    /// What had been recorded by then counts: an RFC 3339 instant, a date (its end) or seq:N
    /// (default: now).
    #[arg(long, value_name = "INSTANT|seq:N")]
    known_at: Option<String>,
    /// md (default) or json (--json implies json).
    #[arg(long, value_enum, default_value_t = ProgrammeFormat::Md)]
    format: ProgrammeFormat,
}

/// `report programme --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProgrammeFormat {
    Md,
    Json,
}

/// Prints the programme's report.
pub async fn programme(g: &GlobalArgs, p: ProgrammeArgs) -> Result<ExitCode, Failure> {
    let mut session = crate::context::session(g, engine::store::OpenMode::Existing).await?;
    let report =
        workflows::ops::report_programme::programme(&mut session, p.quarter, p.known_at.as_deref())
            .await?;
    let text = if g.json || p.format == ProgrammeFormat::Json {
        serde_json::to_string_pretty(&report).expect("a report serialises") + "\n"
    } else {
        let start = session.partnership().await?.latest().year_start();
        workflows::report::programme::markdown(&report, p.quarter.last_day(start))?
    };
    print!("{text}");
    super::finish(session).await
}

/// Records a cost.
pub async fn cost(session: &mut Session, c: CostCmd) -> Result<Recorded, Failure> {
    let input = CostInput {
        quarter: c.quarter,
        amount: c.amount,
        kind: match c.kind {
            CostKindArg::OneOff => CostKind::OneOff,
            CostKindArg::Recurring => CostKind::Recurring,
        },
        code: c.code,
        paid_by: c.paid_by,
        correct: c.correct,
        reason: c.reason,
    };
    ops::cost(session, &c.id, input, &c.change.change()).await
}

/// Prints a proposal's position.
pub async fn position(
    g: &GlobalArgs,
    mut session: Session,
    p: PositionCmd,
) -> Result<ExitCode, Failure> {
    let finance = workflows::ops::finance::proposal(&mut session, &p.id, p.quarter).await?;
    output::emit(g.json, &finance, human_finance)?;
    super::finish(session).await
}

/// A position in text: the total, then each council.
pub fn human_finance(f: &Finance) -> String {
    let what = f.proposal.as_deref().unwrap_or("the programme");
    let mut out = format!(
        "{} as of the end of {} (financial year {})\n",
        output::field(what),
        f.quarter,
        f.financial_year
    );
    out += &standing("In total", &f.total);
    for (council, s) in &f.by_council {
        out += &standing(&output::field(council), s);
    }
    out
}

fn standing(who: &str, s: &Standing) -> String {
    let mut out = format!("\n{who}\n");
    for (period, p) in [
        ("since go-live", &s.since_go_live),
        ("year to date", &s.year_to_date),
    ] {
        out += &format!(
            "  {period}: one-off cost {}; saving {}; recurring cost {}; funding {}; net cost {}; net position {}\n",
            measure(&p.one_off_cost),
            measure(&p.saving),
            pounds(p.recurring_cost),
            pounds(p.funding),
            pounds(p.net_cost),
            pounds(p.net_position)
        );
    }
    let date = s.payback.date.map(words::date).map(|d| format!(" ({d})"));
    out += &format!(
        "  payback: {}{}\n",
        s.payback.status.words(),
        date.unwrap_or_default()
    );
    out
}

fn measure(m: &Measure) -> String {
    let pct = m
        .variance_percent
        .as_ref()
        .map(|p| format!(", {p}%"))
        .unwrap_or_default();
    format!(
        "{} against {} expected (variance {}{pct})",
        pounds(m.actual),
        pounds(m.expected),
        pounds(m.variance)
    )
}
