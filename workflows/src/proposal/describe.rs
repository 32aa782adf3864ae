//! One or two plain lines saying what an event recorded, for a council officer rather than a
//! machine: the one description the CLI prints and the web shows.

use super::event::ProposalEvent;
use super::events::*;
use crate::definition::MoveKind;
use crate::money::pounds;
use crate::words::{self, date_text, stage_lower};

/// What the event of `kind` with `data` recorded, in words (data this version cannot read: its
/// type's name).
pub fn describe(kind: &str, data: &serde_json::Value) -> String {
    ProposalEvent::decode(kind, data)
        .map(|e| e.describe())
        .ok()
        .or_else(|| crate::risk::events::describe(kind, data))
        .or_else(|| crate::arrangement::review::describe_data(kind, data))
        .unwrap_or_else(|| kind.replace('-', " "))
}

/// The names of a list, or "none".
fn names(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

impl ProposalEvent {
    /// What the event recorded, in words.
    pub fn describe(&self) -> String {
        use ProposalEvent as E;
        match self {
            E::ProposalCreated(d) => format!(
                "created \"{}\" ({} service), led by {}, with {}; starts at {}",
                d.title,
                d.service,
                d.lead,
                names(&d.councils),
                stage_lower(&d.stage)
            ),
            E::StageChanged(d) => moved(d),
            E::BusinessCaseRecorded(d) => business_case(d),
            E::ConsultationOpened(d) => format!("consultation opened with {}", names(&d.parties)),
            E::ConsultationResponseRecorded(d) => format!("{} responded: {}", d.party, d.summary),
            E::ConsultationClosed(d) => format!(
                "consultation closed (responded: {}; no response: {})",
                names(&d.responded),
                names(&d.no_response)
            ),
            E::BoardVoteRecorded(d) => board_vote(d),
            E::CouncilDecisionRecorded(d) => council_decision(d),
            E::CallInRequested(d) => format!(
                "{}'s approval called in (window until {}): {}",
                d.council,
                stamped(&d.closes),
                d.reason
            ),
            E::CallInResolved(d) => format!(
                "{}'s call-in resolved: {}",
                d.council,
                d.outcome.as_str().replace('-', " ")
            ),
            E::InterestDeclared(d) => format!(
                "{} declared an interest and is recused: {}{}",
                d.actor,
                d.reason,
                crate::monitoring_officer::describe(&d.told)
            ),
            E::KpiDefined(d) => format!(
                "performance indicator {} defined, target {}{}{}{}",
                d.name,
                d.target,
                d.unit.as_ref().map(|u| format!(" {u}")).unwrap_or_default(),
                d.baseline
                    .map(|b| format!(", baseline {b}"))
                    .unwrap_or_default(),
                d.direction
                    .filter(|d| *d == super::rag::Direction::Lower)
                    .map(|d| format!(" ({})", d.words()))
                    .unwrap_or_default()
            ),
            E::KpiValueRecorded(d) => format!("{} for {}: {}", d.name, d.quarter, d.value),
            E::SavingRecorded(d) => saving(d),
            E::CostRecorded(d) => super::costs::describe(d),
            E::ReviewRecorded(d) => format!(
                "{}'s {} review: {}{}",
                d.council,
                d.kind.as_str().replace('-', " "),
                d.outcome.as_str().replace('-', " "),
                d.summary
                    .as_ref()
                    .map(|x| format!(" ({x})"))
                    .unwrap_or_default()
            ),
            E::MilestoneAdded(d) => {
                format!("milestone \"{}\" added, due {}", d.title, date_text(&d.due))
            }
            E::MilestoneAmended(d) => format!(
                "milestone {} moved from {} to {} (first due {}): {}",
                d.id,
                date_text(&d.previous_due),
                date_text(&d.due),
                date_text(&d.original_due),
                d.reason
            ),
            E::MilestoneCompleted(d) => {
                format!("milestone {} completed (due {})", d.id, date_text(&d.due))
            }
            E::InPrincipleApproved(d) => format!(
                "{} approved in principle (minute: {}); not its decision, which comes at council approval",
                d.council, d.minute
            ),
            E::DateCorrected(d) => format!(
                "the date of seq {} ({}) corrected from {} to {}: {}",
                d.seq,
                d.kind.replace('-', " "),
                date_text(&d.from),
                date_text(&d.to),
                d.reason
            ),
            E::Other(kind) => kind.replace('-', " "),
            E::CouncilLeft(d) => format!(
                "{} left the service (minute: {}); from {} its share goes to {}, pro rata",
                d.council,
                d.minute,
                d.from_quarter,
                names(&d.remaining)
            ),
            E::ShareVariationProposed(d) => {
                let shares: Vec<String> =
                    d.shares.iter().map(|(c, p)| format!("{c} {p}%")).collect();
                format!(
                    "new shares of the savings proposed: {}{}; in force once every council consents",
                    shares.join(", "),
                    if d.replaces_pending {
                        " (replacing the variation awaiting consent)"
                    } else {
                        ""
                    }
                )
            }
            E::ShareVariationConsented(d) => format!(
                "{} consented to the new shares proposed at seq {} (minute: {})",
                d.council, d.variation, d.minute
            ),
        }
    }
}

fn moved(d: &StageChanged) -> String {
    let reason = d
        .reason
        .as_ref()
        .map(|r| format!(": {r}"))
        .unwrap_or_default();
    let round = if d.new_round {
        " (a new round: consultation, Board and decisions start again)"
    } else {
        ""
    };
    let (from, to) = (stage_lower(&d.from), stage_lower(&d.to));
    let what = match d.action {
        MoveKind::Advance => format!("moved from {from} to {to}"),
        MoveKind::Back => format!("moved back from {from} to {to}"),
        MoveKind::Resume => format!("resumed at {to}"),
        MoveKind::Hold => format!("put on hold at {from}"),
        MoveKind::Withdraw => format!("withdrawn at {from}"),
        MoveKind::NotPursue => format!("not to be pursued, at {from}"),
        MoveKind::Close => format!("closed, from {from}"),
        MoveKind::Reject => format!("rejected at {from}"),
    };
    format!("{what}{round}{reason}")
}

/// A saving or a shortfall in words, with each council's part (a correction says what it replaced).
fn saving(d: &SavingRecorded) -> String {
    let parts: Vec<String> = d
        .by_council
        .iter()
        .map(|(c, m)| format!("{c} {}", pounds(*m)))
        .collect();
    let what = if d.amount.pence < 0 {
        "shortfall"
    } else {
        "saving"
    };
    let mut out = format!(
        "{what} for {}: {} ({})",
        d.quarter,
        pounds(d.amount),
        parts.join(", ")
    );
    if let Some(was) = d.corrects {
        out += &format!("; corrects {}", pounds(was));
    }
    if let Some(reason) = &d.reason {
        out += &format!(": {reason}");
    }
    out
}

fn business_case(d: &BusinessCaseRecorded) -> String {
    let mut out = format!(
        "business case: one-off cost {}, annual saving {}",
        pounds(d.one_off_cost),
        pounds(d.annual_saving)
    );
    let text = |x: Option<String>| x.unwrap_or_default();
    for (council, share) in &d.shares {
        out += &format!(
            "\n    {council}: {share}% of savings ({} a year), {}% of the cost ({})",
            text(d.annual_saving_by_council.get(council).map(|m| pounds(*m))),
            text(d.cost_shares.get(council).map(|p| p.to_string())),
            text(d.one_off_cost_by_council.get(council).map(|m| pounds(*m)))
        );
    }
    out
}

fn board_vote(d: &BoardVoteRecorded) -> String {
    let tallies: Vec<String> = d
        .by_council
        .iter()
        .map(|(c, t)| format!("{c} {} of {} present in support", t.support, t.present))
        .collect();
    format!(
        "Board meeting of {}: {} ({})",
        date_text(&d.meeting),
        d.outcome.as_str().replace('-', " "),
        tallies.join("; ")
    )
}

fn council_decision(d: &CouncilDecisionRecorded) -> String {
    let minute = d
        .minute
        .as_ref()
        .map(|m| format!(" (minute: {m})"))
        .unwrap_or_default();
    let moved = d
        .moves_to
        .as_ref()
        .map(|m| format!("; the proposal is now {}", stage_lower(m)))
        .unwrap_or_default();
    let body = d
        .decision_body
        .map(|b| format!(" ({})", b.as_str().replace('-', " ")))
        .unwrap_or_default();
    let call_in = match (d.urgent, &d.call_in_closes) {
        (Some(true), _) => "; urgent, exempt from call-in".to_string(),
        (_, Some(closes)) => format!("; call-in window until {}", stamped(closes)),
        _ => String::new(),
    };
    let decided = match d.decision {
        Decision::Approve => "approved it",
        Decision::Reject => "rejected it",
        Decision::Defer => "deferred its decision",
    };
    format!("{}{body} {decided}{minute}{moved}{call_in}", d.council)
}

/// A date or an instant as stored, in words at the wall-clock time it was stamped with.
fn stamped(text: &str) -> String {
    match text.parse::<jiff::civil::DateTime>() {
        Ok(dt) if text.contains('T') => {
            format!("{}, {}", words::date(dt.date()), words::time(dt.time()))
        }
        _ => date_text(text),
    }
}
