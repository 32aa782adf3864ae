//! The reads a report makes besides its proposals' contributions, each one stream at a time: the
//! reminder facts as known at an earlier cut than the log's head, the programme milestones, the
//! risk register, the arrangements' reviews and the Board's meetings.

use super::reminders::{
    assemble, fold_milestone, meeting_at, partnership_at, programme_milestone_facts, risk_at,
};
use super::session::Session;
use crate::arrangement::review::ReviewHeld;
use crate::board::{Meeting, MEETING_STREAM_PREFIX};
use crate::milestone::{Milestone, MILESTONE_STREAM_PREFIX};
use crate::proposal::reminders::{milestone_facts, proposal_facts};
use crate::proposal::{project, Cut, PROPOSAL_STREAM_PREFIX};
use crate::reminders::{Facts, MeetingFacts, RiskFacts};
use crate::risk::{Risk, RISK_STREAM_PREFIX};
use engine::Failure;

/// The reminder facts at `recorded_cut` (what a fresh fold of the snapshot gives), folding one
/// proposal at a time and keeping only its facts.
pub async fn facts_at(session: &mut Session, recorded_cut: &Cut) -> Result<Facts, Failure> {
    let (history, registered_at) = partnership_at(session, recorded_cut).await?;
    let mut proposals = Vec::new();
    let mut of_proposals = Vec::new();
    for stream in session.store.streams(PROPOSAL_STREAM_PREFIX).await? {
        let events = session.store.read_stream(&stream).await?;
        if let Some(state) = project(&events, &history, recorded_cut)? {
            proposals.push(proposal_facts(&state));
            of_proposals.extend(milestone_facts(&state));
        }
    }
    // Programme milestones first, then each proposal's, as a fresh fold has them.
    let mut milestones: Vec<_> = programme_milestones(session, recorded_cut)
        .await?
        .iter()
        .map(programme_milestone_facts)
        .collect();
    milestones.extend(of_proposals);
    let risks = risks_at(session, recorded_cut).await?;
    let reviews = arrangement_reviews_at(session, recorded_cut).await?;
    let meetings = meetings_at(session, recorded_cut).await?;
    assemble(
        &history,
        registered_at,
        proposals,
        milestones,
        risks.iter().map(RiskFacts::of).collect(),
        &reviews,
        meetings.iter().map(MeetingFacts::of).collect(),
    )
}

/// The risk register under `cut`, in stream order.
pub async fn risks_at(session: &mut Session, cut: &Cut) -> Result<Vec<Risk>, Failure> {
    let mut all = Vec::new();
    for stream in session.store.streams(RISK_STREAM_PREFIX).await? {
        let events = session.store.read_stream(&stream).await?;
        all.extend(risk_at(&events, cut)?);
    }
    Ok(all)
}

/// The reviews recorded of the partnership's arrangements under `cut`, stream by stream.
pub async fn arrangement_reviews_at(
    session: &mut Session,
    cut: &Cut,
) -> Result<Vec<ReviewHeld>, Failure> {
    let mut all = Vec::new();
    for stream in session
        .store
        .streams(crate::arrangement::STREAM_PREFIX)
        .await?
    {
        let events = session.store.read_stream(&stream).await?;
        all.extend(crate::arrangement::review::fold(&events, cut)?);
    }
    Ok(all)
}

/// The Board's meetings scheduled under `cut`, in date order.
pub async fn meetings_at(session: &mut Session, cut: &Cut) -> Result<Vec<Meeting>, Failure> {
    let mut all = Vec::new();
    for stream in session.store.streams(MEETING_STREAM_PREFIX).await? {
        let events = session.store.read_stream(&stream).await?;
        all.extend(meeting_at(&events, cut)?);
    }
    Ok(all)
}

/// The programme milestones added under `cut`, in id order.
pub async fn programme_milestones(
    session: &mut Session,
    cut: &Cut,
) -> Result<Vec<Milestone>, Failure> {
    let mut all = Vec::new();
    for stream in session.store.streams(MILESTONE_STREAM_PREFIX).await? {
        if let Some(m) = fold_milestone(session, &stream, cut).await? {
            all.push(m);
        }
    }
    Ok(all)
}
