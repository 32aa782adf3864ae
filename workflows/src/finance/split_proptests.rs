//! Every split of a cost or of funding sums exactly to the amount, and each council's part is
//! within a penny of its exact share, for random shares and amounts: costs through the rules and
//! the fold, funding through its rule (a proposal's and the programme's, with shares or equal).

use super::funding::{decide, FundingTerms};
use crate::definition::Stage;
use crate::money::{Money, Percent};
use crate::partnership::Partnership;
use crate::proposal::command::ProposalCommand as C;
use crate::proposal::costs::CostKind;
use crate::proposal::events::Decision;
use crate::proposal::testing::{Log, BROMSGROVE_REDDITCH};
use crate::quarter::Quarter;
use proptest::prelude::*;

/// The elections quick win live from 2 March 2009 with `bromsgrove` hundredths of its cost
/// (Redditch the rest).
fn live(bromsgrove: u32) -> Log {
    let mut log = Log::elections();
    let pct = |h| Percent { hundredths: h };
    let steps = [
        C::Advance {
            to: Stage::BusinessCase,
            reason: None,
        },
        C::BusinessCase {
            one_off_cost: Money::from_pence(1_500_000),
            annual_saving: Money::from_pence(1_800_000),
            shares: vec![],
            cost_shares: vec![
                ("bromsgrove".into(), pct(bromsgrove)),
                ("redditch".into(), pct(10_000 - bromsgrove)),
            ],
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
            meeting: "2008-11-03".parse().unwrap(),
            support: ["bdc-leader", "bdc-member-2", "rbc-leader", "rbc-member-2"]
                .iter()
                .map(|m| m.to_string())
                .collect(),
            oppose: vec![],
            abstain: vec![],
        },
    ];
    for step in steps {
        log.run("jce", "2008-11-03", step).unwrap();
    }
    for (clerk, council) in [("bdc-clerk", "bromsgrove"), ("rbc-clerk", "redditch")] {
        let decided = C::CouncilDecide {
            council: council.into(),
            decision: Decision::Approve,
            minute: None,
            urgent: false,
        };
        log.run(clerk, "2008-12-10", decided).unwrap();
    }
    let to = C::Advance {
        to: Stage::Monitoring,
        reason: None,
    };
    log.run("jce", "2009-03-02", to).unwrap();
    log
}

/// Whether `part` is within a penny of `amount` × `weight` / `whole`.
fn within_a_penny(part: i64, amount: i64, weight: u32, whole: u32) -> bool {
    let exact = i128::from(amount) * i128::from(weight);
    (i128::from(part) * i128::from(whole) - exact).abs() < i128::from(whole)
}

/// The 2008 partnership with Wychavon as a third council.
fn three() -> Partnership {
    let text = format!(
        "{BROMSGROVE_REDDITCH}\n[[council]]\nid = \"wychavon\"\nname = \"Wychavon District Council\"\n\
         board = [\"wdc-leader\", \"wdc-member-2\"]\n"
    );
    Partnership::from_toml(&text).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    /// A cost recorded through the rules is split by the cost shares exactly, each part within a
    /// penny; funding towards the proposal (no shares given) is split the same way.
    #[test]
    fn a_cost_and_a_proposals_funding_split_exactly(
        bromsgrove in 0u32..=10_000,
        pence in 0i64..10_000_000_000,
    ) {
        let mut log = live(bromsgrove);
        let cost = C::RecordCost {
            quarter: Quarter::parse("2009/10-Q1").unwrap(),
            kind: CostKind::Recurring,
            amount: Money::from_pence(pence),
            code: None,
            paid_by: None,
            correct: false,
            reason: None,
        };
        log.run("jce", "2009-07-01", cost).unwrap();
        let state = log.state();
        let parts = &state.costs[0].by_council;
        prop_assert_eq!(parts.values().map(|m| m.pence).sum::<i64>(), pence);
        let weights = [("bromsgrove", bromsgrove), ("redditch", 10_000 - bromsgrove)];
        for (council, w) in weights {
            prop_assert!(within_a_penny(parts[council].pence, pence, w, 10_000), "{} {}", council, parts[council]);
        }
        let partnership = log.history.latest().clone();
        let terms = FundingTerms {
            source: "WMRIEP",
            amount: Money::from_pence(pence),
            date: "2009-05-01".parse().unwrap(),
            proposal: Some(&state),
            shares: &[],
        };
        let funded = decide(&terms, &partnership).unwrap();
        prop_assert_eq!(&funded.by_council, parts);
    }

    /// Programme funding split by random shares of three councils, or equally, sums exactly and
    /// each part is within a penny of its exact share.
    #[test]
    fn programme_funding_splits_exactly(
        a in 0u32..=10_000,
        b in 0u32..=10_000,
        pence in 1i64..10_000_000_000,
    ) {
        let (lo, hi) = (a.min(b), a.max(b));
        let hundredths = [lo, hi - lo, 10_000 - hi];
        let councils = ["bromsgrove", "redditch", "wychavon"];
        let shares: Vec<(String, Percent)> = councils
            .iter()
            .zip(hundredths)
            .map(|(c, h)| (c.to_string(), Percent { hundredths: h }))
            .collect();
        let partnership = three();
        for given in [&shares[..], &[]] {
            let terms = FundingTerms {
                source: "WMRIEP",
                amount: Money::from_pence(pence),
                date: "2008-10-15".parse().unwrap(),
                proposal: None,
                shares: given,
            };
            let funded = decide(&terms, &partnership).unwrap();
            prop_assert_eq!(funded.by_council.values().map(|m| m.pence).sum::<i64>(), pence);
            for (i, c) in councils.iter().enumerate() {
                let (w, whole) = if given.is_empty() { (1, 3) } else { (hundredths[i], 10_000) };
                prop_assert!(within_a_penny(funded.by_council[*c].pence, pence, w, whole), "{} {}", c, funded.by_council[*c]);
            }
        }
    }
}
