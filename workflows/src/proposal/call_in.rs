//! Call-in: the window an approval opens under its council's constitution, scrutiny's call-in that
//! suspends it, the resolution, and the guard that an approval counts toward going live only once
//! its window has closed without a call-in (or scrutiny confirmed it). A council whose constitution
//! sets no window is untouched: its approval counts at once, as before.
//!
//! When does a change happen, against a window's end? An event effective on D counts from 00:00
//! local on D, except one recorded on D itself, which happens now ([`acting_instant`]). A step into
//! monitoring also needs each window closed by now, so a future-dated go-live cannot outrun a
//! call-in still possible.

use super::command::Ctx;
use super::events::*;
use super::state::{CouncilDecision, ProposalState};
use crate::definition::Stage;
use crate::proposal::event::ProposalEvent;
use crate::remedy::{Remedy, Unmet};
use engine::time::{format_instant, local_date, start_of_day};
use engine::Failure;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde::Serialize;
use std::collections::BTreeMap;

/// When a change dated `ctx.date` happens: now when dated today in the partnership's zone, else the
/// start of its date.
pub fn acting_instant(ctx: &Ctx) -> Timestamp {
    let tz = ctx.partnership.tz();
    if local_date(ctx.now, &tz) == ctx.date {
        ctx.now
    } else {
        start_of_day(ctx.date, &tz)
    }
}

/// What the call-in guard reads: when the move happens, now, and the zone to print instants in.
#[derive(Debug, Clone, PartialEq)]
pub struct Clock {
    pub at: Timestamp,
    pub now: Timestamp,
    pub tz: TimeZone,
}

impl Clock {
    /// The clock of a change (its [`acting_instant`] and now).
    pub fn of(ctx: &Ctx) -> Clock {
        Clock {
            at: acting_instant(ctx),
            now: ctx.now,
            tz: ctx.partnership.tz(),
        }
    }

    /// A move that would happen now (e.g. "what does it wait for?").
    pub fn now(now: Timestamp, tz: TimeZone) -> Clock {
        Clock { at: now, now, tz }
    }
}

/// The keys a `council-decision-recorded` carries under the council's constitution.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Terms {
    pub decision_body: Option<crate::constitution::DecisionBody>,
    pub urgent: Option<bool>,
    pub call_in_closes: Option<String>,
    pub call_in_rule: Option<String>,
    pub calendar: Option<String>,
}

/// The terms of `council`'s `decision` dated `ctx.date`: its decision body and, for an approval,
/// the call-in window it opens (or its urgency, which the constitution must exempt).
pub fn terms(ctx: &Ctx, council: &str, decision: Decision, urgent: bool) -> Result<Terms, Failure> {
    let config = ctx.partnership.council(council);
    let mut terms = Terms {
        decision_body: config.and_then(|c| c.decision_body),
        ..Terms::default()
    };
    let rule = config.and_then(|c| c.call_in.as_ref());
    if urgent && decision != Decision::Approve {
        return Err(Failure::usage(format!(
            "urgency applies to an approval; this decision is {}",
            decision.as_str()
        ))
        .with_remedy(Remedy::NotUrgent));
    }
    let (Decision::Approve, Some(rule)) = (decision, rule) else {
        if urgent {
            return Err(Failure::refused(format!(
                "{council}'s constitution sets no call-in window, so an urgent decision has nothing to skip"
            ))
            .with_detail("without urgency it counts at once")
            .with_remedy(Remedy::NotUrgent));
        }
        return Ok(terms);
    };
    terms.urgent = Some(urgent);
    terms.call_in_rule = Some(rule.describe());
    if urgent {
        if !rule.urgent_exempt {
            return Err(Failure::refused(format!(
                "{council}'s constitution does not exempt urgent decisions from call-in"
            ))
            .with_detail(format!(
                "without urgency it counts once its call-in window ({}) closes; \
                 or set urgent_exempt = true under {council}'s [council.call_in] if its constitution allows it",
                rule.describe()
            ))
            .with_remedy(Remedy::NotUrgent));
        }
        return Ok(terms);
    }
    let tz = ctx.partnership.tz();
    let window = rule.window(ctx.date, &tz)?;
    terms.call_in_closes = Some(format_instant(window.closes, &tz));
    terms.calendar = window.calendar;
    Ok(terms)
}

/// The `call-in-requested` event for `council`'s approval, or a refusal naming every unmet condition.
pub fn decide_call_in(
    state: &ProposalState,
    ctx: &Ctx,
    council: &str,
    reason: &str,
) -> Result<Draft, Failure> {
    let tz = ctx.partnership.tz();
    let at = acting_instant(ctx);
    let mut unmet = at_council_approval(state);
    let decision = state.decisions.get(council);
    let mut closes = None;
    match decision {
        None => unmet.push(format!(
            "{council} has not decided on {}{}: there is no approval to call in",
            state.id,
            if state.round > 1 { " in this round" } else { "" }
        )),
        Some(d) if d.decision != Decision::Approve => unmet.push(format!(
            "{council}'s decision is {}: only an approval can be called in",
            d.decision.as_str()
        )),
        Some(d) if d.urgent => unmet.push(format!(
            "{council}'s approval of {} was taken as urgent, which its constitution exempts from call-in",
            d.on
        )),
        Some(d) => match &d.call_in {
            None => unmet.push(no_window(ctx, council, d)),
            Some(w) => {
                if let Some(r) = &w.resolved {
                    unmet.push(format!(
                        "{council}'s approval was called in already, and {} on {}",
                        r.outcome.as_str().replace('-', " "),
                        r.on
                    ));
                } else if let Some(q) = &w.requested {
                    unmet.push(format!(
                        "{council}'s approval is already called in (since {}, by {})",
                        q.on, q.by
                    ));
                } else if at >= w.closes {
                    unmet.push(format!(
                        "{council}'s call-in window closed at {} ({})",
                        format_instant(w.closes, &tz),
                        w.rule
                    ));
                }
                if ctx.date < d.on {
                    unmet.push(format!(
                        "the call-in is dated {}, before {council}'s approval of {}",
                        ctx.date, d.on
                    ));
                }
                closes = Some(w.closes);
            }
        },
    }
    if !unmet.is_empty() {
        return Err(refusal(
            format!("cannot call in {council}'s approval of {}", state.id),
            unmet,
        ));
    }
    Ok(Draft::of(ProposalEvent::CallInRequested(CallInRequested {
        council: council.to_string(),
        reason: reason.to_string(),
        closes: format_instant(closes.expect("an open window"), &tz),
        at: format_instant(at, &tz),
    })))
}

/// The `call-in-resolved` event for `council`'s called-in approval, or a refusal naming every
/// unmet condition.
pub fn decide_resolution(
    state: &ProposalState,
    ctx: &Ctx,
    council: &str,
    outcome: CallInOutcome,
) -> Result<Draft, Failure> {
    let mut unmet = at_council_approval(state);
    let request = state
        .decisions
        .get(council)
        .and_then(|d| d.call_in.as_ref());
    match request {
        Some(w) if w.requested.is_some() && w.resolved.is_none() => {
            let q = w.requested.as_ref().expect("checked");
            if ctx.date < q.on {
                unmet.push(format!(
                    "the resolution is dated {}, before the call-in of {}",
                    ctx.date, q.on
                ));
            }
        }
        Some(w) if w.resolved.is_some() => {
            let r = w.resolved.as_ref().expect("checked");
            unmet.push(format!(
                "{council}'s call-in was resolved already: {} on {}",
                r.outcome.as_str(),
                r.on
            ));
        }
        _ => unmet.push(format!(
            "{council}'s decision on {} has not been called in: there is nothing to resolve",
            state.id
        )),
    }
    if !unmet.is_empty() {
        return Err(refusal(
            format!(
                "cannot resolve a call-in of {council}'s approval of {}",
                state.id
            ),
            unmet,
        ));
    }
    Ok(Draft::of(ProposalEvent::CallInResolved(CallInResolved {
        council: council.to_string(),
        outcome,
        at: format_instant(acting_instant(ctx), &ctx.partnership.tz()),
    })))
}

fn at_council_approval(state: &ProposalState) -> Vec<String> {
    if state.stage == Stage::CouncilApproval {
        return vec![];
    }
    vec![format!(
        "{} is at {}: a call-in is recorded only at council-approval",
        state.id, state.stage
    )]
}

fn no_window(ctx: &Ctx, council: &str, d: &CouncilDecision) -> String {
    match ctx.partnership.council(council).and_then(|c| c.call_in.as_ref()) {
        None => format!(
            "{council} has no call-in window: its constitution in the partnership file sets none ([council.call_in]), so its approval counted at once"
        ),
        Some(_) => format!(
            "{council}'s approval of {} was recorded without a call-in window (its constitution set none then)",
            d.on
        ),
    }
}

fn refusal(what: String, unmet: Vec<String>) -> Failure {
    let n = unmet.len();
    Failure::refused(format!(
        "{what}: {n} condition{} unmet",
        if n == 1 { " is" } else { "s are" }
    ))
    .with_details(unmet)
}

/// The guard's unmet conditions: each council of the proposal whose approval does not count yet,
/// because it is still inside its call-in window (with its end) or suspended by a call-in. A move
/// counts at the earlier of its instant and now.
pub fn windows_unmet(state: &ProposalState, clock: &Clock) -> Vec<Unmet> {
    let tz = &clock.tz;
    let bound = clock.at.min(clock.now);
    let mut unmet = Vec::new();
    for council in &state.councils {
        let Some(d) = state.decisions.get(council) else {
            continue;
        };
        let Some(w) = d.call_in.as_ref().filter(|_| d.approval_in_force()) else {
            continue;
        };
        match (&w.requested, &w.resolved) {
            (_, Some(r)) if r.at > bound => unmet.push(Unmet::plain(format!(
                "{council}'s approval stands only from its confirmation after the call-in, at {}: date the step {} or later",
                format_instant(r.at, tz),
                r.on
            ))),
            (_, Some(_)) => {}
            (Some(q), None) => unmet.push(Unmet::met_by(
                format!(
                    "{council}'s approval is suspended by a call-in (requested {} by {}: {}): it counts once scrutiny confirms it",
                    q.on, q.by, q.reason
                ),
                Remedy::ConfirmCallIn {
                    id: state.id.clone(),
                    council: council.clone(),
                },
            )),
            (None, None) if w.closes > bound => unmet.push(Unmet::plain(format!(
                "{council} is still inside its call-in window, which closes at {} ({}): its approval counts once the window has closed without a call-in",
                format_instant(w.closes, tz),
                w.rule
            ))),
            (None, None) => {}
        }
    }
    unmet
}

/// One council's call-in, as `proposal show` prints it under `call_in`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallInView {
    /// `open`, `closed`, `called-in`, `confirmed`, `referred-back` or `urgent`.
    pub status: &'static str,
    /// When the window closes (null for an urgent decision).
    pub closes: Option<String>,
    pub rule: Option<String>,
    pub calendar: Option<String>,
    pub decided_on: Date,
    pub urgent: bool,
    pub requested: Option<CallInRequestView>,
    pub resolved: Option<CallInResolutionView>,
    /// When the approval counts toward going live (null while suspended, or once referred back).
    pub counts_from: Option<String>,
}

/// A call-in as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallInRequestView {
    pub on: Date,
    pub at: String,
    pub by: String,
    pub reason: String,
}

/// A call-in's resolution as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallInResolutionView {
    pub outcome: &'static str,
    pub on: Date,
    pub at: String,
    pub by: String,
}

/// The call-ins of `state` as of `now`: each council whose latest decision is an approval with a
/// call-in window, or an urgent one. Without a clock, a window nobody called in is `open` while
/// the proposal is at council-approval (or on hold from it), else `closed`.
pub fn call_in_view(
    state: &ProposalState,
    now: Option<Timestamp>,
    tz: &TimeZone,
) -> BTreeMap<String, CallInView> {
    let approving = state.stage == Stage::CouncilApproval
        || state.held_from.as_ref() == Some(&Stage::CouncilApproval);
    let is_open = |closes: Timestamp| now.map_or(approving, |now| now < closes);
    let mut out = BTreeMap::new();
    for (council, d) in &state.decisions {
        let show = |t: Timestamp| format_instant(t, tz);
        let view = match (&d.call_in, d.urgent) {
            (None, true) => CallInView {
                status: "urgent",
                closes: None,
                rule: None,
                calendar: None,
                decided_on: d.on,
                urgent: true,
                requested: None,
                resolved: None,
                counts_from: Some(show(start_of_day(d.on, tz))),
            },
            (Some(w), _) => {
                let (status, counts_from) = match (&w.requested, &w.resolved) {
                    (_, Some(r)) if r.outcome == CallInOutcome::Confirmed => {
                        ("confirmed", Some(r.at))
                    }
                    (_, Some(_)) => ("referred-back", None),
                    (Some(_), None) => ("called-in", None),
                    (None, None) if is_open(w.closes) => ("open", Some(w.closes)),
                    (None, None) => ("closed", Some(w.closes)),
                };
                CallInView {
                    status,
                    closes: Some(show(w.closes)),
                    rule: Some(w.rule.clone()),
                    calendar: w.calendar.clone(),
                    decided_on: d.on,
                    urgent: false,
                    requested: w.requested.as_ref().map(|q| CallInRequestView {
                        on: q.on,
                        at: show(q.at),
                        by: q.by.clone(),
                        reason: q.reason.clone(),
                    }),
                    resolved: w.resolved.as_ref().map(|r| CallInResolutionView {
                        outcome: r.outcome.as_str(),
                        on: r.on,
                        at: show(r.at),
                        by: r.by.clone(),
                    }),
                    counts_from: counts_from.map(show),
                }
            }
            (None, false) => continue,
        };
        out.insert(council.clone(), view);
    }
    out
}
