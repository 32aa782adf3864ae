//! A proposal's next reminders (`proposal show`'s `next_reminders`) without reading the whole log:
//! the proposal's own facts, plus the little the rules need from elsewhere ([`Outlook`]).

use super::rules::{Facts, MilestoneFacts, ProposalFacts};
use super::ReminderView;
use crate::quarter::YearStart;
use engine::schedule::CronSchedule;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use std::collections::{BTreeMap, BTreeSet};

/// What a proposal's next reminders depend on besides the proposal: the zone, the lead days, the
/// councils' names, which reminders have fired, and how far ahead to look.
#[derive(Debug, Clone)]
pub struct Outlook {
    pub tz: TimeZone,
    pub year_start: YearStart,
    pub quarterly: CronSchedule,
    pub lead_days: Vec<u32>,
    pub council_names: BTreeMap<String, String>,
    /// Ids of the reminders fired so far (they are not "next" any more).
    pub fired: BTreeSet<String>,
    /// Reminders due up to this instant (inclusive) are shown; already-due unfired ones too.
    pub until: Timestamp,
    /// The date the partnership ended, if it has.
    pub ends: Option<jiff::civil::Date>,
}

impl Outlook {
    /// The proposal's reminders (its reviews and its milestones) not yet fired, in due order.
    pub fn next(
        &self,
        proposal: ProposalFacts,
        milestones: Vec<MilestoneFacts>,
    ) -> Vec<ReminderView> {
        let id = proposal.id.clone();
        let facts = Facts {
            tz: self.tz.clone(),
            year_start: self.year_start,
            quarterly: self.quarterly.clone(),
            // Quarterly reports are the programme's, not the proposal's: none counted here.
            since: self.until,
            lead_days: self.lead_days.clone(),
            council_names: self.council_names.clone(),
            proposals: vec![proposal],
            milestones,
            // A risk's review is the register's (`risk show`, `reminders list`), not in `next_reminders`.
            risks: Vec::new(),
            ends: self.ends,
            // Arrangements are the partnership's, not the proposal's.
            arrangements: Vec::new(),
            meetings: Vec::new(),
        };
        facts
            .reminders_of(&id, self.until)
            .iter()
            .filter(|r| !self.fired.contains(&r.id))
            .map(|r| r.view(&self.tz))
            .collect()
    }
}
