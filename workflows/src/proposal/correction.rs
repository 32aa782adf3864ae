//! Putting a wrong effective date right without rewriting the log: the `date-corrected` event (who,
//! when, why), who may record it, the rules it must keep, and how the projection honours it — the
//! corrected event counts, and folds, as taken on the new date.

use super::apply::{event_date, Cut};
use super::date_order::{self, Breach};
use super::event::ProposalEvent;
use super::events::*;
use super::state::ProposalState;
use crate::definition::Registry;
use crate::permissions::Act;
use crate::remedy::{with_unmet, Remedy, Unmet};
use engine::{Event, Failure};
use jiff::civil::Date;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// The corrected date of each event of `events` that a correction the cut admits puts right (the
/// latest correction of an event stands). A correction counts by the cut's log position and
/// recorded instant only: it says when another event was taken, so the effective bound applies to
/// the corrected event, at its new date.
pub fn corrections(events: &[Event], cut: &Cut) -> Result<BTreeMap<u64, Date>, Failure> {
    let known = Cut {
        effective_until: None,
        ..*cut
    };
    let mut dates = BTreeMap::new();
    for event in events.iter().filter(|e| e.kind == DATE_CORRECTED) {
        if !known.admits(event)? {
            continue;
        }
        let d: DateCorrected = read(event)?;
        dates.insert(d.seq, event_date(event, &d.to)?);
    }
    Ok(dates)
}

/// `event` as taken on its corrected date, if `dates` corrects it (else itself, unchanged).
pub fn as_corrected<'e>(event: &'e Event, dates: &BTreeMap<u64, Date>) -> Cow<'e, Event> {
    match dates.get(&event.seq) {
        Some(date) if date.to_string() != event.effective_on => {
            let mut corrected = event.clone();
            corrected.effective_on = date.to_string();
            Cow::Owned(corrected)
        }
        _ => Cow::Borrowed(event),
    }
}

/// A stream with every correction it records applied: each event as taken on its corrected date.
pub fn corrected(events: &[Event]) -> Result<Vec<Event>, Failure> {
    let dates = corrections(events, &Cut::LIVE)?;
    Ok(events
        .iter()
        .map(|e| as_corrected(e, &dates).into_owned())
        .collect())
}

/// Who may correct the date of `event`: whoever may record an event of its kind (a council's clerk
/// for that council's decision). None: its date is not corrected this way (a creation, an
/// interest declaration, which only the declaring actor records, a correction, a later type).
pub fn act_for(event: &ProposalEvent) -> Option<Act> {
    use ProposalEvent as E;
    Some(match event {
        E::StageChanged(_) | E::BusinessCaseRecorded(_) => Act::ShapeProposal,
        E::ConsultationOpened(_)
        | E::ConsultationResponseRecorded(_)
        | E::ConsultationClosed(_) => Act::Consult,
        E::BoardVoteRecorded(_) => Act::RecordBoardVote,
        E::CouncilDecisionRecorded(d) => Act::RecordCouncilDecision(d.council.clone()),
        E::CallInRequested(d) => Act::RecordCallIn(d.council.clone()),
        E::CallInResolved(d) => Act::RecordCallIn(d.council.clone()),
        E::KpiDefined(_) | E::KpiValueRecorded(_) | E::SavingRecorded(_) => Act::Monitor,
        E::CostRecorded(d) => Act::RecordFinance(d.paid_by.clone()),
        E::ReviewRecorded(d) => Act::RecordReview(d.council.clone()),
        E::MilestoneAdded(_) | E::MilestoneAmended(_) | E::MilestoneCompleted(_) => {
            Act::ManageMilestones
        }
        _ => return None,
    })
}

/// The event at `seq` of the proposal's stream and what it is; an unknown seq, or an event whose
/// date is not corrected this way, is refused.
pub fn target<'e>(
    events: &'e [Event],
    state: &ProposalState,
    seq: u64,
) -> Result<(&'e Event, ProposalEvent), Failure> {
    let Some(event) = events.iter().find(|e| e.seq == seq) else {
        return Err(Failure::refused(format!(
            "seq {seq} is not an event of proposal {}",
            state.id
        ))
        .with_remedy(Remedy::ShowHistory {
            id: state.id.clone(),
        }));
    };
    let decoded = ProposalEvent::read(event)?;
    if act_for(&decoded).is_none() {
        return Err(Failure::refused(format!(
            "the date of seq {seq} ({}) cannot be corrected this way",
            event.kind
        ))
        .with_detail(
            "a proposal's creation, an interest declaration and a correction keep the date they were recorded with",
        ));
    }
    Ok((event, decoded))
}

/// The `date-corrected` event dating event `seq` of the proposal `to`, or a refusal: the date must
/// differ, not come before the proposal, and keep every date-order rule with the new date (the
/// event not before what it depends on, nothing that depends on it before it).
pub fn decide_correction(
    events: &[Event],
    state: &ProposalState,
    registry: &Registry,
    seq: u64,
    to: Date,
    reason: &str,
) -> Result<Draft, Failure> {
    let (event, _) = target(events, state, seq)?;
    let mut dates = corrections(events, &Cut::LIVE)?;
    let from = as_corrected(event, &dates).effective_on.clone();
    if from == to.to_string() {
        return Err(
            Failure::refused(format!("seq {seq} ({}) is already dated {to}", event.kind))
                .with_remedy(Remedy::ShowHistory {
                    id: state.id.clone(),
                }),
        );
    }
    if to < state.created_on {
        return Err(Failure::refused(format!(
            "{to} is before proposal {} existed (created with effect from {})",
            state.id, state.created_on
        ))
        .with_remedy(Remedy::DateFrom {
            date: state.created_on,
        }));
    }
    dates.insert(seq, to);
    let stream: Vec<Event> = events
        .iter()
        .map(|e| as_corrected(e, &dates).into_owned())
        .collect();
    let found: Vec<Breach> = date_order::scan(&stream, registry)?
        .into_iter()
        .filter(|b| b.seq == Some(seq) || b.after.seq == seq)
        .collect();
    if !found.is_empty() {
        return Err(refusal(state, seq, to, &found));
    }
    Ok(Draft::of(ProposalEvent::DateCorrected(DateCorrected {
        seq,
        kind: event.kind.clone(),
        from,
        to: to.to_string(),
        reason: reason.to_string(),
    })))
}

/// The refusal of a correction that would break the order: each breach names both events and dates.
fn refusal(state: &ProposalState, seq: u64, to: Date, found: &[Breach]) -> Failure {
    let unmet = found
        .iter()
        .map(|b| {
            let condition = b.describe();
            if b.seq == Some(seq) {
                Unmet::met_by(condition, Remedy::DateFrom { date: b.after.on })
            } else {
                Unmet::plain(format!("{condition}: date seq {seq} on or before {}", b.on))
            }
        })
        .collect();
    let failure = Failure::refused(format!(
        "seq {seq} of {} cannot be dated {to}: the dates would not keep the order decisions were taken in",
        state.id
    ));
    with_unmet(failure, unmet)
}
