//! `monitor kpi|record|saving`: performance indicators and savings of a live shared service.

use super::change::{change, Change, Recorded};
use super::input::{Amount, Line, Number};
use super::session::Session;
use crate::proposal::ProposalCommand;
use crate::quarter::Quarter;
use engine::Failure;

/// `monitor kpi ID --name NAME --target NUMBER [--unit UNIT]`.
pub async fn kpi(
    session: &mut Session,
    id: &str,
    name: Line,
    target: Number,
    unit: Option<Line>,
    c: &Change,
) -> Result<Recorded, Failure> {
    let command = ProposalCommand::DefineKpi {
        name: name.0,
        target: target.0,
        unit: unit.map(|u| u.0),
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

/// `monitor saving ID --quarter Q --amount GBP`: the quarter's saving, split by the business case's shares.
pub async fn saving(
    session: &mut Session,
    id: &str,
    quarter: Quarter,
    amount: Amount,
    c: &Change,
) -> Result<Recorded, Failure> {
    let command = ProposalCommand::RecordSaving {
        quarter,
        amount: amount.0,
    };
    change(session, id, command, c).await
}
