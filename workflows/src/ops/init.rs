//! `init` and `partnership show`: record the partnership file as the store's first event.

use super::session::{Session, PARTNERSHIP_REGISTERED, PARTNERSHIP_STREAM};
use crate::partnership::Partnership;
use engine::{Event, Expectation, Failure, NewEvent};
use jiff::Timestamp;
use serde::Serialize;

/// What `init` reports.
#[derive(Debug, Serialize)]
pub struct Initialised {
    pub store: String,
    pub partnership: String,
    pub councils: Vec<String>,
    pub seq: u64,
    pub hash: String,
}

/// Validates a partnership file's text fully; nothing is opened or written.
pub fn validate(text: &str) -> Result<Partnership, Failure> {
    Partnership::from_toml(text)
}

/// The first event of a new store.
pub fn registration_event(partnership: &Partnership, actor: &str, now: Timestamp) -> NewEvent {
    let today = now.to_zoned(partnership.tz()).date();
    NewEvent {
        stream: PARTNERSHIP_STREAM.to_string(),
        kind: PARTNERSHIP_REGISTERED.to_string(),
        actor: actor.to_string(),
        effective_on: today.to_string(),
        data: serde_json::json!({ "partnership": partnership }),
    }
}

/// Records the (already validated) partnership in a newly created, empty store.
pub async fn init(
    session: &mut Session,
    partnership: &Partnership,
) -> Result<Initialised, Failure> {
    let actor = session.actor.clone().unwrap_or_else(|| "init".to_string());
    let event = registration_event(partnership, &actor, session.now);
    let request = engine::AppendRequest {
        events: vec![event],
        expectations: vec![Expectation {
            stream: PARTNERSHIP_STREAM.to_string(),
            version: 0,
        }],
        now: session.now,
        tz: partnership.tz(),
    };
    let written: Vec<Event> = session
        .store
        .append_binding_roles(request, &partnership.actor_roles())
        .await?;
    let first = &written[0];
    Ok(Initialised {
        store: session.store.location(),
        partnership: partnership.name.clone(),
        councils: partnership.council_ids(),
        seq: first.seq,
        hash: first.hash.clone(),
    })
}

/// What `partnership show` reports: the partnership in force today, and when each version took effect.
#[derive(Debug, Serialize)]
pub struct PartnershipView {
    #[serde(flatten)]
    pub partnership: Partnership,
    pub amendments: Vec<String>,
    /// Each change of the checkpoint verifier key, with the date it took effect (issue 18: a key
    /// is never swapped unannounced).
    pub checkpoint_key_changes: Vec<KeyChange>,
    /// The partnership's recorded end (`partnership end`), if any.
    pub ended: Option<EndView>,
}

/// The partnership's end, as `partnership show` gives it.
#[derive(Debug, Serialize)]
pub struct EndView {
    pub on: String,
    pub minute: String,
}

/// One change of the checkpoint verifier key.
#[derive(Debug, Serialize)]
pub struct KeyChange {
    pub effective_on: String,
    pub change: String,
}

/// The partnership as it stands today.
pub async fn show(session: &mut Session) -> Result<PartnershipView, Failure> {
    session.check_reader().await?;
    let today = session.today().await?;
    let history = session.partnership().await?;
    Ok(PartnershipView {
        partnership: history.on(today).clone(),
        amendments: history
            .versions()
            .iter()
            .filter_map(|(from, _)| from.map(|d| d.to_string()))
            .collect(),
        checkpoint_key_changes: history
            .versions()
            .windows(2)
            .filter_map(|pair| {
                let change = super::amend::key_change(&pair[0].1, &pair[1].1)?;
                Some(KeyChange {
                    effective_on: pair[1].0.map(|d| d.to_string()).unwrap_or_default(),
                    change,
                })
            })
            .collect(),
        ended: history.ended().map(|e| EndView {
            on: e.on.to_string(),
            minute: e.minute.clone(),
        }),
    })
}
