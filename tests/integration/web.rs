//! `concordat serve` (issue 13): every page and endpoint fetched over HTTP and checked against the
//! CLI's output for the same store; reads change nothing; nothing without sign-in (issue 23); and
//! headless Chromium's screenshots.

use crate::support::http::{request, run_with_limit, Response, Server};
use crate::support::{binary, Env, Run};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// The demo's programme runs to July 2009; the view is taken a fortnight later.
pub const NOW: &str = "2009-07-15T12:00:00+01:00";

/// A fresh demo store (the 2008 programme) in a scratch directory.
pub fn demo() -> Env {
    let tmp = tempfile::tempdir().expect("temp dir");
    let store = tmp.path().join("demo").display().to_string();
    let env = Env {
        tmp,
        store,
        now: Some(NOW.to_string()),
    };
    env.run(&["demo"]).ok();
    env
}

/// Every test account's password.
pub const PASSWORD: &str = "a long test password";

/// Gives `actor` a web account (as the partnership's administrator).
pub fn account(env: &Env, actor: &str) {
    let file = env.path(&format!("password-{actor}"));
    std::fs::write(&file, format!("{PASSWORD}\n")).unwrap();
    env.run(&[
        "--as",
        "admin",
        "user",
        "add",
        actor,
        "--password-file",
        file.to_str().unwrap(),
    ])
    .ok();
}

/// `concordat serve` on a free port, not signed in.
pub fn serve_anonymous(env: &Env, extra: &[&str]) -> Server {
    let mut args = vec!["serve", "--listen", "127.0.0.1:0"];
    args.extend_from_slice(extra);
    Server::start(env.command(&args))
}

/// `concordat serve` on a free port, signed in as the auditor (who reads everything).
fn serve(env: &Env, extra: &[&str]) -> Server {
    account(env, "audit");
    let mut server = serve_anonymous(env, extra);
    server.sign_in("audit", PASSWORD);
    server
}

fn cli_json(env: &Env, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let run: Run = env.run(&all);
    run.ok();
    run.json()
}

/// The values of `attr="…"` in `html`, in order.
fn attrs(html: &str, attr: &str) -> Vec<String> {
    let key = format!("{attr}=\"");
    html.split(&key)
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap_or("").to_string())
        .collect()
}

/// The HTML of the element that carries `attr="value"`, up to the end of its row.
fn row<'a>(html: &'a str, attr: &str, value: &str) -> &'a str {
    let at = html
        .find(&format!("{attr}=\"{value}\""))
        .unwrap_or_else(|| panic!("no {attr}={value:?} in the page"));
    let rest = &html[at..];
    &rest[..rest.find("</tr>").unwrap_or(rest.len())]
}

/// The text of the story's entry for event `seq`, tags dropped.
fn story_item(html: &str, seq: &str) -> String {
    let at = html
        .find(&format!("<li data-seq=\"{seq}\">"))
        .unwrap_or_else(|| panic!("no story entry for seq {seq}"));
    let rest = &html[at..];
    let item = &rest[..rest.find("</li>").unwrap()];
    let mut text = String::new();
    let mut in_tag = false;
    for c in item.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

/// `2008-12-10` as the pages write it: "10 December 2008".
fn in_words(date: &str) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let parts: Vec<usize> = date.split('-').map(|p| p.parse().unwrap()).collect();
    format!("{} {} {}", parts[2], MONTHS[parts[1] - 1], parts[0])
}

fn pounds(amount: &str) -> String {
    let (whole, pence) = amount.split_once('.').unwrap();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("£{grouped}.{pence}")
}

#[test]
fn the_api_answers_in_the_cli_s_json_shapes() {
    let env = demo();
    let server = serve(&env, &[]);
    let list = cli_json(&env, &["proposal", "list"]);
    assert_eq!(server.ok("/api/proposals").json(), list);
    assert_eq!(
        server.ok("/api/proposals?council=redditch").json(),
        cli_json(&env, &["proposal", "list", "--council", "redditch"])
    );
    assert_eq!(
        server.ok("/api/proposals?stage=monitoring").json(),
        cli_json(&env, &["proposal", "list", "--stage", "monitoring"])
    );
    for p in list.as_array().unwrap() {
        let id = p["id"].as_str().unwrap();
        assert_eq!(
            server.ok(&format!("/api/proposals/{id}")).json(),
            cli_json(&env, &["proposal", "show", id]),
            "{id}"
        );
        assert_eq!(
            server.ok(&format!("/api/proposals/{id}/history")).json(),
            cli_json(&env, &["proposal", "history", id]),
            "{id}"
        );
    }
    for basis in ["effective", "recorded"] {
        assert_eq!(
            server
                .ok(&format!("/api/replay?as_of=2009-01-22&basis={basis}"))
                .json(),
            cli_json(
                &env,
                &["audit", "replay", "--as-of", "2009-01-22", "--basis", basis]
            )
        );
    }
    assert_eq!(
        server.ok("/api/reminders").json(),
        cli_json(&env, &["reminders", "list"])
    );
    assert_eq!(
        server.ok("/api/reminders?until=2010-12-31").json(),
        cli_json(&env, &["reminders", "list", "--until", "2010-12-31"])
    );
    assert_eq!(
        server.ok("/api/verify").json(),
        cli_json(&env, &["audit", "verify"])
    );
    assert_eq!(
        server.ok("/api/partnership").json(),
        cli_json(&env, &["partnership", "show"])
    );
    let ics = server.ok("/calendar.ics");
    assert!(ics.headers["content-type"].starts_with("text/calendar"));
    // The served feed links back to the server it came from.
    let base = server.url("");
    let cli_ics = env.run(&["reminders", "ics", "--base-url", &base]);
    assert_eq!(ics.text(), cli_ics.ok().stdout);
    assert!(ics.text().contains(&format!("URL:{base}/")));

    // Failures carry the CLI's error document and an HTTP status of the same meaning.
    let missing = server.get("/api/proposals/no-such-thing");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["error"]["kind"], "refused");
    assert_eq!(server.get("/api/proposals?stage=nowhere").status, 400);
    assert_eq!(server.get("/api/replay?as_of=2009-02-30").status, 400);
    assert_eq!(server.get("/api/replay").status, 400);
    assert_eq!(server.get("/api/nothing-here").status, 404);
}

#[test]
fn the_pages_show_what_the_cli_shows() {
    let env = demo();
    let server = serve(&env, &[]);
    let list = cli_json(&env, &["proposal", "list"]);
    let ids: BTreeSet<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect();

    // The pipeline lists every proposal, under its stage, with its next step.
    let pipeline = server.ok("/").text();
    assert_eq!(
        attrs(&pipeline, "data-id")
            .into_iter()
            .collect::<BTreeSet<_>>(),
        ids
    );
    for p in list.as_array().unwrap() {
        let id = p["id"].as_str().unwrap();
        let stage = p["stage"].as_str().unwrap();
        let section = pipeline
            .find(&format!("id=\"{stage}\""))
            .expect("a section per stage");
        let at = pipeline.find(&format!("data-id=\"{id}\"")).unwrap();
        assert!(at > section, "{id} under {stage}");
    }
    assert!(
        pipeline.contains("Move to"),
        "next steps are shown, in words"
    );
    let redditch = server.ok("/?council=redditch").text();
    let expected: BTreeSet<String> = cli_json(&env, &["proposal", "list", "--council", "redditch"])
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        attrs(&redditch, "data-id")
            .into_iter()
            .collect::<BTreeSet<_>>(),
        expected
    );
    let quick: BTreeSet<String> = attrs(&server.ok("/?category=quick-win").text(), "data-id")
        .into_iter()
        .collect();
    for id in &ids {
        let category = cli_json(&env, &["proposal", "show", id])["category"].clone();
        assert_eq!(quick.contains(id), category == "quick-win", "{id}");
    }

    // A proposal page: its state as `proposal show` has it, every event with both of its times.
    for id in &ids {
        let show = cli_json(&env, &["proposal", "show", id]);
        let page = server.ok(&format!("/proposals/{id}")).text();
        assert!(page.contains(&format!(
            "id=\"stage\" data-stage=\"{}\"",
            show["stage"].as_str().unwrap()
        )));
        assert!(page.contains(&format!("data-version=\"{}\"", show["version"])));
        let history = cli_json(&env, &["proposal", "history", id]);
        let seqs: Vec<String> = history
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["seq"].to_string())
            .collect();
        assert_eq!(attrs(&page, "data-seq"), seqs, "{id}: the timeline");
        for e in history.as_array().unwrap() {
            let item = story_item(&page, &e["seq"].to_string());
            let taken = in_words(e["effective_on"].as_str().unwrap());
            let recorded = in_words(&e["recorded_at"].as_str().unwrap()[..10]);
            assert!(item.starts_with(&taken), "{id} seq {}: {item}", e["seq"]);
            assert!(
                item.contains(&format!("on {recorded}")),
                "{id} seq {}: {item}",
                e["seq"]
            );
        }
        for reminder in show["next_reminders"].as_array().unwrap() {
            assert!(page.contains(reminder["id"].as_str().unwrap()));
        }
    }
    let elections = server.ok("/proposals/elections").text();
    assert!(elections.contains("What has happened"), "the story");
    assert_eq!(server.get("/proposals/no-such-thing").status, 404);

    // Savings: the chart, and every council's total as the proposals' own savings add up.
    let savings = server.ok("/savings").text();
    assert!(
        savings.contains("<svg") && savings.contains("<rect"),
        "a chart"
    );
    let mut totals = std::collections::BTreeMap::<String, i64>::new();
    for id in &ids {
        let show = cli_json(&env, &["proposal", "show", id]);
        for (council, amount) in show["savings"]["by_council"].as_object().unwrap() {
            let pence: i64 = amount.as_str().unwrap().replace('.', "").parse().unwrap();
            *totals.entry(council.clone()).or_default() += pence;
        }
    }
    let all = &savings[savings.find("All recorded").expect("an all-recorded row")..];
    let all = &all[..all.find("</tr>").unwrap()];
    for (council, pence) in &totals {
        if *pence > 0 {
            let text = pounds(&format!("{}.{:02}", pence / 100, pence % 100));
            assert!(all.contains(&text), "{council}: {text} in {all}");
        }
    }
    assert!(savings.contains("Year to date"));
    assert!(savings.contains("Share of all recorded"));

    // Upcoming: every reminder `reminders list` has, and the feed to subscribe to.
    let upcoming = server.ok("/upcoming").text();
    let reminders = cli_json(&env, &["reminders", "list"]);
    let shown: BTreeSet<String> = attrs(&upcoming, "data-reminder").into_iter().collect();
    for r in reminders.as_array().unwrap() {
        assert!(shown.contains(r["id"].as_str().unwrap()), "{r}");
    }
    assert!(upcoming.contains("/calendar.ics"));

    // Integrity: the chain's result and head, and each issued report to download, as issued.
    let verify = cli_json(&env, &["audit", "verify"]);
    let integrity = server.ok("/integrity").text();
    assert!(integrity.contains("the chain is unbroken"));
    assert!(integrity.contains(verify["head"].as_str().unwrap()));
    let reports = attrs(&integrity, "data-seq");
    assert!(!reports.is_empty(), "the demo issued reports");
    let log = cli_json(&env, &["audit", "log"]);
    for seq in reports {
        let file = server.ok(&format!("/reports/{seq}"));
        assert!(file.headers["content-disposition"].contains(".md"));
        let event = log
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["seq"].as_u64() == seq.parse().ok())
            .unwrap();
        let on_disk = std::fs::read(event["data"]["path"].as_str().unwrap()).unwrap();
        assert_eq!(file.body, on_disk);
    }
    assert_eq!(server.get("/reports/1").status, 404, "only issued reports");

    // A report file changed since it was issued no longer matches its recorded SHA-256: refused.
    let seq = attrs(&integrity, "data-seq")[0].clone();
    let event = log
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["seq"].as_u64() == seq.parse().ok())
        .unwrap();
    let path = event["data"]["path"].as_str().unwrap();
    let mut text = std::fs::read_to_string(path).unwrap();
    text = text.replacen('1', "7", 1);
    std::fs::write(path, text).unwrap();
    let changed = server.get(&format!("/reports/{seq}"));
    assert_eq!(changed.status, 409);
    assert!(changed
        .text()
        .contains("has been changed since it was issued"));
    assert!(!changed.headers.contains_key("content-disposition"));
}

#[test]
fn every_page_replays_as_of_a_date_on_either_basis() {
    let env = demo();
    let server = serve(&env, &[]);
    for basis in ["effective", "recorded"] {
        let replay = cli_json(
            &env,
            &["audit", "replay", "--as-of", "2009-01-22", "--basis", basis],
        );
        let q = format!("?as_of=2009-01-22&basis={basis}");
        let pipeline = server.ok(&format!("/{q}")).text();
        let ids: BTreeSet<String> = replay["proposals"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            attrs(&pipeline, "data-id")
                .into_iter()
                .collect::<BTreeSet<_>>(),
            ids
        );
        let banner = match basis {
            "recorded" => "what the records said then",
            _ => "what was true by the dates decisions were taken",
        };
        assert!(pipeline.contains(banner), "{basis}");
        for p in replay["proposals"].as_array().unwrap() {
            let id = p["id"].as_str().unwrap();
            let page = server.ok(&format!("/proposals/{id}{q}")).text();
            assert!(page.contains(&format!(
                "id=\"stage\" data-stage=\"{}\"",
                p["stage"].as_str().unwrap()
            )));
            assert!(page.contains(&format!("data-version=\"{}\"", p["version"])));
            let seqs: Vec<String> = p["timeline"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["seq"].to_string())
                .collect();
            assert_eq!(attrs(&page, "data-seq"), seqs, "{id} on the {basis} basis");
            for (council, decision) in p["approvals"].as_object().unwrap() {
                let r = row(&page, "data-council", council);
                assert!(r.contains(&format!("data-decision=\"{}\"", decision.as_str().unwrap())));
            }
            // Links keep the cut.
            assert!(page.contains("as_of=2009-01-22"));
        }
        for path in ["/savings", "/upcoming", "/integrity"] {
            let page = server.ok(&format!("{path}{q}")).text();
            assert!(page.contains("Showing"), "{path}");
            assert!(page.contains("22 January 2009, 11:59pm"), "{path}: {basis}");
        }
    }
    // Redditch deferred in December and approved on 21 January, recorded on the 26th.
    let effective = server
        .ok("/proposals/elections?as_of=2009-01-22&basis=effective")
        .text();
    let recorded = server
        .ok("/proposals/elections?as_of=2009-01-22&basis=recorded")
        .text();
    assert!(row(&effective, "data-council", "redditch").contains("data-decision=\"approve\""));
    assert!(row(&recorded, "data-council", "redditch").contains("data-decision=\"defer\""));
    assert_eq!(server.get("/?as_of=2009-01-22&basis=sideways").status, 400);
}

#[test]
fn the_view_is_read_only_and_leaves_the_store_to_other_commands() {
    let env = demo();
    let server = serve(&env, &[]);
    let before = cli_json(&env, &["audit", "verify"]);
    for method in ["POST", "PUT", "PATCH", "DELETE"] {
        for path in [
            "/",
            "/api/proposals",
            "/api/proposals/elections",
            "/proposals/elections",
        ] {
            let cookie = server.cookie.clone().unwrap();
            let r = request(&server.addr, method, path, &[("Cookie", &cookie)]);
            assert_eq!(r.status, 405, "{method} {path}");
            assert_eq!(r.headers["allow"], "GET, HEAD");
        }
    }
    let cookie = server.cookie.clone().unwrap();
    let head = request(&server.addr, "HEAD", "/", &[("Cookie", &cookie)]);
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(
        cli_json(&env, &["audit", "verify"]),
        before,
        "nothing was written"
    );

    // The server holds no lock between requests: a change goes through beside it, at once,
    // and the next request sees it.
    server.ok("/");
    let started = std::time::Instant::now();
    env.run_as(
        "jce",
        &[
            "proposal",
            "new",
            "--title",
            "Shared <b>legal</b> & \"other\" services",
            "--service",
            "legal",
            "--lead",
            "bromsgrove",
        ],
    )
    .ok();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "no wait for the store"
    );
    assert_eq!(
        server.ok("/api/proposals").json(),
        cli_json(&env, &["proposal", "list"])
    );

    // Strings from the log are HTML-escaped.
    let page = server.ok("/proposals/legal").text();
    assert!(page.contains("Shared &lt;b&gt;legal&lt;/b&gt; &amp; &quot;other&quot; services"));
    assert!(!page.contains("<b>legal</b>"));
    assert!(server.ok("/").text().contains("Shared &lt;b&gt;legal"));
}

/// Checks `path` is a PNG of the window's size; returns its size in bytes.
fn check_png(path: &Path) -> usize {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR");
    let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    assert_eq!((width, height), (1280, 900), "{}", path.display());
    bytes.len()
}

fn chromium() -> Option<String> {
    ["chromium", "chromium-browser"]
        .into_iter()
        .find(|b| {
            Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .map(str::to_string)
}

#[test]
fn headless_chromium_renders_the_pipeline_and_the_savings_chart() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "chromium is missing: .ci/run installs Debian's chromium package"
        );
        eprintln!("skipped: no chromium on this machine (apt-get install chromium)");
        return;
    };
    let env = demo();
    let server = serve_anonymous(&env, &["--public"]);
    for (name, path, min) in [("pipeline", "/", 20_000), ("savings", "/savings", 15_000)] {
        let shot = env.path(&format!("{name}.png"));
        let profile = env.path(&format!("chromium-{name}"));
        let mut cmd = Command::new(&browser);
        cmd.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg("--window-size=1280,900")
        .arg(server.url(path));
        let (code, stderr) = run_with_limit(cmd, Duration::from_secs(120));
        assert_eq!(code, Some(0), "chromium: {stderr}");
        let size = check_png(&shot);
        assert!(
            size > min,
            "{name}: {size} bytes is too small for a rendered page"
        );
        if let Ok(dir) = std::env::var("CONCORDAT_SCREENSHOTS") {
            std::fs::copy(&shot, Path::new(&dir).join(format!("{name}.png"))).unwrap();
        }
    }
}

#[test]
fn the_server_waits_for_a_busy_store_like_any_command() {
    let env = demo();
    let server = serve(&env, &[]);
    server.ok("/");
    // Another process holds STORE/lock for two seconds (flock(1) takes the same kind of lock).
    let lock = Path::new(&env.store).join("lock");
    let mut holder = Command::new("flock")
        .arg(&lock)
        .args(["sleep", "2"])
        .spawn()
        .expect("flock(1) from util-linux");
    std::thread::sleep(Duration::from_millis(300));
    let started = std::time::Instant::now();
    assert_eq!(server.get("/api/proposals").status, 200);
    assert!(
        started.elapsed() >= Duration::from_millis(1000),
        "the request waited for the lock: {:?}",
        started.elapsed()
    );
    holder.wait().unwrap();
    // Reads from the server and from the command line side by side: none fails or waits out.
    let store = env.store.clone();
    let cli = std::thread::spawn(move || {
        for _ in 0..5 {
            let out = Command::new(binary())
                .args(["--store", &store, "--json", "proposal", "list"])
                .env("CONCORDAT_NOW", NOW)
                .output()
                .unwrap();
            assert!(out.status.success());
        }
    });
    for _ in 0..10 {
        let r: Response = server.get("/api/proposals");
        assert_eq!(r.status, 200);
    }
    cli.join().unwrap();
}
