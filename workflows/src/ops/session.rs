//! One command's view of the store: the clock, who is acting, and the partnership as it stood when.

use crate::partnership::{Actor, Partnership};
use engine::{AppendRequest, Event, EventStore, Expectation, Failure, NewEvent};
use jiff::civil::Date;
use jiff::Timestamp;

/// The stream that holds the partnership file and its amendments.
pub const PARTNERSHIP_STREAM: &str = "partnership";
/// Type of the first event: the partnership file as `init` read it.
pub const PARTNERSHIP_REGISTERED: &str = "partnership-registered";
/// Type of each amendment, effective from its `effective_on` date.
pub const PARTNERSHIP_AMENDED: &str = "partnership-amended";

/// The partnership's versions, each in force from a date (the first from the beginning of time).
#[derive(Debug, Clone)]
pub struct PartnershipHistory {
    versions: Vec<(Option<Date>, Partnership)>,
}

impl PartnershipHistory {
    /// Rebuilds the history from the partnership stream's events.
    pub fn from_events(events: &[Event]) -> Result<PartnershipHistory, Failure> {
        let mut versions = Vec::new();
        for event in events {
            let partnership: Partnership =
                serde_json::from_value(event.data["partnership"].clone()).map_err(|e| {
                    Failure::integrity(format!(
                        "event {} does not hold a partnership: {e}",
                        event.seq
                    ))
                })?;
            let from = match event.kind.as_str() {
                PARTNERSHIP_REGISTERED => None,
                _ => Some(parse_date(&event.effective_on)?),
            };
            versions.push((from, partnership));
        }
        if versions.is_empty() {
            return Err(Failure::usage("this store has no partnership")
                .with_detail("create the store with `concordat init PARTNERSHIP.toml`"));
        }
        // Amendments apply by effective date; recorded order only breaks ties.
        versions.sort_by_key(|(from, _)| *from);
        Ok(PartnershipHistory { versions })
    }

    /// The partnership as it stood on `date`.
    pub fn on(&self, date: Date) -> &Partnership {
        self.versions
            .iter()
            .rev()
            .find(|(from, _)| from.is_none_or(|f| f <= date))
            .map(|(_, p)| p)
            .expect("first version has no start")
    }

    /// The partnership as it stands at its latest amendment.
    pub fn latest(&self) -> &Partnership {
        &self.versions.last().expect("at least one version").1
    }

    /// Every version with the date it took effect (None: from the start).
    pub fn versions(&self) -> &[(Option<Date>, Partnership)] {
        &self.versions
    }
}

pub use engine::time::parse_date;

/// Everything one command needs: the store, the clock, the acting actor and the partnership.
pub struct Session {
    pub store: Box<dyn EventStore>,
    pub now: Timestamp,
    pub actor: Option<String>,
    /// How the actor was identified (the web's sign-in satisfies an `os_user` binding).
    pub proof: crate::identity::Proof,
    partnership: Option<PartnershipHistory>,
}

impl Session {
    /// A session over an open store; the partnership is read on first use.
    pub fn new(store: Box<dyn EventStore>, now: Timestamp, actor: Option<String>) -> Session {
        Session {
            store,
            now,
            actor,
            proof: crate::identity::Proof::Process,
            partnership: None,
        }
    }

    /// The partnership's history, read once.
    pub async fn partnership(&mut self) -> Result<&PartnershipHistory, Failure> {
        if self.partnership.is_none() {
            let events = self.store.read_stream(PARTNERSHIP_STREAM).await?;
            self.partnership = Some(PartnershipHistory::from_events(&events)?);
        }
        Ok(self.partnership.as_ref().expect("just loaded"))
    }

    /// Forgets the cached partnership (after an amendment).
    pub fn forget_partnership(&mut self) {
        self.partnership = None;
    }

    /// Today in the partnership's time zone.
    pub async fn today(&mut self) -> Result<Date, Failure> {
        let tz = self.partnership().await?.latest().tz();
        Ok(self.now.to_zoned(tz).date())
    }

    /// The effective date of a change: `--on` if given, else today in the partnership's zone.
    pub async fn effective_date(&mut self, on: Option<&str>) -> Result<Date, Failure> {
        match on {
            Some(text) => parse_date(text),
            None => self.today().await,
        }
    }

    /// For reads: an actor given must be registered (exit 5); none is fine.
    pub async fn check_reader(&mut self) -> Result<(), Failure> {
        let Some(actor) = self.actor.clone() else {
            return Ok(());
        };
        let partnership = self.partnership().await?.latest().clone();
        match partnership.actor(&actor) {
            Some(registered) => crate::identity::check_bound_as(
                registered,
                self.store.session_role().as_deref(),
                self.proof,
            ),
            None => Err(unregistered(&actor)),
        }
    }

    /// For changes: the acting actor (exit 2 when none), registered in the partnership as it stood on `date` (exit 5).
    pub async fn writer(&mut self, date: Date) -> Result<Actor, Failure> {
        let Some(id) = self.actor.clone() else {
            return Err(Failure::usage(
                "this command changes the store, so it needs to know who is acting",
            )
            .with_detail("give --as ACTOR, or set CONCORDAT_ACTOR"));
        };
        let partnership = self.partnership().await?.on(date).clone();
        let actor = partnership
            .actor(&id)
            .cloned()
            .ok_or_else(|| unregistered(&id))?;
        // Bindings are who may use the store now: the latest version's, so that a back-dated
        // change (`--on`) cannot slip out of a binding added since that date.
        let latest = self.partnership().await?.latest();
        let binding = latest.actor(&id).unwrap_or(&actor).clone();
        crate::identity::check_bound_as(
            &binding,
            self.store.session_role().as_deref(),
            self.proof,
        )?;
        Ok(actor)
    }

    /// Appends events atomically with the given stream expectations, recorded now.
    pub async fn append(
        &mut self,
        events: Vec<NewEvent>,
        expectations: Vec<Expectation>,
    ) -> Result<Vec<Event>, Failure> {
        let request = self.request(events, expectations).await?;
        self.store.append(request).await
    }

    /// Appends like `append`, making `roles` the actor bindings the database enforces from now on.
    pub async fn append_binding_roles(
        &mut self,
        events: Vec<NewEvent>,
        expectations: Vec<Expectation>,
        roles: &engine::ActorRoles,
    ) -> Result<Vec<Event>, Failure> {
        let request = self.request(events, expectations).await?;
        self.store.append_binding_roles(request, roles).await
    }

    async fn request(
        &mut self,
        events: Vec<NewEvent>,
        expectations: Vec<Expectation>,
    ) -> Result<AppendRequest, Failure> {
        let tz = self.partnership().await?.latest().tz();
        Ok(AppendRequest {
            events,
            expectations,
            now: self.now,
            tz,
        })
    }
}

fn unregistered(actor: &str) -> Failure {
    Failure::not_permitted(format!(
        "{actor:?} is not an actor registered in this partnership"
    ))
    .with_detail(
        "use an actor id from the partnership file (`concordat partnership show` lists them)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_strict() {
        assert!(parse_date("2009-02-30").is_err());
        assert!(parse_date("2009-2-3").is_err());
        assert_eq!(
            parse_date("2008-09-17").unwrap(),
            jiff::civil::date(2008, 9, 17)
        );
    }
}
