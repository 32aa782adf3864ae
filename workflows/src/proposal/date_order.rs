//! The order decisions were taken in, as data beside the guards: what each event must not be dated
//! before. Guards run in seq order against the proposal as recorded so far; these rules add that an
//! event's effective date is on or after the dates of what it depends on, so the fold in seq order
//! and a replay by effective date agree on every day (`docs/workflow.md`, "Dates keep the order
//! decisions were taken in").
//!
//! The fold keeps [`Marks`]: the seq and date of each event a rule may name. [`breaches`] reads
//! them for an event about to be recorded ([`refusal`] words the breaches), and [`scan`] walks a
//! recorded stream to find the events an older log holds out of order.

use super::event::ProposalEvent;
use super::events::*;
use super::state::ProposalState;
use crate::definition::{Guard, MoveKind, Registry, Stage, WorkflowDefinition};
use crate::remedy::{with_unmet, Remedy, Unmet};
use engine::Failure;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What an event may depend on: a date some earlier event set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// The proposal's entry into its current stage (its creation, a move, or a rejection).
    StageEntry,
    /// The business case a move relies on (the latest recorded).
    BusinessCase,
    /// The opening of the consultation of this round.
    ConsultationOpening,
    /// The latest response to that consultation.
    LastResponse,
    /// The consultation's close.
    ConsultationClose,
    /// The Board meeting whose outcome a move relies on (the latest meeting of this round).
    StandingBoardVote,
    /// The previous Board vote on the proposal.
    PreviousBoardVote,
    /// The same council's previous decision on the proposal.
    OwnPreviousDecision,
    /// Every council's approval in force.
    EveryApproval,
    /// Every call-in of an approval of this round, and its resolution.
    CallIns,
    /// The approval a call-in calls in.
    OwnApproval,
    /// The call-in a resolution resolves.
    OwnCallIn,
    /// The go-live: the move into monitoring.
    GoLive,
}

use Anchor::*;

/// The events (other than moves) that must not be dated before their anchors, by `type`.
pub const BY_EVENT: &[(&str, &[Anchor])] = &[
    (BUSINESS_CASE_RECORDED, &[StageEntry]),
    (CONSULTATION_OPENED, &[StageEntry]),
    (CONSULTATION_RESPONSE_RECORDED, &[ConsultationOpening]),
    (CONSULTATION_CLOSED, &[ConsultationOpening, LastResponse]),
    (BOARD_VOTE_RECORDED, &[StageEntry, PreviousBoardVote]),
    (
        COUNCIL_DECISION_RECORDED,
        &[StageEntry, OwnPreviousDecision],
    ),
    (CALL_IN_REQUESTED, &[OwnApproval]),
    (CALL_IN_RESOLVED, &[OwnCallIn]),
    (KPI_VALUE_RECORDED, &[GoLive]),
    (SAVING_RECORDED, &[GoLive]),
    (super::costs::COST_RECORDED, &[GoLive]),
    (REVIEW_RECORDED, &[GoLive]),
];

/// Every move (advance, back, hold, resume, withdraw, not-pursue, close) is not dated before these.
pub const EVERY_MOVE: &[Anchor] = &[StageEntry];

/// A move is not dated before the facts its guards read.
pub const BY_GUARD: &[(Guard, &[Anchor])] = &[
    (Guard::BusinessCaseRecorded, &[BusinessCase]),
    (Guard::ConsultationComplete, &[ConsultationClose]),
    (Guard::BoardRecommends, &[StandingBoardVote]),
    (Guard::AllCouncilsApprove, &[EveryApproval]),
    (Guard::CallInWindowsClosed, &[CallIns]),
];

/// A move into these stages is also not dated before these (whatever its guards).
pub const BY_TARGET: &[(Stage, &[Anchor])] = &[(Stage::CouncilApproval, &[StandingBoardVote])];

/// A recorded event a rule may name: its seq, its effective date and what it was, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    pub seq: u64,
    pub on: Date,
    pub what: String,
}

/// The marks the date-order rules read, kept by the fold (see `apply.rs`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Marks {
    /// The proposal's entry into its current stage.
    pub entry: Option<Mark>,
    pub business_case: Option<Mark>,
    /// The consultation of this round: its opening, latest response and close.
    pub opened: Option<Mark>,
    pub last_response: Option<Mark>,
    pub closed: Option<Mark>,
    /// The latest Board vote on the proposal, in any round.
    pub board: Option<Mark>,
    /// Each council's latest decision on the proposal, in any round.
    pub decisions: BTreeMap<String, Mark>,
    /// Each council's latest call-in event (request or resolution) of this round.
    pub call_ins: BTreeMap<String, Mark>,
    pub went_live: Option<Mark>,
}

impl Marks {
    /// The marks of a proposal created by event `seq` on `on`.
    pub fn created(seq: u64, on: Date) -> Marks {
        Marks {
            entry: Some(mark(seq, on, "the proposal's creation")),
            ..Marks::default()
        }
    }

    /// Notes what `event` (seq `seq`, effective `on`) sets for the rules that follow.
    pub fn note(&mut self, event: &ProposalEvent, seq: u64, on: Date) {
        use ProposalEvent as E;
        let m = |what: String| Mark { seq, on, what };
        match event {
            E::StageChanged(d) => {
                if d.new_round {
                    (self.opened, self.last_response, self.closed) = (None, None, None);
                    self.call_ins.clear();
                }
                if d.action == MoveKind::Advance && d.to == Stage::Monitoring {
                    self.went_live = Some(m(move_words(d)));
                }
                self.entry = Some(m(move_words(d)));
            }
            E::BusinessCaseRecorded(_) => self.business_case = Some(m("the business case".into())),
            E::ConsultationOpened(_) => {
                self.opened = Some(m("the consultation's opening".into()));
                (self.last_response, self.closed) = (None, None);
            }
            E::ConsultationResponseRecorded(d) => {
                self.last_response = Some(m(format!("{}'s consultation response", d.party)))
            }
            E::ConsultationClosed(_) => self.closed = Some(m("the consultation's close".into())),
            E::BoardVoteRecorded(_) => self.board = Some(m("the Board vote".into())),
            E::CouncilDecisionRecorded(d) => {
                let what = format!("{}'s decision ({})", d.council, d.decision.as_str());
                if d.moves_to.is_some() {
                    self.entry = Some(m(what.clone()));
                }
                self.decisions.insert(d.council.clone(), m(what));
            }
            E::CallInRequested(d) => {
                let what = format!("the call-in of {}'s approval", d.council);
                self.call_ins.insert(d.council.clone(), m(what));
            }
            E::CallInResolved(d) => {
                let what = format!(
                    "the call-in of {}'s approval, {}",
                    d.council,
                    d.outcome.as_str().replace('-', " ")
                );
                self.call_ins.insert(d.council.clone(), m(what));
            }
            _ => {}
        }
    }
}

fn mark(seq: u64, on: Date, what: &str) -> Mark {
    Mark {
        seq,
        on,
        what: what.to_string(),
    }
}

/// A move, in words ("the move to consultation", "the hold", "the go-live").
pub fn move_words(d: &StageChanged) -> String {
    match d.action {
        MoveKind::Hold => "the hold".into(),
        MoveKind::Resume => format!("the resume (back to {})", d.to),
        MoveKind::Advance if d.to == Stage::Monitoring => "the go-live (move to monitoring)".into(),
        MoveKind::Advance | MoveKind::Back => format!("the move to {}", d.to),
        other => format!("the move to {} ({})", d.to, other.as_str()),
    }
}

/// An event of any kind, in words, as a date-order rule names it.
pub fn words(event: &ProposalEvent) -> String {
    use ProposalEvent as E;
    match event {
        E::StageChanged(d) => move_words(d),
        E::BusinessCaseRecorded(_) => "the business case".into(),
        E::ConsultationOpened(_) => "the consultation's opening".into(),
        E::ConsultationResponseRecorded(d) => format!("{}'s consultation response", d.party),
        E::ConsultationClosed(_) => "the consultation's close".into(),
        E::BoardVoteRecorded(_) => "the Board vote".into(),
        E::CouncilDecisionRecorded(d) => {
            format!("{}'s decision ({})", d.council, d.decision.as_str())
        }
        E::CallInRequested(d) => format!("the call-in of {}'s approval", d.council),
        E::CallInResolved(d) => format!("the resolution of {}'s call-in", d.council),
        E::KpiValueRecorded(d) => format!("the {} value of {}", d.name, d.quarter),
        E::SavingRecorded(d) => format!("the saving of {}", d.quarter),
        E::CostRecorded(d) => format!("the {} cost of {}", d.kind, d.quarter),
        E::ReviewRecorded(d) => format!("{}'s {} review", d.council, d.kind.as_str()),
        other => format!("the {} event", other.kind()),
    }
}

/// What `event` must not be dated before, by the tables above.
pub fn anchors(definition: &WorkflowDefinition, event: &ProposalEvent) -> Vec<Anchor> {
    let ProposalEvent::StageChanged(d) = event else {
        return BY_EVENT
            .iter()
            .find(|(kind, _)| *kind == event.kind())
            .map(|(_, a)| a.to_vec())
            .unwrap_or_default();
    };
    let mut out = EVERY_MOVE.to_vec();
    let to = (d.action != MoveKind::Resume).then_some(&d.to);
    if let Some(step) = definition.find(d.action, &d.from, to) {
        for guard in &step.guards {
            let rows = BY_GUARD.iter().filter(|(g, _)| g == guard);
            out.extend(rows.flat_map(|(_, a)| a.iter().copied()));
        }
    }
    let rows = BY_TARGET.iter().filter(|(s, _)| *s == d.to);
    out.extend(rows.flat_map(|(_, a)| a.iter().copied()));
    out
}

/// What the rules read of a proposal as recorded so far: the full state, or the slim fold
/// `order_scan` keeps while `audit verify` streams the log.
pub trait OrderFacts {
    /// The marks the fold keeps.
    fn marks(&self) -> &Marks;
    /// The standing Board vote of this round: its meeting and seq.
    fn standing_vote(&self) -> Option<(Date, u64)>;
    /// The councils whose approval is in force, in the proposal's order of councils.
    fn approving(&self) -> Vec<String>;
}

impl OrderFacts for ProposalState {
    fn marks(&self) -> &Marks {
        &self.marks
    }
    fn standing_vote(&self) -> Option<(Date, u64)> {
        self.board.standing().map(|v| (v.meeting, v.seq))
    }
    fn approving(&self) -> Vec<String> {
        self.approvals()
            .into_iter()
            .filter(|(_, d)| *d == Some(Decision::Approve))
            .map(|(c, _)| c)
            .collect()
    }
}

/// The recorded events `anchor` names for `event` on the proposal as recorded so far.
fn resolve<S: OrderFacts + ?Sized>(anchor: Anchor, state: &S, event: &ProposalEvent) -> Vec<Mark> {
    let marks = state.marks();
    let own = |map: &BTreeMap<String, Mark>| -> Vec<Mark> {
        council_of(event)
            .and_then(|c| map.get(c))
            .cloned()
            .into_iter()
            .collect()
    };
    let one = |m: &Option<Mark>| m.iter().cloned().collect::<Vec<_>>();
    match anchor {
        StageEntry => one(&marks.entry),
        BusinessCase => one(&marks.business_case),
        ConsultationOpening => one(&marks.opened),
        LastResponse => one(&marks.last_response),
        ConsultationClose => one(&marks.closed),
        StandingBoardVote => state
            .standing_vote()
            .map(|(meeting, seq)| mark(seq, meeting, "the Board vote it relies on"))
            .into_iter()
            .collect(),
        PreviousBoardVote => one(&marks.board),
        OwnPreviousDecision | OwnApproval => own(&marks.decisions),
        OwnCallIn => own(&marks.call_ins),
        EveryApproval => state
            .approving()
            .into_iter()
            .filter_map(|c| marks.decisions.get(&c).cloned())
            .collect(),
        CallIns => marks.call_ins.values().cloned().collect(),
        GoLive => one(&marks.went_live),
    }
}

fn council_of(event: &ProposalEvent) -> Option<&str> {
    match event {
        ProposalEvent::CouncilDecisionRecorded(d) => Some(&d.council),
        ProposalEvent::CallInRequested(d) => Some(&d.council),
        ProposalEvent::CallInResolved(d) => Some(&d.council),
        _ => None,
    }
}

/// One rule broken: the event (its seq once recorded), its date, and the earlier event it must not
/// come before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breach {
    pub seq: Option<u64>,
    pub what: String,
    pub on: Date,
    pub after: Mark,
}

impl Breach {
    /// The breach in one line, naming both events and both dates.
    pub fn describe(&self) -> String {
        let seq = self.seq.map(|s| format!(" (seq {s})")).unwrap_or_default();
        format!(
            "{}{seq}, dated {}, is dated before {} (seq {}), dated {}",
            self.what, self.on, self.after.what, self.after.seq, self.after.on
        )
    }
}

/// Every rule `event` (seq `seq` once recorded) dated `on` breaks against `state`, the proposal as
/// recorded before it.
pub fn breaches<S: OrderFacts + ?Sized>(
    state: &S,
    definition: &WorkflowDefinition,
    event: &ProposalEvent,
    seq: Option<u64>,
    on: Date,
) -> Vec<Breach> {
    let mut seen = Vec::new();
    for anchor in anchors(definition, event) {
        for after in resolve(anchor, state, event) {
            if after.on > on && !seen.iter().any(|b: &Breach| b.after.seq == after.seq) {
                let what = words(event);
                seen.push(Breach {
                    seq,
                    what,
                    on,
                    after,
                });
            }
        }
    }
    seen
}

/// Refuses `event` dated `on` (exit 3) when it would be dated before what it depends on, naming
/// both events and both dates, with the date from which it would keep the order.
pub fn check(
    state: &ProposalState,
    definition: &WorkflowDefinition,
    event: &ProposalEvent,
    on: Date,
) -> Result<(), Failure> {
    let found = breaches(state, definition, event, None, on);
    let Some(latest) = found.iter().map(|b| b.after.on).max() else {
        return Ok(());
    };
    let failure = Failure::refused(format!(
        "{} of {} cannot be dated {on}: it would come before what it depends on",
        words(event),
        state.id
    ));
    Err(refusal(failure, &found, event, latest))
}

/// Words `found` under `failure`, with the date from which `event` would keep the order.
fn refusal(failure: Failure, found: &[Breach], event: &ProposalEvent, latest: Date) -> Failure {
    let remedy = match event {
        ProposalEvent::BoardVoteRecorded(_) => Remedy::MeetingFrom { date: latest },
        _ => Remedy::DateFrom { date: latest },
    };
    let mut unmet: Vec<Unmet> = found
        .iter()
        .map(|b| {
            Unmet::plain(format!(
                "{} (seq {}) is dated {}",
                b.after.what, b.after.seq, b.after.on
            ))
        })
        .collect();
    if let Some(last) = unmet.pop() {
        unmet.push(Unmet::met_by(last.condition, remedy));
    }
    with_unmet(failure, unmet)
}

/// Walks a proposal's recorded events (seq order, their dates as corrected: see
/// `correction::corrected`) and returns every event dated before what it depends on: what a log
/// recorded before these rules may hold.
pub fn scan(events: &[engine::Event], registry: &Registry) -> Result<Vec<Breach>, Failure> {
    let mut state: Option<ProposalState> = None;
    let mut found = Vec::new();
    for event in events {
        match &mut state {
            None if event.kind == PROPOSAL_CREATED => {
                state = Some(ProposalState::created(event)?);
            }
            None => {}
            Some(s) => {
                let on = super::apply::event_date(event, &event.effective_on)?;
                let decoded = ProposalEvent::read(event)?;
                if let Ok(definition) = registry.get(&s.workflow.name, s.workflow.version) {
                    found.extend(breaches(s, definition, &decoded, Some(event.seq), on));
                }
                s.apply(event)?;
            }
        }
    }
    Ok(found)
}
