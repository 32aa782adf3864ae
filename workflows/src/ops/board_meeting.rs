//! `board meeting schedule|list|show`, `board agenda add`, `board attend`, `board minutes
//! draft|approve`: the Board's meetings, each in its stream `board-meeting-<date>`; and the
//! meeting's rules a `board vote` on a day with a meeting scheduled must keep.

use super::change::{self, check_current, Change};
use super::input::{distinct, Name, Text};
use super::reminders::meeting_at;
use super::session::Session;
use crate::board::cycle::{self, next_after, Planned};
use crate::board::rules::{self, unknown_meeting, MeetingDraft, Schedule};
use crate::board::vote::{self, Named};
use crate::board::{agenda_deadline, stream_of, Meeting, MEETING_STREAM_PREFIX};
use crate::calendar::england_and_wales;
use crate::permissions::Act;
use crate::proposal::Cut;
use crate::remedy::Remedy;
use crate::reminders::rules::REMINDER_HOUR;
use engine::schedule::local_at;
use engine::time::format_instant;
use engine::{Expectation, Failure, NewEvent};
use jiff::civil::{Date, Time};
use serde::Serialize;

/// The most characters a meeting's minutes may hold.
pub const MAX_MINUTES_CHARS: usize = 200_000;

/// What a meeting command reports: the event it recorded.
#[derive(Debug, Clone, Serialize)]
pub struct MeetingRecorded {
    pub meeting: String,
    pub stream: String,
    pub version: u64,
    pub event: String,
    pub seq: u64,
    pub effective_on: String,
    pub recorded_at: String,
    pub data: serde_json::Value,
}

/// The meeting on `on` as recorded so far (None: none scheduled that day).
pub async fn find(session: &mut Session, on: Date) -> Result<Option<Meeting>, Failure> {
    let events = session.store.read_stream(&stream_of(on)).await?;
    meeting_at(&events, &Cut::LIVE)
}

async fn known(session: &mut Session, on: Date) -> Result<Meeting, Failure> {
    find(session, on).await?.ok_or_else(|| unknown_meeting(on))
}

/// Every scheduled meeting, in date order.
pub async fn all(session: &mut Session) -> Result<Vec<Meeting>, Failure> {
    let mut meetings = Vec::new();
    for stream in session.store.streams(MEETING_STREAM_PREFIX).await? {
        let events = session.store.read_stream(&stream).await?;
        meetings.extend(meeting_at(&events, &Cut::LIVE)?);
    }
    meetings.sort_by_key(|m| m.on);
    Ok(meetings)
}

fn check_version(m: Option<&Meeting>, expect: Option<u64>) -> Result<(), Failure> {
    let version = m.map_or(0, |m| m.version);
    match expect {
        Some(expected) if expected != version => Err(Failure::conflict(format!(
            "the meeting is at version {version}, not {expected}: it has changed since you read it"
        ))
        .with_remedy(Remedy::ExpectVersion { version })),
        _ => Ok(()),
    }
}

/// `board meeting schedule --on DATE [--at HH:MM] [--venue COUNCIL]`: the cycle's time and the
/// next venue unless given; the chair is the host council's Leader. Dated today unless `c.on`.
pub async fn schedule(
    session: &mut Session,
    on: Date,
    at: Option<Time>,
    venue: Option<&str>,
    c: &Change,
) -> Result<MeetingRecorded, Failure> {
    let date = session.change_date(c.on).await?;
    let actor = change::permitted(session, date, &Act::ManageBoardMeetings).await?;
    let existing = find(session, on).await?;
    check_version(existing.as_ref(), c.expect_version)?;
    let last_before = all(session).await?.into_iter().rfind(|m| m.on < on);
    let p = session.partnership().await?.on(on).clone();
    let s = Schedule { on, at, venue };
    let draft = rules::decide_schedule(&p, existing.as_ref(), last_before.as_ref(), &s)?;
    append(session, on, draft, 0, &actor.id, date).await
}

/// `board agenda add MEETING --proposal ID [--exempt REASON]`.
pub async fn agenda_add(
    session: &mut Session,
    meeting: Date,
    proposal: &str,
    exempt: Option<Text>,
    c: &Change,
) -> Result<MeetingRecorded, Failure> {
    let date = session.change_date(c.on).await?;
    let actor = change::permitted(session, date, &Act::ManageBoardMeetings).await?;
    let m = known(session, meeting).await?;
    check_version(Some(&m), c.expect_version)?;
    change::load_state(session, proposal).await?;
    let draft = rules::decide_agenda(&m, proposal, exempt.map(|t| t.0))?;
    append(session, meeting, draft, m.version, &actor.id, date).await
}

/// `board attend MEETING --present ... [--apologies ...]`, dated the meeting's day; the latest
/// record stands.
pub async fn attend(
    session: &mut Session,
    meeting: Date,
    present: Vec<Name>,
    apologies: Vec<Name>,
    c: &Change,
) -> Result<MeetingRecorded, Failure> {
    on_the_day(c, meeting, "attendance")?;
    let present = distinct(present)?;
    let apologies = distinct(apologies)?;
    if present.is_empty() {
        return Err(Failure::usage("the attendance names nobody present")
            .with_detail("list the members present (and those who sent apologies)"));
    }
    let actor = change::permitted(session, meeting, &Act::ManageBoardMeetings).await?;
    let m = known(session, meeting).await?;
    check_version(Some(&m), c.expect_version)?;
    let p = session.partnership().await?.on(meeting).clone();
    let draft = rules::decide_attendance(&p, &m, &present, &apologies)?;
    append(session, meeting, draft, m.version, &actor.id, meeting).await
}

/// `board minutes draft MEETING --file F`: the file's text, dated today unless `c.on`.
pub async fn minutes_draft(
    session: &mut Session,
    meeting: Date,
    text: &str,
    c: &Change,
) -> Result<MeetingRecorded, Failure> {
    if text.trim().is_empty() {
        return Err(Failure::usage("the minutes are empty")
            .with_detail("give a file with the minutes' text"));
    }
    if let Some(problem) = crate::bounds::text_problem(text, MAX_MINUTES_CHARS) {
        return Err(
            Failure::usage(format!("the minutes: {problem}")).with_detail("nothing was written")
        );
    }
    let date = session.change_date(c.on).await?;
    let actor = change::permitted(session, date, &Act::ManageBoardMeetings).await?;
    let m = known(session, meeting).await?;
    check_version(Some(&m), c.expect_version)?;
    let draft = rules::decide_draft(&m, text, date)?;
    append(session, meeting, draft, m.version, &actor.id, date).await
}

/// `board minutes approve MEETING --at LATER_MEETING`, dated the later meeting's day.
pub async fn minutes_approve(
    session: &mut Session,
    meeting: Date,
    at: Date,
    c: &Change,
) -> Result<MeetingRecorded, Failure> {
    on_the_day(c, at, "approval of minutes")?;
    let actor = change::permitted(session, at, &Act::ManageBoardMeetings).await?;
    let m = known(session, meeting).await?;
    check_version(Some(&m), c.expect_version)?;
    let later = known(session, at).await?;
    let draft = rules::decide_approve(&m, &later)?;
    append(session, meeting, draft, m.version, &actor.id, at).await
}

fn on_the_day(c: &Change, day: Date, what: &str) -> Result<(), Failure> {
    match c.on {
        Some(on) if on != day => Err(Failure::usage(format!(
            "the {what} is dated {on}, not its meeting's date {day}"
        ))
        .with_detail(format!("the {what} takes effect on the meeting's date"))),
        _ => Ok(()),
    }
}

async fn append(
    session: &mut Session,
    meeting: Date,
    draft: MeetingDraft,
    version: u64,
    actor: &str,
    date: Date,
) -> Result<MeetingRecorded, Failure> {
    let stream = stream_of(meeting);
    let event = NewEvent {
        stream: stream.clone(),
        kind: draft.kind.to_string(),
        actor: actor.to_string(),
        effective_on: date.to_string(),
        data: draft.data,
    };
    let expectation = Expectation {
        stream: stream.clone(),
        version,
    };
    let written = session.append(vec![event], vec![expectation]).await?;
    let e = written
        .into_iter()
        .next()
        .ok_or_else(|| Failure::internal("the store returned no event"))?;
    tracing::info!(meeting = %meeting, event = %e.kind, seq = e.seq, "recorded");
    Ok(MeetingRecorded {
        meeting: meeting.to_string(),
        stream,
        version: e.version,
        event: e.kind,
        seq: e.seq,
        effective_on: e.effective_on,
        recorded_at: e.recorded_at,
        data: e.data,
    })
}

/// Refuses a `board vote` on `proposal` at `meeting` that breaks the meeting's rules, when a
/// meeting is scheduled that day (none: the vote stands alone, as before meetings were recorded).
/// Permission (5) and a stale version (4) are checked first, as for every change. Returns what the
/// vote's append must also expect: the meeting as read, so attendance recorded meanwhile conflicts.
pub async fn check_vote(
    session: &mut Session,
    meeting: Date,
    proposal: &str,
    named: Named<'_>,
    expect_version: Option<u64>,
) -> Result<Vec<Expectation>, Failure> {
    let Some(m) = find(session, meeting).await? else {
        return Ok(Vec::new());
    };
    let actor = change::permitted(session, meeting, &Act::RecordBoardVote).await?;
    let state = change::load_state(session, proposal).await?;
    check_current(&state, &actor.id, expect_version)?;
    let p = session.partnership().await?.on(meeting).clone();
    vote::check(&p, &m, proposal, named)?;
    Ok(vec![Expectation {
        stream: stream_of(meeting),
        version: m.version,
    }])
}

/// One meeting as `board meeting list` and `show` print it.
#[derive(Debug, Clone, Serialize)]
pub struct MeetingView {
    pub meeting: String,
    pub at: String,
    pub venue: String,
    pub venue_name: String,
    pub chair: Option<String>,
    /// False for the cycle's next meeting, computed for display.
    pub scheduled: bool,
    pub version: u64,
    /// 09:00 local on the agenda's deadline, RFC 3339.
    pub agenda_due: String,
    /// True when the deadline was counted in weekdays only (past the bank-holiday table).
    pub agenda_due_weekdays_only: bool,
    pub agenda: Vec<ItemView>,
    pub attendance: Option<crate::board::Attendance>,
    /// `none`, `draft` or `approved`.
    pub minutes: &'static str,
    pub minutes_sha256: Option<String>,
    pub minutes_approved_at: Option<String>,
    /// The draft's text (`show` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minutes_text: Option<String>,
}

/// One agenda item; an exempt item's reason only to a named, registered reader.
#[derive(Debug, Clone, Serialize)]
pub struct ItemView {
    pub proposal: String,
    pub exempt: bool,
    pub reason: Option<String>,
}

/// `board meeting list`: every scheduled meeting, then the cycle's next one (not recorded).
/// Exempt items' reasons only for a `signed_in` reader (a registered actor named or signed in).
pub async fn list(session: &mut Session, signed_in: bool) -> Result<Vec<MeetingView>, Failure> {
    session.check_reader().await?;
    let meetings = all(session).await?;
    let history = session.partnership().await?.clone();
    let mut views: Vec<MeetingView> = meetings
        .iter()
        .map(|m| view(&history, m, signed_in, false))
        .collect();
    if let Some(last) = meetings.last() {
        let planned = next_after(history.on(last.on), last);
        views.push(planned_view(&history, &planned));
    }
    Ok(views)
}

/// `board meeting show MEETING` (exempt reasons as for [`list`]).
pub async fn show(
    session: &mut Session,
    meeting: Date,
    signed_in: bool,
) -> Result<MeetingView, Failure> {
    session.check_reader().await?;
    let m = known(session, meeting).await?;
    let history = session.partnership().await?.clone();
    Ok(view(&history, &m, signed_in, true))
}

fn view(
    history: &super::session::PartnershipHistory,
    m: &Meeting,
    signed_in: bool,
    with_text: bool,
) -> MeetingView {
    let p = history.latest();
    let deadline = agenda_deadline(m.on, m.agenda_clear_days, england_and_wales());
    MeetingView {
        meeting: m.on.to_string(),
        at: m.at.strftime("%H:%M").to_string(),
        venue_name: p
            .council(&m.venue)
            .map_or(m.venue.clone(), |c| c.name.clone()),
        venue: m.venue.clone(),
        chair: m.chair.clone(),
        scheduled: true,
        version: m.version,
        agenda_due: format_instant(local_at(deadline.date, REMINDER_HOUR, 0, &p.tz()), &p.tz()),
        agenda_due_weekdays_only: deadline.weekdays_only,
        agenda: m
            .agenda
            .iter()
            .map(|i| ItemView {
                proposal: i.proposal.clone(),
                exempt: i.exempt.is_some(),
                reason: i.exempt.clone().filter(|_| signed_in),
            })
            .collect(),
        attendance: m.attendance.clone(),
        minutes: match &m.minutes {
            None => "none",
            Some(x) if x.approved_at.is_some() => "approved",
            Some(_) => "draft",
        },
        minutes_sha256: m.minutes.as_ref().map(|x| x.sha256.clone()),
        minutes_approved_at: m
            .minutes
            .as_ref()
            .and_then(|x| x.approved_at)
            .map(|d| d.to_string()),
        minutes_text: m
            .minutes
            .as_ref()
            .filter(|_| with_text)
            .map(|x| x.text.clone()),
    }
}

fn planned_view(history: &super::session::PartnershipHistory, planned: &Planned) -> MeetingView {
    let p = history.on(planned.on);
    let m = Meeting {
        on: planned.on,
        at: planned.at,
        venue: planned.venue.clone(),
        chair: planned.chair.clone(),
        agenda_clear_days: cycle::of(p).agenda_clear_days,
        scheduled_on: planned.on,
        agenda: Vec::new(),
        attendance: None,
        minutes: None,
        version: 0,
    };
    MeetingView {
        scheduled: false,
        ..view(history, &m, false, false)
    }
}
