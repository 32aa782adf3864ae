//! The rules and the projection, on proposals kept in memory.

use super::command::ProposalCommand as C;
use super::events::{BoardOutcome, Decision};
use super::testing::Log;
use super::{show_view, Cut};
use crate::definition::{Category, Stage, WorkflowDefinition};
use crate::money::{Money, Percent};
use engine::FailureKind;
use jiff::civil::date;

pub(super) fn advance(to: Stage) -> C {
    C::Advance { to, reason: None }
}

fn case(shares: &[(&str, u32)]) -> C {
    C::BusinessCase {
        one_off_cost: Money::parse("15000").unwrap(),
        annual_saving: Money::parse("18000.01").unwrap(),
        shares: shares
            .iter()
            .map(|(c, p)| {
                (
                    c.to_string(),
                    Percent {
                        hundredths: p * 100,
                    },
                )
            })
            .collect(),
        cost_shares: vec![],
        risks: vec!["a statutory function".into()],
    }
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn vote(meeting: &str, support: &[&str], abstain: &[&str]) -> C {
    C::BoardVote {
        meeting: meeting.parse().unwrap(),
        support: names(support),
        oppose: vec![],
        abstain: names(abstain),
    }
}

pub(super) fn decide(council: &str, decision: Decision) -> C {
    C::CouncilDecide {
        council: council.into(),
        decision,
        minute: None,
        urgent: false,
    }
}

/// Elections taken to council approval, with a recommending Board.
pub(super) fn at_council_approval() -> Log {
    let mut log = Log::elections();
    log.run("jce", "2008-09-17", advance(Stage::BusinessCase))
        .unwrap();
    log.run("jce", "2008-10-20", case(&[])).unwrap();
    log.run("jce", "2008-10-20", advance(Stage::Consultation))
        .unwrap();
    log.run(
        "jce",
        "2008-10-21",
        C::OpenConsultation {
            parties: names(&["staff", "unison"]),
        },
    )
    .unwrap();
    log.run(
        "jce",
        "2008-11-03",
        vote(
            "2008-11-03",
            &["bdc-leader", "bdc-member-2", "rbc-leader", "rbc-member-2"],
            &["rbc-member-3"],
        ),
    )
    .unwrap();
    log.run("jce", "2008-11-21", C::CloseConsultation).unwrap();
    log.run("jce", "2008-11-21", advance(Stage::CouncilApproval))
        .unwrap();
    log
}

#[test]
fn categories_choose_the_start_stage() {
    let log = Log::elections();
    assert_eq!(log.state().stage, Stage::QuickWin);
    let mut long = Log::new("shared-ict");
    long.create(Category::LongTerm, "2008-09-01").unwrap();
    assert_eq!(long.state().stage, Stage::BusinessCase);
    assert_eq!(long.state().workflow.version, 1);
}

#[test]
fn skipping_a_stage_is_refused_and_names_the_next_one() {
    let mut log = Log::elections();
    let e = log
        .run("jce", "2008-09-17", advance(Stage::Consultation))
        .unwrap_err();
    assert_eq!(e.kind, FailureKind::Refused);
    assert!(
        e.message.contains("skipped") && e.details[0].contains("business-case"),
        "{e:?}"
    );
    let e = log
        .run("jce", "2008-09-17", advance(Stage::Withdrawn))
        .unwrap_err();
    assert!(e.message.contains("withdraw"), "{e:?}");
}

#[test]
fn every_unmet_condition_is_named() {
    let mut log = at_council_approval();
    let e = log
        .run("jce", "2008-12-01", advance(Stage::Monitoring))
        .unwrap_err();
    assert_eq!(e.details.len(), 2, "{e:?}");
    assert!(e.details.iter().all(|d| d.contains("not decided")), "{e:?}");
    log.run(
        "bdc-clerk",
        "2008-12-10",
        decide("bromsgrove", Decision::Approve),
    )
    .unwrap();
    log.run(
        "rbc-clerk",
        "2008-12-15",
        decide("redditch", Decision::Defer),
    )
    .unwrap();
    let e = log
        .run("jce", "2008-12-20", advance(Stage::Monitoring))
        .unwrap_err();
    assert_eq!(e.details.len(), 1);
    assert!(e.details[0].contains("redditch decided defer"), "{e:?}");
    log.run(
        "rbc-clerk",
        "2009-01-21",
        decide("redditch", Decision::Approve),
    )
    .unwrap();
    log.run("jce", "2009-03-02", advance(Stage::Monitoring))
        .unwrap();
    assert_eq!(log.state().went_live, Some(date(2009, 3, 2)));
}

#[test]
fn consultation_needs_staff_a_union_and_closing() {
    let mut log = Log::elections();
    log.run("jce", "2008-09-17", advance(Stage::BusinessCase))
        .unwrap();
    let e = log
        .run("jce", "2008-09-17", advance(Stage::Consultation))
        .unwrap_err();
    assert!(e.details[0].contains("no business case"));
    log.run("jce", "2008-10-20", case(&[])).unwrap();
    log.run("jce", "2008-10-20", advance(Stage::Consultation))
        .unwrap();
    log.run(
        "jce",
        "2008-10-21",
        C::OpenConsultation {
            parties: names(&["public"]),
        },
    )
    .unwrap();
    let e = log
        .run("jce", "2008-10-22", advance(Stage::CouncilApproval))
        .unwrap_err();
    assert_eq!(e.details.len(), 3, "staff, a union, still open: {e:?}");
    log.run("jce", "2008-10-23", C::CloseConsultation).unwrap();
    log.run(
        "jce",
        "2008-10-24",
        C::OpenConsultation {
            parties: names(&["staff", "gmb"]),
        },
    )
    .unwrap();
    log.run(
        "jce",
        "2008-10-25",
        C::RecordResponse {
            party: "gmb".into(),
            summary: "content".into(),
        },
    )
    .unwrap();
    assert!(log
        .run(
            "jce",
            "2008-10-25",
            C::RecordResponse {
                party: "ucatt".into(),
                summary: "x".into()
            }
        )
        .is_err());
    log.run("jce", "2008-10-26", C::CloseConsultation).unwrap();
    log.run("jce", "2008-10-27", advance(Stage::CouncilApproval))
        .unwrap();
}

#[test]
fn shares_must_cover_the_councils_and_sum_to_100() {
    let mut log = Log::elections();
    log.run("jce", "2008-09-17", advance(Stage::BusinessCase))
        .unwrap();
    let e = log
        .run(
            "jce",
            "2008-09-18",
            case(&[("bromsgrove", 60), ("wyre-forest", 30)]),
        )
        .unwrap_err();
    assert_eq!(e.kind, FailureKind::Refused);
    assert_eq!(e.details.len(), 3, "{e:?}");
    assert!(
        matches!(
            e.remedies[0].get(),
            Some(crate::remedy::Remedy::GiveShares { .. })
        ),
        "{e:?}"
    );
    log.run(
        "jce",
        "2008-09-18",
        case(&[("bromsgrove", 60), ("redditch", 40)]),
    )
    .unwrap();
    let bc = log.state().business_case.unwrap();
    assert_eq!(
        bc.annual_saving_by_council["bromsgrove"].to_string(),
        "10800.01"
    );
    assert_eq!(
        bc.annual_saving_by_council["redditch"].to_string(),
        "7200.00"
    );
    assert_eq!(
        bc.one_off_cost_by_council["redditch"].to_string(),
        "7500.00"
    );
}

#[test]
fn the_board_rule_and_the_latest_meeting() {
    let mut log = at_council_approval();
    assert_eq!(
        log.state().board.standing().unwrap().outcome,
        BoardOutcome::QualifiedMajority
    );
    log.run(
        "jce",
        "2008-12-01",
        vote("2008-12-01", &["bdc-leader"], &["rbc-leader"]),
    )
    .unwrap();
    assert_eq!(
        log.state().board.standing().unwrap().outcome,
        BoardOutcome::NotRecommended
    );
    // A vote of an earlier meeting recorded later is refused: the latest meeting stands the same
    // in seq order and by date, so it never displaces the latest meeting.
    let e = log
        .run(
            "jce",
            "2008-11-10",
            vote("2008-11-10", &["bdc-leader", "rbc-leader"], &[]),
        )
        .unwrap_err();
    assert!(e.message.contains("cannot be dated 2008-11-10"), "{e:?}");
    assert!(
        e.details
            .iter()
            .any(|d| d.contains("the Board vote (seq") && d.contains("2008-12-01")),
        "{e:?}"
    );
    let view = show_view(&log.state(), &log.outlook());
    assert_eq!(view.board.outcome, Some(BoardOutcome::NotRecommended));
    assert_eq!(view.board.meeting, Some(date(2008, 12, 1)));
    let e = log
        .run(
            "jce",
            "2008-12-02",
            vote("2008-12-02", &["bdc-leader", "bdc-substitute"], &[]),
        )
        .unwrap_err();
    assert!(e.details[0].contains("bdc-substitute"));
}

#[test]
fn a_rejection_ends_the_round_and_back_to_business_case_starts_again() {
    let mut log = at_council_approval();
    log.run(
        "bdc-clerk",
        "2008-12-10",
        decide("bromsgrove", Decision::Approve),
    )
    .unwrap();
    log.run(
        "rbc-clerk",
        "2008-12-15",
        decide("redditch", Decision::Reject),
    )
    .unwrap();
    let s = log.state();
    assert_eq!(s.stage, Stage::Rejected);
    assert!(log
        .run("jce", "2008-12-16", C::Withdraw { reason: "x".into() })
        .is_err());
    log.run("jce", "2009-06-01", advance(Stage::BusinessCase))
        .unwrap();
    let s = log.state();
    assert_eq!((s.round, s.decisions.len(), s.board.votes.len()), (2, 0, 0));
    assert!(
        s.business_case.is_some(),
        "the business case stays for revision"
    );
    assert_eq!(
        show_view(&s, &log.outlook()).consultation.status,
        "not-started"
    );
}

#[test]
fn hold_returns_to_the_stage_it_left() {
    let mut log = Log::elections();
    log.run("jce", "2008-09-17", advance(Stage::BusinessCase))
        .unwrap();
    log.run(
        "jce",
        "2008-10-06",
        C::Hold {
            reason: "grant funding".into(),
        },
    )
    .unwrap();
    assert!(log.run("jce", "2008-10-07", case(&[])).is_err());
    assert!(log
        .run(
            "jce",
            "2008-10-07",
            C::Hold {
                reason: "again".into()
            }
        )
        .is_err());
    log.run(
        "jce",
        "2009-01-05",
        C::Resume {
            reason: "funding confirmed".into(),
        },
    )
    .unwrap();
    let s = log.state();
    assert_eq!(s.stage, Stage::BusinessCase);
    assert_eq!(s.holds[0].until, Some(date(2009, 1, 5)));
    let e = log
        .run("jce", "2009-01-06", C::Close { reason: "x".into() })
        .unwrap_err();
    assert!(e.message.contains("monitoring"));
    log.run(
        "jce",
        "2009-01-06",
        C::NotPursue {
            reason: "no savings".into(),
        },
    )
    .unwrap();
    assert!(log.state().has_ended());
}

#[test]
fn a_change_dated_before_the_proposal_existed_is_refused() {
    let mut log = Log::elections();
    let e = log
        .run("jce", "2008-08-31", advance(Stage::BusinessCase))
        .unwrap_err();
    assert_eq!(
        e.remedies[0].get(),
        Some(&crate::remedy::Remedy::DateFrom {
            date: jiff::civil::date(2008, 9, 1)
        })
    );
}

#[test]
fn savings_split_to_the_penny_and_sum_to_the_total() {
    let mut log = at_council_approval();
    log.run(
        "bdc-clerk",
        "2008-12-10",
        decide("bromsgrove", Decision::Approve),
    )
    .unwrap();
    log.run(
        "rbc-clerk",
        "2008-12-15",
        decide("redditch", Decision::Approve),
    )
    .unwrap();
    assert!(log
        .run("jce", "2009-01-01", saving("2008/09-Q3", 1))
        .is_err());
    log.run("jce", "2009-03-02", advance(Stage::Monitoring))
        .unwrap();
    log.run("jce", "2009-03-31", saving("2008/09-Q4", 150_001))
        .unwrap();
    log.run("jce", "2009-06-30", saving("2009/10-Q1", 3))
        .unwrap();
    let (total, parts) = log.state().savings_total();
    assert_eq!(total.pence, 150_004);
    assert_eq!(parts.values().map(|m| m.pence).sum::<i64>(), 150_004);
    assert_eq!(
        parts["bromsgrove"].pence, 75_003,
        "odd pence go to the lead, bromsgrove"
    );
}

/// A quarter's first figure, of `pence`.
fn saving(quarter: &str, pence: i64) -> C {
    C::RecordSaving {
        quarter: quarter.parse_q(),
        amount: Money::from_pence(pence),
        correct: false,
        reason: None,
    }
}

trait ParseQ {
    fn parse_q(&self) -> crate::quarter::Quarter;
}

impl ParseQ for str {
    fn parse_q(&self) -> crate::quarter::Quarter {
        crate::quarter::Quarter::parse(self).unwrap()
    }
}

#[test]
fn cuts_by_effective_date_recorded_instant_and_seq() {
    let mut log = at_council_approval();
    log.run(
        "bdc-clerk",
        "2008-12-10",
        decide("bromsgrove", Decision::Approve),
    )
    .unwrap();
    // Taken on 21 January, recorded on 26 January.
    log.run_recorded(
        "rbc-clerk",
        "2009-01-21",
        Some("2009-01-26T14:00:00+00:00"),
        decide("redditch", Decision::Approve),
    )
    .unwrap();
    let effective = log
        .cut(&Cut {
            effective_until: Some(date(2009, 1, 22)),
            ..Cut::LIVE
        })
        .unwrap();
    let recorded = log
        .cut(&Cut {
            recorded_until: Some("2009-01-22T23:59:59Z".parse().unwrap()),
            ..Cut::LIVE
        })
        .unwrap();
    assert_eq!(
        show_view(&effective, &log.outlook()).approvals["redditch"],
        "approve"
    );
    assert_eq!(
        show_view(&recorded, &log.outlook()).approvals["redditch"],
        "pending"
    );
    let by_seq = log
        .cut(&Cut {
            seq_until: Some(3),
            ..Cut::LIVE
        })
        .unwrap();
    assert_eq!(
        (by_seq.version, by_seq.stage.clone()),
        (3, Stage::BusinessCase)
    );
    assert!(log
        .cut(&Cut {
            effective_until: Some(date(2008, 8, 31)),
            ..Cut::LIVE
        })
        .is_none());
    let versions: Vec<u64> = log.events.iter().map(|e| e.version).collect();
    assert_eq!(versions, (1..=log.events.len() as u64).collect::<Vec<_>>());
}

#[test]
fn a_v1_proposal_keeps_v1_rules_when_v2_is_registered() {
    let mut log = at_council_approval();
    let mut v2 = WorkflowDefinition::shared_service_proposal_v1();
    v2.version = 2;
    let scrutiny = Stage::Other("scrutiny".into());
    v2.stages.insert(4, scrutiny.clone());
    for m in v2
        .moves
        .iter_mut()
        .filter(|m| m.to == Some(Stage::Monitoring))
    {
        m.to = Some(scrutiny.clone());
    }
    log.registry.register(v2).unwrap();
    log.run(
        "bdc-clerk",
        "2008-12-10",
        decide("bromsgrove", Decision::Approve),
    )
    .unwrap();
    log.run(
        "rbc-clerk",
        "2008-12-15",
        decide("redditch", Decision::Approve),
    )
    .unwrap();
    assert!(log.run("jce", "2009-03-01", advance(scrutiny)).is_err());
    log.run("jce", "2009-03-02", advance(Stage::Monitoring))
        .unwrap();
    // A proposal created now starts under v2.
    let mut new = Log::new("payroll");
    new.registry = log.registry.clone();
    new.create(Category::QuickWin, "2009-03-02").unwrap();
    assert_eq!(new.state().workflow.version, 2);
}

#[test]
fn milestones_of_a_proposal_live_in_its_stream() {
    let mut log = Log::elections();
    log.run(
        "jce",
        "2008-09-01",
        C::AddMilestone {
            id: "elections-team".into(),
            title: "One team".into(),
            due: date(2008, 12, 31),
        },
    )
    .unwrap();
    log.run(
        "jce",
        "2008-10-01",
        C::AmendMilestone {
            id: "elections-team".into(),
            due: date(2009, 3, 2),
            reason: "council cycle".into(),
        },
    )
    .unwrap();
    log.run(
        "jce",
        "2009-03-02",
        C::CompleteMilestone {
            id: "elections-team".into(),
        },
    )
    .unwrap();
    let m = &log.state().milestones["elections-team"];
    assert_eq!(
        (m.original_due, m.due, m.amendments.len()),
        (date(2008, 12, 31), date(2009, 3, 2), 1)
    );
    assert!(m.completed.is_some());
    assert_eq!(log.state().version, 4);
}
