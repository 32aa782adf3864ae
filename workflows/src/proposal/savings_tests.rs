//! Savings after go-live (corrections, shortfalls, quarters not yet ended or before go-live) and
//! approvals in principle before council approval, on the 2008 elections quick win in memory.

use super::command::ProposalCommand as C;
use super::events::Decision;
use super::testing::Log;
use super::{show_view, ProposalEvent};
use crate::definition::Stage;
use crate::money::{Money, Percent};
use crate::quarter::Quarter;
use crate::remedy::Remedy;
use engine::{Failure, FailureKind};

fn advance(to: Stage) -> C {
    C::Advance { to, reason: None }
}

fn in_principle(council: &str) -> C {
    C::InPrinciple {
        council: council.into(),
        minute: format!("{council} Council 17 Sep 2008, minute 2.1.4"),
    }
}

fn saving(quarter: &str, pence: i64, correct: bool, reason: Option<&str>) -> C {
    C::RecordSaving {
        quarter: Quarter::parse(quarter).unwrap(),
        amount: Money::from_pence(pence),
        correct,
        reason: reason.map(str::to_string),
    }
}

fn refused(result: Result<&engine::Event, Failure>) -> Failure {
    let failure = result.map(|e| e.seq).expect_err("refused");
    assert_eq!(failure.kind, FailureKind::Refused, "{}", failure.message);
    failure
}

/// Elections with its Councils' approvals in principle of 17 Sep 2008, taken to council approval
/// with savings shared `bromsgrove_percent`/the rest.
fn at_council_approval(bromsgrove_percent: u32) -> Log {
    let mut log = Log::elections();
    log.run("bdc-clerk", "2008-09-17", in_principle("bromsgrove"))
        .unwrap();
    log.run("jce", "2008-09-17", advance(Stage::BusinessCase))
        .unwrap();
    log.run("rbc-clerk", "2008-09-17", in_principle("redditch"))
        .unwrap();
    let share = |c: &str, p: u32| {
        (
            c.to_string(),
            Percent {
                hundredths: p * 100,
            },
        )
    };
    let case = C::BusinessCase {
        one_off_cost: Money::from_pence(1_500_000),
        annual_saving: Money::from_pence(1_800_000),
        shares: vec![
            share("bromsgrove", bromsgrove_percent),
            share("redditch", 100 - bromsgrove_percent),
        ],
        cost_shares: vec![],
        risks: vec![],
    };
    log.run("jce", "2008-10-20", case).unwrap();
    log.run("jce", "2008-10-20", advance(Stage::Consultation))
        .unwrap();
    let parties = vec!["staff".to_string(), "unison".to_string()];
    log.run("jce", "2008-10-21", C::OpenConsultation { parties })
        .unwrap();
    let vote = C::BoardVote {
        meeting: "2008-11-03".parse().unwrap(),
        support: ["bdc-leader", "bdc-member-2", "rbc-leader", "rbc-member-2"]
            .map(String::from)
            .to_vec(),
        oppose: vec![],
        abstain: vec![],
    };
    log.run("jce", "2008-11-03", vote).unwrap();
    log.run("jce", "2008-11-21", C::CloseConsultation).unwrap();
    log.run("jce", "2008-11-21", advance(Stage::CouncilApproval))
        .unwrap();
    log
}

fn approve(log: &mut Log, clerk: &str, council: &str, date: &str) {
    let decision = C::CouncilDecide {
        council: council.into(),
        decision: Decision::Approve,
        minute: None,
        urgent: false,
    };
    log.run(clerk, date, decision).unwrap();
}

/// Elections live from 2 March 2009.
fn live(bromsgrove_percent: u32) -> Log {
    let mut log = at_council_approval(bromsgrove_percent);
    approve(&mut log, "bdc-clerk", "bromsgrove", "2008-12-10");
    approve(&mut log, "rbc-clerk", "redditch", "2009-01-21");
    log.run("jce", "2009-03-02", advance(Stage::Monitoring))
        .unwrap();
    log
}

#[test]
fn approvals_in_principle_are_shown_but_never_count_as_decisions() {
    let mut log = at_council_approval(50);
    let state = log.state();
    let councils: Vec<&str> = state
        .in_principle
        .iter()
        .map(|p| p.council.as_str())
        .collect();
    assert_eq!(councils, ["bromsgrove", "redditch"]);
    assert!(state
        .in_principle
        .iter()
        .all(|p| p.on.to_string() == "2008-09-17"));
    assert!(state.decisions.is_empty());
    assert!(state.approvals().iter().all(|(_, d)| d.is_none()));
    // Going live still needs both councils' decisions.
    let failure = refused(log.run("jce", "2008-12-01", advance(Stage::Monitoring)));
    assert!(failure.message.contains("unmet"), "{}", failure.message);
    // At council approval and after, only a decision counts: no approval in principle.
    let failure = refused(log.run("bdc-clerk", "2008-11-22", in_principle("bromsgrove")));
    assert!(
        failure.message.contains("before council approval"),
        "{}",
        failure.message
    );
    let view = show_view(&log.state(), &log.outlook());
    assert_eq!(view.in_principle.len(), 2);
    assert_eq!(view.approvals["bromsgrove"], "pending");
}

#[test]
fn only_a_council_of_the_proposal_approves_in_principle() {
    let mut log = Log::elections();
    let failure = refused(log.run("jce", "2008-09-17", in_principle("wychavon")));
    assert!(failure.message.contains("wychavon"), "{}", failure.message);
    let described = ProposalEvent::InPrincipleApproved(super::events::InPrincipleApproved {
        council: "redditch".into(),
        minute: "RBC Council 17 Sep 2008".into(),
    })
    .describe();
    assert!(described.contains("redditch approved in principle (minute: RBC Council 17 Sep 2008)"));
    assert!(described.contains("not its decision"));
}

#[test]
fn a_second_figure_for_a_quarter_is_a_correction_with_a_reason() {
    let mut log = live(50);
    log.run(
        "jce",
        "2009-04-10",
        saving("2008/09-Q4", 150_000, false, None),
    )
    .unwrap();
    let failure = refused(log.run(
        "jce",
        "2009-04-20",
        saving("2008/09-Q4", 145_000, false, None),
    ));
    assert!(
        failure.message.contains("2008/09-Q4"),
        "{}",
        failure.message
    );
    assert!(failure.message.contains("£1,500.00"), "{}", failure.message);
    assert!(failure.remedies.iter().any(|r| r.get::<Remedy>()
        == Some(&Remedy::CorrectSaving {
            id: "elections".into(),
            quarter: Quarter::parse("2008/09-Q4").unwrap()
        })));
    let reason = Some("an invoice counted twice");
    let early = refused(log.run("jce", "2009-04-05", saving("2008/09-Q4", 1, true, reason)));
    assert!(
        early.message.contains("before the figure it corrects"),
        "{}",
        early.message
    );
    log.run(
        "jce",
        "2009-04-20",
        saving("2008/09-Q4", 145_000, true, reason),
    )
    .unwrap();
    let state = log.state();
    let q4 = &state.savings[&Quarter::parse("2008/09-Q4").unwrap()];
    assert_eq!(q4.amount, Money::from_pence(145_000));
    assert_eq!(q4.corrects, Some(Money::from_pence(150_000)));
    assert_eq!(q4.by_council["bromsgrove"], Money::from_pence(72_500));
    assert_eq!(state.savings_total().0, Money::from_pence(145_000));
    // History keeps both figures; a correction of a quarter with none is refused.
    let kinds = log
        .events
        .iter()
        .filter(|e| e.kind == "saving-recorded")
        .count();
    assert_eq!(kinds, 2);
    refused(log.run("jce", "2009-07-01", saving("2009/10-Q1", 1, true, reason)));
}

#[test]
fn a_shortfall_is_split_as_its_absolute_amount_then_negated() {
    let mut log = live(60);
    let why = Some("agency staff for the county elections");
    log.run(
        "jce",
        "2009-06-30",
        saving("2009/10-Q1", -100_001, false, why),
    )
    .unwrap();
    let state = log.state();
    let q1 = &state.savings[&Quarter::parse("2009/10-Q1").unwrap()];
    // By hand: 60% of 100,001p is 60,000.6p and 40% is 40,000.4p; the odd penny goes to the
    // largest remainder, Bromsgrove's: -£600.01 and -£400.00.
    assert_eq!(q1.by_council["bromsgrove"], Money::from_pence(-60_001));
    assert_eq!(q1.by_council["redditch"], Money::from_pence(-40_000));
    assert!(q1.is_shortfall());
    let mut positive = live(60);
    positive
        .run(
            "jce",
            "2009-06-30",
            saving("2009/10-Q1", 100_001, false, None),
        )
        .unwrap();
    let p = &positive.state().savings[&Quarter::parse("2009/10-Q1").unwrap()];
    for (council, part) in &q1.by_council {
        assert_eq!(part.pence, -p.by_council[council].pence);
    }
}

#[test]
fn quarters_not_yet_ended_or_ended_before_go_live_are_refused() {
    let mut log = live(50);
    let failure = refused(log.run("jce", "2009-06-29", saving("2009/10-Q1", 100, false, None)));
    assert!(
        failure.message.contains("2009-06-30"),
        "{}",
        failure.message
    );
    let failure = refused(log.run("jce", "2009-04-01", saving("2008/09-Q3", 100, false, None)));
    assert!(
        failure
            .message
            .contains("before elections went live on 2009-03-02"),
        "{}",
        failure.message
    );
    // The quarter of go-live itself counts, from the day it ends.
    log.run("jce", "2009-03-31", saving("2008/09-Q4", 100, false, None))
        .unwrap();
}
