//! `risk add|update|close|list|show`: the risk register, each risk in its own stream `risk-N`
//! (ids given in the order entered; two adds at once: the second is a conflict, exit 4).
//! Checks in order: usage (parsed) → actor registered → the risk or proposal exists (3) →
//! permitted (5: a programme manager or admin; a clerk for a proposal of its council) → not
//! recused from the proposal (5) → `--expect-version` (4, the risk stream's) → the rules (3).

use super::change::{self, load_state, permitted};
use super::input::{Id, Line, Text};
use super::session::Session;
use crate::permissions::{self, Act};
use crate::proposal::{Cut, ProposalState};
use crate::remedy::Remedy;
use crate::risk::decide::{self, NewRisk, RiskChanges, RiskDraft};
use crate::risk::top::by_score;
use crate::risk::{nth_id, Rating, Risk, RISK_STREAM_PREFIX};
use engine::{Event, Expectation, Failure, NewEvent};
use jiff::civil::Date;
use serde::Serialize;

/// What a risk command reports.
#[derive(Debug, Clone, Serialize)]
pub struct RiskRecorded {
    pub id: String,
    pub proposal: Option<String>,
    pub stream: String,
    pub version: u64,
    pub event: String,
    pub seq: u64,
    pub effective_on: String,
    pub recorded_at: String,
    pub score: u8,
    pub status: crate::risk::Status,
    pub data: serde_json::Value,
}

/// `risk add` as given.
#[derive(Debug, Clone)]
pub struct RiskInput {
    pub title: Line,
    pub proposal: Option<String>,
    pub likelihood: Rating,
    pub impact: Rating,
    pub owner: Id,
    pub mitigation: Text,
    pub review: Date,
}

/// `risk add --title T --likelihood N --impact N --owner ACTOR --mitigation TEXT --review DATE [--proposal ID]`.
pub async fn add(
    session: &mut Session,
    input: RiskInput,
    c: &change::Change,
) -> Result<RiskRecorded, Failure> {
    let date = session.change_date(c.on).await?;
    let actor = session.writer(date).await?;
    let proposal = match &input.proposal {
        Some(p) => Some(load_state(session, p).await?),
        None => None,
    };
    allowed(session, date, &actor.id, proposal.as_ref()).await?;
    if c.expect_version.is_some_and(|v| v != 0) {
        return Err(
            Failure::conflict("a new risk does not exist yet, so its version is 0")
                .with_remedy(Remedy::NoExpectedVersion),
        );
    }
    let id = next_id(session).await?;
    let new = NewRisk {
        title: input.title.0,
        likelihood: input.likelihood,
        impact: input.impact,
        owner: input.owner.0,
        mitigation: input.mitigation.0,
        review: input.review,
    };
    let partnership = session.partnership().await?.on(date).clone();
    let draft = decide::decide_add(&id, &new, proposal.as_ref(), &partnership, date)?;
    append(session, &id, draft, 0, &actor.id, date).await
}

/// `risk update RISK [--likelihood N] [--impact N] [--owner A] [--mitigation T] [--review DATE] [--reason T]`.
pub async fn update(
    session: &mut Session,
    id: &str,
    changes: RiskChanges,
    c: &change::Change,
) -> Result<RiskRecorded, Failure> {
    let (risk, actor, date) = writable(session, id, c).await?;
    let partnership = session.partnership().await?.on(date).clone();
    let draft = decide::decide_update(&risk, &changes, &partnership, date)?;
    append(session, id, draft, risk.version, &actor, date).await
}

/// `risk close RISK --reason TEXT`.
pub async fn close(
    session: &mut Session,
    id: &str,
    reason: Text,
    c: &change::Change,
) -> Result<RiskRecorded, Failure> {
    let (risk, actor, date) = writable(session, id, c).await?;
    let draft = decide::decide_close(&risk, &reason.0, date)?;
    append(session, id, draft, risk.version, &actor, date).await
}

/// The risk `id` read for a change by a permitted actor at its current version: (risk, actor, date).
async fn writable(
    session: &mut Session,
    id: &str,
    c: &change::Change,
) -> Result<(Risk, String, Date), Failure> {
    let date = session.change_date(c.on).await?;
    let actor = session.writer(date).await?;
    let risk = load(session, id).await?;
    let proposal = match &risk.proposal {
        Some(p) => Some(load_state(session, p).await?),
        None => None,
    };
    allowed(session, date, &actor.id, proposal.as_ref()).await?;
    if let Some(expected) = c.expect_version.filter(|v| *v != risk.version) {
        return Err(Failure::conflict(format!(
            "{id} is at version {}, not {expected}: it has changed since you read it",
            risk.version
        ))
        .with_remedy(Remedy::ExpectVersion {
            version: risk.version,
        }));
    }
    Ok((risk, actor.id, date))
}

/// Refuses (5) an actor who may not record risks of `proposal` (None: the programme's), or who
/// declared an interest in it.
async fn allowed(
    session: &mut Session,
    date: Date,
    actor: &str,
    proposal: Option<&ProposalState>,
) -> Result<(), Failure> {
    let councils = proposal.map(|p| p.councils.clone()).unwrap_or_default();
    permitted(session, date, &Act::RecordRisk(councils)).await?;
    if let Some(p) = proposal {
        let declared = p
            .recused
            .get(actor)
            .map(|r| (r.on.to_string(), r.reason.clone()));
        permissions::check_not_recused(
            actor,
            &p.id,
            declared
                .as_ref()
                .map(|(on, why)| (on.as_str(), why.as_str())),
        )?;
    }
    Ok(())
}

/// The next free id: one more than the highest entered.
async fn next_id(session: &mut Session) -> Result<String, Failure> {
    let streams = session.store.streams(RISK_STREAM_PREFIX).await?;
    let highest = streams
        .iter()
        .filter_map(|s| s.strip_prefix(RISK_STREAM_PREFIX)?.parse::<usize>().ok())
        .max()
        .unwrap_or(0);
    Ok(nth_id(highest + 1))
}

/// The risk `id` as it stands (unknown: refused, 3).
pub async fn load(session: &mut Session, id: &str) -> Result<Risk, Failure> {
    let unknown =
        || Failure::refused(format!("there is no risk {id:?}")).with_remedy(Remedy::ListRisks);
    let numbered = id
        .strip_prefix(RISK_STREAM_PREFIX)
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    if !numbered {
        return Err(unknown().with_detail("a risk's id is risk- and a number, e.g. risk-1"));
    }
    let events = session.store.read_stream(id).await?;
    let refs: Vec<&Event> = events.iter().collect();
    Risk::fold(&refs)?.ok_or_else(unknown)
}

async fn append(
    session: &mut Session,
    id: &str,
    draft: RiskDraft,
    version: u64,
    actor: &str,
    date: Date,
) -> Result<RiskRecorded, Failure> {
    let event = NewEvent {
        stream: id.to_string(),
        kind: draft.kind.to_string(),
        actor: actor.to_string(),
        effective_on: date.to_string(),
        data: draft.data,
    };
    let expect = Expectation {
        stream: id.to_string(),
        version,
    };
    let written = session.append(vec![event], vec![expect]).await?;
    let events = session.store.read_stream(id).await?;
    let refs: Vec<&Event> = events.iter().collect();
    let risk = Risk::fold(&refs)?.expect("the risk was just recorded");
    let e = &written[0];
    Ok(RiskRecorded {
        id: id.to_string(),
        proposal: risk.proposal,
        stream: e.stream.clone(),
        version: e.version,
        event: e.kind.clone(),
        seq: e.seq,
        effective_on: e.effective_on.clone(),
        recorded_at: e.recorded_at.clone(),
        score: risk.score,
        status: risk.status,
        data: e.data.clone(),
    })
}

/// Every risk as `cut` admits its events (None for those not yet entered), in id order.
pub async fn risks_at(session: &mut Session, cut: &Cut) -> Result<Vec<Risk>, Failure> {
    let mut all = Vec::new();
    for stream in session.store.streams(RISK_STREAM_PREFIX).await? {
        let events = session.store.read_stream(&stream).await?;
        let mut admitted = Vec::with_capacity(events.len());
        for event in &events {
            if cut.admits(event)? {
                admitted.push(event);
            }
        }
        all.extend(Risk::fold(&admitted)?);
    }
    Ok(all)
}

/// `risk list [--proposal ID] [--min-score N]`: open risks first, each group highest score first.
pub async fn list(
    session: &mut Session,
    proposal: Option<&str>,
    min_score: Option<u8>,
) -> Result<Vec<Risk>, Failure> {
    session.check_reader().await?;
    if let Some(p) = proposal {
        load_state(session, p).await?;
    }
    let mut all: Vec<Risk> = risks_at(session, &Cut::LIVE)
        .await?
        .into_iter()
        .filter(|r| proposal.is_none_or(|p| r.proposal.as_deref() == Some(p)))
        .filter(|r| min_score.is_none_or(|m| r.score >= m))
        .collect();
    all.sort_by(|a, b| b.is_open().cmp(&a.is_open()).then_with(|| by_score(a, b)));
    Ok(all)
}

/// `risk show RISK`: the risk with its history.
pub async fn show(session: &mut Session, id: &str) -> Result<Risk, Failure> {
    session.check_reader().await?;
    load(session, id).await
}
