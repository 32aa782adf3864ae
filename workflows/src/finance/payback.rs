//! When a service pays back what it cost: the quarter from which the money it saved (less its
//! recurring costs, plus funding) has covered its costs for good, or the date projected from the
//! last four quarters' net saving, or "not yet" (nothing to project from) or "never at this rate".

use super::position::Ledger;
use crate::money::Money;
use crate::quarter::{Quarter, YearStart};
use jiff::civil::Date;
use serde::Serialize;

/// Where the payback stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PaybackStatus {
    /// Costs are covered: `date` is the end of the quarter from which they stayed covered.
    PaidBack,
    /// Projected at the last four quarters' rate: `date` is the end of the quarter it pays back in.
    Projected,
    /// No quarter since go-live with a saving to project from.
    NotYet,
    /// The last four quarters saved nothing net: at this rate it never pays back.
    Never,
}

impl PaybackStatus {
    /// In words, for a report.
    pub fn words(self) -> &'static str {
        match self {
            PaybackStatus::PaidBack => "paid back",
            PaybackStatus::Projected => "projected",
            PaybackStatus::NotYet => "not yet",
            PaybackStatus::Never => "never at this rate",
        }
    }
}

/// The payback as of a quarter's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Payback {
    pub status: PaybackStatus,
    pub date: Option<Date>,
    /// Savings less recurring costs over the (up to) four quarters the rate is taken from.
    pub net_saving_last_four_quarters: Money,
    /// What is still to be paid back (zero once paid back).
    pub outstanding: Money,
}

/// The payback of `ledger` as of the end of `as_of`.
pub fn project(ledger: &Ledger, as_of: Quarter, start: YearStart) -> Payback {
    let (rate_sum, count, saved) = last_four(ledger, as_of);
    let mut cumulative = 0i64;
    let mut covered_from: Option<Quarter> = None;
    for (q, f) in ledger.flows.range(..=as_of) {
        cumulative += f.net().pence;
        covered_from = match (cumulative >= 0, covered_from) {
            (true, None) => Some(*q),
            (true, kept) => kept,
            (false, _) => None,
        };
    }
    let recorded = ledger
        .flows
        .range(..=as_of)
        .any(|(_, f)| f.saving.pence != 0 || f.one_off.pence != 0 || f.recurring.pence != 0);
    let at = |status, date, outstanding: i64| Payback {
        status,
        date,
        net_saving_last_four_quarters: Money::from_pence(rate_sum),
        outstanding: Money::from_pence(outstanding.max(0)),
    };
    if let Some(q) = covered_from.filter(|_| recorded && cumulative >= 0) {
        return at(PaybackStatus::PaidBack, Some(q.last_day(start)), 0);
    }
    if !recorded || count == 0 || !saved {
        return at(PaybackStatus::NotYet, None, -cumulative);
    }
    if rate_sum <= 0 {
        return at(PaybackStatus::Never, None, -cumulative);
    }
    // Quarters needed at the average rate, rounded up: ⌈deficit × count / sum⌉, exact in pence.
    let deficit = i128::from(-cumulative);
    let needed = (deficit * i128::from(count) + i128::from(rate_sum) - 1) / i128::from(rate_sum);
    let mut q = as_of;
    for _ in 0..needed.min(4 * 200) {
        q = q.next();
    }
    at(
        PaybackStatus::Projected,
        Some(q.last_day(start)),
        -cumulative,
    )
}

/// The net saving (savings less recurring costs) of the last four quarters to `as_of` that the
/// service was live in, how many there were, and whether any of them recorded a saving.
fn last_four(ledger: &Ledger, as_of: Quarter) -> (i64, i64, bool) {
    let Some(live) = ledger.live_from.filter(|l| *l <= as_of) else {
        return (0, 0, false);
    };
    let mut q = as_of;
    let (mut sum, mut count, mut saved) = (0i64, 0i64, false);
    while count < 4 && q >= live {
        if let Some(f) = ledger.flows.get(&q) {
            sum += f.saving.pence - f.recurring.pence;
            saved |= f.saving.pence != 0;
        }
        count += 1;
        q = q.previous();
    }
    (sum, count, saved)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finance::position::Flows;

    fn q(text: &str) -> Quarter {
        Quarter::parse(text).unwrap()
    }

    fn pounds(p: i64) -> Money {
        Money::from_pence(p * 100)
    }

    /// A ledger live from 2009/10-Q1 with (quarter, saving, one-off, recurring) in pounds.
    fn ledger(rows: &[(&str, i64, i64, i64)]) -> Ledger {
        let mut l = Ledger {
            live_from: Some(q("2009/10-Q1")),
            ..Ledger::default()
        };
        for (quarter, saving, one_off, recurring) in rows {
            let f = Flows {
                saving: pounds(*saving),
                one_off: pounds(*one_off),
                recurring: pounds(*recurring),
                ..Flows::default()
            };
            l.flows.insert(q(quarter), f);
        }
        l
    }

    #[test]
    fn payback_is_paid_back_projected_not_yet_or_never() {
        let start = YearStart::default();
        // Costs only: nothing to project from.
        let p = project(
            &ledger(&[("2009/10-Q1", 0, 1000, 0)]),
            q("2009/10-Q1"),
            start,
        );
        assert_eq!(
            (p.status, p.outstanding),
            (PaybackStatus::NotYet, pounds(1000))
        );
        // Savings below the running costs: never at this rate.
        let p = project(
            &ledger(&[("2009/10-Q1", 100, 1000, 150)]),
            q("2009/10-Q1"),
            start,
        );
        assert_eq!(p.status, PaybackStatus::Never);
        assert_eq!(p.net_saving_last_four_quarters, pounds(-50));
        // 1,000 owed after a quarter netting 300: four more quarters (⌈1000/300⌉ = 4).
        let l = ledger(&[("2009/10-Q1", 300, 1300, 0)]);
        let p = project(&l, q("2009/10-Q1"), start);
        assert_eq!(p.status, PaybackStatus::Projected);
        assert_eq!(p.date, Some("2010-06-30".parse().unwrap()));
        // Covered in the third quarter, and stays covered.
        let l = ledger(&[
            ("2009/10-Q1", 300, 700, 0),
            ("2009/10-Q2", 300, 0, 0),
            ("2009/10-Q3", 300, 0, 0),
            ("2009/10-Q4", 300, 0, 0),
        ]);
        let p = project(&l, q("2009/10-Q4"), start);
        assert_eq!(
            (p.status, p.outstanding),
            (PaybackStatus::PaidBack, Money::default())
        );
        assert_eq!(p.date, Some("2009-12-31".parse().unwrap()));
    }
}
