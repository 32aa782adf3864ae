//! A proposal's stream kept in memory, for tests of the rules and the projection: each command is
//! decided against the state folded so far and its event sealed onto the stream, as `ops` would.

use super::command::{Ctx, NewProposal, ProposalCommand};
use super::decide::{decide, decide_create};
use super::{project, stream_of, Cut, ProposalState};
use crate::definition::{Category, Registry};
use crate::ops::init::registration_event;
use crate::partnership::Partnership;
use crate::partnership::PartnershipHistory;
use engine::time::parse_date;
use engine::{Event, Failure, NewEvent, ZERO_HASH};

/// The 2008 partnership file of the integration tests.
pub const BROMSGROVE_REDDITCH: &str =
    include_str!("../../../tests/fixtures/bromsgrove-redditch.toml");

/// Noon (BST offset, as the log's default recorded instant) on `date`.
fn noon(date: &str) -> jiff::Timestamp {
    format!("{date}T12:00:00+01:00")
        .parse()
        .expect("a date YYYY-MM-DD")
}

/// One proposal's stream, in memory.
pub struct Log {
    pub history: PartnershipHistory,
    pub registry: Registry,
    pub events: Vec<Event>,
    pub id: String,
}

impl Log {
    /// An empty stream for proposal `id` in the 2008 partnership.
    pub fn new(id: &str) -> Log {
        Log::in_partnership(BROMSGROVE_REDDITCH, id)
    }

    /// An empty stream for proposal `id` in the partnership file `text`.
    pub fn in_partnership(text: &str, id: &str) -> Log {
        let partnership = Partnership::from_toml(text).expect("fixture loads");
        let registered = Event::seal(
            registration_event(
                &partnership,
                "admin",
                "2008-06-30T09:00:00Z".parse().unwrap(),
            ),
            1,
            1,
            "2008-06-30T10:00:00+01:00".into(),
            ZERO_HASH.into(),
        );
        Log {
            history: PartnershipHistory::from_events(&[registered]).unwrap(),
            registry: Registry::standard(),
            events: Vec::new(),
            id: id.to_string(),
        }
    }

    /// The 2008 elections quick win, created on 1 September 2008.
    pub fn elections() -> Log {
        let mut log = Log::new("elections");
        log.create(Category::QuickWin, "2008-09-01").unwrap();
        log
    }

    /// Creates the proposal (lead bromsgrove, both councils) on `date`.
    pub fn create(&mut self, category: Category, date: &str) -> Result<(), Failure> {
        let new = NewProposal {
            id: self.id.clone(),
            title: "A single elections team".into(),
            service: "elections".into(),
            lead: "bromsgrove".into(),
            councils: None,
            category,
        };
        let day = parse_date(date)?;
        let partnership = self.history.on(day).clone();
        let ctx = Ctx {
            registry: &self.registry,
            partnership: &partnership,
            date: day,
            actor: "jce",
            now: noon(date),
        };
        let draft = decide_create(&new, &ctx)?;
        self.seal(&draft.kind(), draft.data(), "jce", date, None);
        Ok(())
    }

    /// Decides `command` by `actor` on `date` against the state so far and appends its event.
    pub fn run(
        &mut self,
        actor: &str,
        date: &str,
        command: ProposalCommand,
    ) -> Result<&Event, Failure> {
        self.run_recorded(actor, date, None, command)
    }

    /// As `run`, recorded at `recorded` (RFC 3339) instead of noon on `date`.
    pub fn run_recorded(
        &mut self,
        actor: &str,
        date: &str,
        recorded: Option<&str>,
        command: ProposalCommand,
    ) -> Result<&Event, Failure> {
        let day = parse_date(date)?;
        let state = self.state();
        let partnership = self.history.on(day).clone();
        let now = match recorded {
            Some(text) => text.parse().expect("an RFC 3339 instant"),
            None => noon(date),
        };
        let ctx = Ctx {
            registry: &self.registry,
            partnership: &partnership,
            date: day,
            actor,
            now,
        };
        let draft = decide(&state, &command, &ctx)?;
        Ok(self.seal(&draft.kind(), draft.data(), actor, date, recorded))
    }

    fn seal(
        &mut self,
        kind: &str,
        data: serde_json::Value,
        actor: &str,
        date: &str,
        recorded: Option<&str>,
    ) -> &Event {
        let n = self.events.len() as u64 + 1;
        let prev = self
            .events
            .last()
            .map(|e| e.hash.clone())
            .unwrap_or_else(|| ZERO_HASH.into());
        let recorded = recorded
            .map(str::to_string)
            .unwrap_or_else(|| format!("{date}T12:00:00+01:00"));
        let event = Event::seal(
            NewEvent {
                stream: stream_of(&self.id),
                kind: kind.to_string(),
                actor: actor.to_string(),
                effective_on: date.to_string(),
                data,
            },
            n,
            n,
            recorded,
            prev,
        );
        self.events.push(event);
        self.events.last().expect("just pushed")
    }

    /// Decides a correction of event `seq`'s date to `date` by `actor` and appends it.
    pub fn correct(&mut self, actor: &str, seq: u64, date: &str) -> Result<&Event, Failure> {
        let day = parse_date(date)?;
        let state = self.state();
        let draft = super::correction::decide_correction(
            &self.events,
            &state,
            &self.registry,
            seq,
            day,
            "recorded with the wrong date",
        )?;
        Ok(self.seal(&draft.kind(), draft.data(), actor, date, None))
    }

    /// The live state.
    pub fn state(&self) -> ProposalState {
        self.cut(&Cut::LIVE).expect("the proposal exists")
    }

    /// An outlook on reminders up to the end of 2010, none fired.
    pub fn outlook(&self) -> crate::reminders::Outlook {
        let p = self.history.latest();
        crate::reminders::Outlook {
            tz: p.tz(),
            year_start: p.year_start(),
            quarterly: engine::schedule::CronSchedule::parse(&p.schedule.quarterly_report).unwrap(),
            lead_days: p.schedule.milestone_lead_days.clone(),
            council_names: p
                .councils
                .iter()
                .map(|c| (c.id.clone(), c.name.clone()))
                .collect(),
            fired: Default::default(),
            until: "2010-12-31T23:59:59Z".parse().unwrap(),
            ends: self.history.ended().map(|e| e.on),
        }
    }

    /// The state under `cut` (None: the proposal did not exist yet).
    pub fn cut(&self, cut: &Cut) -> Option<ProposalState> {
        project(&self.events, &self.history, cut).expect("the stream folds")
    }
}
