//! `funding record` and `funding list`: money from outside the councils, in the stream `funding`.

use super::change::{load_state, permitted};
use super::input::{Amount, Line};
use super::session::Session;
use crate::finance::funding::{self, Funding, FundingTerms, FUNDING_RECORDED, FUNDING_STREAM};
use crate::finance::scope;
use crate::money::Percent;
use crate::permissions::Act;
use crate::proposal::Cut;
use engine::{Expectation, Failure, NewEvent};
use jiff::civil::Date;
use serde::Serialize;

/// What `funding record` gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FundingInput {
    pub source: Line,
    pub amount: Amount,
    /// The proposal funded (None: the programme).
    pub proposal: Option<String>,
    pub shares: Vec<(String, Percent)>,
    pub on: Option<Date>,
}

/// What `funding record` reports.
#[derive(Debug, Clone, Serialize)]
pub struct FundingRecordedOut {
    pub seq: u64,
    pub effective_on: String,
    pub recorded_at: String,
    #[serde(flatten)]
    pub funding: funding::FundingRecorded,
}

impl FundingRecordedOut {
    /// What was recorded, in words.
    pub fn describe(&self) -> String {
        funding::describe(&self.funding)
    }
}

/// `funding record --source NAME --amount GBP [--proposal ID] [--share C=P]... [--on DATE]`.
pub async fn record(
    session: &mut Session,
    input: FundingInput,
) -> Result<FundingRecordedOut, Failure> {
    if input.amount.0.pence == 0 {
        return Err(Failure::usage("funding of £0.00 records nothing")
            .with_detail("give the amount received, e.g. 40000"));
    }
    let date = session.change_date(input.on).await?;
    let actor = permitted(session, date, &Act::RecordFinance(None)).await?;
    let state = match &input.proposal {
        Some(id) => Some(load_state(session, id).await?),
        None => None,
    };
    let partnership = session.partnership().await?.on(date).clone();
    let terms = FundingTerms {
        source: &input.source.0,
        amount: input.amount.0,
        date,
        proposal: state.as_ref(),
        shares: &input.shares,
    };
    let (councils, _) = funding::recipients(&terms, &partnership);
    scope::check(&actor, &councils, None)?;
    let data = funding::decide(&terms, &partnership)?;
    let version = session.store.stream_version(FUNDING_STREAM).await?;
    let event = NewEvent {
        stream: FUNDING_STREAM.into(),
        kind: FUNDING_RECORDED.into(),
        actor: actor.id.clone(),
        effective_on: date.to_string(),
        data: serde_json::to_value(&data).expect("funding serialises"),
    };
    let expectation = Expectation {
        stream: FUNDING_STREAM.into(),
        version,
    };
    let written = session.append(vec![event], vec![expectation]).await?;
    let event = written
        .into_iter()
        .next()
        .ok_or_else(|| Failure::internal("the store returned no event"))?;
    tracing::info!(source = %data.source, seq = event.seq, "funding recorded");
    Ok(FundingRecordedOut {
        seq: event.seq,
        effective_on: event.effective_on,
        recorded_at: event.recorded_at,
        funding: data,
    })
}

/// Every funding event the cut admits, oldest first.
pub async fn under(session: &mut Session, cut: &Cut) -> Result<Vec<Funding>, Failure> {
    let events = session.store.read_stream(FUNDING_STREAM).await?;
    funding::fold(&events, cut)
}

/// `funding list`: every funding recorded.
pub async fn list(session: &mut Session) -> Result<Vec<Funding>, Failure> {
    session.check_reader().await?;
    under(session, &Cut::LIVE).await
}
