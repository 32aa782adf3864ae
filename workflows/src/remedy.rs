//! What would put a refusal right, as data: the CLI words each remedy as a command to run (and a
//! web page may offer a form), so the rules never name a command or a flag. Attached to a
//! `Failure` with `with_remedy` (a line of its own) or `with_detail_remedy` (completing a detail).

use crate::definition::Stage;
use jiff::civil::Date;

/// A step the user can take, with the values it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Remedy {
    /// See where the proposal stands and what it needs next.
    ShowProposal { id: String },
    /// See every proposal.
    ListProposals,
    /// See how the proposal got where it is.
    ShowHistory { id: String },
    /// Read the proposal again, then retry expecting `version`.
    RetryAtVersion { id: String, version: u64 },
    /// Give no expected version: the thing is new, at version 0.
    NoExpectedVersion,
    /// Retry expecting `version` (a programme milestone's).
    ExpectVersion { version: u64 },
    /// Say who is acting.
    NameActor,
    /// Record the decision without urgency.
    NotUrgent,
    /// Name the proposal's councils (at least two, the lead among them).
    NameCouncils,
    /// Date the change on or after `date`.
    DateFrom { date: Date },
    /// Resume the held proposal.
    Resume { id: String },
    /// Move the proposal back to `to` first.
    MoveBack { id: String, to: Stage },
    /// `to` is reached by its own command (hold, withdraw, not-pursue, close), not by an advance.
    MoveBy { to: Stage },
    /// Record a business case.
    RecordBusinessCase { id: String },
    /// Give each of `councils` a share summing to 100, or none for equal shares.
    GiveShares { councils: Vec<String> },
    /// Open a consultation with staff and at least one union.
    OpenConsultation { id: String },
    /// Open a consultation that includes the affected staff.
    ConsultStaff,
    /// Close the consultation (once its responses are recorded).
    CloseConsultation { id: String },
    /// Record the Board meeting's vote.
    RecordBoardVote { id: String },
    /// `council`'s clerk records its approval.
    CouncilApproves { id: String, council: String },
    /// Scrutiny confirms `council`'s called-in approval.
    ConfirmCallIn { id: String, council: String },
    /// Define the performance indicator `name` first.
    DefineKpi { id: String, name: String },
    /// See every milestone.
    ListMilestones,
    /// See the risk `id` with its history.
    ShowRisk { id: String },
    /// See the risk register.
    ListRisks,
    /// See the partnership: its councils, Board members and actors.
    ShowPartnership,
    /// Create the store from a partnership file.
    CreateStore,
    /// Find an event's seq in the log.
    FindSeq,
    /// Make a checkpoint of the log as it is now.
    SignCheckpoint,
    /// Verify the source store's log.
    VerifySource,
    /// Give the quarter's figure again as a correction, with the reason.
    CorrectSaving {
        id: String,
        quarter: crate::quarter::Quarter,
    },
    /// Say why (a correction, a shortfall).
    GiveReason,
    /// Date the Board vote at a meeting on or after `date`.
    MeetingFrom { date: Date },
    /// `council` records leaving each of `proposals` (its own decision) before it leaves the
    /// partnership.
    LeaveFirst {
        council: String,
        proposals: Vec<String>,
    },
    /// Give each of `councils` (those that remain in a live service) a share summing to 100.
    GiveRemainingShares { councils: Vec<String> },
    /// Act as an actor that has `role` (an administrator, the scheduler).
    ActAs { role: String },
    /// Make the outbox a writable directory, then tick again.
    WritableOutbox,
    /// Layout 1 had Markdown and CSV only: ask for those, or for layout 2.
    FormatOfLayout1,
    /// See the Board's meetings, scheduled and the next of the cycle.
    ListBoardMeetings,
    /// See one Board meeting: agenda, attendance, minutes.
    ShowBoardMeeting { meeting: Date },
    /// Schedule a Board meeting on `on`.
    ScheduleBoardMeeting { on: Date },
    /// Record who was present at the meeting and who sent apologies.
    RecordAttendance { meeting: Date },
    /// Put the proposal on the meeting's agenda.
    AddToAgenda { meeting: Date, id: String },
    /// Draft the meeting's minutes.
    DraftMinutes { meeting: Date },
}

/// An unmet condition of a move, in plain words, and what would meet it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmet {
    pub condition: String,
    pub remedy: Option<Remedy>,
}

impl Unmet {
    /// A condition nothing but time or another meeting meets.
    pub fn plain(condition: impl Into<String>) -> Unmet {
        Unmet {
            condition: condition.into(),
            remedy: None,
        }
    }

    /// A condition `remedy` meets.
    pub fn met_by(condition: impl Into<String>, remedy: Remedy) -> Unmet {
        Unmet {
            condition: condition.into(),
            remedy: Some(remedy),
        }
    }
}

/// Adds each unmet condition to `failure` as a detail, completed by its remedy.
pub fn with_unmet(failure: engine::Failure, unmet: Vec<Unmet>) -> engine::Failure {
    unmet.into_iter().fold(failure, |f, u| match u.remedy {
        Some(remedy) => f.with_detail_remedy(u.condition, remedy),
        None => f.with_detail(u.condition),
    })
}
