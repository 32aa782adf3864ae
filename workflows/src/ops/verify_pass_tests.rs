//! The one pass gives the verdict `verify_lines` gives and the warnings the stream-by-stream scan
//! gives (`date_order::warnings_of_log`), on logs with events out of date order, with a date
//! correction, and damaged.

use super::*;
use crate::definition::Category;
use crate::proposal::testing::Log;
use engine::ZERO_HASH;

/// Two proposals' streams interleaved into one log (a date moved on the way), chained afresh.
fn log_of(logs: &[&Log], shift: Option<(usize, &str)>) -> Vec<Event> {
    let mut events: Vec<Event> = Vec::new();
    let longest = logs.iter().map(|l| l.events.len()).max().unwrap_or(0);
    for i in 0..longest {
        events.extend(logs.iter().filter_map(|l| l.events.get(i).cloned()));
    }
    if let Some((at, date)) = shift {
        events[at].effective_on = date.to_string();
    }
    let mut prev = ZERO_HASH.to_string();
    for (i, e) in events.iter_mut().enumerate() {
        e.seq = i as u64 + 1;
        e.prev_hash = prev;
        e.hash = e.compute_hash();
        prev = e.hash.clone();
    }
    events
}

fn text(events: &[Event]) -> String {
    events.iter().map(|e| e.to_line() + "\n").collect()
}

/// A proposal created and moved to its business case two days later.
fn started(id: &str) -> Log {
    use crate::proposal::command::ProposalCommand as C;
    let mut log = Log::new(id);
    log.create(Category::QuickWin, "2008-09-01").unwrap();
    let to = |stage: &str| C::Advance {
        to: stage.parse().unwrap(),
        reason: None,
    };
    log.run("jce", "2008-09-03", to("business-case")).unwrap();
    log
}

/// What the pass says of `text`, and what the chain check and the scan of the whole log say.
fn both(text: &str) -> (Pass, VerifyReport) {
    let pass = verify_reader(&mut text.as_bytes(), None).unwrap();
    let report = engine::chain::verify_lines(text.as_bytes(), None).unwrap();
    (pass, report)
}

#[test]
fn a_log_out_of_order_warns_as_the_scan_of_the_whole_log() {
    let (a, b) = (started("alpha"), started("beta"));
    // The move to business case of beta (its second event) dated before its creation.
    let events = log_of(&[&a, &b], Some((3, "2008-08-01")));
    let (pass, report) = both(&text(&events));
    assert!(report.ok);
    assert_eq!(pass.report, report);
    let expected = date_order::warnings_of_log(events.clone()).unwrap();
    assert!(!expected.is_empty(), "the shifted move breaks the order");
    let got = pass
        .warnings_of_export(&mut text(&events).as_bytes())
        .unwrap();
    assert_eq!(got, expected);
}

#[test]
fn a_stream_with_a_correction_is_scanned_again_whole() {
    let mut a = started("alpha");
    let seq = a.events[1].seq;
    a.correct("jce", seq, "2008-09-05").unwrap();
    let b = started("beta");
    let events = log_of(&[&a, &b], Some((3, "2008-08-01")));
    let (pass, _) = both(&text(&events));
    assert!(pass.report.ok);
    let expected = date_order::warnings_of_log(events.clone()).unwrap();
    let got = pass
        .warnings_of_export(&mut text(&events).as_bytes())
        .unwrap();
    assert_eq!(got, expected);
}

#[test]
fn a_damaged_log_gets_the_verdict_of_the_chain_check() {
    let events = log_of(&[&started("alpha"), &started("beta")], None);
    let mut lines = text(&events);
    lines = lines.replacen("2008-09-03", "2008-09-04", 1);
    let (pass, report) = both(&lines);
    assert!(!report.ok);
    assert_eq!(pass.report, report);
    let cut = &lines[..lines.len() - 10];
    let (pass, report) = both(cut);
    assert_eq!(pass.report, report);
}

#[test]
fn fields_by_position_are_those_the_full_reader_finds() {
    let events = log_of(&[&started("alpha"), &started("beta")], None);
    for e in &events {
        let line = e.to_line();
        let view = LineView::parse_str(&line).unwrap();
        let got = fields(line.as_bytes()).expect("no escapes");
        assert_eq!(got.seq, view.seq);
        assert_eq!(got.stream, view.stream);
        assert_eq!(got.kind.as_bytes(), view.kind);
        assert_eq!(got.effective_on.as_bytes(), view.effective_on);
        assert!(matches!(got.data, Data::Json(d) if d == view.data));
    }
    // An escape in a field the scan reads, or another layout: read in full.
    let mut odd = events[0].clone();
    odd.kind = "a\"b".into();
    assert!(fields(odd.to_line().as_bytes()).is_none());
    let spaced = serde_json::to_string_pretty(&events[0]).unwrap();
    assert!(fields(spaced.as_bytes()).is_none());
}

/// The pass over `text` written `piece` bytes at a time: many chunks, whose hashing either
/// thread may claim.
fn in_pieces(text: &str, piece: usize) -> VerifyReport {
    let mut pass = PassWriter::new(None);
    for bytes in text.as_bytes().chunks(piece) {
        pass.write_all(bytes).unwrap();
    }
    pass.finish().unwrap().report
}

#[test]
fn chunks_hashed_on_either_thread_give_the_verdict_of_the_chain_check() {
    let logs: Vec<Log> = (0..12).map(|i| started(&format!("p{i}"))).collect();
    let events = log_of(&logs.iter().collect::<Vec<_>>(), None);
    let whole = text(&events);
    let damaged = whole.replacen("2008-09-03", "2008-09-04", 3);
    let relinked = whole.replacen("\"seq\":9,", "\"seq\":10,", 1);
    for lines in [&whole, &damaged, &relinked, &whole[..whole.len() - 5]] {
        let expected = engine::chain::verify_lines(lines.as_bytes(), None).unwrap();
        for piece in [1, 7, 64, 333, 1000, lines.len()] {
            assert_eq!(in_pieces(lines, piece), expected, "pieces of {piece}");
        }
    }
}
