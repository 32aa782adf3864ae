//! `monitor kpi|record|saving`: performance indicators and savings of a live shared service.

use super::change::{change, Change, Recorded};
use super::input::{Line, Number, SignedAmount, Text};
use super::session::Session;
use crate::proposal::rag::Direction;
use crate::proposal::ProposalCommand;
use crate::quarter::Quarter;
use engine::Failure;

/// An indicator's definition as `monitor kpi` takes it.
#[derive(Debug, Clone)]
pub struct KpiInput {
    pub name: Line,
    pub target: Number,
    pub unit: Option<Line>,
    pub baseline: Option<Number>,
    /// None: higher is better.
    pub direction: Option<Direction>,
}

/// `monitor kpi ID --name NAME --target NUMBER [--unit UNIT] [--baseline NUMBER] [--direction D]`.
pub async fn define_kpi(
    session: &mut Session,
    id: &str,
    input: KpiInput,
    c: &Change,
) -> Result<Recorded, Failure> {
    let command = ProposalCommand::DefineKpi {
        name: input.name.0,
        target: input.target.0,
        unit: input.unit.map(|u| u.0),
        baseline: input.baseline.map(|b| b.0),
        direction: input.direction,
    };
    change(session, id, command, c).await
}

/// `monitor record ID --name NAME --quarter Q --value NUMBER`.
pub async fn record(
    session: &mut Session,
    id: &str,
    name: Line,
    quarter: Quarter,
    value: Number,
    c: &Change,
) -> Result<Recorded, Failure> {
    let command = ProposalCommand::RecordKpi {
        name: name.0,
        quarter,
        value: value.0,
    };
    change(session, id, command, c).await
}

/// `monitor saving ID --quarter Q --amount GBP`: the quarter's first figure, split by the business
/// case's shares (a shortfall needs a reason: see [`saving_with`]).
pub async fn saving(
    session: &mut Session,
    id: &str,
    quarter: Quarter,
    amount: SignedAmount,
    c: &Change,
) -> Result<Recorded, Failure> {
    saving_with(session, id, quarter, amount, SavingNote::default(), c).await
}

/// Whether a saving corrects the quarter's figure, and why (a correction or a shortfall).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SavingNote {
    pub correct: bool,
    pub reason: Option<Text>,
}

/// `monitor saving … [--correct] [--reason TEXT]`: a correction replaces the quarter's figure (the
/// history keeps both); a negative amount is a shortfall. Both need a reason.
pub async fn saving_with(
    session: &mut Session,
    id: &str,
    quarter: Quarter,
    amount: SignedAmount,
    note: SavingNote,
    c: &Change,
) -> Result<Recorded, Failure> {
    let amount = amount.0;
    if note.reason.is_none() && (note.correct || amount.pence < 0) {
        let (what, example) = if note.correct {
            ("a correction", "an invoice counted twice")
        } else {
            (
                "a shortfall (a negative amount)",
                "agency staff for the elections",
            )
        };
        return Err(
            Failure::usage(format!("{what} needs a reason: none was given")).with_detail_remedy(
                format!("say why, e.g. {example}"),
                crate::remedy::Remedy::GiveReason,
            ),
        );
    }
    let command = ProposalCommand::RecordSaving {
        quarter,
        amount,
        correct: note.correct,
        reason: note.reason.map(|r| r.0),
    };
    change(session, id, command, c).await
}
