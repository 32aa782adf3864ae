//! The Board meeting events' data (a public contract once released: keys are added, never renamed).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A meeting was scheduled (effective: when it was decided).
pub const MEETING_SCHEDULED: &str = "board-meeting-scheduled";
/// An item was put on a meeting's agenda.
pub const AGENDA_ITEM_ADDED: &str = "board-agenda-item-added";
/// Who was present and who sent apologies (effective: the meeting date; the latest record stands).
pub const ATTENDANCE_RECORDED: &str = "board-attendance-recorded";
/// The minutes as drafted (a later draft replaces an earlier one until they are approved).
pub const MINUTES_DRAFTED: &str = "board-minutes-drafted";
/// The minutes approved at a later meeting (effective: that meeting's date).
pub const MINUTES_APPROVED: &str = "board-minutes-approved";

/// `board-meeting-scheduled`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingScheduled {
    /// The meeting's date, `YYYY-MM-DD`: its name.
    pub meeting: String,
    /// Its start, `HH:MM` local.
    pub at: String,
    /// The host council.
    pub venue: String,
    /// The host council's Leader, when the partnership names one.
    pub chair: Option<String>,
    /// The agenda's clear working days, as the cycle had it when scheduled.
    pub agenda_clear_days: u32,
}

/// `board-agenda-item-added`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaItemAdded {
    pub meeting: String,
    pub proposal: String,
    /// Why the public is excluded (an exempt item); null for a public item.
    pub exempt: Option<String>,
}

/// One council's attendance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouncilAttendance {
    pub members: u32,
    pub present: u32,
    pub apologies: u32,
}

/// `board-attendance-recorded`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendanceRecorded {
    pub meeting: String,
    pub present: Vec<String>,
    pub apologies: Vec<String>,
    /// Members neither present nor sending apologies.
    pub absent: Vec<String>,
    pub by_council: BTreeMap<String, CouncilAttendance>,
    /// `board_rule.quorum_per_council` on the meeting date (null: no quorum rule).
    pub quorum_per_council: Option<u32>,
    pub quorate: bool,
}

/// `board-minutes-drafted`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinutesDrafted {
    pub meeting: String,
    pub text: String,
    /// SHA-256 of `text` (UTF-8), hex.
    pub sha256: String,
}

/// `board-minutes-approved`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinutesApproved {
    pub meeting: String,
    /// The later meeting that approved them.
    pub at: String,
    /// The draft approved.
    pub sha256: String,
}
