//! Programme milestones (the Board's phase targets) and milestones of one proposal: their state,
//! folded from `milestone-*` events, and the rules for adding, amending and completing them.
//!
//! An amendment keeps the original due date and records who moved it, when and why.

use crate::proposal::event::ProposalEvent;
use crate::proposal::events::{
    self, Draft, MilestoneAdded, MilestoneAmended, MilestoneCompleted, MILESTONE_ADDED,
    MILESTONE_AMENDED, MILESTONE_COMPLETED,
};
use crate::remedy::Remedy;
use engine::time::parse_date;
use engine::{Event, Failure};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// The stream prefix of programme milestones (a proposal's milestones live in its own stream).
pub const MILESTONE_STREAM_PREFIX: &str = "milestone-";

/// The stream of the programme milestone `id`.
pub fn programme_stream(id: &str) -> String {
    format!("{MILESTONE_STREAM_PREFIX}{id}")
}

/// One change of a milestone's due date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amendment {
    pub from: Date,
    pub to: Date,
    pub reason: String,
    pub by: String,
    pub on: Date,
    pub recorded_at: String,
    pub seq: u64,
}

/// When and by whom a milestone was completed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Completion {
    pub on: Date,
    pub by: String,
    pub recorded_at: String,
}

/// A milestone as its events describe it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestone {
    pub id: String,
    pub title: String,
    pub proposal: Option<String>,
    pub due: Date,
    pub original_due: Date,
    pub added_on: Date,
    pub added_by: String,
    pub amendments: Vec<Amendment>,
    pub completed: Option<Completion>,
}

impl Milestone {
    /// The milestone a `milestone-added` event creates.
    pub fn added(event: &Event) -> Result<Milestone, Failure> {
        let data: MilestoneAdded = events::read(event)?;
        let due = stored_date(event, &data.due)?;
        Ok(Milestone {
            id: data.id,
            title: data.title,
            proposal: data.proposal,
            due,
            original_due: due,
            added_on: stored_date(event, &event.effective_on)?,
            added_by: event.actor.clone(),
            amendments: Vec::new(),
            completed: None,
        })
    }

    /// Applies a `milestone-amended` or `milestone-completed` event (others are ignored).
    pub fn apply(&mut self, event: &Event) -> Result<(), Failure> {
        match event.kind.as_str() {
            MILESTONE_AMENDED => {
                let data: MilestoneAmended = events::read(event)?;
                let to = stored_date(event, &data.due)?;
                self.amendments.push(Amendment {
                    from: self.due,
                    to,
                    reason: data.reason,
                    by: event.actor.clone(),
                    on: stored_date(event, &event.effective_on)?,
                    recorded_at: event.recorded_at.clone(),
                    seq: event.seq,
                });
                self.due = to;
            }
            MILESTONE_COMPLETED => {
                self.completed = Some(Completion {
                    on: stored_date(event, &event.effective_on)?,
                    by: event.actor.clone(),
                    recorded_at: event.recorded_at.clone(),
                });
            }
            _ => {}
        }
        Ok(())
    }

    /// The milestone `id` of a programme milestone stream's events (None before it was added).
    pub fn fold(events: &[&Event]) -> Result<Option<Milestone>, Failure> {
        let mut milestone: Option<Milestone> = None;
        for event in events {
            match (&mut milestone, event.kind.as_str()) {
                (None, MILESTONE_ADDED) => milestone = Some(Milestone::added(event)?),
                (Some(m), _) => m.apply(event)?,
                (None, _) => {}
            }
        }
        Ok(milestone)
    }
}

/// The `milestone-added` event for a new milestone.
pub fn decide_add(id: &str, title: &str, due: Date, proposal: Option<&str>) -> Draft {
    Draft::of(ProposalEvent::MilestoneAdded(MilestoneAdded {
        id: id.to_string(),
        title: title.to_string(),
        due: due.to_string(),
        proposal: proposal.map(str::to_string),
    }))
}

/// The `milestone-amended` event moving `milestone` to `due`; refused once it is completed.
pub fn decide_amend(milestone: &Milestone, due: Date, reason: &str) -> Result<Draft, Failure> {
    if let Some(done) = &milestone.completed {
        return Err(Failure::refused(format!(
            "milestone {} was completed on {}; a completed milestone keeps its date",
            milestone.id, done.on
        ))
        .with_detail("add a new milestone for further work"));
    }
    if due == milestone.due {
        return Err(Failure::refused(format!(
            "milestone {} is already due on {due}",
            milestone.id
        ))
        .with_detail("give the new due date"));
    }
    Ok(Draft::of(ProposalEvent::MilestoneAmended(
        MilestoneAmended {
            id: milestone.id.clone(),
            due: due.to_string(),
            previous_due: milestone.due.to_string(),
            original_due: milestone.original_due.to_string(),
            reason: reason.to_string(),
        },
    )))
}

/// The `milestone-completed` event; refused when it already is.
pub fn decide_complete(milestone: &Milestone) -> Result<Draft, Failure> {
    if let Some(done) = &milestone.completed {
        return Err(Failure::refused(format!(
            "milestone {} was already completed on {} by {}",
            milestone.id, done.on, done.by
        ))
        .with_detail("nothing to do")
        .with_remedy(Remedy::ListMilestones));
    }
    Ok(Draft::of(ProposalEvent::MilestoneCompleted(
        MilestoneCompleted {
            id: milestone.id.clone(),
            due: milestone.due.to_string(),
        },
    )))
}

fn stored_date(event: &Event, text: &str) -> Result<Date, Failure> {
    parse_date(text).map_err(|e| {
        Failure::integrity(format!(
            "event {} has a bad date {text:?}: {}",
            event.seq, e.message
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::{NewEvent, ZERO_HASH};
    use jiff::civil::date;

    fn seal(seq: u64, draft: Draft, actor: &str, on: &str) -> Event {
        Event::seal(
            NewEvent {
                stream: programme_stream("phase-2"),
                kind: draft.kind(),
                actor: actor.into(),
                effective_on: on.into(),
                data: draft.data(),
            },
            seq,
            seq,
            format!("{on}T18:00:00+01:00"),
            ZERO_HASH.into(),
        )
    }

    #[test]
    fn the_boards_amended_phase_target_keeps_its_original_date() {
        let added = seal(
            1,
            decide_add(
                "phase-2",
                "Identify medium-term opportunities",
                date(2008, 12, 31),
                None,
            ),
            "jce",
            "2008-09-01",
        );
        let m = Milestone::fold(&[&added]).unwrap().unwrap();
        let amend =
            decide_amend(&m, date(2009, 1, 31), "holiday season (Board, 1 Sep 2008)").unwrap();
        assert_eq!(amend.data()["original_due"], "2008-12-31");
        let amended = seal(2, amend, "jce", "2008-09-01");
        let m = Milestone::fold(&[&added, &amended]).unwrap().unwrap();
        assert_eq!(
            (m.original_due, m.due),
            (date(2008, 12, 31), date(2009, 1, 31))
        );
        assert_eq!(m.amendments[0].by, "jce");
        let done = seal(3, decide_complete(&m).unwrap(), "jce", "2009-01-20");
        let m = Milestone::fold(&[&added, &amended, &done])
            .unwrap()
            .unwrap();
        assert!(decide_complete(&m).is_err());
        assert!(decide_amend(&m, date(2009, 3, 1), "late").is_err());
    }
}
