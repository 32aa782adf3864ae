//! `monitor kpi|record|saving`: performance indicators and savings of a live shared service.

use super::change::{change, Change, Recorded};
use super::input;
use super::session::Session;
use crate::money::Money;
use crate::proposal::ProposalCommand;
use crate::quarter::Quarter;
use engine::Failure;

/// `monitor kpi ID --name NAME --target NUMBER [--unit UNIT]`.
pub async fn kpi(
    session: &mut Session,
    id: &str,
    name: &str,
    target: &str,
    unit: Option<&str>,
    c: &Change,
) -> Result<Recorded, Failure> {
    let command = ProposalCommand::DefineKpi {
        name: input::text("--name", name)?,
        target: input::number("--target", target)?,
        unit: unit.map(|u| input::text("--unit", u)).transpose()?,
    };
    change(session, id, command, c).await
}

/// `monitor record ID --name NAME --quarter Q --value NUMBER`.
pub async fn record(
    session: &mut Session,
    id: &str,
    name: &str,
    quarter: &str,
    value: &str,
    c: &Change,
) -> Result<Recorded, Failure> {
    let command = ProposalCommand::RecordKpi {
        name: input::text("--name", name)?,
        quarter: Quarter::parse(quarter)?,
        value: input::number("--value", value)?,
    };
    change(session, id, command, c).await
}

/// `monitor saving ID --quarter Q --amount GBP`: the quarter's saving, split by the business case's shares.
pub async fn saving(
    session: &mut Session,
    id: &str,
    quarter: &str,
    amount: &str,
    c: &Change,
) -> Result<Recorded, Failure> {
    let command = ProposalCommand::RecordSaving {
        quarter: Quarter::parse(quarter)?,
        amount: Money::parse_non_negative(amount, "a saving")?,
    };
    change(session, id, command, c).await
}
