//! Officers act in the browser (issue 23): each role signs in and makes the changes its role
//! allows through the forms, recorded exactly as the command line records them; refusals come back
//! beside the form; a form without its token, after the session ended, or from a client not
//! signed in changes nothing; and two sessions editing one proposal see the conflict.

use crate::support::http::{hidden, Client, Response, Server};
use crate::support::Env;
use crate::web::{account, serve_anonymous, PASSWORD};
use serde_json::Value;
use std::time::Duration;

const NOW: &str = "2009-07-15T12:00:00+01:00";

/// A store with the 2008 partnership, an account for each officer, and proposal `legal`.
fn store() -> Env {
    let env = Env::bromsgrove_redditch(NOW);
    for actor in ["jce", "bdc-clerk", "rbc-clerk", "audit", "admin"] {
        account(&env, actor);
    }
    env.run_as(
        "jce",
        &[
            "proposal",
            "new",
            "--title",
            "Shared legal",
            "--service",
            "legal",
            "--lead",
            "bromsgrove",
            "--on",
            "2009-07-01",
        ],
    )
    .ok();
    env
}

fn show(env: &Env) -> Value {
    env.json_as("audit", &["proposal", "show", "legal"])
}

fn head(env: &Env) -> Value {
    env.json_as("audit", &["audit", "verify"])["head"].clone()
}

/// The last event of `legal` as `proposal history` prints it.
fn last_event(env: &Env) -> Value {
    let history = env.json_as("audit", &["proposal", "history", "legal"]);
    history.as_array().unwrap().last().unwrap().clone()
}

#[track_caller]
fn recorded(r: &Response) {
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(r.headers["location"], "/proposals/legal");
}

#[test]
fn each_role_signs_in_and_acts_within_its_role() {
    let env = store();
    let server = serve_anonymous(&env, &[]);
    let jce = Client::signed_in(&server.addr, "jce", PASSWORD);
    let page = jce.get("/proposals/legal").text();
    assert!(
        page.contains("Make a change"),
        "the programme manager sees the forms"
    );

    // The programme manager advances the proposal: recorded under jce, as the CLI records it.
    // (Dated in the order it was taken: a move is never dated before the move it follows.)
    recorded(&jce.submit(
        "/proposals/legal/do/advance",
        &[("to", "business-case"), ("on", "2009-07-14")],
    ));
    assert_eq!(show(&env)["stage"], "business-case");
    let e = last_event(&env);
    assert_eq!(
        (e["actor"].as_str(), e["type"].as_str()),
        (Some("jce"), Some("stage-changed"))
    );
    assert_eq!(e["effective_on"], "2009-07-14");
    recorded(&jce.submit(
        "/proposals/legal/do/business-case",
        &[
            ("one_off_cost", "1000"),
            ("annual_saving", "5000"),
            ("risks", "staff turnover\n"),
        ],
    ));
    assert_eq!(show(&env)["business_case"]["annual_saving"], "5000.00");
    assert_eq!(
        last_event(&env)["effective_on"],
        "2009-07-15",
        "taken today when no date is given"
    );
    recorded(&jce.submit("/proposals/legal/do/advance", &[("to", "consultation")]));
    recorded(&jce.submit(
        "/proposals/legal/do/open-consultation",
        &[("with", "staff, unison")],
    ));
    recorded(&jce.submit(
        "/proposals/legal/do/consultation-response",
        &[("party", "unison"), ("summary", "Content")],
    ));
    recorded(&jce.submit("/proposals/legal/do/close-consultation", &[]));
    recorded(&jce.submit("/proposals/legal/do/advance", &[("to", "council-approval")]));

    // A rule refusal comes back beside the form, every reason listed, and records nothing.
    let before = head(&env);
    let refused = jce.submit("/proposals/legal/do/advance", &[("to", "monitoring")]);
    assert_eq!(refused.status, 422);
    let text = refused.text();
    assert!(
        text.contains("error-summary") && text.contains("This change was refused"),
        "{text}"
    );
    assert!(text.contains("3 conditions are unmet"), "{text}");
    for unmet in [
        "Shared Services Board has not voted",
        "Bromsgrove has not decided yet",
        "Redditch has not decided yet",
    ] {
        assert!(text.contains(unmet), "{unmet}: {text}");
    }
    assert!(
        !text.contains("concordat board vote"),
        "no command-line syntax"
    );
    assert_eq!(head(&env), before);

    // Bromsgrove's clerk records Bromsgrove's decision, and is refused Redditch's.
    let bdc = Client::signed_in(&server.addr, "bdc-clerk", PASSWORD);
    recorded(&bdc.submit(
        "/proposals/legal/do/council-decision",
        &[
            ("council", "bromsgrove"),
            ("decision", "approve"),
            ("minute", "C/2009/41"),
        ],
    ));
    let e = last_event(&env);
    assert_eq!(
        (e["actor"].as_str(), e["data"]["council"].as_str()),
        (Some("bdc-clerk"), Some("bromsgrove"))
    );
    let before = head(&env);
    let theirs = bdc.submit(
        "/proposals/legal/do/council-decision",
        &[("council", "redditch"), ("decision", "approve")],
    );
    assert_eq!(theirs.status, 403);
    assert!(theirs.text().contains("You cannot make this change"));
    assert!(
        theirs.text().contains("may not record redditch"),
        "{}",
        theirs.text()
    );
    assert_eq!(head(&env), before);
    assert_eq!(show(&env)["approvals"]["redditch"], "pending");

    // Redditch's clerk records Redditch's.
    let rbc = Client::signed_in(&server.addr, "rbc-clerk", PASSWORD);
    recorded(&rbc.submit(
        "/proposals/legal/do/council-decision",
        &[("council", "redditch"), ("decision", "defer")],
    ));
    assert_eq!(show(&env)["approvals"]["redditch"], "defer");

    // The auditor reads everything and can change nothing.
    let audit = Client::signed_in(&server.addr, "audit", PASSWORD);
    let page = audit.get("/proposals/legal");
    assert_eq!(page.status, 200);
    assert!(!page.text().contains("Make a change"));
    assert_eq!(audit.get("/api/proposals/legal").json(), show(&env));
    let before = head(&env);
    for (path, fields) in [
        ("/proposals/legal/do/hold", vec![("reason", "audit")]),
        (
            "/proposals/legal/do/council-decision",
            vec![("council", "redditch"), ("decision", "approve")],
        ),
    ] {
        let r = audit.submit(path, &fields);
        assert_eq!(r.status, 403, "{path}: {}", r.text());
    }
    assert_eq!(head(&env), before, "the auditor changed nothing");

    // The administrator signs in too, and may propose.
    let admin = Client::signed_in(&server.addr, "admin", PASSWORD);
    let r = admin.submit(
        "/new-proposal",
        &[
            ("title", "Shared payroll"),
            ("service", "payroll"),
            ("lead", "redditch"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(r.headers["location"], "/proposals/payroll");
    let created = env.json_as("audit", &["proposal", "show", "payroll"]);
    assert_eq!(created["created_by"], "admin");
}

#[test]
fn forms_without_their_token_after_expiry_or_signed_out_change_nothing() {
    let env = store();
    let mut cmd = env.command(&["serve", "--listen", "127.0.0.1:0"]);
    cmd.env("CONCORDAT_SESSION_IDLE_SECS", "2");
    let server = Server::start(cmd);
    let jce = Client::signed_in(&server.addr, "jce", PASSWORD);
    let form = jce.get("/proposals/legal/do/advance").text();
    let version = hidden(&form, "expect_version").unwrap();
    let csrf = hidden(&form, "csrf").unwrap();
    let before = head(&env);
    let fields = |token: &'static str| {
        vec![
            ("to", "business-case"),
            ("expect_version", version.as_str()),
            ("csrf", token),
        ]
    };

    // No token, a wrong one, another session's.
    let none = jce.post(
        "/proposals/legal/do/advance",
        &[("to", "business-case"), ("expect_version", &version)],
    );
    assert_eq!(none.status, 403);
    assert!(
        none.text().contains("could not be checked as yours"),
        "{}",
        none.text()
    );
    assert_eq!(
        jce.post("/proposals/legal/do/advance", &fields("0000"))
            .status,
        403
    );
    let other = Client::signed_in(&server.addr, "jce", PASSWORD);
    let mut stolen = fields("x");
    stolen[2] = ("csrf", &csrf);
    assert_eq!(
        other.post("/proposals/legal/do/advance", &stolen).status,
        403,
        "a token is its session's"
    );

    // A client that is not signed in.
    let stranger = server.session(&None);
    let r = stranger.post("/proposals/legal/do/advance", &stolen);
    assert_eq!(r.status, 401);
    assert!(r.text().contains("not signed in"));

    // The session ran out (idle for longer than CONCORDAT_SESSION_IDLE_SECS).
    std::thread::sleep(Duration::from_millis(2500));
    let late = jce.post("/proposals/legal/do/advance", &stolen);
    assert_eq!(late.status, 401);
    assert!(
        late.text().contains("Your session has ended"),
        "{}",
        late.text()
    );
    let page = jce.get("/");
    assert_eq!(page.status, 303, "an ended session stays ended");

    assert_eq!(head(&env), before, "nothing was written");
    assert_eq!(show(&env)["stage"], "quick-win");
}

#[test]
fn two_sessions_editing_one_proposal_see_the_conflict() {
    let env = store();
    let server = serve_anonymous(&env, &[]);
    let first = Client::signed_in(&server.addr, "jce", PASSWORD);
    let second = Client::signed_in(&server.addr, "admin", PASSWORD);
    // Both open a form on the proposal as it stands (version 1).
    let a = first.get("/proposals/legal/do/advance").text();
    let b = second.get("/proposals/legal/do/hold").text();
    assert_eq!(hidden(&a, "expect_version").as_deref(), Some("1"));
    assert_eq!(hidden(&b, "expect_version").as_deref(), Some("1"));
    let post = |client: &Client, html: &str, path: &str, fields: &[(&str, &str)]| {
        let csrf = hidden(html, "csrf").unwrap();
        let mut all = fields.to_vec();
        all.push(("csrf", &csrf));
        all.push(("expect_version", "1"));
        client.post(path, &all)
    };
    recorded(&post(
        &first,
        &a,
        "/proposals/legal/do/advance",
        &[("to", "business-case")],
    ));
    let late = post(
        &second,
        &b,
        "/proposals/legal/do/hold",
        &[("reason", "waiting for the budget")],
    );
    assert_eq!(late.status, 409);
    let text = late.text();
    assert!(
        text.contains("This proposal has changed since you opened the form"),
        "{text}"
    );
    assert!(
        text.contains("waiting for the budget"),
        "what was typed is kept"
    );
    assert_eq!(
        hidden(&text, "expect_version").as_deref(),
        Some("1"),
        "never silently moved on"
    );
    // Only the first change was recorded.
    let s = show(&env);
    assert_eq!(
        (s["stage"].as_str(), s["version"].as_u64()),
        (Some("business-case"), Some(2))
    );
}

/// The payroll proposal of three councils (each with its own call-in window), approved by each on
/// the evening of 14 January 2009, with web accounts; the server's clock at `now`.
fn payroll_approved() -> Env {
    let mut env = crate::call_in::at_council_approval();
    for (clerk, council) in [
        ("bdc-clerk", "bromsgrove"),
        ("rbc-clerk", "redditch"),
        ("wfdc-clerk", "wyre-forest"),
    ] {
        crate::call_in::approve(&mut env, "2009-01-14T19:30:00Z", clerk, council, &[]).ok();
    }
    for actor in ["jce", "bdc-clerk", "rbc-clerk", "audit"] {
        account(&env, actor);
    }
    env.at("2009-01-16T10:00:00Z");
    env
}

fn payroll(env: &Env) -> Value {
    env.json_as("audit", &["proposal", "show", "payroll"])
}

#[track_caller]
fn recorded_at(r: &Response, id: &str) {
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(r.headers["location"], format!("/proposals/{id}"));
}

#[test]
fn a_clerk_records_a_call_in_and_its_resolution() {
    let env = payroll_approved();
    let server = serve_anonymous(&env, &[]);
    let rbc = Client::signed_in(&server.addr, "rbc-clerk", PASSWORD);
    let jce = Client::signed_in(&server.addr, "jce", PASSWORD);
    // Offered to the clerks whose council's window is open, not to the programme manager.
    let page = rbc.get("/proposals/payroll").text();
    assert!(page.contains("Record a call-in by scrutiny"), "{page}");
    assert!(!page.contains("Record how a call-in was resolved"));
    assert!(!jce
        .get("/proposals/payroll")
        .text()
        .contains("Record a call-in by scrutiny"));
    // The form offers the clerk's own council.
    let form = rbc.get("/proposals/payroll/do/call-in").text();
    assert!(form.contains(r#"value="redditch""#), "{form}");
    assert!(!form.contains(r#"value="bromsgrove""#), "{form}");

    // Without a reason: the error summary, nothing written.
    let before = head(&env);
    let blank = rbc.submit(
        "/proposals/payroll/do/call-in",
        &[("council", "redditch"), ("reason", "")],
    );
    assert_eq!(blank.status, 400, "{}", blank.text());
    assert!(blank.text().contains("Check what you entered"));
    assert!(
        blank.text().contains(r##"href="#f-reason""##),
        "{}",
        blank.text()
    );
    // Another council's approval is not the clerk's to call in.
    let bdc = Client::signed_in(&server.addr, "bdc-clerk", PASSWORD);
    let theirs = bdc.submit(
        "/proposals/payroll/do/call-in",
        &[("council", "redditch"), ("reason", "not ours")],
    );
    assert_eq!(theirs.status, 403, "{}", theirs.text());
    assert_eq!(head(&env), before);

    recorded_at(
        &rbc.submit(
            "/proposals/payroll/do/call-in",
            &[
                ("council", "redditch"),
                ("reason", "Overview and Scrutiny Board: the staffing model"),
            ],
        ),
        "payroll",
    );
    let view = payroll(&env);
    assert_eq!(view["call_in"]["redditch"]["status"], "called-in");
    assert_eq!(view["call_in"]["redditch"]["requested"]["by"], "rbc-clerk");
    // Now the resolution is offered, and a second call-in refused with its reason.
    let page = rbc.get("/proposals/payroll").text();
    assert!(page.contains("Record how a call-in was resolved"), "{page}");
    // What happens next says the going-live waits for scrutiny, as the rules do when it is tried.
    assert!(
        page.contains("suspended by a call-in"),
        "the next step hides the call-in: {page}"
    );
    let again = rbc.submit(
        "/proposals/payroll/do/call-in",
        &[("council", "redditch"), ("reason", "again")],
    );
    assert_eq!(again.status, 422);
    assert!(
        again.text().contains("already called in"),
        "{}",
        again.text()
    );

    // A choice that is not one: refused in plain words; then confirmed.
    let odd = rbc.submit(
        "/proposals/payroll/do/call-in-resolved",
        &[("council", "redditch"), ("outcome", "upheld")],
    );
    assert_eq!(odd.status, 400);
    assert!(
        odd.text().contains("what scrutiny decided"),
        "{}",
        odd.text()
    );
    recorded_at(
        &rbc.submit(
            "/proposals/payroll/do/call-in-resolved",
            &[("council", "redditch"), ("outcome", "confirmed")],
        ),
        "payroll",
    );
    assert_eq!(payroll(&env)["call_in"]["redditch"]["status"], "confirmed");
    let page = rbc.get("/proposals/payroll").text();
    assert!(!page.contains("Record a call-in by scrutiny"));
    assert!(!page.contains("Record how a call-in was resolved"));
}

/// The elections quick win, live since 2 March 2009, on 15 July 2009 with the programme
/// manager's account.
fn elections_live() -> Env {
    let mut env = crate::savings_stories::proposed_and_approved_in_principle();
    crate::savings_stories::to_council_approval(&mut env);
    crate::savings_stories::live(&mut env);
    env.at(NOW);
    for actor in ["jce", "audit"] {
        account(&env, actor);
    }
    env
}

fn elections(env: &Env) -> Value {
    env.json_as("audit", &["proposal", "show", "elections"])
}

#[test]
fn a_saving_is_corrected_or_falls_short_with_a_reason() {
    let env = elections_live();
    let server = serve_anonymous(&env, &[]);
    let jce = Client::signed_in(&server.addr, "jce", PASSWORD);
    let path = "/proposals/elections/do/saving";
    let form = jce.get(path).text();
    assert!(
        form.contains("This corrects the figure already recorded"),
        "{form}"
    );
    recorded_at(
        &jce.submit(path, &[("quarter", "2008/09-Q4"), ("amount", "1500")]),
        "elections",
    );
    // A second figure that is not marked as a correction is refused.
    let second = jce.submit(path, &[("quarter", "2008/09-Q4"), ("amount", "1450")]);
    assert_eq!(second.status, 422, "{}", second.text());
    assert!(
        second.text().contains("already has a saving"),
        "{}",
        second.text()
    );
    assert!(
        !second.text().contains("--correct"),
        "no command-line syntax"
    );
    // A correction without a reason: the summary links to the reason.
    let fields = |reason: &'static str| {
        vec![
            ("quarter", "2008/09-Q4"),
            ("amount", "1450"),
            ("replaces_figure", "yes"),
            ("reason", reason),
        ]
    };
    let bare = jce.submit(path, &fields(""));
    assert_eq!(bare.status, 400, "{}", bare.text());
    let text = bare.text();
    assert!(text.contains("A correction needs a reason"), "{text}");
    assert!(text.contains(r##"href="#f-reason""##), "{text}");
    assert!(
        text.contains(r#"value="yes" checked"#),
        "the box stays ticked: {text}"
    );
    recorded_at(
        &jce.submit(path, &fields("A printing invoice counted twice")),
        "elections",
    );
    let q4 = &elections(&env)["savings"]["by_quarter"]["2008/09-Q4"];
    assert_eq!(q4["amount"], "1450.00");
    assert_eq!(q4["corrects"], "1500.00");
    assert_eq!(q4["reason"], "A printing invoice counted twice");

    // A shortfall needs a reason too.
    let short = |reason: &'static str| {
        vec![
            ("quarter", "2009/10-Q1"),
            ("amount", "-200"),
            ("reason", reason),
        ]
    };
    let bare = jce.submit(path, &short(""));
    assert_eq!(bare.status, 400);
    assert!(bare.text().contains("A shortfall"), "{}", bare.text());
    recorded_at(
        &jce.submit(path, &short("Agency staff for the county elections")),
        "elections",
    );
    let q1 = &elections(&env)["savings"]["by_quarter"]["2009/10-Q1"];
    assert_eq!(q1["amount"], "-200.00");
    assert_eq!(q1["reason"], "Agency staff for the county elections");
}

fn milestones(env: &Env) -> Value {
    env.json_as("audit", &["milestone", "list"])
}

#[test]
fn the_programme_manager_adds_moves_and_completes_programme_milestones() {
    let env = store();
    let server = serve_anonymous(&env, &[]);
    let jce = Client::signed_in(&server.addr, "jce", PASSWORD);
    let upcoming = jce.get("/upcoming").text();
    assert!(upcoming.contains("Add a programme milestone"), "{upcoming}");
    // A clerk and the auditor are not offered the forms, and a clerk's post is refused.
    let rbc = Client::signed_in(&server.addr, "rbc-clerk", PASSWORD);
    assert!(!rbc
        .get("/upcoming")
        .text()
        .contains("Add a programme milestone"));
    let audit = Client::signed_in(&server.addr, "audit", PASSWORD);
    assert!(!audit
        .get("/upcoming")
        .text()
        .contains("Add a programme milestone"));
    let add = |client: &Client, id: &'static str, due: &'static str| {
        client.submit(
            "/new-milestone",
            &[
                ("title", "Phase 2 business cases to the Board"),
                ("milestone", id),
                ("due", due),
            ],
        )
    };
    let before = head(&env);
    assert_eq!(add(&rbc, "phase-2-cases", "2009-09-30").status, 403);
    // A date that is not one: the summary links to the field.
    let bad = add(&jce, "phase-2-cases", "30 Sept");
    assert_eq!(bad.status, 400, "{}", bad.text());
    assert!(bad.text().contains(r##"href="#f-due""##), "{}", bad.text());
    assert_eq!(head(&env), before);

    let added = add(&jce, "phase-2-cases", "2009-09-30");
    assert_eq!(added.status, 303, "{}", added.text());
    assert_eq!(added.headers["location"], "/upcoming");
    let list = milestones(&env);
    assert_eq!(list[0]["id"], "phase-2-cases");
    assert_eq!(list[0]["due"], "2009-09-30");
    assert_eq!(list[0]["proposal"], Value::Null);
    // The same short name again is refused in plain words (not as a change made meanwhile).
    let again = add(&jce, "phase-2-cases", "2009-10-30");
    assert_eq!(again.status, 409);
    assert!(again.text().contains("already taken"), "{}", again.text());
    assert!(!again.text().contains("since you opened the form"));

    // Moving the date needs a reason; it keeps the first date.
    let amend = "/milestones/phase-2-cases/do/amend";
    let bare = jce.submit(amend, &[("due", "2009-10-31"), ("reason", "")]);
    assert_eq!(bare.status, 400, "{}", bare.text());
    assert!(
        bare.text().contains(r##"href="#f-reason""##),
        "{}",
        bare.text()
    );
    // Two people open forms on it; the first moves it, the second's completion sees the change.
    let late_form = jce.get("/milestones/phase-2-cases/do/complete").text();
    assert_eq!(hidden(&late_form, "expect_version").as_deref(), Some("1"));
    let moved = jce.submit(
        amend,
        &[
            ("due", "2009-10-31"),
            ("reason", "The Board meets a month later"),
        ],
    );
    assert_eq!(moved.status, 303, "{}", moved.text());
    let m = &milestones(&env)[0];
    assert_eq!(
        (m["due"].as_str(), m["original_due"].as_str()),
        (Some("2009-10-31"), Some("2009-09-30"))
    );
    assert_eq!(
        m["amendments"][0]["reason"],
        "The Board meets a month later"
    );
    assert_eq!(m["amendments"][0]["by"], "jce");
    let csrf = hidden(&late_form, "csrf").unwrap();
    let stale = jce.post(
        "/milestones/phase-2-cases/do/complete",
        &[("csrf", &csrf), ("expect_version", "1")],
    );
    assert_eq!(stale.status, 409, "{}", stale.text());
    assert!(
        stale
            .text()
            .contains("This milestone has changed since you opened the form"),
        "{}",
        stale.text()
    );
    assert_eq!(milestones(&env)[0]["completed"], Value::Null);

    let done = jce.submit("/milestones/phase-2-cases/do/complete", &[]);
    assert_eq!(done.status, 303, "{}", done.text());
    assert_eq!(milestones(&env)[0]["completed"]["by"], "jce");
    let upcoming = jce.get("/upcoming").text();
    assert!(
        !upcoming.contains("/milestones/phase-2-cases/do/amend"),
        "a completed milestone is not offered"
    );
    // A milestone that is not the programme's has no form here.
    let missing = jce.get("/milestones/nothing/do/amend").text();
    assert!(
        missing.contains("There is no programme milestone"),
        "{missing}"
    );
}
