//! The web's pipeline page, live: every proposal's `proposal list` line (from
//! [`super::list_lines`], so no state is decoded for a proposal unchanged since its line was
//! saved) and the next step of only the few proposals on the page shown, each from its live state
//! with the clock at now — what [`super::overview`] gives every proposal, for the rows drawn.

use super::change::load_state;
use super::list_lines::for_each_line;
use super::overview::{next_step, NextStep};
use super::session::{PartnershipHistory, Session};
use crate::definition::Registry;
use crate::proposal::call_in::Clock;
use crate::proposal::view::ListItem;
use engine::{Failure, Head};
use std::collections::BTreeMap;

/// What the pipeline lists: the partnership as recorded, the log's head, every proposal's line
/// in id order.
pub struct Listing {
    pub partnership: PartnershipHistory,
    pub head: Head,
    pub lines: Vec<ListItem>,
}

/// The pipeline's listing now.
pub async fn listing(session: &mut Session) -> Result<Listing, Failure> {
    let head = session.store.head().await?;
    let partnership = session.partnership().await?.clone();
    let mut lines = Vec::new();
    for_each_line(session, |line| lines.push(line)).await?;
    Ok(Listing {
        partnership,
        head,
        lines,
    })
}

/// The next step of each proposal in `ids` now, by id (as the live overview has it).
pub async fn next_steps(
    session: &mut Session,
    ids: &[String],
) -> Result<BTreeMap<String, NextStep>, Failure> {
    let tz = session.partnership().await?.latest().tz();
    let clock = Clock::now(session.now, tz);
    let registry = Registry::standard();
    let mut steps = BTreeMap::new();
    for id in ids {
        let state = load_state(session, id).await?;
        steps.insert(id.clone(), next_step(&state, &registry, Some(&clock)));
    }
    Ok(steps)
}
