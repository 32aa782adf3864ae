//! The pages in a real browser (issue 24): tests/e2e/browser.py drives Debian's headless Chromium
//! through playwright — the elections story from sign-in to go-live as the programme manager and
//! each council's clerk, at 1280 and 390 px, and a scan of every page of the demo — checking on
//! every page that no command-line dialect shows and that axe-core finds no serious or critical
//! violation. Screenshots go to `target/e2e-screenshots` (CI keeps them; docs/screenshots/ holds a
//! current set). Without the browser: every page's text, fetched over HTTP, in plain English.

use crate::support::http::{Client, Server};
use crate::support::{repo_root, Env};
use crate::web::{account, demo, serve_anonymous, PASSWORD};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

/// The story's "now": after the decisions' call-in windows have closed.
const NOW: &str = "2009-07-15T12:00:00+01:00";

/// What the browser tests need, or why they cannot run: under CI a missing tool fails the test.
fn tools() -> Option<PathBuf> {
    let axe = repo_root().join("tests/e2e/node_modules/axe-core/axe.min.js");
    let missing = if !std::path::Path::new("/usr/bin/chromium").exists()
        && std::env::var_os("CONCORDAT_CHROMIUM").is_none()
    {
        Some("Debian's chromium (apt-get install chromium)")
    } else if !Command::new("python3")
        .args(["-c", "import playwright"])
        .output()
        .is_ok_and(|o| o.status.success())
    {
        Some("the playwright Python package (python3 -m pip install playwright)")
    } else if !axe.exists() {
        Some("axe-core (cd tests/e2e && npm ci)")
    } else {
        None
    };
    match missing {
        None => Some(axe),
        Some(what) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{what} is missing: scripts/setup.sh installs it"
            );
            eprintln!("skipped: {what} is missing; scripts/setup.sh installs it");
            None
        }
    }
}

/// Where screenshots are kept: `$CONCORDAT_SCREENSHOTS`, else `target/e2e-screenshots`.
fn shots_dir() -> PathBuf {
    let dir = std::env::var_os("CONCORDAT_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| repo_root().join("target"))
                .join("e2e-screenshots")
        });
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs browser.py `mode` against `server` at `width`; it must report no problem.
fn browser(mode: &str, server: &Server, width: u32, axe: &PathBuf, extra: &[&str]) {
    let shots = shots_dir().join(mode);
    let out = Command::new("python3")
        .arg(repo_root().join("tests/e2e/browser.py"))
        .arg(mode)
        .args(["--base", &server.url("")])
        .args(["--width", &width.to_string()])
        .arg("--shots")
        .arg(&shots)
        .arg("--axe")
        .arg(axe)
        .args(["--password", PASSWORD])
        .args(extra)
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "browser.py {mode} at {width}px:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains(" pages at "), "{stdout}");
}

/// A store with the partnership of 2008, no proposal yet, and an account for each officer.
fn officers() -> Env {
    let env = Env::bromsgrove_redditch(NOW);
    for actor in ["jce", "bdc-clerk", "rbc-clerk", "audit"] {
        account(&env, actor);
    }
    env
}

#[test]
fn the_elections_story_from_sign_in_to_go_live_in_a_browser() {
    let Some(axe) = tools() else { return };
    for width in [1280, 390] {
        let env = officers();
        let server = serve_anonymous(&env, &[]);
        browser("story", &server, width, &axe, &[]);
        let show = env.json_as("audit", &["proposal", "show", "elections"]);
        assert_eq!(show["stage"], "monitoring", "{width}px: it went live");
        assert_eq!(show["approvals"]["bromsgrove"], "approve");
        assert_eq!(show["approvals"]["redditch"], "approve");
        let history = env.json_as("audit", &["proposal", "history", "elections"]);
        let actors: BTreeSet<&str> = history
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["actor"].as_str())
            .collect();
        assert_eq!(
            actors,
            BTreeSet::from(["jce", "bdc-clerk", "rbc-clerk"]),
            "three people"
        );
    }
}

#[test]
fn every_page_of_the_demo_passes_the_accessibility_scan_at_both_widths() {
    let Some(axe) = tools() else { return };
    let env = demo();
    account(&env, "jce");
    let server = serve_anonymous(&env, &[]);
    for width in [1280, 390] {
        browser("scan", &server, width, &axe, &["--actor", "jce"]);
    }
}

/// What a person must never read: the command line's words, event and stage ids, JSON keys and
/// ISO timestamps.
fn dialect(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for needle in [
        "concordat ",
        "--",
        "by_council",
        "new_round",
        "one_off_cost",
        "recorded_at",
    ] {
        if text.contains(needle) {
            found.push(needle.to_string());
        }
    }
    for id in [
        "council-decided",
        "not-pursued",
        "business-case",
        "council-approval",
        "quick-win",
        "on-hold",
        "stage-changed",
        "council-decision-recorded",
        "proposal-created",
        "saving-recorded",
    ] {
        let bounded = text.match_indices(id).any(|(at, _)| {
            let before = text[..at].chars().next_back();
            let after = text[at + id.len()..].chars().next();
            let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '-');
            !word(before) && !word(after)
        });
        if bounded {
            found.push(id.to_string());
        }
    }
    let b = text.as_bytes();
    for i in 0..b.len().saturating_sub(10) {
        let d = |j: usize| b[i + j].is_ascii_digit();
        if (0..4).all(d)
            && b[i + 4] == b'-'
            && d(5)
            && d(6)
            && b[i + 7] == b'-'
            && d(8)
            && d(9)
            && b[i + 10] == b'T'
        {
            found.push(format!("ISO timestamp {}", &text[i..i + 11]));
            break;
        }
    }
    found
}

/// The text of an HTML page, without its tags, style and the values of its hidden inputs.
fn text_of(html: &str) -> String {
    let body = html.split("</style>").last().unwrap_or(html);
    let mut out = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&").replace("&quot;", "\"")
}

/// The links of `html` to pages of this site (not the API, files or the calendar).
fn links(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|h| h.replace("&amp;", "&"))
        .filter(|h| h.starts_with('/'))
        .filter(|h| {
            !h.starts_with("/api") && !h.starts_with("/reports/") && !h.starts_with("/calendar")
        })
        .collect()
}

#[test]
fn no_page_shows_the_command_line_s_dialect() {
    let env = demo();
    account(&env, "jce");
    let server = serve_anonymous(&env, &[]);
    let jce = Client::signed_in(&server.addr, "jce", PASSWORD);
    let mut seen = BTreeSet::new();
    let mut queue = vec!["/".to_string(), "/?as_of=2008-12-01".to_string()];
    let mut problems = Vec::new();
    while let Some(path) = queue.pop() {
        if !seen.insert(path.clone()) || seen.len() > 150 {
            continue;
        }
        let page = jce.get(&path);
        assert_eq!(page.status, 200, "{path}");
        let html = page.text();
        for found in dialect(&text_of(&html)) {
            problems.push(format!("{path}: {found}"));
        }
        queue.extend(links(&html).into_iter().filter(|l| !seen.contains(l)));
    }
    assert!(seen.len() > 20, "the demo's pages were reached: {seen:?}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn overdue_reminders_are_marked_and_counted_not_listed_for_years() {
    let mut env = demo();
    account(&env, "audit");
    // Eighteen months on, with no scheduler run since: reminders pile up.
    env.at("2011-01-10T12:00:00+00:00");
    let reminders = env.json_as("audit", &["reminders", "list"]);
    let now = "2011-01-10T12:00:00+00:00";
    let overdue = reminders
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["due"].as_str().unwrap() < now)
        .count();
    assert!(overdue > 3, "the demo has overdue reminders by then");
    let server = serve_anonymous(&env, &[]);
    let audit = Client::signed_in(&server.addr, "audit", PASSWORD);
    let page = audit.get("/upcoming").text();
    assert!(
        page.contains(&format!("<span class=\"overdue\">{overdue} overdue</span>")),
        "counted: {overdue}"
    );
    let folded = &page[page.find("<details>").expect("folded away")..];
    let folded = &folded[..folded.find("</details>").unwrap()];
    assert_eq!(folded.matches("data-reminder=").count(), overdue);
}

/// The `data-id`s of a page, in order.
fn ids(html: &str) -> Vec<String> {
    html.split("data-id=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_string)
        .collect()
}

#[test]
fn the_pipeline_is_paged_filtered_and_searched_with_plain_links() {
    let env = officers();
    for n in 1..=55 {
        let title = format!("Shared service number {n}");
        let service = format!("service{n}");
        env.run_as(
            "jce",
            &[
                "proposal",
                "new",
                "--title",
                &title,
                "--service",
                &service,
                "--lead",
                "bromsgrove",
            ],
        )
        .ok();
    }
    env.run_as(
        "jce",
        &["proposal", "advance", "service7", "--to", "business-case"],
    )
    .ok();
    let server = serve_anonymous(&env, &[]);
    let audit = Client::signed_in(&server.addr, "audit", PASSWORD);
    let first = audit.get("/").text();
    assert_eq!(ids(&first).len(), 50, "50 a page");
    assert!(first.contains("page 1 of 2"));
    assert!(
        first.contains("href=\"/?page=2\""),
        "a plain link to the next page"
    );
    let second = ids(&audit.get("/?page=2").text());
    assert_eq!(second.len(), 5);
    let all: BTreeSet<String> = ids(&first).into_iter().chain(second).collect();
    assert_eq!(all.len(), 55, "every proposal on one page or the other");

    let staged = ids(&audit.get("/?stage=business-case").text());
    assert_eq!(staged, vec!["service7".to_string()]);
    let found = ids(&audit.get("/?q=number+12").text());
    assert_eq!(found, vec!["service12".to_string()], "by title");
    let found = ids(&audit.get("/?q=SERVICE3").text());
    assert!(found.contains(&"service3".to_string()) && found.contains(&"service30".to_string()));
    let none = audit.get("/?q=nothing+like+it&council=redditch").text();
    assert!(ids(&none).is_empty() && none.contains("No proposal matches."));
}
