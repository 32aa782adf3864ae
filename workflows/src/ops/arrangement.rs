//! `review record --arrangement ID --council C --outcome O`: a council's review of an arrangement
//! of the partnership (stream `arrangement-<id>`), answering the review of its schedule chosen by
//! [`Schedule::answers`](crate::arrangement::schedule::Schedule::answers).

use super::change::{self, Change};
use super::input::{Name, Text};
use super::session::Session;
use crate::arrangement::review::{self, ArrangementReviewRecorded, ARRANGEMENT_REVIEW_RECORDED};
use crate::arrangement::{stream_of, Arrangement};
use crate::partnership::Partnership;
use crate::permissions::Act;
use crate::proposal::events::ReviewOutcome;
use crate::proposal::Cut;
use crate::remedy::Remedy;
use engine::{Expectation, Failure, NewEvent};
use jiff::civil::Date;
use serde::Serialize;
use std::collections::BTreeSet;

/// What `review record --arrangement` reports.
#[derive(Debug, Clone, Serialize)]
pub struct ArrangementRecorded {
    /// The arrangement's id.
    pub id: String,
    pub council: String,
    pub stream: String,
    pub version: u64,
    pub event: String,
    pub seq: u64,
    pub effective_on: String,
    pub recorded_at: String,
    pub data: serde_json::Value,
}

impl ArrangementRecorded {
    /// What the recorded event says, in words.
    pub fn describe(&self) -> String {
        crate::proposal::describe::describe(&self.event, &self.data)
    }
}

/// `review record --arrangement ID --council C --outcome O [--summary TEXT]`.
pub async fn record_review(
    session: &mut Session,
    arrangement: &str,
    council: Name,
    outcome: ReviewOutcome,
    summary: Option<Text>,
    c: &Change,
) -> Result<ArrangementRecorded, Failure> {
    let council = council.0;
    let date = session.change_date(c.on).await?;
    let actor = change::permitted(session, date, &Act::RecordReview(council.clone())).await?;
    let stream = stream_of(arrangement);
    let events = session.store.read_stream(&stream).await?;
    let version = events.len() as u64;
    if let Some(expected) = c.expect_version.filter(|v| *v != version) {
        return Err(Failure::conflict(format!(
            "arrangement {arrangement} is at version {version}, not {expected}: it has changed since you read it"
        ))
        .with_remedy(Remedy::ExpectVersion { version }));
    }
    let p = session.partnership().await?.latest().clone();
    let a = reviewed_by(&p, arrangement, &council, date)?;
    let answered: BTreeSet<u32> = review::fold(&events, &Cut::LIVE)?
        .into_iter()
        .filter(|r| r.council == council)
        .map(|r| r.months)
        .collect();
    let Some(occurrence) = a.schedule().answers(date, &answered) else {
        return Err(Failure::refused(format!(
            "{council} has recorded every review of arrangement {arrangement}'s schedule (months {:?}, no repeat)",
            a.reviews
        ))
        .with_detail("to review it again, give it a repeat (then = MONTHS) by amending the partnership file")
        .with_remedy(Remedy::ShowPartnership));
    };
    let data = ArrangementReviewRecorded {
        arrangement: a.id.clone(),
        council: council.clone(),
        months: occurrence.months,
        due: occurrence.date,
        outcome,
        summary: summary.map(|s| s.0),
    };
    let event = NewEvent {
        stream: stream.clone(),
        kind: ARRANGEMENT_REVIEW_RECORDED.to_string(),
        actor: actor.id.clone(),
        effective_on: date.to_string(),
        data: serde_json::to_value(&data).expect("review data serialises"),
    };
    let expectation = Expectation {
        stream: stream.clone(),
        version,
    };
    let written = session.append(vec![event], vec![expectation]).await?;
    let e = &written[0];
    Ok(ArrangementRecorded {
        id: a.id.clone(),
        council,
        stream,
        version: e.version,
        event: e.kind.clone(),
        seq: e.seq,
        effective_on: e.effective_on.clone(),
        recorded_at: e.recorded_at.clone(),
        data: e.data.clone(),
    })
}

/// The arrangement, refusing (3) an unknown one, a council outside the partnership or not among
/// its reviewers, and a review dated before it started.
fn reviewed_by<'a>(
    p: &'a Partnership,
    id: &str,
    council: &str,
    date: Date,
) -> Result<&'a Arrangement, Failure> {
    let Some(a) = p.arrangements.iter().find(|a| a.id == id) else {
        let known: Vec<&str> = p.arrangements.iter().map(|a| a.id.as_str()).collect();
        return Err(Failure::refused(format!(
            "there is no arrangement {id:?} in the partnership file"
        ))
        .with_detail(if known.is_empty() {
            "the partnership names no arrangements: add an [[arrangement]] table by amending the partnership file".to_string()
        } else {
            format!("its arrangements are: {}", known.join(", "))
        })
        .with_remedy(Remedy::ShowPartnership));
    };
    if p.council(council).is_none() {
        return Err(Failure::refused(format!(
            "there is no council {council:?} in the partnership"
        ))
        .with_detail(format!("its councils are: {}", p.council_ids().join(", "))));
    }
    let reviewers = a.reviewers(p);
    if !reviewers.iter().any(|c| c == council) {
        return Err(
            Failure::refused(format!("{council} does not review arrangement {id}"))
                .with_detail(format!("it is reviewed by: {}", reviewers.join(", "))),
        );
    }
    if date < a.started_on() {
        return Err(Failure::refused(format!(
            "the review is dated {date}, before arrangement {id} started ({})",
            a.started
        ))
        .with_remedy(Remedy::DateFrom {
            date: a.started_on(),
        }));
    }
    Ok(a)
}
