//! `partnership amend PARTNERSHIP.toml --on DATE`: a new version of the partnership, in force from
//! its effective date (a council joins, the Board changes, actors are added). Existing proposals
//! keep their councils; rules read the partnership as it stood on each change's date.

use super::change;
use super::session::{Session, PARTNERSHIP_AMENDED, PARTNERSHIP_STREAM};
use crate::definition::Stage;
use crate::partnership::Partnership;
use crate::permissions::Act;
use crate::proposal::ProposalState;
use crate::remedy::Remedy;
use engine::{Expectation, Failure, NewEvent};
use jiff::civil::Date;
use serde::Serialize;
use std::collections::BTreeSet;

/// What `partnership amend` reports.
#[derive(Debug, Clone, Serialize)]
pub struct Amended {
    pub partnership: String,
    pub effective_on: String,
    pub seq: u64,
    pub version: u64,
    pub changes: Vec<String>,
}

/// Records the partnership file's text as the partnership from `on` (default today).
pub async fn amend(
    session: &mut Session,
    text: &str,
    on: Option<&str>,
) -> Result<Amended, Failure> {
    let new = Partnership::from_toml(text)?;
    let date = session.effective_date(on).await?;
    let actor = change::permitted(session, date, &Act::AmendPartnership).await?;
    let old = session.partnership().await?.on(date).clone();
    let mut refusals = Vec::new();
    if new.timezone != old.timezone {
        refusals.push(format!(
            "the time zone cannot change by amendment ({} → {}): every recorded date is read in it",
            old.timezone, new.timezone
        ));
    }
    if new.financial_year_start != old.financial_year_start {
        refusals.push(format!(
            "the financial year start cannot change by amendment ({} → {}): quarters already reported count from it",
            old.financial_year_start, new.financial_year_start
        ));
    }
    if !refusals.is_empty() {
        return Err(Failure::refused("the amendment changes what cannot change")
            .with_details(refusals)
            .with_detail("keep timezone and financial_year_start as they are"));
    }
    still_in_live_services(session, &old, &new, date).await?;
    let changes = differences(&old, &new);
    if changes.is_empty() {
        return Err(Failure::refused(format!(
            "the file changes nothing in the partnership as it stands on {date}"
        ))
        .with_detail("edit the file (councils, board, actors, unions, schedule), then amend"));
    }
    let version = session.store.stream_version(PARTNERSHIP_STREAM).await?;
    let event = NewEvent {
        stream: PARTNERSHIP_STREAM.to_string(),
        kind: PARTNERSHIP_AMENDED.to_string(),
        actor: actor.id.clone(),
        effective_on: date.to_string(),
        data: serde_json::json!({ "partnership": new, "changes": changes }),
    };
    let expectation = Expectation {
        stream: PARTNERSHIP_STREAM.to_string(),
        version,
    };
    // The bindings in force are the latest version's, whatever its date: roles and files are
    // access to the store now, not rules read as of a change's date.
    let latest = session.partnership().await?.latest().clone();
    if new.store_group != latest.store_group {
        // Before the append, so a refusal (not the files' owner) leaves nothing recorded.
        session.store.set_access(&new.store_access()).await?;
    }
    let written = session
        .append_binding_roles(vec![event], vec![expectation], &new.actor_roles())
        .await?;
    session.forget_partnership();
    Ok(Amended {
        partnership: new.name,
        effective_on: date.to_string(),
        seq: written[0].seq,
        version: written[0].version,
        changes,
    })
}

/// Refuses an amendment that removes a council still taking part in a live service (in monitoring,
/// or on hold from it) on `date`: it must record leaving each one first (its own decision).
async fn still_in_live_services(
    session: &mut Session,
    old: &Partnership,
    new: &Partnership,
    date: Date,
) -> Result<(), Failure> {
    let removed: Vec<&String> = old
        .councils
        .iter()
        .map(|c| &c.id)
        .filter(|c| new.council(c).is_none())
        .collect();
    if removed.is_empty() {
        return Ok(());
    }
    let proposals = change::load_all(session).await?;
    let mut failure: Option<Failure> = None;
    for council in removed {
        let live: Vec<String> = proposals
            .iter()
            .filter(|p| still_in(p, council, date))
            .map(|p| p.id.clone())
            .collect();
        if live.is_empty() {
            continue;
        }
        let line = format!(
            "{council} is still in the live service{} {}",
            if live.len() == 1 { "" } else { "s" },
            live.join(", ")
        );
        let remedy = Remedy::LeaveFirst {
            council: council.clone(),
            proposals: live,
        };
        failure = Some(match failure {
            None => Failure::refused(format!(
                "the amendment removes a council from the partnership on {date} while it still takes part in a live service"
            ))
            .with_detail_remedy(line, remedy),
            Some(f) => f.with_detail_remedy(line, remedy),
        });
    }
    failure.map_or(Ok(()), Err)
}

/// Whether `council` still takes part in live service `p` on `date` (it has not left by then).
fn still_in(p: &ProposalState, council: &str, date: Date) -> bool {
    let live = p.stage == Stage::Monitoring || p.held_from.as_ref() == Some(&Stage::Monitoring);
    live && p.councils.iter().any(|c| c == council)
        && p.left.get(council).is_none_or(|l| l.on > date)
}

/// What changes from `old` to `new`, one plain line each.
pub fn differences(old: &Partnership, new: &Partnership) -> Vec<String> {
    let mut out = Vec::new();
    if old.name != new.name {
        out.push(format!("renamed {:?} → {:?}", old.name, new.name));
    }
    let ids = |p: &Partnership| {
        p.councils
            .iter()
            .map(|c| c.id.clone())
            .collect::<BTreeSet<_>>()
    };
    let (before, after) = (ids(old), ids(new));
    for c in after.difference(&before) {
        out.push(format!("council {c} joins"));
    }
    for c in before.difference(&after) {
        out.push(format!("council {c} leaves"));
    }
    for council in &new.councils {
        let was: BTreeSet<&String> = old
            .council(&council.id)
            .map(|c| c.board.iter().collect())
            .unwrap_or_default();
        let now: BTreeSet<&String> = council.board.iter().collect();
        for m in now.difference(&was) {
            out.push(format!("{m} joins the Board for {}", council.id));
        }
        for m in was.difference(&now) {
            out.push(format!("{m} leaves the Board for {}", council.id));
        }
    }
    for actor in &new.actors {
        match old.actor(&actor.id) {
            None => out.push(format!("actor {} added", actor.id)),
            Some(a) if a != actor => out.push(format!("actor {} changed", actor.id)),
            _ => {}
        }
    }
    for actor in &old.actors {
        if new.actor(&actor.id).is_none() {
            out.push(format!("actor {} removed", actor.id));
        }
    }
    if old.unions != new.unions {
        out.push(format!(
            "recognised unions: {} → {}",
            old.unions.join(", "),
            new.unions.join(", ")
        ));
    }
    if old.board_rule != new.board_rule {
        out.push(format!(
            "board rule: at least {} → {} in support from each council",
            old.board_rule.min_support_per_council, new.board_rule.min_support_per_council
        ));
    }
    out.extend(council_changes(old, new));
    if old.schedule.quarterly_report != new.schedule.quarterly_report {
        out.push(format!(
            "quarterly reports: {:?} → {:?}",
            old.schedule.quarterly_report, new.schedule.quarterly_report
        ));
    }
    if old.schedule.milestone_lead_days != new.schedule.milestone_lead_days {
        out.push(format!(
            "milestone reminders: {:?} → {:?} days ahead",
            old.schedule.milestone_lead_days, new.schedule.milestone_lead_days
        ));
    }
    if old.calendar_domain() != new.calendar_domain() {
        // The calendar's UIDs change with it: subscribers see new events.
        out.push(format!(
            "calendar domain: {} → {}",
            old.calendar_domain(),
            new.calendar_domain()
        ));
    }
    if let Some(change) = key_change(old, new) {
        out.push(change);
    }
    if old.store_group != new.store_group {
        out.push(match &new.store_group {
            Some(g) => format!("the store is shared with the group {g}"),
            None => "the store is its owner's alone".to_string(),
        });
    }
    out
}

/// A change of the checkpoint verifier key, said out loud: whoever holds the new key signs the
/// log's checkpoints from now on, so it is never swapped without a line in the change list.
pub fn key_change(old: &Partnership, new: &Partnership) -> Option<String> {
    match (&old.checkpoint_key, &new.checkpoint_key) {
        (None, None) => None,
        (Some(a), Some(b)) if a == b => None,
        (None, Some(k)) => Some(format!("checkpoint key set: {k}")),
        (Some(k), None) => Some(format!(
            "checkpoint key removed (was {k}): checkpoints are no longer signed"
        )),
        (Some(a), Some(b)) => Some(format!("checkpoint key replaced: {a} → {b}")),
    }
}

/// Councils whose name, decision body or call-in rule changed (joins and leaves are said above).
fn council_changes(old: &Partnership, new: &Partnership) -> Vec<String> {
    let mut out = Vec::new();
    for council in &new.councils {
        let Some(was) = old.council(&council.id) else {
            continue;
        };
        if was.name != council.name {
            out.push(format!(
                "council {} renamed {:?} → {:?}",
                council.id, was.name, council.name
            ));
        }
        if was.decision_body != council.decision_body {
            out.push(format!("council {} decision body changed", council.id));
        }
        if was.call_in != council.call_in {
            out.push(format!("council {} call-in rule changed", council.id));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../../../examples/bromsgrove-redditch.toml");

    #[test]
    fn a_calendar_domain_change_is_named_even_when_only_derived() {
        let old = Partnership::from_toml(EXAMPLE).unwrap();
        let pinned =
            Partnership::from_toml(&format!("domain = \"shared.worcs.example\"\n{EXAMPLE}"))
                .unwrap();
        assert_eq!(
            differences(&old, &pinned),
            ["calendar domain: bromsgrove-and-redditch.concordat.invalid → shared.worcs.example"]
        );
        let mut renamed = old.clone();
        renamed.name = "Worcestershire Shared Services".into();
        assert_eq!(
            differences(&old, &renamed),
            [
                "renamed \"Bromsgrove and Redditch\" → \"Worcestershire Shared Services\"",
                "calendar domain: bromsgrove-and-redditch.concordat.invalid → worcestershire-shared-services.concordat.invalid"
            ]
        );
        let mut same = pinned.clone();
        same.name = "Worcestershire Shared Services".into();
        assert_eq!(
            differences(&pinned, &same).len(),
            1,
            "a pinned domain does not move"
        );
    }

    #[test]
    fn a_checkpoint_key_change_is_named_alone_or_bundled() {
        let old = Partnership::from_toml(EXAMPLE).unwrap();
        let (_, key) = engine::merkle::SignerKey::generate("concordat/x").unwrap();
        let signed =
            Partnership::from_toml(&format!("checkpoint_key = \"{key}\"\n{EXAMPLE}")).unwrap();
        assert_eq!(
            differences(&old, &signed),
            [format!("checkpoint key set: {key}")]
        );
        let (_, other) = engine::merkle::SignerKey::generate("concordat/x").unwrap();
        let mut swapped = signed.clone();
        swapped.checkpoint_key = Some(other.clone());
        swapped.unions.push("unite".into());
        let changes = differences(&signed, &swapped);
        assert!(
            changes.contains(&format!("checkpoint key replaced: {key} → {other}")),
            "{changes:?}"
        );
        assert_eq!(changes.len(), 2, "{changes:?}");
    }

    #[test]
    fn schedule_and_council_changes_say_what_changed() {
        let old = Partnership::from_toml(EXAMPLE).unwrap();
        let new = Partnership::from_toml(
            &EXAMPLE
                .replace("[14, 1]", "[7]")
                .replace("Redditch Borough Council", "Redditch BC"),
        )
        .unwrap();
        assert_eq!(
            differences(&old, &new),
            [
                "council redditch renamed \"Redditch Borough Council\" → \"Redditch BC\"",
                "milestone reminders: [14, 1] → [7] days ahead"
            ]
        );
    }
}
