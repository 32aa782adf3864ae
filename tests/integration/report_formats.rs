//! Layout 2's formats, on the demo's log: the PDF (read back with `pdftotext`) holds every figure
//! of the HTML and the CSV; the CSV, read by Python's `csv` module, sums to the report's totals; a
//! title that a spreadsheet would take for a formula stays text; a new tick records layout 2 and
//! its reports regenerate byte for byte beside the layout-1 ones.

use crate::report_layouts::{issued, restored, sha256_hex};
use crate::support::{repo_root, Env};
use serde_json::Value;
use std::process::Command;

/// The demo's log, restored, with a tick on 1 October 2009 (issuing 2009/10-Q2 in layout 2).
fn demo() -> Env {
    let export =
        std::fs::read_to_string(repo_root().join("tests/fixtures/demo-2008/export.jsonl")).unwrap();
    let mut env = restored(&export);
    env.at("2009-10-01T09:05:00+01:00");
    env.json_as("ops", &["scheduler", "tick"]);
    env
}

fn report(env: &Env, args: &[&str]) -> Vec<u8> {
    let out = env.path("report.out");
    let mut all = vec!["report", "quarterly", "--out", out.to_str().unwrap()];
    all.extend_from_slice(args);
    env.run_as("audit", &all).ok();
    std::fs::read(out).unwrap()
}

/// Every `£…` figure in `text`.
fn pounds(text: &str) -> Vec<String> {
    text.split('£')
        .skip(1)
        .map(|rest| {
            let figure: String = rest
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == ',' || *c == '.')
                .collect();
            format!("£{}", figure.trim_end_matches(['.', ',']))
        })
        .collect()
}

/// `10000.01` → `£10,000.01`, as the report writes money.
fn as_pounds(plain: &str) -> String {
    let (whole, pence) = plain.split_once('.').unwrap();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("£{grouped}.{pence}")
}

fn pdftotext(pdf: &[u8], env: &Env) -> String {
    let path = env.path("report.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdftotext")
        .args(["-layout", path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success(), "pdftotext failed on the report");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_pdf_holds_every_figure_of_the_html_and_the_csv() {
    let env = demo();
    for quarter in ["2008/09-Q4", "2009/10-Q1"] {
        let args = [
            "--quarter",
            quarter,
            "--council",
            "redditch",
            "--known-at",
            "seq:69",
        ];
        let html =
            String::from_utf8(report(&env, &[&args[..], &["--format", "html"]].concat())).unwrap();
        assert!(html.starts_with("<!DOCTYPE html>") && html.contains("@media print"));
        let csv =
            String::from_utf8(report(&env, &[&args[..], &["--format", "csv"]].concat())).unwrap();
        let pdf = report(&env, &[&args[..], &["--format", "pdf"]].concat());
        assert!(pdf.starts_with(b"%PDF-"));
        let text = pdftotext(&pdf, &env);
        let figures = pounds(&html);
        assert!(figures.len() >= 5, "the HTML has money in it: {figures:?}");
        for figure in figures {
            assert!(
                text.contains(&figure),
                "{figure} of the HTML is not in the PDF:\n{text}"
            );
        }
        let mut rows = csv::ReaderBuilder::new().from_reader(csv.as_bytes());
        let headers = rows.headers().unwrap().clone();
        for row in rows.records() {
            let row = row.unwrap();
            for (name, value) in headers.iter().zip(row.iter()) {
                if name.starts_with("saving") || name.starts_with("expected") {
                    if !value.is_empty() {
                        assert!(
                            text.contains(&as_pounds(value)),
                            "{name} {value} not in the PDF"
                        );
                    }
                } else if ["proposal", "quarter", "known_at"].contains(&name) {
                    assert!(text.contains(value), "{name} {value} not in the PDF");
                }
            }
        }
        for needle in [
            "not recorded",
            "Financial year 2008/09",
            "Year to date",
            "Since go-live",
            "Appendix for auditors",
        ] {
            let needle = if quarter.starts_with("2009") {
                needle.replace("2008/09", "2009/10")
            } else {
                needle.to_string()
            };
            assert!(
                text.contains(&needle),
                "{needle:?} missing from the PDF:\n{text}"
            );
        }
    }
}

/// Python's `csv` module reads the CSV and adds up each money column.
fn python_sums(csv: &str) -> Value {
    let script = r#"
import csv, io, json, sys
from decimal import Decimal
rows = list(csv.DictReader(io.StringIO(sys.stdin.read(), newline="")))
cols = ["saving_this_quarter", "saving_year_to_date", "saving_since_go_live", "expected_year_to_date"]
print(json.dumps({c: str(sum((Decimal(r[c]) for r in rows if r[c]), Decimal("0.00"))) for c in cols}
                 | {"titles": [r["title"] for r in rows], "rows": len(rows)}))
"#;
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3");
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), csv.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "python could not read the CSV");
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_csv_adds_up_to_the_reports_totals_and_formulas_stay_text() {
    let mut env = demo();
    env.at("2009-10-02T10:00:00+01:00");
    let title = "=HYPERLINK(\"http://example.invalid\",\"<b>click</b>\")";
    env.run_as(
        "jce",
        &[
            "proposal",
            "new",
            "--id",
            "links",
            "--title",
            title,
            "--service",
            "ict",
            "--lead",
            "bromsgrove",
            "--on",
            "2009-09-30",
        ],
    )
    .ok();
    let args = ["--quarter", "2009/10-Q2", "--council", "bromsgrove"];
    let csv = String::from_utf8(report(&env, &[&args[..], &["--format", "csv"]].concat())).unwrap();
    let json: Value =
        serde_json::from_slice(&report(&env, &[&args[..], &["--format", "json"]].concat()))
            .unwrap();
    let sums = python_sums(&csv);
    let totals = &json["money_totals"];
    assert_eq!(sums["rows"], json["proposals"].as_array().unwrap().len());
    for (column, total) in [
        ("saving_this_quarter", "quarter_council"),
        ("saving_year_to_date", "year_to_date_council"),
        ("saving_since_go_live", "since_go_live_council"),
        ("expected_year_to_date", "expected_year_to_date_council"),
    ] {
        let expected = totals[total].as_str().unwrap_or("0.00");
        assert_eq!(sums[column], expected, "{column}");
    }
    assert!(
        totals["since_go_live_council"].is_string(),
        "the demo has savings: {totals}"
    );
    let titles = sums["titles"].as_array().unwrap();
    assert!(
        titles.iter().any(|t| t == &format!("'{title}")),
        "{titles:?}"
    );
    assert!(!titles.iter().any(|t| t.as_str().unwrap().starts_with('=')));
    // The HTML gets the title as a value, escaped: no markup of the proposer's makes it through.
    let html =
        String::from_utf8(report(&env, &[&args[..], &["--format", "html"]].concat())).unwrap();
    assert!(
        html.contains("&lt;b&gt;click&lt;&#x2f;b&gt;") || html.contains("&lt;b&gt;click&lt;/b&gt;"),
        "{html}"
    );
    assert!(!html.contains("<b>click"));
}

#[test]
fn a_new_tick_records_the_current_layout_and_every_issued_report_regenerates() {
    let env = demo();
    let export = env.run_as("audit", &["audit", "export"]);
    let export = export.ok().stdout.clone();
    let all = issued(&export);
    assert!(
        all.iter().any(|e| e["data"]["layout"] == 3),
        "the new tick records layout 3"
    );
    for e in all {
        let d = &e["data"];
        let md = report(
            &env,
            &[
                "--quarter",
                d["quarter"].as_str().unwrap(),
                "--council",
                d["council"].as_str().unwrap(),
                "--known-at",
                d["known_at"].as_str().unwrap(),
            ],
        );
        assert_eq!(sha256_hex(&md), d["sha256"].as_str().unwrap(), "{d}");
        let file = std::fs::read(d["path"].as_str().unwrap());
        if d["layout"] == 2 || d["layout"] == 3 {
            assert_eq!(
                file.unwrap(),
                md,
                "the outbox file is the regenerated bytes"
            );
        }
    }
}
