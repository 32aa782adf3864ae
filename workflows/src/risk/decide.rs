//! The risk register's rules: what `risk add|update|close` may record (exit 3 otherwise, each
//! refusal saying what would put it right). Permission and versions are checked by `ops::risk`.

use super::events::{RiskAdded, RiskClosed, RiskUpdated, RISK_ADDED, RISK_CLOSED, RISK_UPDATED};
use super::{score, Rating, Risk};
use crate::partnership::Partnership;
use crate::proposal::ProposalState;
use crate::remedy::Remedy;
use engine::Failure;
use jiff::civil::Date;

/// An event the rules allow, ready to append to the risk's stream.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskDraft {
    pub kind: &'static str,
    pub data: serde_json::Value,
}

impl RiskDraft {
    fn of<T: serde::Serialize>(kind: &'static str, data: &T) -> RiskDraft {
        RiskDraft {
            kind,
            data: serde_json::to_value(data).expect("a risk event serialises"),
        }
    }
}

/// A new risk as `risk add` gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRisk {
    pub title: String,
    pub likelihood: Rating,
    pub impact: Rating,
    pub owner: String,
    pub mitigation: String,
    pub review: Date,
}

/// What `risk update` changes (None: keep).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RiskChanges {
    pub likelihood: Option<Rating>,
    pub impact: Option<Rating>,
    pub owner: Option<String>,
    pub mitigation: Option<String>,
    pub review: Option<Date>,
    pub reason: Option<String>,
}

/// The `risk-added` event of risk `id`, of `proposal` (None: the programme's), dated `date`.
pub fn decide_add(
    id: &str,
    new: &NewRisk,
    proposal: Option<&ProposalState>,
    partnership: &Partnership,
    date: Date,
) -> Result<RiskDraft, Failure> {
    if let Some(p) = proposal {
        if p.has_ended() {
            return Err(Failure::refused(format!(
                "{} has ended ({}), so it takes no new risks",
                p.id,
                p.stage.as_str()
            ))
            .with_detail("enter it as a programme risk instead, without the proposal"));
        }
        not_before(date, p.created_on, &format!("{} was created", p.id))?;
    }
    owner_known(&new.owner, partnership)?;
    review_not_before(new.review, date)?;
    Ok(RiskDraft::of(
        RISK_ADDED,
        &RiskAdded {
            id: id.to_string(),
            title: new.title.clone(),
            proposal: proposal.map(|p| p.id.clone()),
            likelihood: new.likelihood,
            impact: new.impact,
            score: score(new.likelihood, new.impact),
            owner: new.owner.clone(),
            mitigation: new.mitigation.clone(),
            review: new.review.to_string(),
        },
    ))
}

/// The `risk-updated` event: refused for a closed risk, a change that changes nothing, an unknown
/// owner, a review date before the update's, or an update dated before the risk's last event.
pub fn decide_update(
    risk: &Risk,
    changes: &RiskChanges,
    partnership: &Partnership,
    date: Date,
) -> Result<RiskDraft, Failure> {
    open(risk, "update")?;
    not_before(
        date,
        risk.last_on,
        &format!("{} was last recorded", risk.id),
    )?;
    let likelihood = changes.likelihood.unwrap_or(risk.likelihood);
    let impact = changes.impact.unwrap_or(risk.impact);
    let owner = changes.owner.clone().unwrap_or_else(|| risk.owner.clone());
    let mitigation = changes
        .mitigation
        .clone()
        .unwrap_or_else(|| risk.mitigation.clone());
    let review = changes.review.unwrap_or(risk.review);
    let changed: Vec<String> = [
        ("likelihood", likelihood != risk.likelihood),
        ("impact", impact != risk.impact),
        ("owner", owner != risk.owner),
        ("mitigation", mitigation != risk.mitigation),
        ("review", review != risk.review),
    ]
    .into_iter()
    .filter(|(_, differs)| *differs)
    .map(|(key, _)| key.to_string())
    .collect();
    if changed.is_empty() {
        return Err(Failure::refused(format!(
            "the update changes nothing: {} already stands so",
            risk.id
        ))
        .with_detail("give a likelihood, impact, owner, mitigation or review date that differs")
        .with_remedy(Remedy::ShowRisk {
            id: risk.id.clone(),
        }));
    }
    if changes.owner.is_some() {
        owner_known(&owner, partnership)?;
    }
    if changes.review.is_some() {
        review_not_before(review, date)?;
    }
    Ok(RiskDraft::of(
        RISK_UPDATED,
        &RiskUpdated {
            id: risk.id.clone(),
            likelihood,
            impact,
            score: score(likelihood, impact),
            previous_score: risk.score,
            owner,
            mitigation,
            review: review.to_string(),
            changed,
            reason: changes.reason.clone(),
        },
    ))
}

/// The `risk-closed` event; refused when it is closed already.
pub fn decide_close(risk: &Risk, reason: &str, date: Date) -> Result<RiskDraft, Failure> {
    open(risk, "close")?;
    not_before(
        date,
        risk.last_on,
        &format!("{} was last recorded", risk.id),
    )?;
    Ok(RiskDraft::of(
        RISK_CLOSED,
        &RiskClosed {
            id: risk.id.clone(),
            score: risk.score,
            reason: reason.to_string(),
        },
    ))
}

fn open(risk: &Risk, what: &str) -> Result<(), Failure> {
    if risk.is_open() {
        return Ok(());
    }
    let closed = risk.history.last().map(|h| h.on.to_string());
    Err(Failure::refused(format!(
        "{} is closed already{}, so there is nothing to {what}",
        risk.id,
        closed.map(|on| format!(" (on {on})")).unwrap_or_default()
    ))
    .with_detail("enter a new risk if it has come back")
    .with_remedy(Remedy::ShowRisk {
        id: risk.id.clone(),
    }))
}

fn owner_known(owner: &str, partnership: &Partnership) -> Result<(), Failure> {
    if partnership.actor(owner).is_some() {
        return Ok(());
    }
    let known: Vec<&str> = partnership.actors.iter().map(|a| a.id.as_str()).collect();
    Err(
        Failure::refused(format!("{owner:?} is not an actor of the partnership")).with_detail(
            format!("a risk's owner is one of its actors: {}", known.join(", ")),
        ),
    )
}

fn review_not_before(review: Date, date: Date) -> Result<(), Failure> {
    if review >= date {
        return Ok(());
    }
    Err(Failure::refused(format!(
        "the review date {review} is before the change's date, {date}"
    ))
    .with_detail("a risk's next review is on or after the day it is recorded"))
}

fn not_before(date: Date, earliest: Date, what: &str) -> Result<(), Failure> {
    if date >= earliest {
        return Ok(());
    }
    Err(Failure::refused(format!(
        "the change is dated {date}, before {what} ({earliest})"
    ))
    .with_remedy(Remedy::DateFrom { date: earliest }))
}
