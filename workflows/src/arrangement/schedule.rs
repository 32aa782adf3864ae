//! When an arrangement's reviews fall due: `reviews` months after the start, then every `then`
//! months after the last of them, each counted from the start date and clamped to the month's
//! last day (started 31 Aug → 28/29 Feb → 31 Aug), as service reviews are
//! ([`add_months_clamped`]).

use engine::schedule::add_months_clamped;
use jiff::civil::Date;
use std::collections::BTreeSet;

/// The last year a review may fall due in (the calendar's range, with room to spare).
const LAST_YEAR: i16 = 9998;

/// An arrangement's review schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    pub started: Date,
    pub reviews: Vec<u32>,
    pub then: Option<u32>,
}

/// One review each council owes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occurrence {
    /// Months after the start.
    pub months: u32,
    /// The start plus `months`, clamped to the month's end.
    pub date: Date,
}

impl Schedule {
    /// The `n`th review (from 0), or None past the schedule's end or the calendar's.
    pub fn nth(&self, n: usize) -> Option<Occurrence> {
        let months = match self.reviews.get(n) {
            Some(m) => *m,
            None => {
                let last = *self.reviews.last()?;
                let extra = u32::try_from(n - self.reviews.len() + 1).ok()?;
                last.checked_add(self.then?.checked_mul(extra)?)?
            }
        };
        let years = i16::try_from(months / 12).ok()?;
        if self.started.year().checked_add(years)? >= LAST_YEAR {
            return None;
        }
        let date = add_months_clamped(self.started, i32::try_from(months).ok()?);
        Some(Occurrence { months, date })
    }

    /// The reviews due up to `until` (inclusive), in order.
    pub fn until(&self, until: Date) -> Vec<Occurrence> {
        (0..)
            .map_while(|n| self.nth(n))
            .take_while(|o| o.date <= until)
            .collect()
    }

    /// The review a council holding one on `held` answers, given the months it has answered: the
    /// earliest unanswered one whose successor falls after `held` (the one due next, held early or
    /// on time, or the one just past, held late). None: every review of the schedule is answered.
    pub fn answers(&self, held: Date, answered: &BTreeSet<u32>) -> Option<Occurrence> {
        let mut n = 0;
        loop {
            let occurrence = self.nth(n)?;
            n += 1;
            if answered.contains(&occurrence.months) {
                continue;
            }
            match self.nth(n) {
                Some(next) if next.date <= held => continue,
                _ => return Some(occurrence),
            }
        }
    }

    /// "Six-month review", "Twelve-month review", "Annual review" (a yearly repeat), or
    /// "18-month review".
    pub fn label(&self, months: u32) -> String {
        let repeat = self.reviews.last().is_some_and(|last| months > *last);
        match months {
            _ if repeat && self.then == Some(12) => "Annual review".into(),
            6 => "Six-month review".into(),
            12 => "Twelve-month review".into(),
            m => format!("{m}-month review"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn trial(started: Date) -> Schedule {
        Schedule {
            started,
            reviews: vec![6, 12],
            then: Some(12),
        }
    }

    #[test]
    fn the_joint_chief_executive_trial_is_reviewed_at_six_and_twelve_months_then_yearly() {
        let s = trial(date(2008, 6, 30));
        let due: Vec<(u32, Date)> = s
            .until(date(2011, 6, 30))
            .iter()
            .map(|o| (o.months, o.date))
            .collect();
        assert_eq!(
            due,
            [
                (6, date(2008, 12, 30)),
                (12, date(2009, 6, 30)),
                (24, date(2010, 6, 30)),
                (36, date(2011, 6, 30)),
            ]
        );
        assert_eq!(s.label(6), "Six-month review");
        assert_eq!(s.label(12), "Twelve-month review");
        assert_eq!(s.label(24), "Annual review");
    }

    #[test]
    fn month_ends_clamp_and_count_from_the_start() {
        // Started 31 August: 28 February (29 in a leap year), then back to 31 August.
        let s = Schedule {
            started: date(2008, 8, 31),
            reviews: vec![6, 12],
            then: Some(6),
        };
        let due: Vec<Date> = s.until(date(2010, 3, 1)).iter().map(|o| o.date).collect();
        assert_eq!(
            due,
            [date(2009, 2, 28), date(2009, 8, 31), date(2010, 2, 28)]
        );
        let leap = trial(date(2011, 8, 31));
        assert_eq!(leap.nth(0).unwrap().date, date(2012, 2, 29));
        assert_eq!(leap.nth(1).unwrap().date, date(2012, 8, 31));
        assert_eq!(s.label(18), "18-month review");
    }

    #[test]
    fn a_schedule_without_a_repeat_ends() {
        let s = Schedule {
            started: date(2008, 6, 30),
            reviews: vec![6, 12],
            then: None,
        };
        assert_eq!(s.until(date(2030, 1, 1)).len(), 2);
        assert_eq!(s.nth(2), None);
        let all: BTreeSet<u32> = [6, 12].into();
        assert_eq!(s.answers(date(2009, 7, 1), &all), None);
    }

    #[test]
    fn a_review_answers_the_one_due_next_or_the_one_just_past() {
        let s = trial(date(2008, 6, 30));
        let none = BTreeSet::new();
        // Early, on time and late (before the twelve-month one falls due): the six-month review.
        for held in [date(2008, 11, 1), date(2008, 12, 30), date(2009, 1, 20)] {
            assert_eq!(s.answers(held, &none).unwrap().months, 6);
        }
        // Once the twelve-month one is due, an unanswered six-month review stays unanswered.
        assert_eq!(s.answers(date(2009, 6, 30), &none).unwrap().months, 12);
        let six: BTreeSet<u32> = [6].into();
        assert_eq!(s.answers(date(2009, 1, 20), &six).unwrap().months, 12);
        let both: BTreeSet<u32> = [6, 12].into();
        assert_eq!(s.answers(date(2009, 7, 1), &both).unwrap().months, 24);
    }

    #[test]
    fn the_calendar_ends_without_a_panic() {
        let s = Schedule {
            started: date(9990, 1, 31),
            reviews: vec![120],
            then: Some(120),
        };
        assert_eq!(s.nth(0), None);
        assert!(s.until(date(9999, 12, 31)).is_empty());
        assert_eq!(s.answers(date(9999, 1, 1), &BTreeSet::new()), None);
    }
}
