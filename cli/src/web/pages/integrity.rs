//! Integrity: the result of verifying the chain (as `audit verify` has it), the head, and the
//! quarterly reports the scheduler issued, to download, each checked against its recorded SHA-256.

use super::{council_names, layout, name_of, Nav};
use engine::chain::VerifyReport;
use maud::{html, Markup};
use workflows::ops::overview::{IssuedReportEntry, Overview};

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
        h2 { "The chain" }
        @if verify.ok {
            p #verify.ok { "Verified: " (verify.events) " events, the chain is unbroken." }
        } @else {
            p #verify.bad { "BROKEN: the chain breaks at seq " (verify.first_bad_seq.unwrap_or(0)) ": "
                (verify.problem.as_deref().unwrap_or("it does not follow")) ". "
                (verify.events) " events verify before it." }
        }
        table {
            tr { th { "Head (last good event's hash)" } td { code #head { (verify.head) } } }
            tr { th { "Events" } td { (verify.events) } }
            @if ov.as_of.is_some() {
                tr { th { "Head as of the replay" } td { "seq " (ov.head.seq) " · " code { (ov.head.hash) } } }
            }
        }
        p.muted { "Checked just now by reading the whole log from the store, as "
                  code { "concordat audit verify" } " does. Anyone can check an export with any RFC 8785 and SHA-256 library." }
        h2 { "Latest quarterly reports" }
        @if ov.reports.is_empty() { p { "No report issued yet." } }
        @else { (reports(nav, &names, &latest)) }
        @if !earlier.is_empty() {
            h2 { "Earlier reports" }
            (reports(nav, &names, &earlier))
        }
    };
    layout(nav, ov, "/integrity", "Integrity", body)
}

fn reports(
    nav: &Nav,
    names: &std::collections::BTreeMap<String, String>,
    list: &[(&IssuedReportEntry, FileCheck)],
) -> Markup {
    html! {
        table.reports {
            tr { th { "Quarter" } th { "Council" } th { "Issued (recorded)" } th { "Known at" } th { "SHA-256" } th { "File" } }
            @for (r, check) in list {
                tr data-seq=(r.seq) {
                    td.t { (r.quarter) } td { (name_of(names, &r.council)) } td.t { (r.recorded_at) } td { code { (r.known_at) } }
                    td { code { (r.sha256) } }
                    td { @match check {
                        FileCheck::Matches => { a href=(nav.href(&format!("/reports/{}", r.seq), &[])) { "download" } " " span.ok { "matches" } }
                        FileCheck::Differs => { a href=(nav.href(&format!("/reports/{}", r.seq), &[])) { "download" } " " span.bad { "differs from the recorded hash" } }
                        FileCheck::Missing => span.bad { "not in the outbox" },
                    } }
                }
            }
        }
    }
}
