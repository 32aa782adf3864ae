//! Call-in on proposals kept in memory: three councils with three constitutions
//! (tests/fixtures/three-councils-call-in.toml), and the 2008 partnership, which has none.

use super::command::ProposalCommand as C;
use super::events::{CallInOutcome, Decision, COUNCIL_DECISION_RECORDED};
use super::testing::{Log, BROMSGROVE_REDDITCH};
use super::{show_view_at, Cut};
use crate::definition::{Category, Stage};
use crate::money::Money;
use engine::FailureKind;

const THREE: &str = include_str!("../../../tests/fixtures/three-councils-call-in.toml");

fn advance(to: Stage) -> C {
    C::Advance { to, reason: None }
}

fn decide(council: &str, decision: Decision, urgent: bool) -> C {
    C::CouncilDecide {
        council: council.into(),
        decision,
        minute: None,
        urgent,
    }
}

fn call_in(council: &str) -> C {
    C::CallIn {
        council: council.into(),
        reason: "Overview and Scrutiny Board: the staffing model".into(),
    }
}

fn resolve(council: &str, outcome: CallInOutcome) -> C {
    C::ResolveCallIn {
        council: council.into(),
        outcome,
    }
}

/// A payroll proposal of `text`'s councils, at council approval with a recommending Board, 2009.
fn at_council_approval(text: &str, members: &[&str]) -> Log {
    let mut log = Log::in_partnership(text, "payroll");
    log.create(Category::MediumTerm, "2009-01-05").unwrap();
    log.run(
        "jce",
        "2009-01-05",
        C::BusinessCase {
            one_off_cost: Money::parse("30000").unwrap(),
            annual_saving: Money::parse("90000").unwrap(),
            shares: vec![],
            cost_shares: vec![],
            risks: vec![],
        },
    )
    .unwrap();
    log.run("jce", "2009-01-05", advance(Stage::Consultation))
        .unwrap();
    log.run(
        "jce",
        "2009-01-05",
        C::OpenConsultation {
            parties: vec!["staff".into(), "unison".into()],
        },
    )
    .unwrap();
    log.run("jce", "2009-01-05", C::CloseConsultation).unwrap();
    log.run(
        "jce",
        "2009-01-06",
        C::BoardVote {
            meeting: "2009-01-06".parse().unwrap(),
            support: members.iter().map(|m| m.to_string()).collect(),
            oppose: vec![],
            abstain: vec![],
        },
    )
    .unwrap();
    log.run("jce", "2009-01-06", advance(Stage::CouncilApproval))
        .unwrap();
    log
}

fn three() -> Log {
    at_council_approval(THREE, &["bdc-leader", "rbc-leader", "wfdc-leader"])
}

/// All three approve on Wednesday 14 January 2009, recorded that evening (GMT).
fn three_approved() -> Log {
    let mut log = three();
    for (clerk, council) in [
        ("bdc-clerk", "bromsgrove"),
        ("rbc-clerk", "redditch"),
        ("wfdc-clerk", "wyre-forest"),
    ] {
        log.run_recorded(
            clerk,
            "2009-01-14",
            Some("2009-01-14T19:00:00Z"),
            decide(council, Decision::Approve, false),
        )
        .unwrap();
    }
    log
}

/// The step to monitoring, dated `date` and run at `now`.
fn go_live(log: &mut Log, date: &str, now: &str) -> Result<(), engine::Failure> {
    log.run_recorded("jce", date, Some(now), advance(Stage::Monitoring))
        .map(|_| ())
}

#[test]
fn an_approval_records_its_body_and_window() {
    let log = three_approved();
    let data = |council: &str| {
        log.events
            .iter()
            .rev()
            .find(|e| e.kind == COUNCIL_DECISION_RECORDED && e.data["council"] == council)
            .unwrap()
            .data
            .clone()
    };
    let b = data("bromsgrove");
    assert_eq!(b["decision_body"], "cabinet");
    assert_eq!(b["urgent"], false);
    assert_eq!(b["call_in_closes"], "2009-01-19T12:00:00+00:00");
    assert_eq!(
        b["call_in_rule"],
        "12:00 on the 3rd working day after the decision"
    );
    assert_eq!(b["calendar"], "england-and-wales v1");
    assert_eq!(
        data("redditch")["call_in_closes"],
        "2009-01-22T17:00:00+00:00"
    );
    let w = data("wyre-forest");
    assert_eq!(w["decision_body"], "full-council");
    assert_eq!(w["call_in_closes"], "2009-01-22T12:00:00+00:00");
    assert!(w.get("calendar").is_none(), "calendar days need none");
}

#[test]
fn the_proposal_waits_for_the_last_window_and_the_guard_names_each() {
    let mut log = three_approved();
    let e = go_live(&mut log, "2009-01-15", "2009-01-15T10:00:00Z").unwrap_err();
    assert_eq!(e.kind, FailureKind::Refused);
    assert_eq!(e.details.len(), 3, "{e:?}");
    assert!(e.details[0].starts_with("bromsgrove is still inside its call-in window"));
    assert!(e.details[0].contains("2009-01-19T12:00:00+00:00"));
    assert!(
        e.details[1].contains("redditch") && e.details[1].contains("2009-01-22T17:00:00+00:00")
    );
    assert!(
        e.details[2].contains("wyre-forest") && e.details[2].contains("2009-01-22T12:00:00+00:00")
    );
    // Monday 19th at noon Bromsgrove's closes; a minute before, it is still open.
    let e = go_live(&mut log, "2009-01-19", "2009-01-19T11:59:00Z").unwrap_err();
    assert_eq!(e.details.len(), 3, "{e:?}");
    let e = go_live(&mut log, "2009-01-19", "2009-01-19T12:00:00Z").unwrap_err();
    assert_eq!(e.details.len(), 2, "{e:?}");
    // Thursday 22nd: Wyre Forest's at noon, Redditch's at 17:00.
    let e = go_live(&mut log, "2009-01-22", "2009-01-22T16:59:59Z").unwrap_err();
    assert_eq!(e.details.len(), 1, "{e:?}");
    assert!(e.details[0].contains("redditch"));
    // Back-dated to the 22nd (counting from 00:00), it is still inside Redditch's window.
    let e = go_live(&mut log, "2009-01-22", "2009-02-02T09:00:00Z").unwrap_err();
    assert!(e.details[0].contains("redditch"), "{e:?}");
    // A planned go-live dated after the windows, recorded before they close, is refused too.
    let e = go_live(&mut log, "2009-02-01", "2009-01-20T09:00:00Z").unwrap_err();
    assert_eq!(e.details.len(), 2, "{e:?}");
    go_live(&mut log, "2009-01-22", "2009-01-22T17:00:00Z").unwrap();
    assert_eq!(log.state().stage, Stage::Monitoring);
}

#[test]
fn a_call_in_blocks_until_scrutiny_confirms() {
    let mut log = three_approved();
    log.run_recorded(
        "rbc-clerk",
        "2009-01-16",
        Some("2009-01-16T10:00:00Z"),
        call_in("redditch"),
    )
    .unwrap();
    let e = go_live(&mut log, "2009-02-02", "2009-02-02T09:00:00Z").unwrap_err();
    assert_eq!(e.details.len(), 1, "{e:?}");
    assert!(e.details[0].contains("redditch's approval is suspended by a call-in"));
    assert_eq!(
        e.remedies[0].get(),
        Some(&crate::remedy::Remedy::ConfirmCallIn {
            id: "payroll".into(),
            council: "redditch".into()
        })
    );
    let view = show_view_at(
        &log.state(),
        &log.outlook(),
        Some("2009-02-02T09:00:00Z".parse().unwrap()),
    );
    assert_eq!(view.call_in["redditch"].status, "called-in");
    assert_eq!(view.call_in["bromsgrove"].status, "closed");
    assert_eq!(view.call_in["redditch"].counts_from, None);
    // No call-in-closes reminder for a window that was called in.
    assert!(view
        .next_reminders
        .iter()
        .all(|r| r.council.as_deref() != Some("redditch")));
    log.run_recorded(
        "rbc-clerk",
        "2009-02-03",
        Some("2009-02-03T15:00:00Z"),
        resolve("redditch", CallInOutcome::Confirmed),
    )
    .unwrap();
    // It stands from the confirmation: not before.
    let e = go_live(&mut log, "2009-02-02", "2009-02-03T16:00:00Z").unwrap_err();
    assert!(e.details[0].contains("from its confirmation"), "{e:?}");
    let e = go_live(&mut log, "2009-02-03", "2009-02-03T14:00:00Z").unwrap_err();
    assert!(e.details[0].contains("from its confirmation"), "{e:?}");
    go_live(&mut log, "2009-02-03", "2009-02-03T15:30:00Z").unwrap();
    let view = show_view_at(&log.state(), &log.outlook(), None);
    assert_eq!(view.call_in["redditch"].status, "confirmed");
    assert_eq!(
        view.call_in["redditch"].counts_from.as_deref(),
        Some("2009-02-03T15:00:00+00:00")
    );
}

#[test]
fn referred_back_the_council_must_decide_again() {
    let mut log = three_approved();
    log.run("bdc-clerk", "2009-01-16", call_in("bromsgrove"))
        .unwrap();
    log.run(
        "bdc-clerk",
        "2009-01-26",
        resolve("bromsgrove", CallInOutcome::ReferredBack),
    )
    .unwrap();
    let state = log.state();
    let approvals: Vec<_> = state.approvals();
    assert_eq!(approvals[0], ("bromsgrove".to_string(), None));
    let e = go_live(&mut log, "2009-02-02", "2009-02-02T09:00:00Z").unwrap_err();
    assert_eq!(e.details.len(), 1, "{e:?}");
    assert!(e.details[0].contains("referred back after a call-in on 2009-01-26"));
    assert!(e.details[0].contains("must decide again"));
    let view = show_view_at(&state, &log.outlook(), None);
    assert_eq!(view.approvals["bromsgrove"], "pending");
    assert_eq!(view.call_in["bromsgrove"].status, "referred-back");
    // The council decides again on Monday 2 February: a new window, to noon on Thursday 5th.
    log.run_recorded(
        "bdc-clerk",
        "2009-02-02",
        Some("2009-02-02T18:00:00Z"),
        decide("bromsgrove", Decision::Approve, false),
    )
    .unwrap();
    let e = go_live(&mut log, "2009-02-05", "2009-02-05T11:00:00Z").unwrap_err();
    assert!(e.details[0].contains("2009-02-05T12:00:00+00:00"), "{e:?}");
    go_live(&mut log, "2009-02-05", "2009-02-05T12:00:00Z").unwrap();
}

#[test]
fn an_urgent_decision_does_not_wait_where_the_constitution_exempts_it() {
    let mut log = three();
    let urgent = |log: &mut Log, clerk: &str, council: &str| {
        log.run_recorded(
            clerk,
            "2009-01-14",
            Some("2009-01-14T19:00:00Z"),
            decide(council, Decision::Approve, true),
        )
        .map(|e| e.data.clone())
    };
    let data = urgent(&mut log, "bdc-clerk", "bromsgrove").unwrap();
    assert_eq!(data["urgent"], true);
    assert!(data.get("call_in_closes").is_none());
    urgent(&mut log, "wfdc-clerk", "wyre-forest").unwrap();
    // Redditch's constitution does not exempt urgent decisions: refused, in plain words.
    let e = urgent(&mut log, "rbc-clerk", "redditch").unwrap_err();
    assert_eq!(e.kind, FailureKind::Refused);
    assert!(
        e.message.contains("does not exempt urgent decisions"),
        "{e:?}"
    );
    let e = log
        .run(
            "rbc-clerk",
            "2009-01-14",
            decide("redditch", Decision::Defer, true),
        )
        .unwrap_err();
    assert_eq!(e.kind, FailureKind::Usage);
    // Redditch approves the ordinary way; only its window is waited for.
    log.run_recorded(
        "rbc-clerk",
        "2009-01-14",
        Some("2009-01-14T19:00:00Z"),
        decide("redditch", Decision::Approve, false),
    )
    .unwrap();
    let e = go_live(&mut log, "2009-01-15", "2009-01-15T09:00:00Z").unwrap_err();
    assert_eq!(e.details.len(), 1, "{e:?}");
    assert!(e.details[0].contains("redditch"));
    let e = log
        .run("bdc-clerk", "2009-01-15", call_in("bromsgrove"))
        .unwrap_err();
    assert!(e.details[0].contains("taken as urgent"), "{e:?}");
    let view = show_view_at(&log.state(), &log.outlook(), None);
    assert_eq!(view.call_in["bromsgrove"].status, "urgent");
    assert!(view.decisions["bromsgrove"].urgent);
    assert_eq!(
        view.decisions["wyre-forest"].decision_body,
        Some("full-council")
    );
}

#[test]
fn a_call_in_is_refused_with_every_unmet_condition() {
    let mut log = three_approved();
    // After the window closed (noon Monday 19th), and dated before the approval.
    let e = log
        .run_recorded(
            "bdc-clerk",
            "2009-01-13",
            Some("2009-01-19T12:00:00Z"),
            call_in("bromsgrove"),
        )
        .unwrap_err();
    assert_eq!(e.kind, FailureKind::Refused);
    assert_eq!(e.details.len(), 1, "{e:?}");
    assert!(e.details[0].contains("before bromsgrove's approval of 2009-01-14"));
    let e = log
        .run_recorded(
            "bdc-clerk",
            "2009-01-19",
            Some("2009-01-19T12:00:00Z"),
            call_in("bromsgrove"),
        )
        .unwrap_err();
    assert!(
        e.details[0].contains("window closed at 2009-01-19T12:00:00+00:00"),
        "{e:?}"
    );
    // Recorded later but dated the closing day: 00:00 that day is inside the window.
    log.run_recorded(
        "bdc-clerk",
        "2009-01-19",
        Some("2009-01-20T09:00:00Z"),
        call_in("bromsgrove"),
    )
    .unwrap();
    let e = log
        .run("bdc-clerk", "2009-01-19", call_in("bromsgrove"))
        .unwrap_err();
    assert!(e.details[0].contains("already called in"), "{e:?}");
    let e = log
        .run(
            "bdc-clerk",
            "2009-01-20",
            resolve("redditch", CallInOutcome::Confirmed),
        )
        .unwrap_err();
    assert!(e.details[0].contains("has not been called in"), "{e:?}");
    // Outside council-approval, with no approval: both conditions named.
    let mut early = Log::in_partnership(THREE, "early");
    early.create(Category::QuickWin, "2009-01-05").unwrap();
    let e = early
        .run("bdc-clerk", "2009-01-06", call_in("bromsgrove"))
        .unwrap_err();
    assert_eq!(e.details.len(), 2, "{e:?}");
    assert!(e.details[0].contains("only at council-approval"));
    assert!(e.details[1].contains("has not decided"));
}

#[test]
fn without_a_constitution_nothing_changes() {
    let mut log = at_council_approval(
        BROMSGROVE_REDDITCH,
        &["bdc-leader", "bdc-member-2", "rbc-leader", "rbc-member-2"],
    );
    let e = log
        .run(
            "bdc-clerk",
            "2009-01-14",
            decide("bromsgrove", Decision::Approve, true),
        )
        .unwrap_err();
    assert!(e.message.contains("sets no call-in window"), "{e:?}");
    for (clerk, council) in [("bdc-clerk", "bromsgrove"), ("rbc-clerk", "redditch")] {
        let event = log
            .run(
                clerk,
                "2009-01-14",
                decide(council, Decision::Approve, false),
            )
            .unwrap();
        let keys: Vec<&String> = event.data.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["council", "decision", "minute", "moves_to"]);
    }
    let e = log
        .run("bdc-clerk", "2009-01-14", call_in("bromsgrove"))
        .unwrap_err();
    assert!(e.details[0].contains("has no call-in window"), "{e:?}");
    assert!(show_view_at(&log.state(), &log.outlook(), None)
        .call_in
        .is_empty());
    // The approval counts at once: live the same day.
    log.run("jce", "2009-01-14", advance(Stage::Monitoring))
        .unwrap();
}

#[test]
fn a_replay_shows_the_window_as_it_stood() {
    let mut log = three_approved();
    log.run_recorded(
        "rbc-clerk",
        "2009-01-16",
        Some("2009-01-16T10:00:00Z"),
        call_in("redditch"),
    )
    .unwrap();
    let before = log
        .cut(&Cut {
            effective_until: Some(jiff::civil::date(2009, 1, 15)),
            ..Cut::LIVE
        })
        .unwrap();
    let at = "2009-01-15T23:59:59Z".parse().unwrap();
    let view = show_view_at(&before, &log.outlook(), Some(at));
    assert_eq!(view.call_in["redditch"].status, "open");
    assert_eq!(
        view.call_in["redditch"].closes.as_deref(),
        Some("2009-01-22T17:00:00+00:00")
    );
    let kinds: Vec<_> = view
        .next_reminders
        .iter()
        .filter(|r| r.kind.as_str() == "call-in-closes")
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(
        kinds,
        [
            "call-in:payroll:bromsgrove:2009-01-19T12:00:00+00:00",
            "call-in:payroll:wyre-forest:2009-01-22T12:00:00+00:00",
            "call-in:payroll:redditch:2009-01-22T17:00:00+00:00",
        ]
    );
    let live = show_view_at(&log.state(), &log.outlook(), Some(at));
    assert_eq!(live.call_in["redditch"].status, "called-in");
    assert_eq!(
        live.call_in["redditch"].requested.as_ref().unwrap().by,
        "rbc-clerk"
    );
}

#[test]
fn windows_opened_in_summer_close_in_bst() {
    let mut log = three();
    log.run_recorded(
        "bdc-clerk",
        "2009-07-15",
        Some("2009-07-15T18:00:00+01:00"),
        decide("bromsgrove", Decision::Approve, false),
    )
    .unwrap();
    let view = show_view_at(&log.state(), &log.outlook(), None);
    assert_eq!(
        view.call_in["bromsgrove"].closes.as_deref(),
        Some("2009-07-20T12:00:00+01:00")
    );
}
