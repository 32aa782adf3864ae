//! From March 2009: the shared service live, its KPIs, savings and reviews, and the record it leaves.

use super::{ok, refused, show};
use crate::support::Env;

/// Live on 2 March 2009, then a KPI, a quarter's saving and the six-month review.
pub(super) fn the_service_goes_live_and_is_monitored(env: &mut Env) {
    // Live on 2 March 2009: the step's effective date is the go-live date.
    let live = ok(
        env,
        "2009-03-02T09:00:00+00:00",
        "jce",
        &[
            "proposal",
            "advance",
            "elections",
            "--to",
            "monitoring",
            "--on",
            "2009-03-02",
        ],
    );
    assert_eq!(live["stage"], "monitoring");
    ok(
        env,
        "2009-03-02T09:01:00+00:00",
        "jce",
        &[
            "monitor",
            "kpi",
            "elections",
            "--name",
            "canvass-return-rate",
            "--target",
            "95",
            "--unit",
            "percent",
        ],
    );
    ok(
        env,
        "2009-04-03T10:00:00+01:00",
        "jce",
        &[
            "monitor",
            "saving",
            "elections",
            "--quarter",
            "2008/09-Q4",
            "--amount",
            "1500.01",
            "--on",
            "2009-03-31",
        ],
    );
    refused(
        env,
        "2009-04-03T10:00:00+01:00",
        "jce",
        &[
            "monitor",
            "saving",
            "elections",
            "--quarter",
            "2008/09-Q4",
            "--amount",
            "-5",
        ],
        2,
        "negative",
    );
    ok(
        env,
        "2009-09-03T10:00:00+01:00",
        "rbc-clerk",
        &[
            "review",
            "record",
            "elections",
            "--kind",
            "six-month",
            "--council",
            "redditch",
            "--outcome",
            "continue",
            "--summary",
            "Cabinet six-month review: continue",
            "--on",
            "2009-09-02",
        ],
    );
}

/// The proposal, its history, the list and the verified chain, as auditors and humans read them.
pub(super) fn the_record_tells_the_whole_story(env: &mut Env) {
    let after = show(env);
    assert_eq!(after["stage"], "monitoring");
    assert_eq!(
        after["workflow"],
        serde_json::json!({"name": "shared-service-proposal", "version": 1})
    );
    assert_eq!(
        after["approvals"],
        serde_json::json!({"bromsgrove": "approve", "redditch": "approve"})
    );
    assert_eq!(after["business_case"]["shares"]["redditch"], "50.00");
    assert_eq!(after["savings"]["total"], "1500.01");
    assert_eq!(
        after["savings"]["by_council"],
        serde_json::json!({"bromsgrove": "750.01", "redditch": "750.00"})
    );
    assert_eq!(after["reviews"][0]["outcome"], "continue");
    assert_eq!(after["went_live"], "2009-03-02");
    assert!(after["next_reminders"].is_array());

    // The history keeps both times of every event, versions 1..n, and the chain verifies.
    let history = env.json_as("audit", &["proposal", "history", "elections"]);
    let history = history.as_array().unwrap();
    let versions: Vec<u64> = history
        .iter()
        .map(|e| e["version"].as_u64().unwrap())
        .collect();
    assert_eq!(versions, (1..=history.len() as u64).collect::<Vec<_>>());
    assert_eq!(history.len() as u64, after["version"].as_u64().unwrap());
    let decision = history
        .iter()
        .find(|e| e["data"]["minute"] == "RBC Council 21 Jan 2009")
        .unwrap();
    assert_eq!(
        (decision["effective_on"].as_str(), decision["type"].as_str()),
        (Some("2009-01-21"), Some("council-decision-recorded"))
    );
    let listed = env.json_as("audit", &["proposal", "list", "--stage", "monitoring"]);
    assert_eq!(listed[0]["id"], "elections");
    assert_eq!(env.json_as("audit", &["audit", "verify"])["ok"], true);

    // And a human reads it.
    let text = env.run_as("audit", &["proposal", "show", "elections"]);
    text.ok();
    assert!(
        text.stdout
            .contains("Council decisions: bromsgrove approve, redditch approve"),
        "{}",
        text.stdout
    );
}
