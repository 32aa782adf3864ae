//! Integrity: the result of verifying the chain (as `audit verify` has it), the head, and the
//! quarterly reports the scheduler issued, to download, each checked against its recorded SHA-256.

use super::{council_names, layout, name_of, scroll, Nav};
use engine::chain::VerifyReport;
use maud::{html, Markup};
use workflows::ops::overview::{IssuedReportEntry, Overview};
use workflows::words;

pub use workflows::ops::report_file::FileCheck;

/// The integrity page; `checks` holds one [`FileCheck`] per report of `ov.reports`.
pub fn page(nav: &Nav, ov: &Overview, verify: &VerifyReport, checks: &[FileCheck]) -> Markup {
    let names = council_names(ov);
    let latest_quarter = ov.reports.iter().map(|r| r.quarter.as_str()).max();
    let latest: Vec<(&IssuedReportEntry, FileCheck)> = ov
        .reports
        .iter()
        .zip(checks.iter().copied())
        .filter(|(r, _)| Some(r.quarter.as_str()) == latest_quarter)
        .collect();
    let earlier: Vec<(&IssuedReportEntry, FileCheck)> = ov
        .reports
        .iter()
        .zip(checks.iter().copied())
        .filter(|(r, _)| Some(r.quarter.as_str()) != latest_quarter)
        .rev()
        .collect();
    let body = html! {
        h1 { "Integrity" }
        h2 { "The record of decisions" }
        @if verify.ok {
            p #verify.ok { "Checked: all " (verify.events) " entries are in order and unaltered (the chain is unbroken)." }
        } @else {
            p #verify.bad { "BROKEN: entry " (verify.first_bad_seq.unwrap_or(0)) " does not follow from the one before it: "
                (verify.problem.as_deref().unwrap_or("it does not follow")) ". "
                "The " (verify.events) " entries before it check out." }
        }
        (scroll("The record's fingerprint", html! { table {
            caption { "The record's fingerprint, to compare with a published report" }
            tr { th scope="row" { "Fingerprint of the last entry (SHA-256)" } td { code #head { (verify.head) } } }
            tr { th scope="row" { "Entries" } td { (verify.events) } }
            @if ov.as_of.is_some() {
                tr { th scope="row" { "Fingerprint at the date shown" } td { "entry " (ov.head.seq) ": " code { (ov.head.hash) } } }
            }
        } }))
        p.muted { "Checked just now by reading the whole record from the store. Anyone can check an exported copy "
                  "with any RFC 8785 and SHA-256 library." }
        h2 { "Latest quarterly reports" }
        @if ov.reports.is_empty() { p { "No report issued yet." } }
        @else { (reports(nav, ov, &names, &latest)) }
        @if !earlier.is_empty() {
            h2 { "Earlier reports" }
            (reports(nav, ov, &names, &earlier))
        }
    };
    layout(nav, ov, "/integrity", "Integrity", body)
}

fn reports(
    nav: &Nav,
    ov: &Overview,
    names: &std::collections::BTreeMap<String, String>,
    list: &[(&IssuedReportEntry, FileCheck)],
) -> Markup {
    html! {
        (scroll("Quarterly reports", html! { table.reports {
            caption { "Quarterly reports issued, each checked against the fingerprint recorded when it was issued" }
            tr { th scope="col" { "Quarter" } th scope="col" { "Council" } th scope="col" { "Issued" } th scope="col" { "Covers" } th scope="col" { "Fingerprint (SHA-256)" } th scope="col" { "File" } }
            @for (r, check) in list {
                tr data-seq=(r.seq) {
                    th scope="row" { (r.quarter) } td { (name_of(names, &r.council)) } td.t { (words::date_or_instant(&r.recorded_at, &ov.tz)) }
                    td { (known(&r.known_at, &ov.tz)) }
                    td { code { (r.sha256) } }
                    td { @match check {
                        FileCheck::Matches => { a href=(nav.href(&format!("/reports/{}", r.seq), &[])) { "Download" span.vh { " the " (r.quarter) " report for " (name_of(names, &r.council)) } } " " span.ok { "matches" } }
                        FileCheck::Differs => { a href=(nav.href(&format!("/reports/{}", r.seq), &[])) { "Download" } " " span.bad { "differs from the recorded fingerprint" } }
                        FileCheck::Missing => span.bad { "not in the outbox" },
                    } }
                }
            }
        } }))
    }
}

/// What a report covers: the entries known when it was made, in words.
fn known(known_at: &str, tz: &jiff::tz::TimeZone) -> String {
    match known_at.strip_prefix("seq:") {
        Some(n) => format!("The first {n} entries"),
        None => format!(
            "Entries recorded by {}",
            words::date_or_instant(known_at, tz)
        ),
    }
}
