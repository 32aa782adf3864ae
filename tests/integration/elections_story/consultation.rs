//! October and November 2008: staff and unions consulted, and the Board's vote meanwhile.

use super::{ok, refused, show};
use crate::support::{elections, Env};

/// The consultation opens, and holds the proposal back while it is open.
pub(super) fn the_consultation_opens(env: &mut Env) {
    // "subject to a proper process of consultation with affected staff and trade unions"
    ok(
        env,
        "2008-10-21T10:00:00+01:00",
        "jce",
        &[
            "consultation",
            "open",
            "elections",
            "--with",
            "staff,unison,gmb",
            "--on",
            "2008-10-21",
        ],
    );
    // Refused: the consultation is still open.
    refused(
        env,
        "2008-10-22T10:00:00+01:00",
        "jce",
        &[
            "proposal",
            "advance",
            "elections",
            "--to",
            "council-approval",
        ],
        3,
        "still open",
    );
}

/// The Board of 3 November 2008: members only, no substitutes, and a qualified majority.
pub(super) fn the_board_votes(env: &mut Env) {
    // 3 November 2008, the Board. Minutes of 1 September: "substitutes would not be appropriate".
    refused(
        env,
        "2008-11-04T10:00:00+00:00",
        "jce",
        &[
            "board",
            "vote",
            "elections",
            "--meeting",
            "2008-11-03",
            "--support",
            "bdc-leader,bdc-member-2,bdc-substitute,rbc-leader,rbc-member-2",
        ],
        3,
        "substitutes may not sit",
    );
    // Five in support, one abstention: no consensus, but at least two from each council (§4.3(a)(iii)).
    let vote = ok(
        env,
        "2008-11-04T10:01:00+00:00",
        "jce",
        &[
            "board",
            "vote",
            "elections",
            "--meeting",
            "2008-11-03",
            "--support",
            "bdc-leader,bdc-member-2,bdc-member-3,rbc-leader,rbc-member-2",
            "--abstain",
            "rbc-member-3",
        ],
    );
    assert_eq!(vote["data"]["outcome"], "qualified-majority");
    assert_eq!(
        vote["effective_on"], "2008-11-03",
        "the meeting date is the vote's effective date"
    );
}

/// The parties respond, the consultation closes, and the councils are asked to decide.
pub(super) fn the_consultation_closes(env: &mut Env) {
    ok(
        env,
        "2008-11-14T16:00:00+00:00",
        "jce",
        &[
            "consultation",
            "respond",
            "elections",
            "--party",
            "staff",
            "--summary",
            "Both elections teams support one team",
            "--on",
            "2008-11-14",
        ],
    );
    ok(
        env,
        "2008-11-18T16:00:00+00:00",
        "jce",
        &[
            "consultation",
            "respond",
            "elections",
            "--party",
            "unison",
            "--summary",
            "Supports, subject to no compulsory redundancies",
            "--on",
            "2008-11-18",
        ],
    );
    ok(
        env,
        "2008-11-21T12:00:00+00:00",
        "jce",
        &["consultation", "close", "elections", "--on", "2008-11-21"],
    );
    ok(
        env,
        "2008-11-21T12:01:00+00:00",
        "jce",
        elections::TO_COUNCIL_APPROVAL,
    );
    let now = show(env);
    assert_eq!(now["consultation"]["status"], "closed");
    assert_eq!(now["consultation"]["parties"]["gmb"], "pending");
    assert_eq!(now["board"]["outcome"], "qualified-majority");
    assert_eq!(now["board"]["meeting"], "2008-11-03");
}
