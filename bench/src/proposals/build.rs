//! Stores of real proposals: `breadth` (the demo's proposals copied under new ids, padded to ~50
//! events each with notes the fold ignores) and `depth` (200 copies of the demo's live payroll
//! service, each recording a KPI value and a saving every quarter, quarter after quarter).

use engine::store::{EmbeddedStore, EventStore, OpenMode};
use engine::{AppendRequest, Event, NewEvent};
use jiff::civil::Date;
use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;

/// Events per breadth copy (the demo's ~6 proposal events padded with notes).
const PER_PROPOSAL: usize = 50;
/// Proposals in the depth shape.
const DEPTH_PROPOSALS: usize = 200;
/// The demo proposal the depth shape copies: live from 2008/09-Q3, one KPI.
const DEPTH_SOURCE: &str = "proposal-payroll";

/// The shapes of store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Breadth,
    Depth,
}

impl Shape {
    pub fn parse(s: &str) -> Shape {
        match s {
            "breadth" => Shape::Breadth,
            "depth" => Shape::Depth,
            _ => panic!("--shape {s}: breadth or depth"),
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Shape::Breadth => "breadth",
            Shape::Depth => "depth",
        }
    }
}

/// The demo store's partnership events and proposal streams.
struct Demo {
    partnership: Vec<Event>,
    streams: Vec<Vec<Event>>,
}

async fn read_demo(demo: &Path) -> Demo {
    let src = EmbeddedStore::open(demo, OpenMode::Existing, Duration::ZERO).expect("demo store");
    let partnership = src.read_stream("partnership").await.unwrap();
    let mut streams = Vec::new();
    for s in src.streams("proposal-").await.unwrap() {
        streams.push(src.read_stream(&s).await.unwrap());
    }
    src.close().await.unwrap();
    Demo {
        partnership,
        streams,
    }
}

fn to_new(e: &Event, stream: &str, data: Value) -> NewEvent {
    NewEvent {
        stream: stream.to_string(),
        kind: e.kind.clone(),
        actor: e.actor.clone(),
        effective_on: e.effective_on.clone(),
        data,
    }
}

/// A copy of one proposal's events under `id`.
fn copy_stream(events: &[Event], id: &str) -> Vec<NewEvent> {
    let stream = format!("proposal-{id}");
    events
        .iter()
        .map(|e| {
            let mut data = e.data.clone();
            if e.kind == "proposal-created" {
                data["id"] = Value::String(id.to_string());
            }
            to_new(e, &stream, data)
        })
        .collect()
}

/// Builds a store of about `total` events at `out` from the demo store at `demo`; returns
/// (events, proposals).
pub async fn build(demo: &Path, out: &Path, shape: Shape, total: usize) -> (usize, usize) {
    let demo = read_demo(demo).await;
    let mut w = Writer::create(out, &demo.partnership).await;
    let proposals = match shape {
        Shape::Breadth => breadth(&demo, &mut w, total).await,
        Shape::Depth => depth(&demo, &mut w, total).await,
    };
    w.flush().await;
    w.store.close().await.unwrap();
    (w.written, proposals)
}

async fn breadth(demo: &Demo, w: &mut Writer, total: usize) -> usize {
    let note = "shared service council board saving quarter review ".repeat(5);
    let mut proposals = 0;
    for copy in 0.. {
        for events in &demo.streams {
            if w.written >= total {
                return proposals;
            }
            let id = format!("{}-c{copy}", events[0].data["id"].as_str().unwrap());
            let mut batch = copy_stream(events, &id);
            let last = events.last().unwrap();
            while batch.len() < PER_PROPOSAL {
                batch.push(NewEvent {
                    kind: "note-recorded".into(),
                    ..to_new(last, &format!("proposal-{id}"), json!({ "note": note }))
                });
            }
            w.push(batch).await;
            proposals += 1;
        }
    }
    proposals
}

async fn depth(demo: &Demo, w: &mut Writer, total: usize) -> usize {
    let source = demo
        .streams
        .iter()
        .find(|s| s[0].stream == DEPTH_SOURCE)
        .expect("the demo's payroll proposal");
    // Up to its KPI's definition: live, monitored, nothing recorded yet.
    let upto = source.iter().position(|e| e.kind == "kpi-defined").unwrap() + 1;
    let ids: Vec<String> = (0..DEPTH_PROPOSALS)
        .map(|i| format!("payroll-d{i}"))
        .collect();
    for id in &ids {
        w.push(copy_stream(&source[..upto], id)).await;
    }
    let kpi = source
        .iter()
        .find(|e| e.kind == "kpi-value-recorded")
        .unwrap();
    let saving = source.iter().find(|e| e.kind == "saving-recorded").unwrap();
    // 2008/09-Q3 (Oct–Dec 2008) onwards, one quarter at a time.
    let (mut fy, mut q) = (2008i16, 3u8);
    while w.written < total {
        let (label, last_day) = quarter(fy, q);
        for id in &ids {
            let stream = format!("proposal-{id}");
            let mut k = to_new(kpi, &stream, kpi.data.clone());
            k.data["quarter"] = json!(label);
            k.effective_on = last_day.to_string();
            let mut s = to_new(saving, &stream, saving.data.clone());
            s.data["quarter"] = json!(label);
            s.effective_on = last_day.to_string();
            w.push(vec![k, s]).await;
        }
        (fy, q) = if q == 4 { (fy + 1, 1) } else { (fy, q + 1) };
    }
    DEPTH_PROPOSALS
}

/// `2008/09-Q3` and its last day, for a financial year starting in April.
fn quarter(fy: i16, q: u8) -> (String, Date) {
    let label = format!("{fy}/{:02}-Q{q}", (fy + 1) % 100);
    let (year, month) = match q {
        1 => (fy, 6),
        2 => (fy, 9),
        3 => (fy, 12),
        _ => (fy + 1, 3),
    };
    let first = Date::new(year, month, 1).unwrap();
    (label, first.last_of_month())
}

/// Appends in batches of ~1000 through the engine's own append path.
struct Writer {
    store: EmbeddedStore,
    batch: Vec<NewEvent>,
    written: usize,
    now: jiff::Timestamp,
    tz: jiff::tz::TimeZone,
}

impl Writer {
    async fn create(out: &Path, partnership: &[Event]) -> Writer {
        let store = EmbeddedStore::open(out, OpenMode::Create, Duration::ZERO).unwrap();
        let mut w = Writer {
            store,
            batch: Vec::new(),
            written: 0,
            now: partnership[0].recorded_at.parse().unwrap(),
            tz: jiff::tz::TimeZone::get("Europe/London").unwrap(),
        };
        let first = partnership
            .iter()
            .map(|e| to_new(e, &e.stream, e.data.clone()))
            .collect();
        w.push(first).await;
        w
    }

    async fn push(&mut self, events: Vec<NewEvent>) {
        self.written += events.len();
        self.batch.extend(events);
        if self.batch.len() >= 1000 {
            self.flush().await;
        }
    }

    async fn flush(&mut self) {
        if self.batch.is_empty() {
            return;
        }
        let request = AppendRequest {
            events: std::mem::take(&mut self.batch),
            expectations: Vec::new(),
            now: self.now,
            tz: self.tz.clone(),
        };
        self.store.append(request).await.unwrap();
    }
}

#[cfg(test)]
mod tests {
    use super::quarter;

    #[test]
    fn quarters_of_the_financial_year() {
        assert_eq!(quarter(2008, 3).0, "2008/09-Q3");
        assert_eq!(quarter(2008, 3).1.to_string(), "2008-12-31");
        assert_eq!(quarter(2008, 4).1.to_string(), "2009-03-31");
        assert_eq!(quarter(2099, 1).0, "2099/00-Q1");
        assert_eq!(quarter(2009, 2).1.to_string(), "2009-09-30");
    }
}
