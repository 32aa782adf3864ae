//! The contract's JSON shapes of a proposal, produced from its state: `proposal show` (and, per
//! proposal, `audit replay`), `proposal list` and `proposal history`.

use super::call_in::{call_in_view, CallInView};
use super::events::{BoardOutcome, WorkflowRef};
use super::reminders::reminders_for;
use super::state::ProposalState;
use crate::definition::{Category, Stage};
use crate::milestone::Milestone;
use crate::money::Money;
use crate::reminders::Outlook;
use crate::reminders::ReminderView;
use jiff::civil::Date;
use jiff::Timestamp;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

/// `proposal show`: the contract's keys, then more for the reader.
#[derive(Debug, Clone, Serialize)]
pub struct ProposalView {
    pub id: String,
    pub title: String,
    pub service: String,
    pub stage: Stage,
    pub lead: String,
    pub councils: Vec<String>,
    pub category: Category,
    pub version: u64,
    pub workflow: WorkflowRef,
    pub business_case: Option<BusinessCaseView>,
    pub consultation: ConsultationView,
    pub board: BoardView,
    pub approvals: BTreeMap<String, String>,
    pub savings: SavingsView,
    pub reviews: Vec<ReviewView>,
    pub next_reminders: Vec<ReminderView>,
    pub created_on: Date,
    pub created_by: String,
    pub round: u32,
    pub held_from: Option<Stage>,
    pub went_live: Option<Date>,
    pub decisions: BTreeMap<String, DecisionView>,
    pub kpis: BTreeMap<String, KpiView>,
    pub milestones: Vec<Milestone>,
    pub recused: BTreeMap<String, RecusalView>,
    /// Each council whose approval has a call-in window (or was urgent): its status and end.
    pub call_in: BTreeMap<String, CallInView>,
    /// The councils' approvals in principle (never their decisions), oldest first.
    pub in_principle: Vec<InPrincipleView>,
    /// Each council that left the service: when, from which quarter, by which minute.
    pub left: BTreeMap<String, super::state::Left>,
    /// Every variation of the shares proposed after go-live, oldest first, with its consents.
    pub share_variations: Vec<ShareVariationView>,
}

/// A variation of the shares: proposed, consented to, and in force or not.
#[derive(Debug, Clone, Serialize)]
pub struct ShareVariationView {
    pub proposed_on: Date,
    pub by: String,
    pub shares: BTreeMap<String, crate::money::Percent>,
    pub consents: BTreeMap<String, super::state::Consent>,
    /// The councils whose consent is still needed.
    pub awaiting: Vec<String>,
    /// `pending`, `in-force` (every council consented) or `replaced`.
    pub status: &'static str,
    /// The first quarter it is in force for (that of the last consent).
    pub in_force_from: Option<crate::quarter::Quarter>,
}

/// A council's approval in principle.
#[derive(Debug, Clone, Serialize)]
pub struct InPrincipleView {
    pub council: String,
    pub on: Date,
    pub minute: String,
    pub by: String,
}

/// The business case with each council's part of the saving and of the cost: as the state has it.
pub type BusinessCaseView = super::state::BusinessCase;

/// The consultation of the current round.
#[derive(Debug, Clone, Serialize)]
pub struct ConsultationView {
    pub status: &'static str,
    pub parties: BTreeMap<String, &'static str>,
    pub responses: BTreeMap<String, String>,
    pub opened_on: Option<Date>,
    pub closed_on: Option<Date>,
}

/// The Board's standing recommendation and every vote of this round.
#[derive(Debug, Clone, Serialize)]
pub struct BoardView {
    pub outcome: Option<BoardOutcome>,
    pub meeting: Option<Date>,
    pub votes: Vec<BoardVoteView>,
}

/// One meeting's vote.
#[derive(Debug, Clone, Serialize)]
pub struct BoardVoteView {
    pub meeting: Date,
    pub outcome: BoardOutcome,
    pub support: Vec<String>,
    pub oppose: Vec<String>,
    pub abstain: Vec<String>,
}

/// A council's latest decision.
#[derive(Debug, Clone, Serialize)]
pub struct DecisionView {
    pub decision: &'static str,
    pub minute: Option<String>,
    pub on: Date,
    pub by: String,
    /// The body that took it (`cabinet`, `full-council`), when the partnership file names one.
    pub decision_body: Option<&'static str>,
    /// Taken as urgent (exempt from call-in).
    pub urgent: bool,
}

/// Savings recorded: the total, each council's part, and each quarter's.
#[derive(Debug, Clone, Serialize)]
pub struct SavingsView {
    pub total: Money,
    pub by_council: BTreeMap<String, Money>,
    pub by_quarter: BTreeMap<String, QuarterSavingView>,
}

/// One quarter's saving.
#[derive(Debug, Clone, Serialize)]
pub struct QuarterSavingView {
    pub amount: Money,
    pub by_council: BTreeMap<String, Money>,
    /// On a corrected quarter: the figure the correction replaced.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub corrects: Option<Money>,
    /// Why it was corrected, or why there was a shortfall.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A council's review.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewView {
    pub kind: &'static str,
    pub council: String,
    pub outcome: &'static str,
    pub summary: Option<String>,
    pub on: Date,
    pub by: String,
    pub recorded_at: String,
}

/// A performance indicator.
#[derive(Debug, Clone, Serialize)]
pub struct KpiView {
    pub target: Option<Decimal>,
    pub unit: Option<String>,
    pub values: BTreeMap<String, Decimal>,
    /// Where it stood before the service, if the definition gave it.
    pub baseline: Option<Decimal>,
    /// `higher` or `lower` (which way is better).
    pub direction: super::rag::Direction,
    /// The latest value's status against the target (null: no value or no target yet).
    pub status: Option<super::rag::Rag>,
    /// The quarter of that value.
    pub status_quarter: Option<String>,
    /// The status in words: "On target", "Within 10% of target", "More than 10% off target".
    pub status_text: Option<&'static str>,
}

/// A declared interest.
#[derive(Debug, Clone, Serialize)]
pub struct RecusalView {
    pub reason: String,
    pub on: Date,
}

/// `proposal show` of `state` without a clock: as [`show_view_at`], except that a call-in window
/// nobody called in shows `open` while the proposal is at council-approval, else `closed`.
pub fn show_view(state: &ProposalState, outlook: &Outlook) -> ProposalView {
    show_view_at(state, outlook, None)
}

/// `proposal show` of `state` as of `now` (the same function serves the live view and every
/// replay, `now` being the replay's instant); `outlook` decides which reminders are next.
pub fn show_view_at(
    state: &ProposalState,
    outlook: &Outlook,
    now: Option<Timestamp>,
) -> ProposalView {
    ProposalView {
        id: state.id.clone(),
        title: state.title.clone(),
        service: state.service.clone(),
        stage: state.stage.clone(),
        lead: state.lead.clone(),
        councils: state.councils.clone(),
        category: state.category,
        version: state.version,
        workflow: state.workflow.clone(),
        business_case: state.business_case.clone(),
        consultation: consultation_view(state),
        board: board_view(state),
        approvals: state
            .approvals()
            .into_iter()
            .map(|(c, d)| (c, d.map_or("pending", |d| d.as_str()).to_string()))
            .collect(),
        savings: savings_view(state),
        reviews: reviews_view(state),
        next_reminders: reminders_for(state, outlook),
        created_on: state.created_on,
        created_by: state.created_by.clone(),
        round: state.round,
        held_from: state.held_from.clone(),
        went_live: state.went_live,
        decisions: decisions_view(state),
        kpis: kpis_view(state),
        milestones: state.milestones.values().cloned().collect(),
        recused: recused_view(state),
        call_in: call_in_view(state, now, &outlook.tz),
        in_principle: state
            .in_principle
            .iter()
            .map(|p| InPrincipleView {
                council: p.council.clone(),
                on: p.on,
                minute: p.minute.clone(),
                by: p.by.clone(),
            })
            .collect(),
        left: state.left.clone(),
        share_variations: variations_view(state),
    }
}

/// The variations of shares with their consents and status.
fn variations_view(state: &ProposalState) -> Vec<ShareVariationView> {
    use super::shares::{awaiting, in_force_from};
    state
        .share_variations
        .iter()
        .map(|v| {
            let from = in_force_from(state, v);
            ShareVariationView {
                proposed_on: v.proposed_on,
                by: v.by.clone(),
                shares: v.shares.clone(),
                consents: v.consents.clone(),
                awaiting: if v.replaced {
                    vec![]
                } else {
                    awaiting(state, v)
                },
                status: match (v.replaced, from) {
                    (true, _) => "replaced",
                    (false, Some(_)) => "in-force",
                    (false, None) => "pending",
                },
                in_force_from: from,
            }
        })
        .collect()
}

/// The consultation: each party responded or pending, and the responses.
fn consultation_view(state: &ProposalState) -> ConsultationView {
    ConsultationView {
        status: state.consultation.status.as_str(),
        parties: state
            .consultation
            .parties
            .iter()
            .map(|(p, r)| (p.clone(), if r.is_some() { "responded" } else { "pending" }))
            .collect(),
        responses: state
            .consultation
            .parties
            .iter()
            .filter_map(|(p, r)| r.clone().map(|r| (p.clone(), r)))
            .collect(),
        opened_on: state.consultation.opened_on,
        closed_on: state.consultation.closed_on,
    }
}

/// The Board's standing outcome and every vote.
fn board_view(state: &ProposalState) -> BoardView {
    let standing = state.board.standing();
    BoardView {
        outcome: standing.map(|v| v.outcome),
        meeting: standing.map(|v| v.meeting),
        votes: state
            .board
            .votes
            .iter()
            .map(|v| BoardVoteView {
                meeting: v.meeting,
                outcome: v.outcome,
                support: v.support.clone(),
                oppose: v.oppose.clone(),
                abstain: v.abstain.clone(),
            })
            .collect(),
    }
}

/// The savings recorded: in total, per council and per quarter.
fn savings_view(state: &ProposalState) -> SavingsView {
    let (total, by_council) = state.savings_total();
    SavingsView {
        total,
        by_council,
        by_quarter: state
            .savings
            .iter()
            .map(|(q, s)| {
                (
                    q.to_string(),
                    QuarterSavingView {
                        amount: s.amount,
                        by_council: s.by_council.clone(),
                        corrects: s.corrects,
                        reason: s.reason.clone(),
                    },
                )
            })
            .collect(),
    }
}

/// The councils' reviews.
fn reviews_view(state: &ProposalState) -> Vec<ReviewView> {
    state
        .reviews
        .iter()
        .map(|r| ReviewView {
            kind: r.kind.as_str(),
            council: r.council.clone(),
            outcome: r.outcome.as_str(),
            summary: r.summary.clone(),
            on: r.on,
            by: r.by.clone(),
            recorded_at: r.recorded_at.clone(),
        })
        .collect()
}

/// Each council's decision.
fn decisions_view(state: &ProposalState) -> BTreeMap<String, DecisionView> {
    state
        .decisions
        .iter()
        .map(|(c, d)| {
            (
                c.clone(),
                DecisionView {
                    decision: d.decision.as_str(),
                    minute: d.minute.clone(),
                    on: d.on,
                    by: d.by.clone(),
                    decision_body: d.decision_body.map(|b| b.as_str()),
                    urgent: d.urgent,
                },
            )
        })
        .collect()
}

/// The performance indicators with their values per quarter.
fn kpis_view(state: &ProposalState) -> BTreeMap<String, KpiView> {
    state
        .kpis
        .iter()
        .map(|(n, k)| {
            let latest = k.values.iter().next_back();
            let status = latest
                .zip(k.target)
                .map(|((_, v), t)| super::rag::status(t, *v, k.direction));
            (
                n.clone(),
                KpiView {
                    target: k.target,
                    unit: k.unit.clone(),
                    values: k.values.iter().map(|(q, v)| (q.to_string(), *v)).collect(),
                    baseline: k.baseline,
                    direction: k.direction,
                    status,
                    status_quarter: status.and(latest).map(|(q, _)| q.to_string()),
                    status_text: status.map(super::rag::Rag::words),
                },
            )
        })
        .collect()
}

/// Who has declared an interest, since when and why.
fn recused_view(state: &ProposalState) -> BTreeMap<String, RecusalView> {
    state
        .recused
        .iter()
        .map(|(a, r)| {
            (
                a.clone(),
                RecusalView {
                    reason: r.reason.clone(),
                    on: r.on,
                },
            )
        })
        .collect()
}

/// One line of `proposal list`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ListItem {
    pub id: String,
    pub title: String,
    pub stage: Stage,
    pub lead: String,
    pub councils: Vec<String>,
    pub version: u64,
    pub service: String,
    pub category: Category,
}

/// `proposal list`'s line for `state`.
pub fn list_item(state: &ProposalState) -> ListItem {
    ListItem {
        id: state.id.clone(),
        title: state.title.clone(),
        stage: state.stage.clone(),
        lead: state.lead.clone(),
        councils: state.councils.clone(),
        version: state.version,
        service: state.service.clone(),
        category: state.category,
    }
}

/// One entry of `proposal history`: both times of the event, its data and hash.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryItem {
    pub seq: u64,
    pub version: u64,
    #[serde(rename = "type")]
    pub kind: String,
    pub actor: String,
    pub recorded_at: String,
    pub effective_on: String,
    pub data: serde_json::Value,
    pub hash: String,
}

impl HistoryItem {
    /// What the event recorded, in words.
    pub fn describe(&self) -> String {
        super::describe::describe(&self.kind, &self.data)
    }
}

/// `proposal history`'s entry for one event.
pub fn history_item(event: &engine::Event) -> HistoryItem {
    HistoryItem {
        seq: event.seq,
        version: event.version,
        kind: event.kind.clone(),
        actor: event.actor.clone(),
        recorded_at: event.recorded_at.clone(),
        effective_on: event.effective_on.clone(),
        data: event.data.clone(),
        hash: event.hash.clone(),
    }
}
