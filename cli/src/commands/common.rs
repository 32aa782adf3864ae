//! What the proposal command groups share: `--on`/`--expect-version`, the fixed value sets (clap
//! value enums, so an unknown value is a usage error), and the plain-text report of a recorded change.
//! A stage is not among them: it parses against the registered workflow definitions (`Stage`'s
//! `FromStr`), so a stage a later version adds needs no change here.

use clap::{Args, ValueEnum};
use jiff::civil::Date;
use serde_json::Value;
use workflows::definition::Category;
use workflows::ops::change::{Change, Recorded};
use workflows::proposal::events::{Decision, ReviewKind, ReviewOutcome};

/// `--on` and `--expect-version`.
#[derive(Debug, Clone, Args)]
pub struct ChangeArgs {
    /// The date it was taken (YYYY-MM-DD; default: today in the partnership's time zone).
    #[arg(long, value_name = "DATE", value_parser = super::values::date)]
    pub on: Option<Date>,
    /// Refuse (exit 4) unless the proposal is still at this version.
    #[arg(long, value_name = "N", value_parser = version)]
    pub expect_version: Option<u64>,
}

/// A version as `--expect-version` takes it, refused in plain words otherwise.
fn version(text: &str) -> Result<u64, String> {
    text.trim().parse().map_err(|_| {
        "a version is a whole number: the \"version\" that `concordat proposal show ID` prints"
            .to_string()
    })
}

impl ChangeArgs {
    /// The library's form.
    pub fn change(&self) -> Change {
        Change {
            on: self.on,
            expect_version: self.expect_version,
        }
    }
}

/// A proposal's category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CategoryArg {
    QuickWin,
    MediumTerm,
    LongTerm,
}

impl CategoryArg {
    /// The library's category.
    pub fn category(self) -> Category {
        match self {
            CategoryArg::QuickWin => Category::QuickWin,
            CategoryArg::MediumTerm => Category::MediumTerm,
            CategoryArg::LongTerm => Category::LongTerm,
        }
    }
}

/// A council's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DecisionArg {
    Approve,
    Reject,
    Defer,
}

impl DecisionArg {
    /// The library's decision.
    pub fn decision(self) -> Decision {
        match self {
            DecisionArg::Approve => Decision::Approve,
            DecisionArg::Reject => Decision::Reject,
            DecisionArg::Defer => Decision::Defer,
        }
    }
}

/// The kind of a review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReviewKindArg {
    SixMonth,
    TwelveMonth,
    Annual,
}

impl ReviewKindArg {
    /// The library's kind.
    pub fn kind(self) -> ReviewKind {
        match self {
            ReviewKindArg::SixMonth => ReviewKind::SixMonth,
            ReviewKindArg::TwelveMonth => ReviewKind::TwelveMonth,
            ReviewKindArg::Annual => ReviewKind::Annual,
        }
    }
}

/// A review's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutcomeArg {
    Continue,
    Amend,
    Terminate,
}

impl OutcomeArg {
    /// The library's outcome.
    pub fn outcome(self) -> ReviewOutcome {
        match self {
            OutcomeArg::Continue => ReviewOutcome::Continue,
            OutcomeArg::Amend => ReviewOutcome::Amend,
            OutcomeArg::Terminate => ReviewOutcome::Terminate,
        }
    }
}

fn s(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_string()
}

fn list(v: &Value, key: &str) -> String {
    let items: Vec<&str> = v[key]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

fn by_council(v: &Value, key: &str) -> Vec<(String, String)> {
    v[key]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, x)| (k.clone(), x.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default()
}

/// One or two plain lines saying what an event recorded (for a council officer, not a machine).
pub fn describe_event(kind: &str, d: &Value) -> String {
    match kind {
        "proposal-created" => format!(
            "created \"{}\" ({} service), led by {}, with {}; starts at {}",
            s(d, "title"),
            s(d, "service"),
            s(d, "lead"),
            list(d, "councils"),
            s(d, "stage")
        ),
        "stage-changed" => {
            let reason = d["reason"]
                .as_str()
                .map(|r| format!(": {r}"))
                .unwrap_or_default();
            let round = if d["new_round"].as_bool() == Some(true) {
                " (a new round: consultation, Board and decisions start again)"
            } else {
                ""
            };
            format!(
                "{} from {} to {}{round}{reason}",
                match s(d, "action").as_str() {
                    "advance" => "moved".to_string(),
                    "back" => "moved back".to_string(),
                    "hold" => "put on hold".to_string(),
                    "resume" => "resumed".to_string(),
                    other => other.replace('-', " "),
                },
                s(d, "from"),
                s(d, "to")
            )
        }
        "business-case-recorded" => {
            let mut out = format!(
                "business case: one-off cost £{}, annual saving £{}",
                s(d, "one_off_cost"),
                s(d, "annual_saving")
            );
            let shares = by_council(d, "shares");
            let costs = by_council(d, "cost_shares");
            let saving = by_council(d, "annual_saving_by_council");
            let cost = by_council(d, "one_off_cost_by_council");
            for (i, (council, share)) in shares.iter().enumerate() {
                out += &format!(
                    "\n    {council}: {share}% of savings (£{} a year), {}% of the cost (£{})",
                    saving.get(i).map(|x| x.1.as_str()).unwrap_or(""),
                    costs.get(i).map(|x| x.1.as_str()).unwrap_or(""),
                    cost.get(i).map(|x| x.1.as_str()).unwrap_or("")
                );
            }
            out
        }
        "consultation-opened" => format!("consultation opened with {}", list(d, "parties")),
        "consultation-response-recorded" => {
            format!("{} responded: {}", s(d, "party"), s(d, "summary"))
        }
        "consultation-closed" => format!(
            "consultation closed (responded: {}; no response: {})",
            list(d, "responded"),
            list(d, "no_response")
        ),
        "board-vote-recorded" => {
            let tallies: Vec<String> = d["by_council"]
                .as_object()
                .map(|m| {
                    m.iter()
                        .map(|(c, t)| {
                            format!(
                                "{c} {} of {} present in support",
                                t["support"], t["present"]
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            format!(
                "Board meeting of {}: {} ({})",
                s(d, "meeting"),
                s(d, "outcome"),
                tallies.join("; ")
            )
        }
        "council-decision-recorded" => {
            let minute = d["minute"]
                .as_str()
                .map(|m| format!(" (minute: {m})"))
                .unwrap_or_default();
            let moved = d["moves_to"]
                .as_str()
                .map(|m| format!("; the proposal is now {m}"))
                .unwrap_or_default();
            let body = d["decision_body"]
                .as_str()
                .map(|b| format!(" ({})", b.replace('-', " ")))
                .unwrap_or_default();
            let call_in = match (d["urgent"].as_bool(), d["call_in_closes"].as_str()) {
                (Some(true), _) => "; urgent, exempt from call-in".to_string(),
                (_, Some(closes)) => format!("; call-in window until {closes}"),
                _ => String::new(),
            };
            format!(
                "{}{body} decided {}{minute}{moved}{call_in}",
                s(d, "council"),
                s(d, "decision")
            )
        }
        "call-in-requested" => format!(
            "{}'s approval called in (window until {}): {}",
            s(d, "council"),
            s(d, "closes"),
            s(d, "reason")
        ),
        "call-in-resolved" => format!(
            "{}'s call-in resolved: {}",
            s(d, "council"),
            s(d, "outcome").replace('-', " ")
        ),
        "interest-declared" => format!(
            "{} declared an interest and is recused: {}",
            s(d, "actor"),
            s(d, "reason")
        ),
        "kpi-defined" => format!(
            "performance indicator {} defined, target {}{}",
            s(d, "name"),
            s(d, "target"),
            d["unit"]
                .as_str()
                .map(|u| format!(" {u}"))
                .unwrap_or_default()
        ),
        "kpi-value-recorded" => format!(
            "{} for {}: {}",
            s(d, "name"),
            s(d, "quarter"),
            s(d, "value")
        ),
        "saving-recorded" => {
            let parts: Vec<String> = by_council(d, "by_council")
                .into_iter()
                .map(|(c, m)| format!("{c} £{m}"))
                .collect();
            format!(
                "saving for {}: £{} ({})",
                s(d, "quarter"),
                s(d, "amount"),
                parts.join(", ")
            )
        }
        "review-recorded" => format!(
            "{}'s {} review: {}{}",
            s(d, "council"),
            s(d, "kind"),
            s(d, "outcome"),
            d["summary"]
                .as_str()
                .map(|x| format!(" ({x})"))
                .unwrap_or_default()
        ),
        "milestone-added" => format!(
            "milestone {} added: {}, due {}",
            s(d, "id"),
            s(d, "title"),
            s(d, "due")
        ),
        "milestone-amended" => format!(
            "milestone {} moved from {} to {} (originally {}): {}",
            s(d, "id"),
            s(d, "previous_due"),
            s(d, "due"),
            s(d, "original_due"),
            s(d, "reason")
        ),
        "milestone-completed" => {
            format!("milestone {} completed (due {})", s(d, "id"), s(d, "due"))
        }
        other => other.replace('-', " "),
    }
}

/// The plain-text report of a recorded proposal change.
pub fn human_recorded(r: &Recorded) -> String {
    format!(
        "{}: {}\n{} is at {}, version {} (taken {}, recorded {}, seq {})",
        r.id,
        describe_event(&r.event, &r.data),
        r.id,
        r.stage,
        r.version,
        r.effective_on,
        r.recorded_at,
        r.seq
    )
}
