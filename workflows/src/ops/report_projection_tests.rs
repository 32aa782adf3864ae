//! The report projection against a fresh fold: for every prefix of the demo's history and every
//! quarter it spans, saved then brought forward from several splits, at the log's head and at an
//! earlier position; and rebuilt when what is saved is damaged or of another log.

use super::*;
use crate::ops::projection_testing::{append, demo, runtime, session_with};
use crate::ops::reminders::{head_at, snapshot};
use crate::ops::Session;
use crate::quarter::Quarter;

/// The quarters the demo spans (2008/09 to 2009/10).
fn quarters() -> Vec<Quarter> {
    (2008..=2009)
        .flat_map(|year| (1..=4).map(move |q| Quarter { year, q }))
        .collect()
}

async fn period_of(session: &mut Session, quarter: Quarter) -> Period {
    let start = session.partnership().await.unwrap().latest().year_start();
    Period {
        quarter,
        first_day: quarter.first_day(start),
        last_day: quarter.last_day(start),
        year_start: start,
    }
}

/// What a fresh fold of the whole store at the quarter's end, known at `known`, contributes.
async fn fresh(session: &mut Session, period: &Period, known: u64) -> Vec<Contribution> {
    let snap = snapshot(session, &seq_cut(known, Some(period.last_day)))
        .await
        .expect("a fresh fold");
    snap.proposals
        .iter()
        .map(|p| contribute(p, period))
        .collect()
}

/// The projection (saved, then brought forward) gives what a fresh fold gives, for every
/// quarter, at the head and at half the head (an earlier position than the one saved).
async fn same_as_fresh(session: &mut Session) {
    let head = session.store.head().await.unwrap();
    for quarter in quarters() {
        let period = period_of(session, quarter).await;
        for seq in [head.seq, head.seq / 2 + 1] {
            let known = head_at(session.store.as_ref(), &seq_cut(seq, None))
                .await
                .unwrap();
            let projected = contributions_from(session, &period, &known, 0)
                .await
                .expect("the projection");
            let expected = fresh(session, &period, seq).await;
            assert_eq!(projected, expected, "{quarter} known at seq {seq}");
        }
        assert!(load(session.store.as_ref(), &key(period.last_day), &period)
            .await
            .is_some_and(|h| h.seq == head.seq));
    }
}

#[test]
fn brought_forward_from_any_split_equals_a_fresh_fold_at_every_prefix() {
    let events = demo();
    for split in [2, 47, events.len()] {
        let dir = tempfile::tempdir().unwrap();
        runtime().block_on(async {
            let mut session = session_with(dir.path(), &events[..split]).await;
            same_as_fresh(&mut session).await;
            for i in split..events.len() {
                append(&mut session, &events[i..=i]).await;
                same_as_fresh(&mut session).await;
            }
        });
    }
}

/// The saved entry of `stream` in `period`'s projection, decoded.
async fn entry_of(session: &Session, period: &Period, stream: &str) -> Entry {
    let bytes = saved_bytes(session, &entry_key(period.last_day, stream)).await;
    serde_json::from_slice(&bytes[1..]).unwrap()
}

async fn saved_bytes(session: &Session, key: &str) -> Vec<u8> {
    session.store.load_snapshot(key).await.unwrap().unwrap().1
}

/// `entry` with payroll's contribution marked: what a report would show if it answered from it.
fn marked(mut entry: Entry) -> Entry {
    if let Some(c) = entry.contribution.as_mut() {
        c.concerned = vec!["as saved".into()];
    }
    entry
}

#[test]
fn damaged_or_foreign_headers_are_rebuilt_never_answered_from() {
    let events = demo();
    let dir = tempfile::tempdir().unwrap();
    runtime().block_on(async {
        let mut session = session_with(dir.path(), &events).await;
        same_as_fresh(&mut session).await;
        let head = session.store.head().await.unwrap();
        let period = period_of(&mut session, Quarter { year: 2008, q: 4 }).await;
        let key = key(period.last_day);
        let good = saved_bytes(&session, &key).await;
        let payroll = entry_key(period.last_day, "proposal-payroll");
        let good_entry = saved_bytes(&session, &payroll).await;
        let mark = encode(&marked(
            entry_of(&session, &period, "proposal-payroll").await,
        ));
        let mut cut_short = good.clone();
        cut_short.truncate(good.len() / 2);
        let header: Header = serde_json::from_slice(&good[1..]).unwrap();
        let mut foreign = header.clone();
        foreign.hash = "0".repeat(64);
        let mut older = header.clone();
        older.made_by = "0.0.0/0".into();
        let mut other_days = header.clone();
        other_days.first_day = other_days.first_day.yesterday().unwrap();
        for (what, bytes) in [
            ("not JSON", b"\x03{not json".to_vec()),
            ("cut short", cut_short),
            ("another format", [&[FORMAT + 1][..], &good[1..]].concat()),
            ("another log", encode(&foreign)),
            ("another fold", encode(&older)),
            ("another quarter's days", encode(&other_days)),
        ] {
            // A marked entry under a damaged header: a rebuild folds it again.
            let store = session.store.as_ref();
            store
                .save_snapshot(&payroll, head.seq, &mark)
                .await
                .unwrap();
            store.save_snapshot(&key, head.seq, &bytes).await.unwrap();
            let projected = contributions_from(&mut session, &period, &head, 0)
                .await
                .unwrap();
            assert_eq!(
                projected,
                fresh(&mut session, &period, head.seq).await,
                "{what}"
            );
            assert_eq!(
                saved_bytes(&session, &key).await,
                good,
                "{what}: saved again"
            );
            let entry = saved_bytes(&session, &payroll).await;
            assert_eq!(entry, good_entry, "{what}: the entry saved again");
        }
    });
}

#[test]
fn damaged_or_foreign_entries_are_folded_again_never_answered_from() {
    let events = demo();
    let dir = tempfile::tempdir().unwrap();
    runtime().block_on(async {
        let mut session = session_with(dir.path(), &events).await;
        same_as_fresh(&mut session).await;
        let head = session.store.head().await.unwrap();
        let period = period_of(&mut session, Quarter { year: 2009, q: 1 }).await;
        let payroll = entry_key(period.last_day, "proposal-payroll");
        let good = saved_bytes(&session, &payroll).await;
        let entry = marked(entry_of(&session, &period, "proposal-payroll").await);
        let mut cut_short = good.clone();
        cut_short.truncate(good.len() / 2);
        let mut other_build = entry.clone();
        other_build.lineage = "another store's".into();
        let mut beyond = entry.clone();
        beyond.seq = head.seq + 1;
        for (what, bytes) in [
            ("not JSON", b"\x03{not json".to_vec()),
            ("cut short", cut_short),
            ("another format", [&[FORMAT + 1][..], &good[1..]].concat()),
            ("another build or store", encode(&other_build)),
            ("beyond its header", encode(&beyond)),
        ] {
            let store = session.store.as_ref();
            store
                .save_snapshot(&payroll, head.seq, &bytes)
                .await
                .unwrap();
            let projected = contributions_from(&mut session, &period, &head, 0)
                .await
                .unwrap();
            assert_eq!(
                projected,
                fresh(&mut session, &period, head.seq).await,
                "{what}"
            );
            let saved = saved_bytes(&session, &payroll).await;
            assert_eq!(saved, good, "{what}: folded and saved again");
        }
    });
}

fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    let mut bytes = vec![FORMAT];
    serde_json::to_writer(&mut bytes, value).unwrap();
    bytes
}

#[test]
fn only_the_proposals_recorded_since_are_folded_again() {
    let events = demo();
    let dir = tempfile::tempdir().unwrap();
    runtime().block_on(async {
        let mut session = session_with(dir.path(), &events[..40]).await;
        let period = period_of(&mut session, Quarter { year: 2009, q: 1 }).await;
        let head = session.store.head().await.unwrap();
        contributions_from(&mut session, &period, &head, 0)
            .await
            .unwrap();
        // Mark one proposal's saved contribution; a later event of another stream leaves it alone.
        let key = entry_key(period.last_day, "proposal-payroll");
        let saved = marked(entry_of(&session, &period, "proposal-payroll").await);
        assert!(saved.contribution.is_some(), "payroll is in the projection");
        session
            .store
            .save_snapshot(&key, head.seq, &encode(&saved))
            .await
            .unwrap();
        let other = events[40..]
            .iter()
            .position(|e| e.stream.starts_with("proposal-") && e.stream != "proposal-payroll")
            .unwrap();
        append(&mut session, &events[40..=40 + other]).await;
        let changed = events[40..=40 + other]
            .iter()
            .any(|e| e.stream == "proposal-payroll");
        let head = session.store.head().await.unwrap();
        let projected = contributions_from(&mut session, &period, &head, 0)
            .await
            .unwrap();
        let payroll = projected.iter().find(|c| c.id == "payroll").unwrap();
        assert_eq!(payroll.concerned == ["as saved"], !changed);
    });
}

/// Funding of `proposal` in `quarter`: a part for each of `councils`.
fn funding(
    proposal: &str,
    quarter: Quarter,
    councils: &[&str],
) -> crate::finance::funding::Funding {
    use crate::finance::funding::{Funding, FundingRecorded};
    use crate::money::Money;
    Funding {
        recorded: FundingRecorded {
            source: "grant".into(),
            amount: Money::from_pence(100_000),
            quarter,
            proposal: Some(proposal.into()),
            shares: Default::default(),
            equal_shares: true,
            by_council: councils
                .iter()
                .map(|c| {
                    (
                        c.to_string(),
                        Money::from_pence(100_000 / councils.len() as i64),
                    )
                })
                .collect(),
        },
        on: quarter.first_day(Default::default()),
        seq: 1,
        by: "finance".into(),
    }
}

/// A contribution's money with the funding added equals the proposal's ledgers from its state
/// (what the finance section and `report programme` read), funding of a council outside the
/// proposal and of a later quarter among it.
#[test]
fn the_money_kept_equals_the_ledgers_of_the_state() {
    let events = demo();
    let dir = tempfile::tempdir().unwrap();
    runtime().block_on(async {
        let mut session = session_with(dir.path(), &events).await;
        for quarter in quarters() {
            let period = period_of(&mut session, quarter).await;
            let cut = seq_cut(events.len() as u64, Some(period.last_day));
            let snap = snapshot(&mut session, &cut).await.unwrap();
            assert!(!snap.proposals.is_empty() || quarter.year == 2008);
            for p in &snap.proposals {
                let mut councils: Vec<&str> = p.councils.iter().map(String::as_str).collect();
                let all = [
                    funding(&p.id, quarter, &councils),
                    funding(&p.id, quarter.next(), &councils),
                    funding(&p.id, Quarter { year: 2008, q: 2 }, &{
                        councils.push("elsewhere");
                        councils
                    }),
                    funding("another", quarter, &["elsewhere"]),
                ];
                let c = contribute(p, &period);
                let want =
                    crate::finance::position::proposal_ledgers(p, &all, quarter, period.year_start);
                assert_eq!(
                    c.money.ledgers(&p.id, &all, quarter),
                    want,
                    "{} {quarter}",
                    p.id
                );
                assert_eq!(
                    c.money.standing,
                    p.business_case.is_some() && p.went_live.is_some()
                );
            }
        }
    });
}
