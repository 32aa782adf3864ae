//! THE projection: the one fold that turns a proposal's events into its state, and the cut that
//! chooses which events count (by effective date, recorded instant, and/or log position).
//!
//! The fold records facts; it never enforces rules (guards do that before an event is written), so
//! any subset of a stream that a cut admits folds without error.

use super::correction;
use super::date_order::Marks;
use super::event::ProposalEvent;
use super::events::{self, *};
use super::state::*;
use crate::definition::{MoveKind, Stage};
use crate::milestone::Milestone;
use crate::partnership::PartnershipHistory;
use engine::time::parse_date;
use engine::{Event, Failure};
use jiff::civil::Date;
use jiff::Timestamp;

/// Which events count: an event is included iff every bound given admits it. No bound: the live view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cut {
    /// Events effective on or before this date (what was true on a date).
    pub effective_until: Option<Date>,
    /// Events recorded at or before this instant (what the system said at an instant).
    pub recorded_until: Option<Timestamp>,
    /// Events at or before this log position (`seq:N`).
    pub seq_until: Option<u64>,
}

impl Cut {
    /// The live view: every event.
    pub const LIVE: Cut = Cut {
        effective_until: None,
        recorded_until: None,
        seq_until: None,
    };

    /// Whether `event` counts under this cut.
    pub fn admits(&self, event: &Event) -> Result<bool, Failure> {
        if self.seq_until.is_some_and(|n| event.seq > n) {
            return Ok(false);
        }
        if let Some(date) = self.effective_until {
            if event_date(event, &event.effective_on)? > date {
                return Ok(false);
            }
        }
        if let Some(instant) = self.recorded_until {
            let recorded: Timestamp = event.recorded_at.parse().map_err(|e| {
                Failure::integrity(format!("event {} has a bad recorded_at: {e}", event.seq))
            })?;
            if recorded > instant {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

/// Folds a proposal's events (in seq order) that `cut` admits; None when the cut admits no
/// `proposal-created` (the proposal did not exist yet). The partnership the events were recorded
/// against is taken so a later fold may read it; today every fact that depends on it is stored in
/// the events themselves.
pub fn project(
    events: &[Event],
    _partnership: &PartnershipHistory,
    cut: &Cut,
) -> Result<Option<ProposalState>, Failure> {
    let mut state: Option<ProposalState> = None;
    let dates = correction::corrections(events, cut)?;
    for event in events {
        // An event whose date was corrected counts, and folds, as taken on the corrected date.
        let event = &*correction::as_corrected(event, &dates);
        if !cut.admits(event)? {
            continue;
        }
        match &mut state {
            None if event.kind == PROPOSAL_CREATED => {
                state = Some(ProposalState::created(event)?);
            }
            None => {}
            Some(s) => s.apply(event)?,
        }
    }
    Ok(state)
}

impl ProposalState {
    /// The state a `proposal-created` event starts.
    pub fn created(event: &Event) -> Result<ProposalState, Failure> {
        let data: ProposalCreated = events::read(event)?;
        let created_on = event_date(event, &event.effective_on)?;
        Ok(ProposalState {
            id: data.id,
            title: data.title,
            service: data.service,
            lead: data.lead,
            councils: data.councils,
            category: data.category,
            workflow: data.workflow,
            stage: data.stage,
            held_from: None,
            version: event.version,
            last_seq: event.seq,
            created_on,
            created_by: event.actor.clone(),
            round: 1,
            business_case: None,
            consultation: Consultation::default(),
            board: Board::default(),
            decisions: Default::default(),
            went_live: None,
            kpis: Default::default(),
            savings: Default::default(),
            costs: Vec::new(),
            reviews: Vec::new(),
            milestones: Default::default(),
            recused: Default::default(),
            holds: Vec::new(),
            steps: Vec::new(),
            in_principle: Vec::new(),
            marks: Marks::created(event.seq, created_on),
            left: Default::default(),
            share_variations: Vec::new(),
        })
    }

    /// Applies one event of the proposal's stream. Facts that depend on the partnership are stored
    /// in the events themselves, so the fold needs nothing else.
    pub fn apply(&mut self, event: &Event) -> Result<(), Failure> {
        use ProposalEvent as E;
        let on = event_date(event, &event.effective_on)?;
        let decoded = ProposalEvent::read(event)?;
        self.marks.note(&decoded, event.seq, on);
        match decoded {
            E::StageChanged(d) => self.stage_changed(d, event, on),
            E::BusinessCaseRecorded(recorded) => {
                self.business_case = Some(BusinessCase {
                    recorded,
                    recorded_on: on,
                })
            }
            E::ConsultationOpened(d) => self.consultation = opened(d, on),
            E::ConsultationResponseRecorded(d) => {
                self.consultation.parties.insert(d.party, Some(d.summary));
            }
            E::ConsultationClosed(_) => {
                self.consultation.status = ConsultationStatus::Closed;
                self.consultation.closed_on = Some(on);
            }
            E::BoardVoteRecorded(d) => self.board.votes.push(BoardVote {
                // The meeting is the vote's effective date (as corrected, if it was).
                meeting: on,
                support: d.support,
                oppose: d.oppose,
                abstain: d.abstain,
                outcome: d.outcome,
                seq: event.seq,
            }),
            E::CouncilDecisionRecorded(d) => self.council_decided(d, event, on)?,
            E::CallInRequested(d) => self.called_in(d, event, on)?,
            E::CallInResolved(d) => self.call_in_resolved(d, event, on)?,
            E::InterestDeclared(d) => {
                let recusal = Recusal {
                    reason: d.reason,
                    on,
                };
                self.recused.insert(d.actor, recusal);
            }
            E::KpiDefined(d) => {
                let kpi = self.kpis.entry(d.name).or_default();
                kpi.target = Some(d.target);
                kpi.unit = d.unit;
                // The latest definition stands in full: baseline and direction as it gives them.
                kpi.baseline = d.baseline;
                kpi.direction = d.direction.unwrap_or_default();
            }
            E::KpiValueRecorded(d) => {
                let kpi = self.kpis.entry(d.name).or_default();
                kpi.values.insert(d.quarter, d.value);
            }
            E::SavingRecorded(d) => {
                let saving = Saving {
                    amount: d.amount,
                    by_council: d.by_council,
                    on,
                    corrects: d.corrects,
                    reason: d.reason,
                };
                self.savings.insert(d.quarter, saving);
            }
            E::ReviewRecorded(d) => self.reviews.push(review(d, event, on)),
            E::MilestoneAdded(_) => {
                let m = Milestone::added(event)?;
                self.milestones.insert(m.id.clone(), m);
            }
            E::MilestoneAmended(MilestoneAmended { id, .. })
            | E::MilestoneCompleted(MilestoneCompleted { id, .. }) => {
                if let Some(m) = self.milestones.get_mut(&id) {
                    m.apply(event)?;
                }
            }
            E::InPrincipleApproved(d) => self.in_principle.push(InPrinciple {
                council: d.council,
                minute: d.minute,
                on,
                by: event.actor.clone(),
            }),
            // A second creation is not one; types added by later versions change nothing this
            // version knows about.
            E::ProposalCreated(_) | E::Other(_) => {}
            // Honoured by `project`, which reads the corrected event as taken on the new date;
            // a state folded event by event is refolded from the stream (`ops::change`).
            E::DateCorrected(_) => {}
            E::CouncilLeft(d) => self.council_left(d, event, on),
            E::ShareVariationProposed(d) => self.variation_proposed(d, event, on),
            E::ShareVariationConsented(d) => self.variation_consented(d, event, on),
            E::CostRecorded(d) => super::costs::apply(self, d, on),
        }
        if super::shares::reapportions(&event.kind) {
            super::shares::reapportion(self);
        }
        self.version = event.version;
        self.last_seq = event.seq;
        Ok(())
    }

    fn council_left(&mut self, d: CouncilLeft, event: &Event, on: Date) {
        let left = Left {
            on,
            from_quarter: d.from_quarter,
            minute: d.minute,
            by: event.actor.clone(),
            remaining: d.remaining,
        };
        self.left.insert(d.council, left);
    }

    fn variation_proposed(&mut self, d: ShareVariationProposed, event: &Event, on: Date) {
        // A new variation replaces one still waiting for consents.
        let waiting: Vec<bool> = self
            .share_variations
            .iter()
            .map(|v| super::shares::in_force_from(self, v).is_none())
            .collect();
        for (v, waiting) in self.share_variations.iter_mut().zip(waiting) {
            v.replaced |= waiting;
        }
        self.share_variations.push(ShareVariation {
            seq: event.seq,
            proposed_on: on,
            by: event.actor.clone(),
            shares: d.shares,
            consents: Default::default(),
            replaced: false,
        });
    }

    fn variation_consented(&mut self, d: ShareVariationConsented, event: &Event, on: Date) {
        if let Some(v) = self
            .share_variations
            .iter_mut()
            .find(|v| v.seq == d.variation)
        {
            let consent = Consent {
                on,
                quarter: d.quarter,
                minute: d.minute,
                by: event.actor.clone(),
            };
            v.consents.insert(d.council, consent);
        }
    }

    fn council_decided(
        &mut self,
        d: CouncilDecisionRecorded,
        event: &Event,
        on: Date,
    ) -> Result<(), Failure> {
        let call_in = match &d.call_in_closes {
            Some(closes) => Some(CallIn {
                closes: event_instant(event, closes)?,
                rule: d.call_in_rule.clone().unwrap_or_default(),
                calendar: d.calendar.clone(),
                requested: None,
                resolved: None,
            }),
            None => None,
        };
        let decision = CouncilDecision {
            decision: d.decision,
            minute: d.minute,
            on,
            by: event.actor.clone(),
            decision_body: d.decision_body,
            urgent: d.urgent.unwrap_or(false),
            call_in,
        };
        self.decisions.insert(d.council.clone(), decision);
        if let Some(to) = d.moves_to {
            self.steps.push(StageStep {
                from: self.stage.clone(),
                to: to.clone(),
                action: MoveKind::Reject,
                reason: Some(format!("{} decided {}", d.council, d.decision.as_str())),
                on,
                by: event.actor.clone(),
                seq: event.seq,
            });
            self.stage = to;
        }
        Ok(())
    }

    fn called_in(&mut self, d: CallInRequested, event: &Event, on: Date) -> Result<(), Failure> {
        let at = event_instant(event, &d.at)?;
        if let Some(c) = self.call_in_mut(&d.council) {
            c.requested = Some(CallInRequest {
                on,
                at,
                by: event.actor.clone(),
                reason: d.reason,
            });
        }
        Ok(())
    }

    fn call_in_resolved(
        &mut self,
        d: CallInResolved,
        event: &Event,
        on: Date,
    ) -> Result<(), Failure> {
        let at = event_instant(event, &d.at)?;
        if let Some(c) = self.call_in_mut(&d.council) {
            c.resolved = Some(CallInResolution {
                outcome: d.outcome,
                on,
                at,
                by: event.actor.clone(),
            });
        }
        Ok(())
    }

    fn call_in_mut(&mut self, council: &str) -> Option<&mut CallIn> {
        self.decisions
            .get_mut(council)
            .and_then(|d| d.call_in.as_mut())
    }

    fn stage_changed(&mut self, d: StageChanged, event: &Event, on: Date) {
        match d.action {
            MoveKind::Hold => {
                self.held_from = Some(d.from.clone());
                self.holds.push(HoldPeriod {
                    stage: d.from.clone(),
                    from: on,
                    until: None,
                    reason: d.reason.clone(),
                });
            }
            _ => {
                if self.held_from.take().is_some() {
                    if let Some(open) = self.holds.iter_mut().rev().find(|h| h.until.is_none()) {
                        open.until = Some(on);
                    }
                }
            }
        }
        if d.new_round {
            self.round += 1;
            self.consultation = Consultation::default();
            self.board = Board::default();
            self.decisions.clear();
        }
        if d.action == MoveKind::Advance && d.to == Stage::Monitoring {
            self.went_live = Some(on);
        }
        self.steps.push(StageStep {
            from: d.from,
            to: d.to.clone(),
            action: d.action,
            reason: d.reason,
            on,
            by: event.actor.clone(),
            seq: event.seq,
        });
        self.stage = d.to;
    }
}

/// The consultation a `consultation-opened` event on `on` starts.
fn opened(d: ConsultationOpened, on: Date) -> Consultation {
    Consultation {
        status: ConsultationStatus::Open,
        parties: d.parties.into_iter().map(|p| (p, None)).collect(),
        unions: d.unions,
        opened_on: Some(on),
        closed_on: None,
    }
}

/// The review a `review-recorded` event on `on` records.
fn review(d: ReviewRecorded, event: &Event, on: Date) -> Review {
    Review {
        kind: d.kind,
        council: d.council,
        outcome: d.outcome,
        summary: d.summary,
        on,
        by: event.actor.clone(),
        recorded_at: event.recorded_at.clone(),
    }
}

/// A date stored in an event; a malformed one is an integrity failure.
pub(crate) fn event_date(event: &Event, text: &str) -> Result<Date, Failure> {
    parse_date(text).map_err(|e| {
        Failure::integrity(format!(
            "event {} has a bad date {text:?}: {}",
            event.seq, e.message
        ))
    })
}

/// An instant stored in an event; a malformed one is an integrity failure.
pub(crate) fn event_instant(event: &Event, text: &str) -> Result<Timestamp, Failure> {
    text.parse().map_err(|e| {
        Failure::integrity(format!(
            "event {} has a bad instant {text:?}: {e}",
            event.seq
        ))
    })
}
