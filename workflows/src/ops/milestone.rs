//! `milestone add|amend|complete|list`: programme milestones (stream `milestone-<id>`) and
//! milestones of one proposal (in the proposal's stream, so its version moves). Ids are unique
//! across both; amend and complete find either.

use super::change::{self, change, check_current, load_all, Change, Recorded};
use super::input::{Id, Line, Text};
use super::session::{parse_date, Session};
use crate::milestone::{self, programme_stream, Milestone, MILESTONE_STREAM_PREFIX};
use crate::permissions::Act;
use crate::proposal::events::Draft;
use crate::proposal::ProposalCommand;
use crate::remedy::Remedy;
use engine::{Event, Expectation, Failure, NewEvent};
use jiff::civil::Date;
use serde::Serialize;

/// What a milestone command reports.
#[derive(Debug, Clone, Serialize)]
pub struct MilestoneRecorded {
    pub id: String,
    pub proposal: Option<String>,
    pub stream: String,
    pub version: u64,
    pub event: String,
    pub seq: u64,
    pub effective_on: String,
    pub recorded_at: String,
    pub due: String,
    pub data: serde_json::Value,
}

/// Where a milestone lives.
enum Found {
    Programme {
        events: Vec<Event>,
        milestone: Milestone,
    },
    Proposal(String),
}

async fn find(session: &mut Session, id: &str) -> Result<Option<Found>, Failure> {
    let events = session.store.read_stream(&programme_stream(id)).await?;
    let refs: Vec<&Event> = events.iter().collect();
    if let Some(milestone) = Milestone::fold(&refs)? {
        return Ok(Some(Found::Programme { events, milestone }));
    }
    for state in load_all(session).await? {
        if state.milestones.contains_key(id) {
            return Ok(Some(Found::Proposal(state.id)));
        }
    }
    Ok(None)
}

fn unknown(id: &str) -> Failure {
    Failure::refused(format!("there is no milestone {id:?}")).with_remedy(Remedy::ListMilestones)
}

/// `milestone add MILESTONE_ID --title T --due DATE [--proposal ID]`.
pub async fn add(
    session: &mut Session,
    id: &Id,
    title: Line,
    due: Date,
    proposal: Option<&str>,
    c: &Change,
) -> Result<MilestoneRecorded, Failure> {
    let (id, title) = (id.0.as_str(), title.0);
    let date = session.change_date(c.on).await?;
    let actor = change::permitted(session, date, &Act::ManageMilestones).await?;
    if let Some(p) = proposal {
        let state = change::load_state(session, p).await?;
        check_current(&state, &actor.id, c.expect_version)?;
    }
    if find(session, id).await?.is_some() {
        return Err(
            Failure::conflict(format!("milestone id {id:?} is already taken"))
                .with_detail("choose another id")
                .with_remedy(Remedy::ListMilestones),
        );
    }
    match proposal {
        Some(p) => {
            let command = ProposalCommand::AddMilestone {
                id: id.to_string(),
                title,
                due,
            };
            let recorded = change(session, p, command, c).await?;
            Ok(MilestoneRecorded::of_proposal(id, p, recorded, due))
        }
        None => {
            if c.expect_version.is_some_and(|v| v != 0) {
                return Err(Failure::conflict(format!(
                    "milestone {id} does not exist yet, so its version is 0"
                ))
                .with_remedy(Remedy::NoExpectedVersion));
            }
            let draft = milestone::decide_add(id, &title, due, None);
            append(session, id, draft, 0, &actor.id, date, due).await
        }
    }
}

/// `milestone amend ID --due DATE --reason TEXT`: keeps the original date, who, when and why.
pub async fn amend(
    session: &mut Session,
    id: &str,
    due: Date,
    reason: Text,
    c: &Change,
) -> Result<MilestoneRecorded, Failure> {
    let reason = reason.0;
    update(
        session,
        id,
        c,
        |m| milestone::decide_amend(m, due, &reason),
        ProposalCommand::AmendMilestone {
            id: id.to_string(),
            due,
            reason: reason.clone(),
        },
    )
    .await
}

/// `milestone complete ID`.
pub async fn complete(
    session: &mut Session,
    id: &str,
    c: &Change,
) -> Result<MilestoneRecorded, Failure> {
    update(
        session,
        id,
        c,
        milestone::decide_complete,
        ProposalCommand::CompleteMilestone { id: id.to_string() },
    )
    .await
}

async fn update(
    session: &mut Session,
    id: &str,
    c: &Change,
    decide: impl FnOnce(&Milestone) -> Result<Draft, Failure>,
    command: ProposalCommand,
) -> Result<MilestoneRecorded, Failure> {
    let date = session.change_date(c.on).await?;
    let actor = change::permitted(session, date, &Act::ManageMilestones).await?;
    match find(session, id).await?.ok_or_else(|| unknown(id))? {
        Found::Proposal(p) => {
            let recorded = change(session, &p, command, c).await?;
            let due = recorded.data["due"]
                .as_str()
                .and_then(|d| parse_date(d).ok())
                .unwrap_or(date);
            Ok(MilestoneRecorded::of_proposal(id, &p, recorded, due))
        }
        Found::Programme { events, milestone } => {
            let version = events.len() as u64;
            if let Some(expected) = c.expect_version {
                if expected != version {
                    return Err(Failure::conflict(format!(
                        "milestone {id} is at version {version}, not {expected}: it has changed since you read it"
                    ))
                    .with_remedy(Remedy::ExpectVersion { version }));
                }
            }
            if date < milestone.added_on {
                return Err(Failure::refused(format!(
                    "the change is dated {date}, before milestone {id} was added ({})",
                    milestone.added_on
                ))
                .with_remedy(Remedy::DateFrom {
                    date: milestone.added_on,
                }));
            }
            let draft = decide(&milestone)?;
            let due = draft.data()["due"]
                .as_str()
                .and_then(|d| parse_date(d).ok())
                .unwrap_or(milestone.due);
            append(session, id, draft, version, &actor.id, date, due).await
        }
    }
}

async fn append(
    session: &mut Session,
    id: &str,
    draft: Draft,
    version: u64,
    actor: &str,
    date: Date,
    due: Date,
) -> Result<MilestoneRecorded, Failure> {
    let stream = programme_stream(id);
    let event = NewEvent {
        stream: stream.clone(),
        kind: draft.kind(),
        actor: actor.to_string(),
        effective_on: date.to_string(),
        data: draft.data(),
    };
    let written = session
        .append(
            vec![event],
            vec![Expectation {
                stream: stream.clone(),
                version,
            }],
        )
        .await?;
    Ok(MilestoneRecorded::of_programme(id, &written[0], due))
}

impl MilestoneRecorded {
    fn of_proposal(id: &str, proposal: &str, r: Recorded, due: Date) -> MilestoneRecorded {
        MilestoneRecorded {
            id: id.to_string(),
            proposal: Some(proposal.to_string()),
            stream: crate::proposal::stream_of(proposal),
            version: r.version,
            event: r.event,
            seq: r.seq,
            effective_on: r.effective_on,
            recorded_at: r.recorded_at,
            due: due.to_string(),
            data: r.data,
        }
    }

    fn of_programme(id: &str, e: &Event, due: Date) -> MilestoneRecorded {
        MilestoneRecorded {
            id: id.to_string(),
            proposal: None,
            stream: e.stream.clone(),
            version: e.version,
            event: e.kind.clone(),
            seq: e.seq,
            effective_on: e.effective_on.clone(),
            recorded_at: e.recorded_at.clone(),
            due: due.to_string(),
            data: e.data.clone(),
        }
    }
}

/// `milestone list`: every milestone, programme and proposal, by due date.
pub async fn list(session: &mut Session) -> Result<Vec<Milestone>, Failure> {
    session.check_reader().await?;
    let mut all = Vec::new();
    for stream in session.store.streams(MILESTONE_STREAM_PREFIX).await? {
        let events = session.store.read_stream(&stream).await?;
        let refs: Vec<&Event> = events.iter().collect();
        if let Some(m) = Milestone::fold(&refs)? {
            all.push(m);
        }
    }
    for state in load_all(session).await? {
        all.extend(state.milestones.into_values());
    }
    all.sort_by(|a, b| a.due.cmp(&b.due).then_with(|| a.id.cmp(&b.id)));
    Ok(all)
}
