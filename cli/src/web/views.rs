//! The pages' overviews, kept while they still hold: an overview depends only on the log (its
//! head), the cut asked for, and — live — on the local dates of now and of now + 90 days (the
//! reminders' horizons are whole days). So one fold of the log serves every page and every
//! visitor until the log grows or the day turns.

use super::cache::Cache;
use engine::time::local_date;
use engine::{Failure, Head};
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use std::sync::{Arc, Mutex};
use workflows::ops::overview::{overview, Overview};
use workflows::ops::reminders::LIST_DAYS;
use workflows::ops::replay::Basis;
use workflows::ops::Session;

/// How many overviews are kept (the live one and a few replays).
const KEEP: usize = 3;

struct Kept {
    head: Head,
    at: Option<(String, Basis)>,
    /// Live: the local dates of now and of now + 90 days it was built for.
    days: Option<(Date, Date)>,
    overview: Arc<Overview>,
}

/// The last few overviews built, newest first.
#[derive(Default)]
pub struct Views {
    kept: Mutex<Vec<Kept>>,
}

fn days(now: Timestamp, tz: &jiff::tz::TimeZone) -> (Date, Date) {
    (
        local_date(now, tz),
        local_date(now + SignedDuration::from_hours(24 * LIST_DAYS), tz),
    )
}

impl Views {
    /// The overview of the log now in the store, live (`at: None`) or at a cut, and the session
    /// (over the same copy of the log) for anything else the page reads.
    pub async fn get(
        &self,
        cache: &Cache,
        at: Option<(&str, Basis)>,
    ) -> Result<(Arc<Overview>, Session), Failure> {
        let (mut session, log) = cache.session().await?;
        let head = log.head.clone().unwrap_or_else(|| Head {
            seq: 0,
            hash: engine::ZERO_HASH.to_string(),
            recorded_at: None,
        });
        let at_owned = at.map(|(a, b)| (a.to_string(), b));
        let now = session.now;
        {
            let mut kept = self.kept.lock().expect("not poisoned");
            let hit = kept.iter().position(|k| {
                k.head == head
                    && k.at == at_owned
                    && k.days.is_none_or(|d| d == days(now, &k.overview.tz))
            });
            if let Some(i) = hit {
                let k = kept.remove(i);
                let ov = k.overview.clone();
                kept.insert(0, k);
                return Ok((ov, session));
            }
        }
        let ov = Arc::new(overview(&mut session, at).await?);
        let mut kept = self.kept.lock().expect("not poisoned");
        kept.retain(|k| k.head == head);
        kept.insert(
            0,
            Kept {
                head,
                days: at.is_none().then(|| days(now, &ov.tz)),
                at: at_owned,
                overview: ov.clone(),
            },
        );
        kept.truncate(KEEP);
        drop(kept);
        Ok((ov, session))
    }
}
