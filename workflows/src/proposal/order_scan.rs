//! The date-order check of a whole log in one pass, event by event, as `audit verify` streams it:
//! per proposal only what the rules read (`date_order::OrderFacts`: the marks, the standing Board
//! vote, the councils' decisions in force), never the proposal's whole state. It finds exactly what
//! `date_order::scan` finds on each stream, and fails where that scan (and the fold it runs) fails.
//!
//! A date correction changes the dates of events before it, so a stream that records one is not
//! judged here: [`OrderScan::finish`] names it, and the caller scans it again whole, corrected
//! (`ops::verify_pass`). Corrections are rare; every other stream costs one pass.

use super::date_order::{self, Breach, Marks, OrderFacts};
use super::event::ProposalEvent;
use super::events::{CallInOutcome, Decision, WorkflowRef, DATE_CORRECTED, PROPOSAL_CREATED};
use super::state::PROPOSAL_STREAM_PREFIX;
use crate::definition::Registry;
use engine::time::parse_date;
use engine::Failure;
use jiff::civil::Date;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One event of the log as the scan reads it: borrowed from a parsed event or from its line.
#[derive(Debug, Clone, Copy)]
pub struct OrderEvent<'a> {
    pub seq: u64,
    pub stream: &'a str,
    pub kind: &'a str,
    pub effective_on: &'a str,
    pub data: Data<'a>,
}

/// An event's `data`: a parsed value, or its JSON text as the line holds it.
#[derive(Debug, Clone, Copy)]
pub enum Data<'a> {
    Value(&'a Value),
    Json(&'a [u8]),
}

impl<'a> OrderEvent<'a> {
    /// The view of a parsed event.
    pub fn of(event: &'a engine::Event) -> OrderEvent<'a> {
        OrderEvent {
            seq: event.seq,
            stream: &event.stream,
            kind: &event.kind,
            effective_on: &event.effective_on,
            data: Data::Value(&event.data),
        }
    }

    /// The event decoded, failing as `ProposalEvent::read` fails (the same words).
    fn decode(&self) -> Result<ProposalEvent, Failure> {
        let decoded = match self.data {
            Data::Value(v) => ProposalEvent::decode(self.kind, v),
            // The reader's error carries a line and column; a value's does not: the words of a
            // failure are the value's, as the scan of a parsed stream gives them.
            Data::Json(text) => ProposalEvent::decode_json(self.kind, text).or_else(|_| {
                let v: Value = serde_json::from_slice(text)?;
                ProposalEvent::decode(self.kind, &v)
            }),
        };
        decoded.map_err(|e| {
            Failure::integrity(format!(
                "event {} ({}) has data this version cannot read: {e}",
                self.seq, self.kind
            ))
        })
    }

    /// A date the event stores, failing as the fold does on a malformed one.
    fn date(&self, text: &str) -> Result<Date, Failure> {
        parse_date(text).map_err(|e| {
            Failure::integrity(format!(
                "event {} has a bad date {text:?}: {}",
                self.seq, e.message
            ))
        })
    }

    /// An instant the event stores, failing as the fold does on a malformed one.
    fn instant(&self, text: &str) -> Result<(), Failure> {
        text.parse::<jiff::Timestamp>().map(|_| ()).map_err(|e| {
            Failure::integrity(format!(
                "event {} has a bad instant {text:?}: {e}",
                self.seq
            ))
        })
    }
}

/// A council's latest decision of this round, as far as the rules read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Decided {
    decision: Decision,
    /// None: no call-in window; Some(None): a window, unresolved; Some(Some(o)): resolved so.
    call_in: Option<Option<CallInOutcome>>,
}

/// One proposal as the date-order rules read it, folded event by event.
#[derive(Debug, Clone)]
pub struct OrderFold {
    workflow: WorkflowRef,
    councils: Vec<String>,
    marks: Marks,
    /// The standing Board vote of this round: the latest meeting (ties: the latest recorded).
    standing: Option<(Date, u64)>,
    decisions: BTreeMap<String, Decided>,
    /// The milestones added, so an amendment is checked as the fold checks it.
    milestones: BTreeSet<String>,
}

impl OrderFacts for OrderFold {
    fn marks(&self) -> &Marks {
        &self.marks
    }
    fn standing_vote(&self) -> Option<(Date, u64)> {
        self.standing
    }
    fn approving(&self) -> Vec<String> {
        let in_force = |d: &Decided| {
            d.decision == Decision::Approve && d.call_in != Some(Some(CallInOutcome::ReferredBack))
        };
        self.councils
            .iter()
            .filter(|c| self.decisions.get(*c).is_some_and(in_force))
            .cloned()
            .collect()
    }
}

impl OrderFold {
    /// The fold a `proposal-created` event starts.
    pub fn created(event: &OrderEvent) -> Result<OrderFold, Failure> {
        let ProposalEvent::ProposalCreated(data) = event.decode()? else {
            return Err(Failure::internal("a creation decodes as one"));
        };
        let on = event.date(event.effective_on)?;
        Ok(OrderFold {
            workflow: data.workflow,
            councils: data.councils,
            marks: Marks::created(event.seq, on),
            standing: None,
            decisions: BTreeMap::new(),
            milestones: BTreeSet::new(),
        })
    }

    /// The rules `event` breaks against the proposal so far, then the event folded in.
    pub fn push(
        &mut self,
        event: &OrderEvent,
        registry: &Registry,
    ) -> Result<Vec<Breach>, Failure> {
        let on = event.date(event.effective_on)?;
        let decoded = event.decode()?;
        let found = match registry.get(&self.workflow.name, self.workflow.version) {
            Ok(definition) => date_order::breaches(self, definition, &decoded, Some(event.seq), on),
            Err(_) => Vec::new(),
        };
        self.marks.note(&decoded, event.seq, on);
        self.apply(event, decoded, on)?;
        Ok(found)
    }

    /// What the full fold (`apply.rs`) does with `decoded` that the rules read, and the checks
    /// by which it fails.
    fn apply(
        &mut self,
        event: &OrderEvent,
        decoded: ProposalEvent,
        on: Date,
    ) -> Result<(), Failure> {
        use ProposalEvent as E;
        match decoded {
            E::StageChanged(d) if d.new_round => {
                self.standing = None;
                self.decisions.clear();
            }
            E::BoardVoteRecorded(_) => {
                self.standing = self.standing.max(Some((on, event.seq)));
            }
            E::CouncilDecisionRecorded(d) => {
                if let Some(closes) = &d.call_in_closes {
                    event.instant(closes)?;
                }
                let call_in = d.call_in_closes.as_ref().map(|_| None);
                let decided = Decided {
                    decision: d.decision,
                    call_in,
                };
                self.decisions.insert(d.council, decided);
            }
            E::CallInRequested(d) => event.instant(&d.at)?,
            E::CallInResolved(d) => {
                event.instant(&d.at)?;
                let window = self.decisions.get_mut(&d.council);
                if let Some(call_in) = window.and_then(|w| w.call_in.as_mut()) {
                    *call_in = Some(d.outcome);
                }
            }
            E::MilestoneAdded(d) => {
                event.date(&d.due)?;
                self.milestones.insert(d.id);
            }
            E::MilestoneAmended(d) if self.milestones.contains(&d.id) => {
                event.date(&d.due)?;
            }
            _ => {}
        }
        Ok(())
    }
}

/// Where one stream's scan stands.
#[derive(Debug)]
enum Stream {
    /// No `proposal-created` yet: events before it are not read (as the fold skips them).
    Before,
    Live(Box<OrderFold>),
    /// The scan failed here; the stream reads no further.
    Failed(Failure),
}

/// The date-order scan of every proposal stream of a log, fed its events in seq order.
#[derive(Debug)]
pub struct OrderScan {
    registry: Registry,
    streams: HashMap<String, Stream>,
    /// The streams that record a date correction: scanned again whole, corrected, by the caller.
    corrected: BTreeSet<String>,
    /// Each breach found, with its stream.
    found: Vec<(String, Breach)>,
}

impl Default for OrderScan {
    fn default() -> Self {
        OrderScan::new()
    }
}

/// What the scan found: the breaches of every stream without a correction, the first failure (in
/// the order of stream names, as a scan stream by stream meets it), and the streams to scan again.
#[derive(Debug)]
pub struct Scanned {
    /// Each breach with its proposal stream, in seq order.
    pub found: Vec<(String, Breach)>,
    /// Each failed stream and its failure, by stream name.
    pub failed: BTreeMap<String, Failure>,
    /// The streams that record a date correction (not judged here).
    pub corrected: BTreeSet<String>,
}

impl OrderScan {
    /// A scan that has seen nothing.
    pub fn new() -> OrderScan {
        OrderScan {
            registry: Registry::standard(),
            streams: HashMap::new(),
            corrected: BTreeSet::new(),
            found: Vec::new(),
        }
    }

    /// Reads the next event of the log (any stream; those of proposals are judged).
    pub fn push(&mut self, event: &OrderEvent) {
        if !event.stream.starts_with(PROPOSAL_STREAM_PREFIX) {
            return;
        }
        if event.kind == DATE_CORRECTED && !self.corrected.contains(event.stream) {
            // What was found on the stream so far is judged again, with the corrected dates.
            self.corrected.insert(event.stream.to_string());
            self.streams.remove(event.stream);
            self.found.retain(|(stream, _)| stream != event.stream);
        }
        if self.corrected.contains(event.stream) {
            return;
        }
        if !self.streams.contains_key(event.stream) {
            if event.kind != PROPOSAL_CREATED {
                return;
            }
            self.streams
                .insert(event.stream.to_string(), Stream::Before);
        }
        let Some(stream) = self.streams.get_mut(event.stream) else {
            return;
        };
        let next = match stream {
            Stream::Failed(_) => return,
            Stream::Before if event.kind != PROPOSAL_CREATED => return,
            Stream::Before => OrderFold::created(event).map(|f| Stream::Live(Box::new(f))),
            Stream::Live(fold) => match fold.push(event, &self.registry) {
                Ok(found) => {
                    let name = || event.stream.to_string();
                    self.found.extend(found.into_iter().map(|b| (name(), b)));
                    return;
                }
                Err(e) => Err(e),
            },
        };
        *stream = next.unwrap_or_else(Stream::Failed);
    }

    /// What the scan found (see [`Scanned`]).
    pub fn finish(self) -> Scanned {
        let failed = self
            .streams
            .into_iter()
            .filter_map(|(name, s)| match s {
                Stream::Failed(e) => Some((name, e)),
                _ => None,
            })
            .collect();
        Scanned {
            found: self.found,
            failed,
            corrected: self.corrected,
        }
    }
}

#[cfg(test)]
#[path = "order_scan_tests.rs"]
mod tests;
