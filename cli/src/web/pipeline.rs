//! The live pipeline page: every proposal's saved list line and the next steps of the page shown,
//! read from the store itself (never the log's copy), and kept while they still hold — the lines
//! while the log's head is the same, a next step while the local day is too (the call-in windows
//! close on whole days), as [`super::views`] keeps overviews.

use super::pages::pipeline::{on_page, Filters, Source};
use super::pages::Frame;
use engine::time::local_date;
use engine::{Failure, Head};
use jiff::civil::Date;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use workflows::ops::overview::NextStep;
use workflows::ops::pipeline::{listing, next_steps};
use workflows::ops::session::PartnershipHistory;
use workflows::ops::Session;
use workflows::proposal::view::ListItem;

/// What one head of the log gave: the partnership, every line, and the next steps drawn so far.
struct Kept {
    head: Head,
    partnership: Arc<PartnershipHistory>,
    lines: Arc<Vec<ListItem>>,
    day: Option<Date>,
    steps: BTreeMap<String, NextStep>,
}

/// The pipeline last read.
#[derive(Default)]
pub struct Pipelines {
    kept: Mutex<Option<Kept>>,
}

impl Pipelines {
    /// The pipeline of the store `session` reads, live, with the next steps of the page `filters`
    /// ask for; and the partnership.
    pub async fn get(
        &self,
        session: &mut Session,
        filters: &Filters,
    ) -> Result<(Source, Arc<PartnershipHistory>), Failure> {
        let head = session.store.head().await?;
        let kept = self.kept_at(&head);
        let (partnership, lines) = match kept {
            Some(found) => found,
            None => {
                let read = listing(session).await?;
                let found = (Arc::new(read.partnership), Arc::new(read.lines));
                *self.kept.lock().expect("not poisoned") = Some(Kept {
                    head: head.clone(),
                    partnership: found.0.clone(),
                    lines: found.1.clone(),
                    day: None,
                    steps: BTreeMap::new(),
                });
                found
            }
        };
        let tz = partnership.latest().tz();
        let day = local_date(session.now, &tz);
        let ids = on_page(&lines, filters);
        let steps = self.steps(session, &head, day, &ids).await?;
        let frame = Frame {
            name: partnership.latest().name.clone(),
            head: head.seq,
            at: session.now,
            tz,
            as_of: None,
            basis: None,
        };
        let mut source = Source::new(frame, &partnership, lines);
        source.steps = steps;
        Ok((source, partnership))
    }

    fn kept_at(&self, head: &Head) -> Option<(Arc<PartnershipHistory>, Arc<Vec<ListItem>>)> {
        let kept = self.kept.lock().expect("not poisoned");
        kept.as_ref()
            .filter(|k| k.head == *head)
            .map(|k| (k.partnership.clone(), k.lines.clone()))
    }

    /// The next steps of `ids` on `day`: those kept for this head and day, the rest read now.
    async fn steps(
        &self,
        session: &mut Session,
        head: &Head,
        day: Date,
        ids: &[String],
    ) -> Result<BTreeMap<String, NextStep>, Failure> {
        let mut found = BTreeMap::new();
        let mut missing = Vec::new();
        {
            let mut kept = self.kept.lock().expect("not poisoned");
            if let Some(k) = kept.as_mut().filter(|k| k.head == *head) {
                if k.day != Some(day) {
                    k.day = Some(day);
                    k.steps.clear();
                }
                for id in ids {
                    match k.steps.get(id) {
                        Some(step) => drop(found.insert(id.clone(), step.clone())),
                        None => missing.push(id.clone()),
                    }
                }
            } else {
                missing = ids.to_vec();
            }
        }
        let read = next_steps(session, &missing).await?;
        let mut kept = self.kept.lock().expect("not poisoned");
        if let Some(k) = kept
            .as_mut()
            .filter(|k| k.head == *head && k.day == Some(day))
        {
            k.steps
                .extend(read.iter().map(|(id, s)| (id.clone(), s.clone())));
        }
        found.extend(read);
        Ok(found)
    }
}
