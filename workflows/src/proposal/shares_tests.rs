//! The shares in force for a quarter: a council leaving, shares varied with consent, and the
//! pro rata split that follows (exact to the penny, whatever the order events were recorded in).

use super::command::ProposalCommand as C;
use super::events::Decision;
use super::shares::{in_force, takes_part};
use super::testing::{Log, BROMSGROVE_REDDITCH};
use crate::definition::{Category, Stage};
use crate::money::{apportion_pro_rata, Money, Percent};
use crate::quarter::Quarter;
use proptest::prelude::*;

/// The 2008 partnership with Wychavon as a third council (its clerk `wdc-clerk`).
fn three() -> String {
    format!(
        "{BROMSGROVE_REDDITCH}\n[[council]]\nid = \"wychavon\"\nname = \"Wychavon District Council\"\n\
         board = [\"wdc-leader\", \"wdc-member-2\"]\n\n[[actor]]\nid = \"wdc-clerk\"\nroles = [\"clerk\"]\n\
         council = \"wychavon\"\n"
    )
}

fn q(text: &str) -> Quarter {
    Quarter::parse(text).unwrap()
}

fn pct(hundredths: u32) -> Percent {
    Percent { hundredths }
}

fn saving(quarter: &str, pence: i64) -> C {
    C::RecordSaving {
        quarter: q(quarter),
        amount: Money::from_pence(pence),
        correct: false,
        reason: (pence < 0).then(|| "a shortfall".to_string()),
    }
}

fn leave(council: &str) -> C {
    C::Leave {
        council: council.into(),
        minute: "Cabinet".into(),
    }
}

fn consent(council: &str) -> C {
    C::Consent {
        council: council.into(),
        minute: "Executive".into(),
    }
}

/// A three-council service live from 1 April 2009, shares 33.33 / 27.42 / 39.25, lead bromsgrove.
fn live() -> Log {
    live_with(Some([3333, 2742, 3925]))
}

/// The three-council service live from 1 April 2009 with these hundredths (bromsgrove, redditch,
/// wychavon), or equal shares (none given), lead bromsgrove.
fn live_with(hundredths: Option<[u32; 3]>) -> Log {
    let mut log = Log::in_partnership(&three(), "revenues");
    log.create(Category::MediumTerm, "2009-01-05").unwrap();
    let councils = ["bromsgrove", "redditch", "wychavon"];
    let shares: Vec<(&str, u32)> = hundredths
        .map(|h| councils.into_iter().zip(h).collect())
        .unwrap_or_default();
    let steps = [
        C::BusinessCase {
            one_off_cost: Money::from_pence(0),
            annual_saving: Money::from_pence(400_000),
            shares: shares
                .iter()
                .map(|(c, p)| (c.to_string(), pct(*p)))
                .collect(),
            cost_shares: vec![],
            risks: vec![],
        },
        C::Advance {
            to: Stage::Consultation,
            reason: None,
        },
        C::OpenConsultation {
            parties: vec!["staff".into(), "unison".into()],
        },
        C::CloseConsultation,
        C::Advance {
            to: Stage::CouncilApproval,
            reason: None,
        },
        C::BoardVote {
            meeting: "2009-01-20".parse().unwrap(),
            support: [
                "bdc-leader",
                "bdc-member-2",
                "rbc-leader",
                "rbc-member-2",
                "wdc-leader",
                "wdc-member-2",
            ]
            .iter()
            .map(|m| m.to_string())
            .collect(),
            oppose: vec![],
            abstain: vec![],
        },
    ];
    for step in steps {
        log.run("jce", "2009-01-20", step).unwrap();
    }
    for (clerk, council) in [
        ("bdc-clerk", "bromsgrove"),
        ("rbc-clerk", "redditch"),
        ("wdc-clerk", "wychavon"),
    ] {
        let decided = C::CouncilDecide {
            council: council.into(),
            decision: Decision::Approve,
            minute: None,
            urgent: false,
        };
        log.run(clerk, "2009-02-10", decided).unwrap();
    }
    log.run(
        "jce",
        "2009-04-01",
        C::Advance {
            to: Stage::Monitoring,
            reason: None,
        },
    )
    .unwrap();
    log
}

fn parts(log: &Log, quarter: &str) -> Vec<(String, i64)> {
    log.state().savings[&q(quarter)]
        .by_council
        .iter()
        .map(|(c, m)| (c.clone(), m.pence))
        .collect()
}

fn pence(list: &[(&str, i64)]) -> Vec<(String, i64)> {
    list.iter().map(|(c, p)| (c.to_string(), *p)).collect()
}

#[test]
fn the_leaver_takes_nothing_from_the_quarter_it_leaves_in() {
    let mut log = live();
    log.run("jce", "2010-03-31", saving("2009/10-Q4", 100_000))
        .unwrap();
    log.run("wdc-clerk", "2010-05-15", leave("wychavon"))
        .unwrap();
    log.run("jce", "2010-06-30", saving("2010/11-Q1", 100_000))
        .unwrap();
    assert_eq!(
        parts(&log, "2009/10-Q4"),
        pence(&[
            ("bromsgrove", 33_330),
            ("redditch", 27_420),
            ("wychavon", 39_250)
        ])
    );
    // 100,000 × 3,333 / 6,075 = 54,864.19…; × 2,742 / 6,075 = 45,135.80…: the penny to redditch.
    assert_eq!(
        parts(&log, "2010/11-Q1"),
        pence(&[("bromsgrove", 54_864), ("redditch", 45_136)])
    );
    let state = log.state();
    assert!(takes_part(&state, "wychavon", q("2009/10-Q4")));
    assert!(!takes_part(&state, "wychavon", q("2010/11-Q1")));
    // A second leave, a leave by another council's clerk, and the last council leaving are refused.
    assert!(log
        .run("wdc-clerk", "2010-07-01", leave("wychavon"))
        .is_err());
    log.run("rbc-clerk", "2010-07-01", leave("redditch"))
        .unwrap();
    assert!(log
        .run("bdc-clerk", "2010-08-01", leave("bromsgrove"))
        .is_err());
}

#[test]
fn equal_shares_stay_exactly_equal_among_the_councils_that_remain() {
    let mut log = live_with(None);
    log.run("wdc-clerk", "2010-04-01", leave("wychavon"))
        .unwrap();
    log.run("jce", "2010-06-30", saving("2010/11-Q1", 101))
        .unwrap();
    // 101p between two: 50p each and the odd penny to the lead.
    assert_eq!(
        parts(&log, "2010/11-Q1"),
        pence(&[("bromsgrove", 51), ("redditch", 50)])
    );
    assert!(in_force(&log.state(), q("2010/11-Q1")).unwrap().equal);
}

#[test]
fn a_leave_recorded_after_a_later_saving_splits_that_saving_again() {
    let mut log = live();
    log.run("jce", "2010-06-30", saving("2010/11-Q1", 100_000))
        .unwrap();
    assert_eq!(parts(&log, "2010/11-Q1").len(), 3);
    log.run("wdc-clerk", "2010-04-01", leave("wychavon"))
        .unwrap();
    assert_eq!(
        parts(&log, "2010/11-Q1"),
        pence(&[("bromsgrove", 54_864), ("redditch", 45_136)])
    );
}

#[test]
fn when_the_lead_leaves_a_tied_penny_goes_to_the_first_remaining_council() {
    let mut log = live();
    log.run("bdc-clerk", "2010-04-01", leave("bromsgrove"))
        .unwrap();
    log.run(
        "jce",
        "2010-05-01",
        C::VaryShares {
            shares: vec![
                ("redditch".into(), pct(5000)),
                ("wychavon".into(), pct(5000)),
            ],
        },
    )
    .unwrap();
    log.run("rbc-clerk", "2010-05-02", consent("redditch"))
        .unwrap();
    log.run("wdc-clerk", "2010-05-03", consent("wychavon"))
        .unwrap();
    log.run("jce", "2010-06-30", saving("2010/11-Q1", 1))
        .unwrap();
    assert_eq!(
        parts(&log, "2010/11-Q1"),
        pence(&[("redditch", 1), ("wychavon", 0)])
    );
    let terms = in_force(&log.state(), q("2010/11-Q1")).unwrap();
    assert_eq!(terms.tie, "redditch");
}

#[test]
fn varied_shares_count_from_the_quarter_of_the_last_consent() {
    let mut log = live();
    let vary = C::VaryShares {
        shares: vec![
            ("bromsgrove".into(), pct(5000)),
            ("redditch".into(), pct(2500)),
            ("wychavon".into(), pct(2500)),
        ],
    };
    // Shares for councils that are not the remaining ones, or not summing to 100, are refused.
    let short = C::VaryShares {
        shares: vec![("bromsgrove".into(), pct(10_000))],
    };
    assert!(log.run("jce", "2010-05-01", short).is_err());
    assert!(
        log.run("bdc-clerk", "2010-05-01", consent("bromsgrove"))
            .is_err(),
        "nothing pending"
    );
    log.run("jce", "2010-05-01", vary).unwrap();
    log.run("bdc-clerk", "2010-05-02", consent("bromsgrove"))
        .unwrap();
    log.run("rbc-clerk", "2010-05-03", consent("redditch"))
        .unwrap();
    log.run("jce", "2010-06-30", saving("2010/11-Q1", 100_000))
        .unwrap();
    assert_eq!(
        parts(&log, "2010/11-Q1")[0],
        ("bromsgrove".to_string(), 33_330)
    );
    log.run("wdc-clerk", "2010-07-02", consent("wychavon"))
        .unwrap();
    log.run("jce", "2010-09-30", saving("2010/11-Q2", 100_000))
        .unwrap();
    assert_eq!(
        parts(&log, "2010/11-Q2"),
        pence(&[
            ("bromsgrove", 50_000),
            ("redditch", 25_000),
            ("wychavon", 25_000)
        ])
    );
    assert_eq!(
        parts(&log, "2010/11-Q1")[0],
        ("bromsgrove".to_string(), 33_330)
    );
}

proptest! {
    /// For random shares and a random set of leavers, the remaining councils' parts sum exactly
    /// to the saving and each is within a penny of its exact pro rata share.
    #[test]
    fn pro_rata_splits_are_exact_and_within_a_penny(
        total in -10_000_000_000i64..10_000_000_000,
        cuts in proptest::collection::vec(1u32..10_000, 1..6),
        leavers in proptest::collection::vec(any::<bool>(), 6),
    ) {
        let mut bounds = cuts.clone();
        bounds.sort();
        bounds.dedup();
        let mut shares = Vec::new();
        let mut last = 0;
        for (i, b) in bounds.iter().enumerate() {
            shares.push((format!("c{i}"), u64::from(b - last)));
            last = *b;
        }
        shares.push(("lead".to_string(), u64::from(10_000 - last)));
        let remaining: Vec<(String, u64)> = shares
            .iter()
            .enumerate()
            .filter(|(i, _)| !leavers[*i % leavers.len()] || *i == shares.len() - 1)
            .map(|(_, s)| s.clone())
            .collect();
        let weight: i128 = remaining.iter().map(|(_, w)| i128::from(*w)).sum();
        let parts = apportion_pro_rata(Money::from_pence(total), &remaining, "lead");
        prop_assert_eq!(parts.iter().map(|(_, m)| m.pence).sum::<i64>(), total);
        for ((_, w), (_, part)) in remaining.iter().zip(&parts) {
            // |part| × weight is within one weight of |total| × w: within a penny of exact.
            let exact = i128::from(total.unsigned_abs()) * i128::from(*w);
            let got = i128::from(part.pence.unsigned_abs()) * weight;
            prop_assert!((got - exact).abs() < weight, "{} for weight {}", part, w);
            prop_assert!(part.pence == 0 || (part.pence < 0) == (total < 0));
        }
    }
}

proptest! {
    /// With weights summing to 100 % the pro rata split is the business case's apportionment, and
    /// with equal weights it is the exact equal split: old savings split the same.
    #[test]
    fn pro_rata_is_the_apportionment_it_generalises(
        total in -10_000_000i64..10_000_000,
        cut in 0u32..=10_000,
    ) {
        let shares = vec![("a".to_string(), pct(cut)), ("lead".to_string(), pct(10_000 - cut))];
        let weights: Vec<(String, u64)> =
            shares.iter().map(|(c, p)| (c.clone(), u64::from(p.hundredths))).collect();
        let money = Money::from_pence(total);
        prop_assert_eq!(
            apportion_pro_rata(money, &weights, "lead"),
            crate::money::apportion(money, &shares, "lead")
        );
        let parties = vec!["a".to_string(), "b".to_string(), "lead".to_string()];
        let equal: Vec<(String, u64)> = parties.iter().map(|c| (c.clone(), 1)).collect();
        prop_assert_eq!(
            apportion_pro_rata(money, &equal, "lead"),
            crate::money::apportion_equally(money, &parties, "lead")
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Through the rules and the fold: for random shares, a random council leaving and a random
    /// saving recorded before or after the leave, the quarter's parts sum to the
    /// saving, the leaver has none, and each part is within a penny of its exact pro rata share.
    #[test]
    fn a_leavers_share_is_split_pro_rata_whatever_the_order(
        a in 1u32..9_998,
        b in 1u32..9_998,
        leaver in 0usize..3,
        pence in 0i64..100_000_000,
        saving_first in any::<bool>(),
    ) {
        let (lo, hi) = (a.min(b), a.max(b).max(a.min(b) + 1));
        let hundredths = [lo, hi - lo, 10_000 - hi];
        prop_assume!(hundredths.iter().all(|h| *h > 0));
        let councils = ["bromsgrove", "redditch", "wychavon"];
        let clerks = ["bdc-clerk", "rbc-clerk", "wdc-clerk"];
        let mut log = live_with(Some(hundredths));
        let record = |log: &mut Log| log.run("jce", "2010-06-30", saving("2010/11-Q1", pence)).map(|_| ());
        if saving_first {
            record(&mut log).unwrap();
        }
        log.run(clerks[leaver], "2010-04-01", leave(councils[leaver])).unwrap();
        if !saving_first {
            record(&mut log).unwrap();
        }
        let got = parts(&log, "2010/11-Q1");
        prop_assert_eq!(got.iter().map(|(_, p)| p).sum::<i64>(), pence);
        prop_assert!(!got.iter().any(|(c, _)| c == councils[leaver]));
        let weight: i128 = (0..3).filter(|i| *i != leaver).map(|i| i128::from(hundredths[i])).sum();
        for (council, part) in &got {
            let i = councils.iter().position(|c| c == council).unwrap();
            let exact = i128::from(pence) * i128::from(hundredths[i]);
            prop_assert!((i128::from(*part) * weight - exact).abs() < weight, "{} {}", council, part);
        }
    }
}
