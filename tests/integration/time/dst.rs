//! Daylight saving: a daily 01:30 schedule across both of 2009's change days, against the
//! contract's policy (a time in the spring gap falls due once, at the gap's end; a repeated time
//! once, at the first).

use super::{fired, listed, tick};
use crate::support::{bromsgrove_redditch, Env};

/// The 2008 partnership with a daily 01:30 schedule.
fn half_past_one(now: &str) -> Env {
    let mut env = Env::new();
    env.at(now);
    let text = std::fs::read_to_string(bromsgrove_redditch())
        .unwrap()
        .replace("\"0 0 9 1 Jan,Apr,Jul,Oct *\"", "\"0 30 1 * * *\"");
    let file = env.path("half-past-one.toml");
    std::fs::write(&file, text).unwrap();
    env.run(&["init", file.to_str().unwrap()]).ok();
    env
}

#[test]
fn a_half_past_one_schedule_falls_due_once_when_the_clocks_go_forward() {
    let mut env = half_past_one("2009-03-27T12:00:00+00:00");
    let spring: Vec<String> = listed(&env, "2009-03-30")
        .into_iter()
        .map(|(_, due)| due)
        .collect();
    // 01:30 does not exist on 29 March: due once, at the end of the gap (02:00 BST).
    assert_eq!(
        spring,
        [
            "2009-03-28T01:30:00+00:00",
            "2009-03-29T02:00:00+01:00",
            "2009-03-30T01:30:00+01:00"
        ]
    );
    env.at("2009-03-29T00:59:00+00:00");
    tick(&env);
    env.at("2009-03-29T02:00:20+01:00");
    let fired_at_gap_end = fired(&tick(&env));
    assert_eq!(
        fired_at_gap_end.get("quarterly-report:2009-03-29T02:00:00+01:00"),
        Some(&false)
    );
}

#[test]
fn a_half_past_one_schedule_falls_due_once_when_the_clocks_go_back() {
    let mut env = half_past_one("2009-10-23T12:00:00+01:00");
    let autumn: Vec<String> = listed(&env, "2009-10-26")
        .into_iter()
        .map(|(_, due)| due)
        .collect();
    // 01:30 happens twice on 25 October: due once, at the first (BST).
    assert_eq!(
        autumn,
        [
            "2009-10-24T01:30:00+01:00",
            "2009-10-25T01:30:00+01:00",
            "2009-10-26T01:30:00+00:00"
        ]
    );
    env.at("2009-10-24T12:00:00+01:00");
    tick(&env);
    env.at("2009-10-25T01:31:00+01:00");
    let first = fired(&tick(&env));
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        ["quarterly-report:2009-10-25T01:30:00+01:00"]
    );
    // An hour later the clock reads 01:31 again (GMT): nothing more falls due.
    env.at("2009-10-25T01:31:00+00:00");
    assert_eq!(tick(&env)["fired"], serde_json::json!([]));
}
