//! Replay at every date, on both bases, against a small model written here (not the projection):
//! random histories of one proposal whose steps are often recorded days after they were taken.

use engine::store::{EmbeddedStore, OpenMode};
use jiff::civil::{date, Date};
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::time::Duration;
use workflows::ops::change::Change;
use workflows::ops::replay::{replay, Basis};
use workflows::ops::{self, Session};
use workflows::partnership::Partnership;
use workflows::proposal::events::Decision;

const PARTNERSHIP: &str = include_str!("../../examples/bromsgrove-redditch.toml");

/// One step of the happy path, as the model sees it.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    New,
    Advance(&'static str),
    BusinessCase,
    Open,
    Close,
    Vote,
    Decide(&'static str, &'static str),
}

fn path(redditch_defers_first: bool) -> Vec<Step> {
    let mut steps = vec![
        Step::New,
        Step::Advance("business-case"),
        Step::BusinessCase,
        Step::Advance("consultation"),
        Step::Open,
        Step::Close,
        Step::Advance("council-approval"),
        Step::Vote,
        Step::Decide("bromsgrove", "approve"),
    ];
    if redditch_defers_first {
        steps.push(Step::Decide("redditch", "defer"));
    }
    steps.push(Step::Decide("redditch", "approve"));
    steps.push(Step::Advance("monitoring"));
    steps
}

/// What the model says a replay shows: None when the proposal did not exist.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    stage: String,
    approvals: BTreeMap<String, String>,
    board: Option<String>,
    has_business_case: bool,
}

fn model(admitted: &[&Step]) -> Option<Seen> {
    if admitted.first() != Some(&&Step::New) {
        return None;
    }
    let mut seen = Seen {
        stage: "quick-win".into(),
        approvals: [("bromsgrove", "pending"), ("redditch", "pending")]
            .iter()
            .map(|(c, d)| (c.to_string(), d.to_string()))
            .collect(),
        board: None,
        has_business_case: false,
    };
    for step in &admitted[1..] {
        match step {
            Step::New => unreachable!("one creation"),
            Step::Advance(to) => seen.stage = to.to_string(),
            Step::BusinessCase => seen.has_business_case = true,
            Step::Open | Step::Close => {}
            Step::Vote => seen.board = Some("consensus".into()),
            Step::Decide(council, decision) => {
                seen.approvals
                    .insert(council.to_string(), decision.to_string());
            }
        }
    }
    Some(seen)
}

/// Names as the CLI parses them.
fn parse(names: &[&str]) -> Vec<ops::input::Name> {
    names.iter().map(|n| n.parse().unwrap()).collect()
}

async fn record(session: &mut Session, step: &Step, on: Date) {
    let c = Change {
        on: Some(on),
        expect_version: None,
    };
    session.actor = Some("jce".into());
    let id = "elections";
    let result = match step {
        Step::New => ops::proposal::new(
            session,
            ops::proposal::NewArgs {
                title: "Shared elections".parse().unwrap(),
                service: "elections".parse().unwrap(),
                lead: "bromsgrove".into(),
                on: c.on,
                councils: None,
                category: None,
                id: None,
            },
        )
        .await
        .map(|_| ()),
        Step::Advance(to) => {
            let stage = workflows::definition::Stage::CONTRACT
                .iter()
                .find(|s| s.as_str() == *to)
                .unwrap()
                .clone();
            ops::proposal::advance(session, id, stage, None, &c)
                .await
                .map(|_| ())
        }
        Step::BusinessCase => ops::proposal::business_case(
            session,
            id,
            ops::proposal::BusinessCaseArgs {
                one_off_cost: "15000".parse().unwrap(),
                annual_saving: "18000".parse().unwrap(),
                shares: vec![],
                cost_shares: vec![],
                risks: vec![],
            },
            &c,
        )
        .await
        .map(|_| ()),
        Step::Open => ops::consultation::open(session, id, parse(&["staff", "unison"]), &c)
            .await
            .map(|_| ()),
        Step::Close => ops::consultation::close(session, id, &c).await.map(|_| ()),
        Step::Vote => {
            let members = [
                "bdc-leader",
                "bdc-member-2",
                "bdc-member-3",
                "rbc-leader",
                "rbc-member-2",
                "rbc-member-3",
            ];
            let args = ops::board::VoteArgs {
                meeting: on,
                support: parse(&members),
                oppose: vec![],
                abstain: vec![],
            };
            ops::board::vote(
                session,
                id,
                args,
                &Change {
                    on: None,
                    expect_version: None,
                },
            )
            .await
            .map(|_| ())
        }
        Step::Decide(council, decision) => {
            session.actor = Some(
                if *council == "bromsgrove" {
                    "bdc-clerk"
                } else {
                    "rbc-clerk"
                }
                .into(),
            );
            let decision = match *decision {
                "approve" => Decision::Approve,
                _ => Decision::Defer,
            };
            ops::council::decide(session, id, council.parse().unwrap(), decision, None, &c)
                .await
                .map(|_| ())
        }
    };
    result.unwrap_or_else(|e| {
        panic!(
            "{step:?} on {on} was refused: {} {:?}",
            e.message, e.details
        )
    });
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, .. ProptestConfig::default() })]

    #[test]
    fn replay_agrees_with_the_model_at_every_date_on_both_bases(
        steps_taken in 1usize..=12,
        defers in any::<bool>(),
        backdating in proptest::collection::vec(0i64..6, 12),
    ) {
        let tz = TimeZone::get("Europe/London").unwrap();
        let all = path(defers);
        let steps: Vec<Step> = all.into_iter().take(steps_taken).collect();
        // Step k is recorded at 18:00 on 2 Jan + 2k days, and taken 0–5 days before that.
        let recorded: Vec<Timestamp> = (0..steps.len())
            .map(|k| date(2009, 1, 2).checked_add(Span::new().days(2 * k as i64)).unwrap().at(18, 0, 0, 0).to_zoned(tz.clone()).unwrap().timestamp())
            .collect();
        // Each step depends on the one before it, and dates keep the order decisions were taken
        // in (issue 20), so back-dating stops at the date of the step before.
        let mut taken: Vec<Date> = (0..steps.len())
            .map(|k| recorded[k].to_zoned(tz.clone()).date().checked_sub(Span::new().days(backdating[k])).unwrap())
            .collect();
        for k in 1..taken.len() {
            taken[k] = taken[k].max(taken[k - 1]);
        }

        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let tmp = tempfile::tempdir().unwrap();
            let store = EmbeddedStore::open(&tmp.path().join("store"), OpenMode::Create, Duration::ZERO).unwrap();
            let start: Timestamp = "2008-12-20T12:00:00Z".parse().unwrap();
            let mut session = Session::new(Box::new(store), start, Some("admin".into()));
            let partnership = Partnership::from_toml(PARTNERSHIP).unwrap();
            ops::init::init(&mut session, &partnership).await.unwrap();
            for (k, step) in steps.iter().enumerate() {
                session.now = recorded[k];
                record(&mut session, step, taken[k]).await;
            }
            session.actor = Some("audit".into());
            let mut day = date(2008, 12, 25);
            while day <= date(2009, 2, 5) {
                let end = day.tomorrow().unwrap().to_zoned(tz.clone()).unwrap().timestamp() - Span::new().nanoseconds(1);
                for basis in [Basis::Effective, Basis::Recorded] {
                    let admitted: Vec<&Step> = steps
                        .iter()
                        .enumerate()
                        .filter(|(k, _)| match basis {
                            Basis::Effective => taken[*k] <= day,
                            Basis::Recorded => recorded[*k] <= end,
                        })
                        .map(|(_, s)| s)
                        .collect();
                    let expected = model(&admitted);
                    let r = replay(&mut session, &day.to_string(), basis).await.unwrap();
                    let actual = r.proposals.first().map(|p| Seen {
                        stage: p.view.stage.as_str().to_string(),
                        approvals: p.view.approvals.clone(),
                        board: p.view.board.outcome.map(|o| o.as_str().to_string()),
                        has_business_case: p.view.business_case.is_some(),
                    });
                    assert_eq!(actual, expected, "replay of {day} on the {} basis", basis.as_str());
                }
                day = day.tomorrow().unwrap();
            }
        });
    }
}
