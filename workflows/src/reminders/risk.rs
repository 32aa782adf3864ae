//! A risk's review reminder (`risk-review`): 09:00 local on its review date, while it is open;
//! suspended while its proposal is on hold, cancelled when the proposal ends or the risk closes.
//! Updating the review date makes a new reminder (the id holds the date), so each date fires once.

use super::rules::{Activity, Facts};
use super::{Kind, Reminder};
use engine::time::format_date;
use jiff::civil::Date;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// What the rules need to know about one risk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskFacts {
    pub id: String,
    pub title: String,
    /// Its proposal (None: a programme risk).
    pub proposal: Option<String>,
    pub score: u8,
    pub owner: String,
    /// The review date in force.
    pub review: Date,
    pub open: bool,
}

impl RiskFacts {
    /// The facts of a risk as it stands.
    pub fn of(risk: &crate::risk::Risk) -> RiskFacts {
        RiskFacts {
            id: risk.id.clone(),
            title: risk.title.clone(),
            proposal: risk.proposal.clone(),
            score: risk.score,
            owner: risk.owner.clone(),
            review: risk.review,
            open: risk.is_open(),
        }
    }
}

/// `risk-review:risk-1:2009-01-15` (the risk, its review date).
pub fn risk_review_id(risk: &str, review: Date) -> String {
    format!("risk-review:{risk}:{}", format_date(review))
}

impl Facts {
    /// A risk's review reminder, if it falls due up to `until`.
    pub fn risk_reminders(&self, r: &RiskFacts, until: Timestamp) -> Option<Reminder> {
        if !r.open {
            return None;
        }
        if let Some(p) = &r.proposal {
            if self.activity_of(p) != Activity::Active {
                return None;
            }
        }
        let due = self.at_nine(r.review)?;
        (due <= until).then(|| Reminder {
            id: risk_review_id(&r.id, r.review),
            kind: Kind::RiskReview,
            due,
            proposal: r.proposal.clone(),
            council: None,
            title: format!(
                "Review risk {} \"{}\" (score {}, owned by {}; review date {})",
                r.id,
                r.title,
                r.score,
                r.owner,
                format_date(r.review)
            ),
        })
    }
}
