//! Every event a proposal's (or a milestone's) stream holds, as one typed enum: what the rules
//! decide, the fold applies, a change returns and a history describes. The compiler names every
//! place a new event must be handled.
//!
//! The enum is for reading and deciding only. A stored event's `data` is never re-serialised from
//! it (the hash covers the bytes as written), and data written by an earlier version decodes: a key
//! added later is optional, a key this version does not know is ignored, and a type a later version
//! adds decodes as [`ProposalEvent::Other`].

use super::costs::{CostRecorded, COST_RECORDED};
use super::events::*;
use engine::{Event, Failure};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// One event of a proposal's stream, or of a programme milestone's.
#[derive(Debug, Clone, PartialEq)]
pub enum ProposalEvent {
    ProposalCreated(ProposalCreated),
    StageChanged(StageChanged),
    BusinessCaseRecorded(BusinessCaseRecorded),
    ConsultationOpened(ConsultationOpened),
    ConsultationResponseRecorded(ConsultationResponseRecorded),
    ConsultationClosed(ConsultationClosed),
    BoardVoteRecorded(BoardVoteRecorded),
    CouncilDecisionRecorded(CouncilDecisionRecorded),
    CallInRequested(CallInRequested),
    CallInResolved(CallInResolved),
    InterestDeclared(InterestDeclared),
    KpiDefined(KpiDefined),
    KpiValueRecorded(KpiValueRecorded),
    SavingRecorded(SavingRecorded),
    ReviewRecorded(ReviewRecorded),
    MilestoneAdded(MilestoneAdded),
    MilestoneAmended(MilestoneAmended),
    MilestoneCompleted(MilestoneCompleted),
    InPrincipleApproved(InPrincipleApproved),
    DateCorrected(DateCorrected),
    CouncilLeft(CouncilLeft),
    ShareVariationProposed(ShareVariationProposed),
    ShareVariationConsented(ShareVariationConsented),
    CostRecorded(CostRecorded),
    /// A type a later version added: this version folds it as nothing and names it by its type.
    Other(String),
}

fn data<T: DeserializeOwned>(data: &Value) -> Result<T, serde_json::Error> {
    T::deserialize(data)
}

impl ProposalEvent {
    /// Decodes an event's `data` by its `type`.
    pub fn decode(kind: &str, d: &Value) -> Result<ProposalEvent, serde_json::Error> {
        use ProposalEvent::*;
        Ok(match kind {
            PROPOSAL_CREATED => ProposalCreated(data(d)?),
            STAGE_CHANGED => StageChanged(data(d)?),
            BUSINESS_CASE_RECORDED => BusinessCaseRecorded(data(d)?),
            CONSULTATION_OPENED => ConsultationOpened(data(d)?),
            CONSULTATION_RESPONSE_RECORDED => ConsultationResponseRecorded(data(d)?),
            CONSULTATION_CLOSED => ConsultationClosed(data(d)?),
            BOARD_VOTE_RECORDED => BoardVoteRecorded(data(d)?),
            COUNCIL_DECISION_RECORDED => CouncilDecisionRecorded(data(d)?),
            CALL_IN_REQUESTED => CallInRequested(data(d)?),
            CALL_IN_RESOLVED => CallInResolved(data(d)?),
            INTEREST_DECLARED => InterestDeclared(data(d)?),
            KPI_DEFINED => KpiDefined(data(d)?),
            KPI_VALUE_RECORDED => KpiValueRecorded(data(d)?),
            SAVING_RECORDED => SavingRecorded(data(d)?),
            REVIEW_RECORDED => ReviewRecorded(data(d)?),
            MILESTONE_ADDED => MilestoneAdded(data(d)?),
            MILESTONE_AMENDED => MilestoneAmended(data(d)?),
            MILESTONE_COMPLETED => MilestoneCompleted(data(d)?),
            IN_PRINCIPLE_APPROVED => InPrincipleApproved(data(d)?),
            DATE_CORRECTED => DateCorrected(data(d)?),
            COUNCIL_LEFT => CouncilLeft(data(d)?),
            SHARE_VARIATION_PROPOSED => ShareVariationProposed(data(d)?),
            SHARE_VARIATION_CONSENTED => ShareVariationConsented(data(d)?),
            COST_RECORDED => CostRecorded(data(d)?),
            other => Other(other.to_string()),
        })
    }

    /// Decodes a stored event; data this version cannot read is an integrity failure naming it.
    pub fn read(event: &Event) -> Result<ProposalEvent, Failure> {
        ProposalEvent::decode(&event.kind, &event.data).map_err(|e| {
            Failure::integrity(format!(
                "event {} ({}) has data this version cannot read: {e}",
                event.seq, event.kind
            ))
        })
    }

    /// The `data` a new event of this kind is written with (a decided event; an `Other` was never
    /// decided by this version, so it has none to give).
    pub fn data(&self) -> Value {
        use ProposalEvent::*;
        let value = match self {
            ProposalCreated(d) => serde_json::to_value(d),
            StageChanged(d) => serde_json::to_value(d),
            BusinessCaseRecorded(d) => serde_json::to_value(d),
            ConsultationOpened(d) => serde_json::to_value(d),
            ConsultationResponseRecorded(d) => serde_json::to_value(d),
            ConsultationClosed(d) => serde_json::to_value(d),
            BoardVoteRecorded(d) => serde_json::to_value(d),
            CouncilDecisionRecorded(d) => serde_json::to_value(d),
            CallInRequested(d) => serde_json::to_value(d),
            CallInResolved(d) => serde_json::to_value(d),
            InterestDeclared(d) => serde_json::to_value(d),
            KpiDefined(d) => serde_json::to_value(d),
            KpiValueRecorded(d) => serde_json::to_value(d),
            SavingRecorded(d) => serde_json::to_value(d),
            ReviewRecorded(d) => serde_json::to_value(d),
            MilestoneAdded(d) => serde_json::to_value(d),
            MilestoneAmended(d) => serde_json::to_value(d),
            MilestoneCompleted(d) => serde_json::to_value(d),
            InPrincipleApproved(d) => serde_json::to_value(d),
            DateCorrected(d) => serde_json::to_value(d),
            CouncilLeft(d) => serde_json::to_value(d),
            ShareVariationProposed(d) => serde_json::to_value(d),
            ShareVariationConsented(d) => serde_json::to_value(d),
            CostRecorded(d) => serde_json::to_value(d),
            Other(_) => Ok(Value::Object(Default::default())),
        };
        value.expect("event data always serialises")
    }

    /// The event's `type`.
    pub fn kind(&self) -> &str {
        use ProposalEvent::*;
        match self {
            ProposalCreated(_) => PROPOSAL_CREATED,
            StageChanged(_) => STAGE_CHANGED,
            BusinessCaseRecorded(_) => BUSINESS_CASE_RECORDED,
            ConsultationOpened(_) => CONSULTATION_OPENED,
            ConsultationResponseRecorded(_) => CONSULTATION_RESPONSE_RECORDED,
            ConsultationClosed(_) => CONSULTATION_CLOSED,
            BoardVoteRecorded(_) => BOARD_VOTE_RECORDED,
            CouncilDecisionRecorded(_) => COUNCIL_DECISION_RECORDED,
            CallInRequested(_) => CALL_IN_REQUESTED,
            CallInResolved(_) => CALL_IN_RESOLVED,
            InterestDeclared(_) => INTEREST_DECLARED,
            KpiDefined(_) => KPI_DEFINED,
            KpiValueRecorded(_) => KPI_VALUE_RECORDED,
            SavingRecorded(_) => SAVING_RECORDED,
            ReviewRecorded(_) => REVIEW_RECORDED,
            MilestoneAdded(_) => MILESTONE_ADDED,
            MilestoneAmended(_) => MILESTONE_AMENDED,
            MilestoneCompleted(_) => MILESTONE_COMPLETED,
            InPrincipleApproved(_) => IN_PRINCIPLE_APPROVED,
            DateCorrected(_) => DATE_CORRECTED,
            CouncilLeft(_) => COUNCIL_LEFT,
            ShareVariationProposed(_) => SHARE_VARIATION_PROPOSED,
            ShareVariationConsented(_) => SHARE_VARIATION_CONSENTED,
            CostRecorded(_) => COST_RECORDED,
            Other(kind) => kind,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn data_of_earlier_versions_decodes_and_extra_keys_are_ignored() {
        // A decision as the first version wrote it: none of the call-in keys.
        let old =
            json!({"council": "redditch", "decision": "approve", "minute": null, "moves_to": null});
        let ProposalEvent::CouncilDecisionRecorded(d) =
            ProposalEvent::decode(COUNCIL_DECISION_RECORDED, &old).unwrap()
        else {
            panic!("decodes as a decision")
        };
        assert_eq!(d.urgent, None);
        assert_eq!(d.call_in_closes, None);
        // A move without `reason` or `new_round`, and a key a later version added.
        let moved =
            json!({"from": "quick-win", "to": "business-case", "action": "advance", "later": 1});
        let ProposalEvent::StageChanged(s) = ProposalEvent::decode(STAGE_CHANGED, &moved).unwrap()
        else {
            panic!("decodes as a move")
        };
        assert!(!s.new_round && s.reason.is_none());
        // A business case without the equal-share flags.
        let case = json!({"one_off_cost": "1.00", "annual_saving": "2.00", "shares": {}, "cost_shares": {},
            "annual_saving_by_council": {}, "one_off_cost_by_council": {}});
        assert!(ProposalEvent::decode(BUSINESS_CASE_RECORDED, &case).is_ok());
        // A type from a later version.
        let later = ProposalEvent::decode("budget-frozen", &json!({})).unwrap();
        assert_eq!(later, ProposalEvent::Other("budget-frozen".into()));
        assert_eq!(later.kind(), "budget-frozen");
    }

    #[test]
    fn malformed_data_is_refused() {
        assert!(ProposalEvent::decode(STAGE_CHANGED, &json!({"from": 1})).is_err());
    }
}
