//! Budget against actual and the net position, of a proposal (in total and for each council) or of
//! a council across the programme: what the business case expected (the one-off cost in the
//! go-live quarter, a quarter of the annual saving each quarter from go-live's) against what was
//! recorded (savings, one-off and recurring costs, funding), for the financial year to date and
//! since go-live. Every figure is whole pence; each council's parts sum to the total.

use super::funding::Funding;
use super::payback::{self, Payback};
use crate::money::Money;
use crate::proposal::costs::{self, CostKind};
use crate::proposal::{shares, ProposalState};
use crate::quarter::{year_label, Quarter, YearStart};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

/// What came in and went out in one quarter, with what the business case expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Flows {
    pub saving: Money,
    pub one_off: Money,
    pub recurring: Money,
    pub funding: Money,
    pub expected_saving: Money,
    pub expected_one_off: Money,
}

impl Flows {
    /// Adds `other` to these.
    pub fn add(&mut self, other: &Flows) {
        self.saving = self.saving + other.saving;
        self.one_off = self.one_off + other.one_off;
        self.recurring = self.recurring + other.recurring;
        self.funding = self.funding + other.funding;
        self.expected_saving = self.expected_saving + other.expected_saving;
        self.expected_one_off = self.expected_one_off + other.expected_one_off;
    }

    /// Savings less every cost plus funding: what the quarter left the council better off by.
    pub fn net(&self) -> Money {
        Money::from_pence(
            self.saving.pence - self.one_off.pence - self.recurring.pence + self.funding.pence,
        )
    }
}

/// One party's money quarter by quarter (a proposal in total, a council's part, or a sum of them).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ledger {
    pub flows: BTreeMap<Quarter, Flows>,
    /// The first quarter a service of it was live in (None: nothing live yet).
    pub live_from: Option<Quarter>,
}

impl Ledger {
    /// Adds `other`'s flows into this one's.
    pub fn absorb(&mut self, other: &Ledger) {
        for (q, f) in &other.flows {
            self.flows.entry(*q).or_default().add(f);
        }
        self.live_from = match (self.live_from, other.live_from) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }

    /// The flows of the quarters `keep` admits, summed.
    pub fn sum(&self, keep: impl Fn(Quarter) -> bool) -> Flows {
        let mut total = Flows::default();
        for (_, f) in self.flows.iter().filter(|(q, _)| keep(**q)) {
            total.add(f);
        }
        total
    }
}

/// A proposal's ledgers up to `as_of`: in total and for each of its councils.
pub fn proposal_ledgers(
    state: &ProposalState,
    funding: &[Funding],
    as_of: Quarter,
    start: YearStart,
) -> (Ledger, BTreeMap<String, Ledger>) {
    let (mut total, mut by) = ledgers_before_funding(state, as_of, start);
    add_funding(&mut total, &mut by, &state.id, funding, as_of);
    (total, by)
}

/// Adds `whole` and each council's part to the flows of `q` that `f` picks.
fn put(
    total: &mut Ledger,
    by: &mut BTreeMap<String, Ledger>,
    q: Quarter,
    whole: Money,
    parts: &BTreeMap<String, Money>,
    f: fn(&mut Flows) -> &mut Money,
) {
    let slot = f(total.flows.entry(q).or_default());
    *slot = *slot + whole;
    for (c, part) in parts {
        let ledger = by.entry(c.clone()).or_default();
        let slot = f(ledger.flows.entry(q).or_default());
        *slot = *slot + *part;
    }
}

/// A proposal's ledgers up to `as_of` from its own state alone (the funding, a stream of its own,
/// is added by [`add_funding`]): what the report projection keeps of a proposal's money.
pub fn ledgers_before_funding(
    state: &ProposalState,
    as_of: Quarter,
    start: YearStart,
) -> (Ledger, BTreeMap<String, Ledger>) {
    let live_from = state.went_live.map(|d| Quarter::containing(d, start));
    let mut total = Ledger {
        live_from,
        ..Ledger::default()
    };
    let mut by: BTreeMap<String, Ledger> = state
        .councils
        .iter()
        .map(|c| (c.clone(), total.clone()))
        .collect();
    for (q, s) in state.savings.iter().filter(|(q, _)| **q <= as_of) {
        put(&mut total, &mut by, *q, s.amount, &s.by_council, |f| {
            &mut f.saving
        });
    }
    for c in state.costs.iter().filter(|c| c.quarter <= as_of) {
        let field: fn(&mut Flows) -> &mut Money = match c.kind {
            CostKind::OneOff => |f| &mut f.one_off,
            CostKind::Recurring => |f| &mut f.recurring,
        };
        put(
            &mut total,
            &mut by,
            c.quarter,
            c.amount,
            &c.by_council,
            field,
        );
    }
    if let (Some(first), Some(case)) = (live_from, state.business_case.as_ref()) {
        let one_off = costs::in_force(state, first).map(|t| t.split(case.one_off_cost));
        put(
            &mut total,
            &mut by,
            first,
            case.one_off_cost,
            &one_off.unwrap_or_default(),
            |f| &mut f.expected_one_off,
        );
        let last = last_expected(state, as_of, start);
        let mut q = first;
        let mut k: i64 = 1;
        while q <= last {
            // Telescoping, so n quarters expect exactly ⌊annual × n / 4⌋ in all.
            let annual = case.annual_saving.pence;
            let due = Money::from_pence(annual * k / 4 - annual * (k - 1) / 4);
            let parts = shares::split(state, q, due).unwrap_or_default();
            put(&mut total, &mut by, q, due, &parts, |f| {
                &mut f.expected_saving
            });
            q = q.next();
            k += 1;
        }
    }
    (total, by)
}

/// Adds the funding of proposal `id` received up to `as_of` to its ledgers.
pub fn add_funding(
    total: &mut Ledger,
    by: &mut BTreeMap<String, Ledger>,
    id: &str,
    funding: &[Funding],
    as_of: Quarter,
) {
    for g in funding
        .iter()
        .filter(|g| g.recorded.proposal.as_deref() == Some(id) && g.recorded.quarter <= as_of)
    {
        let r = &g.recorded;
        put(total, by, r.quarter, r.amount, &r.by_council, |f| {
            &mut f.funding
        });
    }
}

/// The last quarter a saving is expected in: `as_of`, or the quarter a closed service closed in.
fn last_expected(state: &ProposalState, as_of: Quarter, start: YearStart) -> Quarter {
    use crate::definition::Stage;
    let closed = state
        .steps
        .iter()
        .rev()
        .find(|s| s.to == Stage::Closed)
        .filter(|_| state.stage == Stage::Closed)
        .map(|s| Quarter::containing(s.on, start));
    closed.map_or(as_of, |c| c.min(as_of))
}

/// A council's ledger of the programme's funding (funding with no proposal): its parts.
pub fn programme_funding(funding: &[Funding], council: Option<&str>, as_of: Quarter) -> Ledger {
    let mut ledger = Ledger::default();
    for g in funding
        .iter()
        .filter(|g| g.recorded.proposal.is_none() && g.recorded.quarter <= as_of)
    {
        let amount = match council {
            None => g.recorded.amount,
            Some(c) => g.recorded.by_council.get(c).copied().unwrap_or_default(),
        };
        let f = ledger.flows.entry(g.recorded.quarter).or_default();
        f.funding = f.funding + amount;
    }
    ledger
}

/// One figure the business case expected against what was recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Measure {
    pub expected: Money,
    pub actual: Money,
    /// Actual less expected.
    pub variance: Money,
    /// The variance as a percentage of what was expected, two decimals (None: nothing expected).
    pub variance_percent: Option<String>,
}

impl Measure {
    fn of(expected: Money, actual: Money) -> Measure {
        let variance = Money::from_pence(actual.pence - expected.pence);
        let variance_percent = (expected.pence != 0).then(|| {
            let pct =
                Decimal::from(variance.pence) * Decimal::from(100) / Decimal::from(expected.pence);
            format!("{:.2}", pct.round_dp(2))
        });
        Measure {
            expected,
            actual,
            variance,
            variance_percent,
        }
    }
}

/// A period's budget against actual and net position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Position {
    pub one_off_cost: Measure,
    pub saving: Measure,
    pub recurring_cost: Money,
    pub funding: Money,
    /// Every cost less the funding received.
    pub net_cost: Money,
    /// Savings less every cost plus funding.
    pub net_position: Money,
}

impl Position {
    /// The position of summed flows.
    pub fn of(f: &Flows) -> Position {
        Position {
            one_off_cost: Measure::of(f.expected_one_off, f.one_off),
            saving: Measure::of(f.expected_saving, f.saving),
            recurring_cost: f.recurring,
            funding: f.funding,
            net_cost: Money::from_pence(f.one_off.pence + f.recurring.pence - f.funding.pence),
            net_position: f.net(),
        }
    }
}

/// Since go-live and for the financial year to date, with the payback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Standing {
    pub since_go_live: Position,
    pub year_to_date: Position,
    pub payback: Payback,
}

/// A ledger's standing at the end of `as_of`.
pub fn standing(ledger: &Ledger, as_of: Quarter, start: YearStart) -> Standing {
    Standing {
        since_go_live: Position::of(&ledger.sum(|q| q <= as_of)),
        year_to_date: Position::of(&ledger.sum(|q| q <= as_of && q.year == as_of.year)),
        payback: payback::project(ledger, as_of, start),
    }
}

/// A proposal's (or the programme's) finances as of a quarter's end, in total and by council.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finance {
    /// The proposal (None: the programme, every proposal and the programme's funding).
    pub proposal: Option<String>,
    pub quarter: Quarter,
    pub financial_year: String,
    pub total: Standing,
    pub by_council: BTreeMap<String, Standing>,
}

/// The finances of one proposal as of `as_of`.
pub fn of_proposal(
    state: &ProposalState,
    funding: &[Funding],
    as_of: Quarter,
    start: YearStart,
) -> Finance {
    let (total, by) = proposal_ledgers(state, funding, as_of, start);
    finance_of(Some(state.id.clone()), &total, &by, as_of, start)
}

/// The finances of ledgers (a proposal's, or the programme's) as of `as_of`.
pub fn finance_of(
    proposal: Option<String>,
    total: &Ledger,
    by: &BTreeMap<String, Ledger>,
    as_of: Quarter,
    start: YearStart,
) -> Finance {
    Finance {
        proposal,
        quarter: as_of,
        financial_year: year_label(as_of.year),
        total: standing(total, as_of, start),
        by_council: by
            .iter()
            .map(|(c, l)| (c.clone(), standing(l, as_of, start)))
            .collect(),
    }
}

/// The programme's ledgers being summed: its funding, then each proposal's ledgers as they come.
#[derive(Debug, Clone, Default)]
pub struct ProgrammeLedgers {
    pub total: Ledger,
    pub by: BTreeMap<String, Ledger>,
}

impl ProgrammeLedgers {
    /// The programme's funding up to `as_of`, in total and for each of `councils`.
    pub fn new(funding: &[Funding], councils: &[String], as_of: Quarter) -> ProgrammeLedgers {
        ProgrammeLedgers {
            total: programme_funding(funding, None, as_of),
            by: councils
                .iter()
                .map(|c| (c.clone(), programme_funding(funding, Some(c), as_of)))
                .collect(),
        }
    }

    /// Adds one proposal's ledgers (with its funding).
    pub fn absorb(&mut self, whole: &Ledger, parts: &BTreeMap<String, Ledger>) {
        self.total.absorb(whole);
        for (c, l) in parts {
            self.by.entry(c.clone()).or_default().absorb(l);
        }
    }
}

/// The programme's finances as of `as_of`: every proposal and the programme's funding, in total
/// and for each of `councils`.
pub fn of_programme(
    states: &[ProposalState],
    funding: &[Funding],
    councils: &[String],
    as_of: Quarter,
    start: YearStart,
) -> Finance {
    let mut sum = ProgrammeLedgers::new(funding, councils, as_of);
    for state in states {
        let (whole, parts) = proposal_ledgers(state, funding, as_of, start);
        sum.absorb(&whole, &parts);
    }
    finance_of(None, &sum.total, &sum.by, as_of, start)
}
