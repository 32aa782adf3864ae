//! Random command sequences against a small model of the workflow written here, independently of
//! the rules: the proposal accepts exactly what the model accepts, its stage is always the model's,
//! apportioned savings sum to their totals, and versions run 1..n.

use super::command::ProposalCommand as C;
use super::events::Decision;
use super::testing::Log;
use crate::definition::Stage;
use crate::money::{Money, Percent};
use crate::quarter::Quarter;
use proptest::prelude::*;
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
pub(super) enum Op {
    Advance(usize),
    Case {
        valid: bool,
    },
    Hold,
    Resume,
    Withdraw,
    NotPursue,
    Close,
    Open {
        staff: bool,
        union: bool,
    },
    CloseConsultation,
    Vote(u8),
    Decide {
        council: usize,
        decision: u8,
    },
    /// A quarter's saving (negative: a shortfall), for the last quarter ended; or its correction.
    Saving {
        pence: i64,
        correct: bool,
    },
}

pub(super) fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0usize..10).prop_map(Op::Advance),
        2 => any::<bool>().prop_map(|valid| Op::Case { valid }),
        1 => Just(Op::Hold),
        1 => Just(Op::Resume),
        1 => Just(Op::Withdraw),
        1 => Just(Op::NotPursue),
        1 => Just(Op::Close),
        2 => (any::<bool>(), any::<bool>()).prop_map(|(staff, union)| Op::Open { staff, union }),
        2 => Just(Op::CloseConsultation),
        2 => (0u8..3).prop_map(Op::Vote),
        3 => (0usize..2, 0u8..3).prop_map(|(council, decision)| Op::Decide { council, decision }),
        2 => (-100_000i64..10_000_000, any::<bool>())
            .prop_map(|(pence, correct)| Op::Saving { pence, correct }),
    ]
}

/// The model: what the contract's workflow rules say, and nothing more.
#[derive(Debug, Clone)]
struct Model {
    stage: Stage,
    held: Option<Stage>,
    case: bool,
    /// None: not started; Some((open, staff, union)).
    consultation: Option<(bool, bool, bool)>,
    board: Option<bool>,
    approvals: BTreeMap<usize, u8>,
    went_live: Option<jiff::civil::Date>,
    /// The quarters with a figure.
    savings: std::collections::BTreeSet<Quarter>,
}

const COUNCILS: [&str; 2] = ["bromsgrove", "redditch"];
const MAIN: [Stage; 5] = [
    Stage::QuickWin,
    Stage::BusinessCase,
    Stage::Consultation,
    Stage::CouncilApproval,
    Stage::Monitoring,
];

impl Model {
    /// Applies `op` on `day` if the rules accept it; returns whether they did.
    fn step(&mut self, op: &Op, day: jiff::civil::Date) -> bool {
        use Stage::*;
        let s = self.stage.clone();
        match op {
            Op::Advance(i) => {
                let to = Stage::CONTRACT[*i].clone();
                let ok = match (&s, &to) {
                    (QuickWin, BusinessCase) => true,
                    (BusinessCase, Consultation) => self.case,
                    (Consultation, CouncilApproval) => {
                        self.consultation == Some((false, true, true))
                    }
                    (CouncilApproval, Monitoring) => {
                        self.board == Some(true)
                            && (0..2).all(|c| self.approvals.get(&c) == Some(&0))
                    }
                    (Consultation | CouncilApproval | Rejected, BusinessCase) => {
                        self.consultation = None;
                        self.board = None;
                        self.approvals.clear();
                        true
                    }
                    _ => false,
                };
                if ok {
                    if to == Monitoring {
                        self.went_live = Some(day);
                    }
                    self.stage = to;
                }
                ok
            }
            Op::Case { valid } => {
                *valid && matches!(s, QuickWin | BusinessCase) && {
                    self.case = true;
                    true
                }
            }
            Op::Hold => {
                MAIN.contains(&s) && {
                    self.held = Some(s);
                    self.stage = OnHold;
                    true
                }
            }
            Op::Resume => {
                s == OnHold && {
                    self.stage = self.held.take().unwrap();
                    true
                }
            }
            Op::Withdraw | Op::NotPursue => {
                (MAIN.contains(&s) || s == OnHold) && {
                    self.held = None;
                    self.stage = if matches!(op, Op::Withdraw) {
                        Withdrawn
                    } else {
                        NotPursued
                    };
                    true
                }
            }
            Op::Close => {
                s == Monitoring && {
                    self.stage = Closed;
                    true
                }
            }
            Op::Open { staff, union } => {
                s == Consultation && !matches!(self.consultation, Some((true, _, _))) && {
                    self.consultation = Some((true, *staff, *union));
                    true
                }
            }
            Op::CloseConsultation => match self.consultation {
                Some((true, staff, union)) if s != OnHold => {
                    self.consultation = Some((false, staff, union));
                    true
                }
                _ => false,
            },
            Op::Vote(kind) => {
                matches!(s, Consultation | CouncilApproval) && {
                    self.board = Some(*kind < 2);
                    true
                }
            }
            Op::Decide { council, decision } => {
                s == CouncilApproval && {
                    self.approvals.insert(*council, *decision);
                    if *decision == 1 {
                        self.stage = Rejected;
                    }
                    true
                }
            }
            Op::Saving { correct, .. } => {
                let live = matches!(s, Monitoring | Closed)
                    || (s == OnHold && self.held == Some(Monitoring));
                let quarter = last_ended(day);
                let after_go_live = self
                    .went_live
                    .is_some_and(|d| quarter.last_day(Default::default()) >= d);
                live && after_go_live && self.savings.contains(&quarter) == *correct && {
                    self.savings.insert(quarter);
                    true
                }
            }
        }
    }
}

/// The last quarter ended by `day`.
fn last_ended(day: jiff::civil::Date) -> Quarter {
    Quarter::containing(day, Default::default()).previous()
}

pub(super) fn command(op: &Op, day: jiff::civil::Date) -> (&'static str, C) {
    let names = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let reason = || "because".to_string();
    match op {
        Op::Advance(i) => (
            "jce",
            C::Advance {
                to: Stage::CONTRACT[*i].clone(),
                reason: None,
            },
        ),
        Op::Case { valid } => {
            let half = if *valid { 5000 } else { 4500 };
            let shares = vec![
                ("bromsgrove".to_string(), Percent { hundredths: half }),
                ("redditch".to_string(), Percent { hundredths: 5000 }),
            ];
            (
                "jce",
                C::BusinessCase {
                    one_off_cost: Money::from_pence(1_500_000),
                    annual_saving: Money::from_pence(1_800_001),
                    shares,
                    cost_shares: vec![],
                    risks: vec![],
                },
            )
        }
        Op::Hold => ("jce", C::Hold { reason: reason() }),
        Op::Resume => ("jce", C::Resume { reason: reason() }),
        Op::Withdraw => ("jce", C::Withdraw { reason: reason() }),
        Op::NotPursue => ("jce", C::NotPursue { reason: reason() }),
        Op::Close => ("jce", C::Close { reason: reason() }),
        Op::Open { staff, union } => {
            let mut parties = vec!["public".to_string()];
            if *staff {
                parties.push("staff".into());
            }
            if *union {
                parties.push("unison".into());
            }
            ("jce", C::OpenConsultation { parties })
        }
        Op::CloseConsultation => ("jce", C::CloseConsultation),
        Op::Vote(kind) => {
            let (support, oppose) = match kind {
                0 => (
                    names(&[
                        "bdc-leader",
                        "bdc-member-2",
                        "bdc-member-3",
                        "rbc-leader",
                        "rbc-member-2",
                        "rbc-member-3",
                    ]),
                    vec![],
                ),
                1 => (
                    names(&["bdc-leader", "bdc-member-2", "rbc-leader", "rbc-member-2"]),
                    names(&["rbc-member-3"]),
                ),
                _ => (names(&["bdc-leader"]), names(&["rbc-leader"])),
            };
            (
                "jce",
                C::BoardVote {
                    meeting: day,
                    support,
                    oppose,
                    abstain: vec![],
                },
            )
        }
        Op::Decide { council, decision } => {
            let d = [Decision::Approve, Decision::Reject, Decision::Defer][*decision as usize];
            let clerk = ["bdc-clerk", "rbc-clerk"][*council];
            (
                clerk,
                C::CouncilDecide {
                    council: COUNCILS[*council].into(),
                    decision: d,
                    minute: None,
                    urgent: false,
                },
            )
        }
        Op::Saving { pence, correct } => (
            "jce",
            C::RecordSaving {
                quarter: last_ended(day),
                amount: Money::from_pence(*pence),
                correct: *correct,
                reason: Some(reason()),
            },
        ),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn the_proposal_follows_the_model(start in 0usize..3, random in proptest::collection::vec(op(), 1..60)) {
        // A third of the runs start from council approval, a third from monitoring, so that the
        // later stages are exercised as often as the early ones.
        let mut ops = match start {
            0 => vec![],
            _ => vec![
                Op::Advance(1), Op::Case { valid: true }, Op::Advance(2),
                Op::Open { staff: true, union: true }, Op::CloseConsultation, Op::Advance(3),
            ],
        };
        if start == 2 {
            ops.extend([
                Op::Vote(1),
                Op::Decide { council: 0, decision: 0 },
                Op::Decide { council: 1, decision: 0 },
                Op::Advance(4),
            ]);
        }
        ops.extend(random);
        let mut log = Log::elections();
        let mut model = Model {
            stage: Stage::QuickWin,
            held: None,
            case: false,
            consultation: None,
            board: None,
            approvals: BTreeMap::new(),
            went_live: None,
            savings: Default::default(),
        };
        let mut day = jiff::civil::date(2008, 9, 1);
        for op in &ops {
            day = day.tomorrow().unwrap();
            let before = log.events.len();
            let (actor, cmd) = command(op, day);
            let accepted = log.run(actor, &day.to_string(), cmd).is_ok();
            let expected = model.step(op, day);
            prop_assert_eq!(accepted, expected, "{:?} at {:?}", op, model.stage);
            prop_assert_eq!(log.events.len(), before + usize::from(accepted));
            let state = log.state();
            prop_assert_eq!(&state.stage, &model.stage);
            let (total, parts) = state.savings_total();
            prop_assert_eq!(parts.values().map(|m| m.pence).sum::<i64>(), total.pence);
            for saving in state.savings.values() {
                prop_assert_eq!(saving.by_council.values().map(|m| m.pence).sum::<i64>(), saving.amount.pence);
            }
            if let Some(case) = &state.business_case {
                prop_assert_eq!(case.annual_saving_by_council.values().map(|m| m.pence).sum::<i64>(), case.annual_saving.pence);
            }
        }
        let versions: Vec<u64> = log.events.iter().map(|e| e.version).collect();
        prop_assert_eq!(versions, (1..=log.events.len() as u64).collect::<Vec<_>>());
        prop_assert_eq!(log.state().version, log.events.len() as u64);
        // Projection snapshots: every prefix's state survives encoding, and it plus the events
        // after it folds to the live state.
        let live = log.state();
        for k in 1..=log.events.len() {
            let prefix = super::project(&log.events[..k], &log.history, &super::Cut::LIVE).unwrap();
            let Some(prefix) = prefix else { continue };
            let bytes = super::snapshot::encode(&prefix);
            let mut state = super::snapshot::decode(&bytes, prefix.version).unwrap();
            prop_assert_eq!(&state, &prefix);
            for event in &log.events[k..] {
                state.apply(event).unwrap();
            }
            prop_assert_eq!(&state, &live);
        }
    }
}
