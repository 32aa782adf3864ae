//! Date corrections on the elections quick win kept in memory: honoured by the projection at the
//! new date (and not by a cut made before the correction was recorded), and refused when the new
//! date would break the order either way.

use super::events::Decision;
use super::testing::Log;
use super::tests::{advance, at_council_approval, decide};
use super::Cut;
use crate::definition::Stage;
use engine::FailureKind;
use jiff::civil::date;

/// Elections live from 2 March 2009 after approvals of 10 Dec 2008 and 21 Jan 2009; the seqs of
/// Redditch's approval and of the go-live.
fn live() -> (Log, u64, u64) {
    let mut log = at_council_approval();
    log.run(
        "bdc-clerk",
        "2008-12-10",
        decide("bromsgrove", Decision::Approve),
    )
    .unwrap();
    let redditch = log
        .run(
            "rbc-clerk",
            "2009-01-21",
            decide("redditch", Decision::Approve),
        )
        .unwrap()
        .seq;
    let go_live = log
        .run("jce", "2009-03-02", advance(Stage::Monitoring))
        .unwrap()
        .seq;
    (log, redditch, go_live)
}

fn on(day: jiff::civil::Date) -> Cut {
    Cut {
        effective_until: Some(day),
        ..Cut::LIVE
    }
}

#[test]
fn a_correction_is_honoured_at_the_new_date_but_not_by_a_cut_before_it() {
    let (mut log, _, go_live) = live();
    let correction = log.correct("jce", go_live, "2009-03-10").unwrap().seq;
    assert_eq!(log.state().went_live, Some(date(2009, 3, 10)));
    assert_eq!(
        log.cut(&on(date(2009, 3, 5))).unwrap().stage,
        Stage::CouncilApproval
    );
    assert_eq!(
        log.cut(&on(date(2009, 3, 10))).unwrap().stage,
        Stage::Monitoring
    );
    // A report known at the log position before the correction reads the log as it then stood.
    let before = Cut {
        seq_until: Some(correction - 1),
        ..on(date(2009, 3, 5))
    };
    assert_eq!(log.cut(&before).unwrap().stage, Stage::Monitoring);
    // The latest correction of an event stands.
    log.correct("jce", go_live, "2009-03-03").unwrap();
    assert_eq!(log.state().went_live, Some(date(2009, 3, 3)));
}

#[test]
fn a_correction_must_keep_the_order_both_ways() {
    let (mut log, redditch, go_live) = live();
    // The go-live not before the approval it relies on.
    let e = log.correct("jce", go_live, "2009-01-01").unwrap_err();
    assert_eq!(e.kind, FailureKind::Refused);
    assert!(
        e.details
            .iter()
            .any(|d| d.contains(&format!("(seq {redditch}), dated 2009-01-21"))),
        "{e:?}"
    );
    // The approval not after the go-live that relies on it.
    let e = log
        .correct("rbc-clerk", redditch, "2009-03-05")
        .unwrap_err();
    assert!(
        e.details
            .iter()
            .any(|d| d.contains(&format!("date seq {redditch} on or before 2009-03-02"))),
        "{e:?}"
    );
    // Nor to the date it has, nor for an event that is not the proposal's, nor its creation.
    assert!(log
        .correct("jce", go_live, "2009-03-02")
        .unwrap_err()
        .message
        .contains("already dated"));
    assert!(log
        .correct("jce", 999, "2009-03-02")
        .unwrap_err()
        .message
        .contains("not an event"));
    let created = log.events[0].seq;
    assert!(log
        .correct("jce", created, "2008-09-02")
        .unwrap_err()
        .message
        .contains("cannot be corrected"));
    // Within the order it is accepted.
    log.correct("rbc-clerk", redditch, "2009-01-22").unwrap();
    assert_eq!(log.state().decisions["redditch"].on, date(2009, 1, 22));
}
