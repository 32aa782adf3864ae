//! The 2008 shared-elections quick win, end to end through the binary, as the seed documents tell it
//! (seed 003: the quick wins report, the Board minutes of 1 September 2008, the council report of
//! 17 September 2008), with every refusal on the way and its exit code.
//!
//! One test follows the proposal through every chapter in order (each starts from the state the
//! last one left); the modules hold the chapters and the story's side tests.

mod consultation;
mod councils;
mod fixed_sets;
mod milestones;
mod monitoring;
mod proposal;

use crate::support::Env;
use serde_json::Value;

/// Runs `args` as `actor` at `now` with `--json`; it must succeed.
#[track_caller]
fn ok(env: &mut Env, now: &str, actor: &str, args: &[&str]) -> Value {
    env.at(now);
    env.json_as(actor, args)
}

/// Runs `args` as `actor` at `now`; it must exit `code` with an error document of `kind` whose
/// message or details mention `needle`. Returns the error document.
#[track_caller]
fn refused(env: &mut Env, now: &str, actor: &str, args: &[&str], code: i32, needle: &str) -> Value {
    env.at(now);
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let run = env.run_as(actor, &all);
    run.expect_code(code);
    assert!(
        run.stdout.is_empty(),
        "nothing on stdout for a refusal: {}",
        run.stdout
    );
    let error = run.error_json();
    let text = format!(
        "{} {}",
        error["error"]["message"], error["error"]["details"]
    );
    assert!(
        text.to_lowercase().contains(&needle.to_lowercase()),
        "the refusal should mention {needle:?}: {text}"
    );
    let kind = match code {
        2 => "usage",
        3 => "refused",
        4 => "conflict",
        5 => "not-permitted",
        _ => "internal",
    };
    assert_eq!(error["error"]["kind"], kind);
    error
}

/// The proposal as `proposal show --json` prints it.
fn show(env: &Env) -> Value {
    env.json_as("audit", &["proposal", "show", "elections"])
}

#[test]
fn the_shared_elections_quick_win_from_the_board_to_a_monitored_service() {
    // 1 September 2008, 5.30pm: the Shared Services Board's first meeting. The Acting Joint Chief
    // Executive (KD) "detailed a proposal for a shared Elections Service".
    let mut env = Env::bromsgrove_redditch("2008-09-01T17:45:00+01:00");
    proposal::the_quick_win_is_proposed(&mut env);
    proposal::the_council_asks_for_a_business_case(&mut env);
    proposal::the_business_case_is_made(&mut env);
    consultation::the_consultation_opens(&mut env);
    consultation::the_board_votes(&mut env);
    consultation::the_consultation_closes(&mut env);
    councils::bromsgrove_approves(&mut env);
    councils::redditch_defers_then_approves(&mut env);
    monitoring::the_service_goes_live_and_is_monitored(&mut env);
    monitoring::the_record_tells_the_whole_story(&mut env);
}
