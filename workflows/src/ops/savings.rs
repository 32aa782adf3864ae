//! The partnership's recorded savings summed per financial quarter and council, per year, to date,
//! and each council's exact share of the whole. Amounts are the parts apportioned to the penny when
//! each saving was recorded; this module only adds them, so every sum is exact.

use super::overview::Overview;
use crate::money::Money;
use crate::quarter::Quarter;
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::{BTreeMap, BTreeSet};

/// Savings summed per quarter and council.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Savings {
    /// Councils in the partnership's order (then any others).
    pub councils: Vec<String>,
    /// Quarter label → council → amount.
    pub by_quarter: BTreeMap<String, BTreeMap<String, Money>>,
}

impl Savings {
    /// Sums every proposal's recorded savings in `ov`.
    pub fn of(ov: &Overview) -> Savings {
        let order = ov.partnership.latest().council_ids();
        Savings::from_parts(
            &order,
            ov.proposals
                .iter()
                .flat_map(|e| e.view.savings.by_quarter.iter())
                .flat_map(|(q, s)| s.by_council.iter().map(move |(c, m)| (q, c, *m))),
        )
    }

    /// Sums `(quarter, council, amount)` parts, councils ordered as in `order` then by id.
    fn from_parts<'a>(
        order: &[String],
        parts: impl Iterator<Item = (&'a String, &'a String, Money)>,
    ) -> Savings {
        let mut by_quarter: BTreeMap<String, BTreeMap<String, Money>> = BTreeMap::new();
        let mut seen = BTreeSet::new();
        for (q, c, m) in parts {
            let slot = by_quarter
                .entry(q.clone())
                .or_default()
                .entry(c.clone())
                .or_default();
            *slot = *slot + m;
            seen.insert(c.clone());
        }
        let mut councils: Vec<String> = order
            .iter()
            .filter(|c| seen.contains(*c))
            .cloned()
            .collect();
        let others: Vec<String> = seen.into_iter().filter(|c| !councils.contains(c)).collect();
        councils.extend(others);
        Savings {
            councils,
            by_quarter,
        }
    }

    /// What council `c` saved in quarter `q`.
    pub fn get(&self, q: &str, c: &str) -> Money {
        self.by_quarter
            .get(q)
            .and_then(|m| m.get(c))
            .copied()
            .unwrap_or_default()
    }

    /// What every council saved in quarter `q`.
    pub fn quarter_total(&self, q: &str) -> Money {
        self.by_quarter
            .get(q)
            .map(|m| m.values().copied().sum())
            .unwrap_or_default()
    }

    /// Per council, the sum over the quarters `keep` admits.
    pub fn sum(&self, keep: impl Fn(&Quarter) -> bool) -> BTreeMap<String, Money> {
        let mut out: BTreeMap<String, Money> = BTreeMap::new();
        for (q, m) in &self.by_quarter {
            if Quarter::parse(q).is_ok_and(|q| keep(&q)) {
                for (c, v) in m {
                    let slot = out.entry(c.clone()).or_default();
                    *slot = *slot + *v;
                }
            }
        }
        out
    }

    /// Per council, the financial year of `current` up to and including `current`.
    pub fn year_to_date(&self, current: Quarter) -> BTreeMap<String, Money> {
        self.sum(|q| q.year == current.year && q.q <= current.q)
    }

    /// Per council, the financial year that starts in `year`.
    pub fn year(&self, year: i16) -> BTreeMap<String, Money> {
        self.sum(|q| q.year == year)
    }

    /// The financial years that have savings, oldest first.
    pub fn years(&self) -> BTreeSet<i16> {
        self.by_quarter
            .keys()
            .filter_map(|q| Quarter::parse(q).ok().map(|q| q.year))
            .collect()
    }
}

/// `part` as a percentage of `whole`, exact and then rounded half away from zero to two decimals;
/// None when `whole` is nothing (there is no share of nothing).
pub fn share(part: Money, whole: Money) -> Option<Decimal> {
    if whole.pence == 0 {
        return None;
    }
    let exact = Decimal::from(part.pence) * Decimal::from(100) / Decimal::from(whole.pence);
    let mut rounded = exact.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(2);
    Some(rounded)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(list: &[(&str, &str, i64)]) -> Vec<(String, String, Money)> {
        list.iter()
            .map(|(q, c, p)| (q.to_string(), c.to_string(), Money::from_pence(*p)))
            .collect()
    }

    fn table(list: &[(&str, &str, i64)]) -> Savings {
        let order = vec!["north".to_string(), "south".to_string()];
        let owned = parts(list);
        Savings::from_parts(&order, owned.iter().map(|(q, c, m)| (q, c, *m)))
    }

    #[test]
    fn sums_are_exact_to_the_penny() {
        let t = table(&[
            ("2008/09-Q1", "south", 1),
            ("2008/09-Q1", "south", 33_333),
            ("2008/09-Q3", "north", 10_001),
            ("2009/10-Q1", "north", 7),
            ("2009/10-Q1", "east", 99),
        ]);
        assert_eq!(t.councils, ["north", "south", "east"]);
        assert_eq!(t.get("2008/09-Q1", "south"), Money::from_pence(33_334));
        assert_eq!(t.quarter_total("2009/10-Q1"), Money::from_pence(106));
        let y = t.year(2008);
        assert_eq!(y["north"], Money::from_pence(10_001));
        assert_eq!(y["south"], Money::from_pence(33_334));
        assert!(!y.contains_key("east"));
        assert_eq!(t.years().into_iter().collect::<Vec<_>>(), [2008, 2009]);
        let all = t.sum(|_| true);
        assert_eq!(
            all.values().copied().sum::<Money>(),
            Money::from_pence(43_441)
        );
    }

    #[test]
    fn year_to_date_stops_at_the_current_quarter() {
        let t = table(&[
            ("2008/09-Q1", "north", 100),
            ("2008/09-Q2", "north", 250),
            ("2008/09-Q3", "north", 1_000),
            ("2007/08-Q4", "north", 5),
        ]);
        let ytd = t.year_to_date(Quarter { year: 2008, q: 2 });
        assert_eq!(ytd["north"], Money::from_pence(350));
    }

    #[test]
    fn shares_are_exact_then_rounded_to_two_decimals() {
        let whole = Money::from_pence(3);
        assert_eq!(
            share(Money::from_pence(1), whole).unwrap().to_string(),
            "33.33"
        );
        assert_eq!(
            share(Money::from_pence(2), whole).unwrap().to_string(),
            "66.67"
        );
        assert_eq!(share(whole, whole).unwrap().to_string(), "100.00");
        // 1/8 of a percent is a true midpoint: it rounds away from zero.
        let eighth = share(Money::from_pence(1), Money::from_pence(800)).unwrap();
        assert_eq!(eighth.to_string(), "0.13");
        assert_eq!(share(Money::from_pence(5), Money::default()), None);
    }
}
