//! `partnership end --on DATE --minute REF`: the partnership's recorded end. After its date no
//! reminder falls due but the final quarterly report (the quarter containing the end), so the
//! scheduler, `reminders list` and `reminders ics` fall silent after it.

use super::change;
use super::input::Line;
use super::session::{Session, PARTNERSHIP_STREAM};
use crate::partnership::{PartnershipEnd, PARTNERSHIP_ENDED};
use crate::permissions::Act;
use crate::quarter::Quarter;
use crate::remedy::Remedy;
use engine::{Expectation, Failure, NewEvent};
use jiff::civil::Date;
use serde::Serialize;

/// What `partnership end` reports.
#[derive(Debug, Clone, Serialize)]
pub struct Ended {
    pub partnership: String,
    pub effective_on: String,
    pub minute: String,
    /// The last quarter a report is issued for.
    pub final_quarter: Quarter,
    pub seq: u64,
}

/// Records the partnership's end on `on` (default today); an admin's act, once.
pub async fn end(session: &mut Session, on: Option<Date>, minute: Line) -> Result<Ended, Failure> {
    let date = session.change_date(on).await?;
    let actor = change::permitted(session, date, &Act::AmendPartnership).await?;
    let history = session.partnership().await?;
    if let Some(ended) = history.ended() {
        return Err(Failure::refused(format!(
            "the partnership already ended on {} (minute: {}, seq {})",
            ended.on, ended.minute, ended.seq
        ))
        .with_remedy(Remedy::ShowPartnership));
    }
    let p = history.on(date).clone();
    let data = PartnershipEnd {
        minute: minute.0,
        final_quarter: Quarter::containing(date, p.year_start()),
    };
    let version = session.store.stream_version(PARTNERSHIP_STREAM).await?;
    let event = NewEvent {
        stream: PARTNERSHIP_STREAM.to_string(),
        kind: PARTNERSHIP_ENDED.to_string(),
        actor: actor.id.clone(),
        effective_on: date.to_string(),
        data: serde_json::to_value(&data).expect("an end serialises"),
    };
    let expectation = Expectation {
        stream: PARTNERSHIP_STREAM.to_string(),
        version,
    };
    let written = session.append(vec![event], vec![expectation]).await?;
    session.forget_partnership();
    Ok(Ended {
        partnership: p.name,
        effective_on: date.to_string(),
        minute: data.minute,
        final_quarter: data.final_quarter,
        seq: written[0].seq,
    })
}
