//! `report programme --quarter Q`: the programme's money across every council as the quarter
//! stood at its end, from what was recorded by `--known-at` (cut exactly as `report quarterly`
//! cuts each council's report): costs, funding, budget against actual, net position and payback,
//! for the programme and each proposal, in total and by council.

use super::funding::under;
use super::report::quarterly;
use super::session::Session;
use crate::finance::position;
use crate::proposal::{project, Cut, ProposalState, PROPOSAL_STREAM_PREFIX};
use crate::quarter::Quarter;
use crate::report::finance::ProgrammeFinance;
use engine::Failure;

/// The programme's finances for `quarter`, as known at `known_at` (default: now).
pub async fn programme(
    session: &mut Session,
    quarter: Quarter,
    known_at: Option<&str>,
) -> Result<ProgrammeFinance, Failure> {
    // The quarterly reports resolve --known-at to the log position every report states.
    let reports = quarterly(session, quarter, None, known_at).await?;
    let known_at = reports.first().map(|r| r.known_at.clone()).ok_or_else(|| {
        Failure::refused(format!(
            "the partnership had no council at the end of {quarter}"
        ))
    })?;
    let seq = known_at
        .strip_prefix("seq:")
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| Failure::internal(format!("a report states {known_at}, not seq:N")))?;
    let history = session.partnership().await?.clone();
    let at_end = history
        .on(quarter.last_day(history.latest().year_start()))
        .clone();
    let start = at_end.year_start();
    let cut = Cut {
        effective_until: Some(quarter.last_day(start)),
        recorded_until: None,
        seq_until: Some(seq),
    };
    let mut states: Vec<ProposalState> = Vec::new();
    for stream in session.store.streams(PROPOSAL_STREAM_PREFIX).await? {
        let events = session.store.read_stream(&stream).await?;
        if let Some(state) = project(&events, &history, &cut)? {
            states.push(state);
        }
    }
    let funding = under(session, &cut).await?;
    let councils = at_end.council_ids();
    Ok(ProgrammeFinance {
        partnership: at_end.name.clone(),
        quarter,
        known_at,
        programme: position::of_programme(&states, &funding, &councils, quarter, start),
        proposals: states
            .iter()
            .filter(|s| s.business_case.is_some() && s.went_live.is_some())
            .map(|s| position::of_proposal(s, &funding, quarter, start))
            .collect(),
        funding,
    })
}
