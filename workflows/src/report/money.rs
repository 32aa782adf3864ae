//! Layout 2's money: for each proposal of the council, the saving in the quarter, in the financial
//! year to date and since go-live (each `None` when nothing was recorded, which is not £0.00), and
//! what the business case expected over the same quarters.

use crate::money::Money;
use crate::proposal::shares::in_force;
use crate::proposal::state::{ProposalState, Saving};
use crate::quarter::{Quarter, YearStart};
use serde::{Deserialize, Serialize};

/// One proposal's money for the council (one CSV row).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProposalMoney {
    pub proposal: String,
    /// The whole saving (all councils) and the council's part, in the quarter.
    pub quarter: Option<Money>,
    pub quarter_council: Option<Money>,
    /// From the first quarter of the financial year to this one, inclusive.
    pub year_to_date: Option<Money>,
    pub year_to_date_council: Option<Money>,
    /// Every quarter recorded up to this one.
    pub since_go_live: Option<Money>,
    pub since_go_live_council: Option<Money>,
    /// The business case's annual saving, for the council (by the shares in force for the quarter).
    pub expected_annual_council: Option<Money>,
    /// A quarter of it for each quarter of the financial year to date in which the service was live.
    pub expected_year_to_date_council: Option<Money>,
}

/// The council's totals over its proposals (`None` when no proposal has a figure).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct MoneyTotals {
    pub quarter_council: Option<Money>,
    pub year_to_date_council: Option<Money>,
    pub since_go_live_council: Option<Money>,
    pub expected_year_to_date_council: Option<Money>,
}

/// The money of `p` for `council` in `quarter`.
pub fn of(p: &ProposalState, council: &str, quarter: Quarter, start: YearStart) -> ProposalMoney {
    let part = |s: &Saving| s.by_council.get(council).copied().unwrap_or_default();
    let year_first = Quarter {
        year: quarter.year,
        q: 1,
    };
    let in_year: Vec<&Saving> = p
        .savings
        .range(year_first..=quarter)
        .map(|(_, s)| s)
        .collect();
    let since: Vec<&Saving> = p.savings.range(..=quarter).map(|(_, s)| s).collect();
    let this = p.savings.get(&quarter);
    // The business case's annual saving split by the shares in force for the quarter (after a
    // council left, or the shares were varied, the remaining councils expect more or less).
    let expected_annual = p.business_case.as_ref().and_then(|b| {
        let by_council = in_force(p, quarter)?.split(b.annual_saving);
        by_council.get(council).copied()
    });
    let live_quarters = p.went_live.map(|live| {
        (1..=quarter.q)
            .filter(|q| {
                let q = Quarter {
                    year: quarter.year,
                    q: *q,
                };
                live <= q.last_day(start)
            })
            .count() as i64
    });
    let expected_ytd = match (expected_annual, live_quarters) {
        (Some(a), Some(n)) => Some(Money::from_pence(a.pence * n / 4)),
        _ => None,
    };
    ProposalMoney {
        proposal: p.id.clone(),
        quarter: this.map(|s| s.amount),
        quarter_council: this.map(part),
        year_to_date: sum(&in_year, |s| s.amount),
        year_to_date_council: sum(&in_year, part),
        since_go_live: sum(&since, |s| s.amount),
        since_go_live_council: sum(&since, part),
        expected_annual_council: expected_annual,
        expected_year_to_date_council: expected_ytd,
    }
}

/// The totals of `lines`.
pub fn totals(lines: &[ProposalMoney]) -> MoneyTotals {
    let total = |f: fn(&ProposalMoney) -> Option<Money>| {
        let known: Vec<Money> = lines.iter().filter_map(f).collect();
        (!known.is_empty()).then(|| known.into_iter().sum())
    };
    MoneyTotals {
        quarter_council: total(|l| l.quarter_council),
        year_to_date_council: total(|l| l.year_to_date_council),
        since_go_live_council: total(|l| l.since_go_live_council),
        expected_year_to_date_council: total(|l| l.expected_year_to_date_council),
    }
}

fn sum(savings: &[&Saving], f: impl Fn(&Saving) -> Money) -> Option<Money> {
    (!savings.is_empty()).then(|| savings.iter().map(|s| f(s)).sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_recorded_is_none_and_totals_skip_it() {
        let m = |p: i64| Some(Money::from_pence(p));
        let line = |q: Option<Money>| ProposalMoney {
            proposal: "x".into(),
            quarter: q,
            quarter_council: q,
            year_to_date: q,
            year_to_date_council: q,
            since_go_live: q,
            since_go_live_council: q,
            expected_annual_council: None,
            expected_year_to_date_council: None,
        };
        let t = totals(&[line(None), line(m(0)), line(m(250))]);
        assert_eq!(t.quarter_council, m(250));
        assert_eq!(t.expected_year_to_date_council, None);
        assert_eq!(totals(&[line(None)]).quarter_council, None);
        assert_eq!(totals(&[line(m(0))]).quarter_council, m(0));
    }
}
