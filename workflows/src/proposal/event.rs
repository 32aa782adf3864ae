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
use serde::{Deserialize, Deserializer};
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

fn de<'de, T: Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
    T::deserialize(d)
}

impl ProposalEvent {
    /// Decodes an event's `data` by its `type`.
    pub fn decode(kind: &str, d: &Value) -> Result<ProposalEvent, serde_json::Error> {
        ProposalEvent::decode_with(kind, d)
    }

    /// [`decode`](Self::decode) of `data` as its JSON text, without building a JSON value first
    /// (what `audit verify` reads from the log's lines); the same events decode either way.
    pub fn decode_json(kind: &str, text: &[u8]) -> Result<ProposalEvent, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_slice(text);
        let event = ProposalEvent::decode_with(kind, &mut de)?;
        if !matches!(event, ProposalEvent::Other(_)) {
            de.end()?;
        }
        Ok(event)
    }

    /// Decodes `d` as the data of an event of type `kind` (a type this version does not know is
    /// [`ProposalEvent::Other`], its data unread).
    fn decode_with<'de, D: Deserializer<'de>>(kind: &str, d: D) -> Result<ProposalEvent, D::Error> {
        use ProposalEvent::*;
        Ok(match kind {
            PROPOSAL_CREATED => ProposalCreated(de(d)?),
            STAGE_CHANGED => StageChanged(de(d)?),
            BUSINESS_CASE_RECORDED => BusinessCaseRecorded(de(d)?),
            CONSULTATION_OPENED => ConsultationOpened(de(d)?),
            CONSULTATION_RESPONSE_RECORDED => ConsultationResponseRecorded(de(d)?),
            CONSULTATION_CLOSED => ConsultationClosed(de(d)?),
            BOARD_VOTE_RECORDED => BoardVoteRecorded(de(d)?),
            COUNCIL_DECISION_RECORDED => CouncilDecisionRecorded(de(d)?),
            CALL_IN_REQUESTED => CallInRequested(de(d)?),
            CALL_IN_RESOLVED => CallInResolved(de(d)?),
            INTEREST_DECLARED => InterestDeclared(de(d)?),
            KPI_DEFINED => KpiDefined(de(d)?),
            KPI_VALUE_RECORDED => KpiValueRecorded(de(d)?),
            SAVING_RECORDED => SavingRecorded(de(d)?),
            REVIEW_RECORDED => ReviewRecorded(de(d)?),
            MILESTONE_ADDED => MilestoneAdded(de(d)?),
            MILESTONE_AMENDED => MilestoneAmended(de(d)?),
            MILESTONE_COMPLETED => MilestoneCompleted(de(d)?),
            IN_PRINCIPLE_APPROVED => InPrincipleApproved(de(d)?),
            DATE_CORRECTED => DateCorrected(de(d)?),
            COUNCIL_LEFT => CouncilLeft(de(d)?),
            SHARE_VARIATION_PROPOSED => ShareVariationProposed(de(d)?),
            SHARE_VARIATION_CONSENTED => ShareVariationConsented(de(d)?),
            COST_RECORDED => CostRecorded(de(d)?),
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
