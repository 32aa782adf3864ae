//! The Board's page: the 2008 meetings the demo records, in words — the 1 September meeting at
//! Bromsgrove with its agenda and attendance, the 3 November one at Redditch that approved the
//! September minutes — and the cycle's next meeting, computed, as `board meeting list` has them.

use crate::web::{account, demo, serve_anonymous, PASSWORD};
use serde_json::Value;

#[test]
fn the_board_page_tells_each_meeting_as_the_command_line_lists_it() {
    let env = demo();
    let run = env.run_as("audit", &["--json", "board", "meeting", "list"]);
    let meetings: Value = run.ok().json();
    let meetings = meetings.as_array().unwrap();
    assert!(
        meetings.len() >= 3,
        "two 2008 meetings and the next: {meetings:?}"
    );

    account(&env, "audit");
    let mut server = serve_anonymous(&env, &[]);
    server.sign_in("audit", PASSWORD);
    let page = server.ok("/board").text();
    for m in meetings {
        let day: jiff::civil::Date = m["meeting"].as_str().unwrap().parse().unwrap();
        let when = day.strftime("%-d %B %Y").to_string();
        let venue = m["venue_name"].as_str().unwrap();
        assert!(page.contains(&format!("{when}, ")), "{when} missing");
        assert!(page.contains(venue), "{venue} missing");
    }
    assert!(page.contains("(next in the cycle, not yet scheduled)"));
    assert!(page.contains("Approved at the meeting of 3 November 2008"));
    assert!(page.contains("The meeting was quorate."));
    // Plain words only: no dates as the log keeps them.
    assert!(!page.contains("2008-09-01"), "an ISO date on the page");
    // The page is behind sign-in like every other.
    let anonymous = serve_anonymous(&env, &[]);
    assert_ne!(anonymous.get("/board").status, 200);
}
