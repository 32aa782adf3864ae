//! The reminders as an iCalendar feed (RFC 5545): one `VEVENT` per reminder, `UID` the reminder
//! id `@` the partnership's domain (so two partnerships in one calendar never collide), `DTSTART`
//! and `DTEND` in UTC, a description saying what to do, a link to the web page when the web
//! application's address is known; CRLF line endings, content lines folded at 75 octets.

use super::{Facts, Kind, Reminder};
use crate::report::markdown::long_date;
use engine::schedule::add_months_clamped;
use engine::time::{end_of_day, format_instant, local_date, start_of_day};
use engine::Failure;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use std::str::FromStr;

/// How long each event lasts in a calendar: a reminder is a moment, shown as half an hour.
pub const EVENT_MINUTES: i64 = 30;

/// The suffix of a domain derived from a partnership's name: `.invalid` is reserved (RFC 2606),
/// so a derived UID can never clash with a real host's.
pub const DERIVED_SUFFIX: &str = "concordat.invalid";

/// How far back a feed reaches for reminders already due and not yet fired, by default.
pub const OVERDUE_DAYS: u32 = 90;

/// The longest overdue window (about a century): more would reach before any log.
pub const MAX_OVERDUE_DAYS: u32 = 36_525;

/// What a feed is asked for: the dates it covers and the web address it links to.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The first date to include (local); none: [`Request::overdue_days`] before now.
    pub from: Option<Date>,
    /// The last date to include (local, inclusive); none: 12 months from today.
    pub until: Option<Date>,
    /// How many days back reminders already due are kept (none: [`OVERDUE_DAYS`]); ignored
    /// when `from` is given.
    pub overdue_days: Option<u32>,
    /// The web application's address, when known.
    pub base_url: Option<BaseUrl>,
}

impl Request {
    /// The instants the feed covers, `[from, until]`, for a clock at `now` in `tz`; a window that
    /// ends before it starts is a usage failure.
    pub fn bounds(&self, now: Timestamp, tz: &TimeZone) -> Result<(Timestamp, Timestamp), Failure> {
        let until = self
            .until
            .unwrap_or_else(|| add_months_clamped(local_date(now, tz), 12));
        let until = end_of_day(until, tz);
        let from = match self.from {
            Some(date) => start_of_day(date, tz),
            None => {
                let days = self
                    .overdue_days
                    .unwrap_or(OVERDUE_DAYS)
                    .min(MAX_OVERDUE_DAYS);
                now.checked_sub(SignedDuration::from_hours(24 * i64::from(days)))
                    .unwrap_or(Timestamp::MIN)
            }
        };
        if from > until {
            return Err(Failure::usage(format!(
                "the feed would end ({}) before it starts ({})",
                format_instant(until, tz),
                format_instant(from, tz)
            ))
            .with_detail("give a last date on or after the first"));
        }
        Ok((from, until))
    }
}

/// What the feed says about the partnership, and where its web pages are.
#[derive(Debug, Clone)]
pub struct Feed<'a> {
    /// The partnership's name (the calendar's name).
    pub name: &'a str,
    /// The partnership's time zone (IANA name).
    pub timezone: &'a str,
    /// The UIDs' domain (`Partnership::calendar_domain`).
    pub domain: &'a str,
    /// The web application's address, when known: each event links to its page.
    pub base_url: Option<&'a BaseUrl>,
    /// When the feed is made (`DTSTAMP`).
    pub now: Timestamp,
}

/// The web application's address as the public reaches it: `http(s)://host[:port][/prefix]`,
/// without a trailing slash, query or fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl(String);

impl BaseUrl {
    /// The address, without a trailing slash.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The page at `path` (which starts with `/`).
    pub fn page(&self, path: &str) -> String {
        format!("{}{path}", self.0)
    }
}

impl FromStr for BaseUrl {
    type Err = Failure;
    fn from_str(text: &str) -> Result<BaseUrl, Failure> {
        let refuse = |why: &str| {
            Failure::usage(format!("{text:?} is not a web address: {why}")).with_detail(
                "give the address the web pages are reached at, e.g. https://concordat.example.org",
            )
        };
        let rest = text
            .strip_prefix("https://")
            .or_else(|| text.strip_prefix("http://"))
            .ok_or_else(|| refuse("it must start with https:// or http://"))?;
        let host = rest.split('/').next().unwrap_or_default();
        if host.is_empty() || host.contains('@') {
            return Err(refuse("it names no host"));
        }
        let bad = |c: char| c.is_whitespace() || c.is_control() || "?#\"<>\\^`{|}".contains(c);
        if rest.chars().any(bad) {
            return Err(refuse("no spaces, query or fragment"));
        }
        Ok(BaseUrl(text.trim_end_matches('/').to_string()))
    }
}

/// Whether `name` is a DNS name: at least two labels joined by dots, each 1–63 ASCII letters,
/// digits or '-' not starting or ending with '-', 253 octets at most.
pub fn is_dns_name(name: &str) -> bool {
    let label = |l: &str| {
        (1..=63).contains(&l.len())
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    name.len() <= 253 && name.split('.').count() >= 2 && name.split('.').all(label)
}

/// The domain a partnership without a `domain` key gets: its name slugged (lower-case ASCII
/// letters and digits, runs of anything else one '-', at most 63 octets) then
/// [`DERIVED_SUFFIX`], e.g. `bromsgrove-and-redditch.concordat.invalid`.
pub fn derived_domain(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.truncate(63);
    let slug = slug.trim_end_matches('-');
    let slug = if slug.is_empty() { "partnership" } else { slug };
    format!("{slug}.{DERIVED_SUFFIX}")
}

/// The feed: a `VCALENDAR` named after the partnership, stamped `now`, one event per reminder.
pub fn calendar(feed: &Feed<'_>, facts: &Facts, reminders: &[Reminder]) -> String {
    let mut out = String::new();
    let mut line = |text: String| {
        out.push_str(&fold(&text));
        out.push_str("\r\n");
    };
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//concordat//reminders//EN".into());
    line("CALSCALE:GREGORIAN".into());
    line("METHOD:PUBLISH".into());
    line(format!(
        "X-WR-CALNAME:{}",
        escape(&format!("{}: reminders", feed.name))
    ));
    line(format!("X-WR-TIMEZONE:{}", escape(feed.timezone)));
    for r in reminders {
        for text in event(feed, facts, r) {
            line(text);
        }
    }
    line("END:VCALENDAR".into());
    out
}

/// One reminder's `VEVENT`, a content line each (unfolded).
fn event(feed: &Feed<'_>, facts: &Facts, r: &Reminder) -> Vec<String> {
    let end = r.due + SignedDuration::from_mins(EVENT_MINUTES);
    let mut lines = vec![
        "BEGIN:VEVENT".to_string(),
        format!("UID:{}", escape(&format!("{}@{}", r.id, feed.domain))),
        format!("DTSTAMP:{}", utc(feed.now)),
        format!("DTSTART:{}", utc(r.due)),
        format!("DTEND:{}", utc(end)),
        format!("SUMMARY:{}", escape(&r.title)),
        format!(
            "DESCRIPTION:{}",
            escape(&description(facts, r, feed.base_url))
        ),
        format!("CATEGORIES:{}", escape(r.kind.as_str())),
    ];
    if let Some(url) = feed.base_url.map(|b| page_of(b, r)) {
        // A URI value is not TEXT: it is written as it is (BaseUrl admits no CR/LF).
        lines.push(format!("URL:{url}"));
    }
    lines.push("TRANSP:TRANSPARENT".into());
    lines.push("END:VEVENT".into());
    lines
}

/// The web page a reminder is about: its proposal's, else the list of what falls due.
pub fn page_of(base: &BaseUrl, r: &Reminder) -> String {
    match &r.proposal {
        Some(p) => base.page(&format!("/proposals/{}", segment(p))),
        None => base.page("/upcoming"),
    }
}

/// A path segment percent-encoded (RFC 3986): ids are plain already, older logs' may not be.
fn segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// What a person reads in the event: what to do, about which proposal and council, when, and
/// where to look.
pub fn description(facts: &Facts, r: &Reminder, base: Option<&BaseUrl>) -> String {
    let council = r.council.as_deref().map(|c| council_name(facts, c));
    let proposal = r.proposal.as_deref().map(|p| proposal_title(facts, p));
    let mut lines = vec![what_to_do(
        facts,
        r,
        council.as_deref(),
        proposal.as_deref(),
    )];
    if let (Some(id), Some(title)) = (&r.proposal, &proposal) {
        lines.push(format!("Proposal: {title} ({id})"));
    }
    if let (Some(id), Some(name)) = (&r.council, &council) {
        lines.push(format!("Council: {name} ({id})"));
    }
    lines.push(format!("Due: {}", local_when(r.due, &facts.tz)));
    if let Some(base) = base {
        lines.push(format!("More: {}", page_of(base, r)));
    }
    lines.push(format!("Reminder: {}", r.id));
    lines.join("\n")
}

/// One or two plain sentences: what the people responsible should do now.
fn what_to_do(
    facts: &Facts,
    r: &Reminder,
    council: Option<&str>,
    proposal: Option<&str>,
) -> String {
    let council = council.unwrap_or("Each council");
    let proposal = proposal.map_or_else(String::new, |t| format!(" of \"{t}\""));
    match r.kind {
        Kind::QuarterlyReport => {
            let names: Vec<&str> = facts.council_names.values().map(String::as_str).collect();
            format!(
                "{}. The scheduler issues one report per council ({}) for the quarter just ended: check that each council has received its report.",
                r.title,
                names.join(", ")
            )
        }
        Kind::SixMonthReview | Kind::TwelveMonthReview | Kind::AnnualReview => format!(
            "{council} should review the shared service{proposal} and record the outcome for the Board."
        ),
        Kind::MilestoneApproaching => format!(
            "{}. Check that it is on track, and record it as completed once it is done.",
            r.title
        ),
        Kind::MilestoneOverdue => format!(
            "{}. Record it as completed if it is done; otherwise amend its due date, giving the reason.",
            r.title
        ),
        Kind::ArrangementReview => format!(
            "{}. {council}'s Cabinet should review the arrangement and its clerk record the outcome for the Board.",
            r.title
        ),
        Kind::CallInCloses => format!(
            "{council}'s call-in window for its approval{proposal} closes. Unless the decision has been called in by then, the approval stands."
        ),
        Kind::RiskReview => format!(
            "{}. The owner reviews its likelihood, impact and mitigation and records the update (with the next review date), or closes it.",
            r.title
        ),
        // The titles name no exempt item's reason: the feed is for anyone the link reaches.
        Kind::BoardAgendaDeadline => format!(
            "{}. Send the papers to every member of both councils.",
            r.title
        ),
        Kind::BoardMeeting => format!("{}. Record the attendance and any votes.", r.title),
        Kind::BoardMinutesUnapproved => format!(
            "{}. Put them to the next meeting for approval.",
            r.title
        ),
    }
}

fn council_name(facts: &Facts, id: &str) -> String {
    facts
        .council_names
        .get(id)
        .cloned()
        .unwrap_or_else(|| id.to_string())
}

fn proposal_title(facts: &Facts, id: &str) -> String {
    facts
        .proposals
        .iter()
        .find(|p| p.id == id)
        .map_or_else(|| id.to_string(), |p| p.title.clone())
}

/// "1 April 2009 at 09:00 (Europe/London)".
fn local_when(t: Timestamp, tz: &TimeZone) -> String {
    let local = t.to_zoned(tz.clone());
    let zone = tz.iana_name().unwrap_or("UTC");
    format!(
        "{} at {} ({zone})",
        long_date(local.date()),
        local.strftime("%H:%M")
    )
}

/// `20090101T090000Z`.
fn utc(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// A TEXT value escaped (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// A content line folded (RFC 5545 §3.1): at most 75 octets a line, continuations start with a
/// space, never splitting a UTF-8 character.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 74 * 3);
    let mut used = 0;
    let mut limit = 75;
    for c in line.chars() {
        let width = c.len_utf8();
        if used + width > limit {
            out.push_str("\r\n ");
            used = 0;
            limit = 74;
        }
        out.push(c);
        used += width;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quarter::YearStart;
    use crate::reminders::{Activity, ProposalFacts};
    use engine::schedule::CronSchedule;

    fn facts() -> Facts {
        Facts {
            tz: TimeZone::get("Europe/London").unwrap(),
            year_start: YearStart::default(),
            quarterly: CronSchedule::parse("0 0 9 1 Jan,Apr,Jul,Oct *").unwrap(),
            since: "2008-09-01T16:45:00Z".parse().unwrap(),
            lead_days: vec![14, 1],
            risks: Vec::new(),
            ends: None,
            arrangements: Vec::new(),
            meetings: Vec::new(),
            council_names: [
                ("bromsgrove", "Bromsgrove District Council"),
                ("redditch", "Redditch Borough Council"),
            ]
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .into(),
            proposals: vec![ProposalFacts {
                id: "payroll".into(),
                title: "Shared payroll".into(),
                councils: vec!["bromsgrove".into(), "redditch".into()],
                went_live: None,
                activity: Activity::Active,
                reviews: Vec::new(),
                call_in: Vec::new(),
            }],
            milestones: Vec::new(),
        }
    }

    fn quarterly() -> Reminder {
        Reminder {
            id: "quarterly-report:2009-04-01T09:00:00+01:00".into(),
            kind: Kind::QuarterlyReport,
            due: "2009-04-01T08:00:00Z".parse().unwrap(),
            proposal: None,
            council: None,
            title: "Quarterly report, to each council; 2008/09-Q4".into(),
        }
    }

    fn review() -> Reminder {
        Reminder {
            id: "review:payroll:bromsgrove:six-month:2009-04-01".into(),
            kind: Kind::SixMonthReview,
            due: "2009-04-01T08:00:00Z".parse().unwrap(),
            proposal: Some("payroll".into()),
            council: Some("bromsgrove".into()),
            title: "Six-month review".into(),
        }
    }

    fn feed<'a>(base: Option<&'a BaseUrl>) -> Feed<'a> {
        Feed {
            name: "Bromsgrove and Redditch",
            timezone: "Europe/London",
            domain: "bromsgrove-and-redditch.concordat.invalid",
            base_url: base,
            now: "2009-03-01T12:00:00Z".parse().unwrap(),
        }
    }

    #[test]
    fn lines_are_folded_at_75_octets_without_splitting_characters() {
        let long = format!("SUMMARY:{}", "é".repeat(60));
        let folded = fold(&long);
        for physical in folded.split("\r\n") {
            assert!(physical.len() <= 75, "{} octets", physical.len());
        }
        let unfolded = folded.replace("\r\n ", "");
        assert_eq!(unfolded, long);
        assert_eq!(fold("SHORT:1"), "SHORT:1");
    }

    #[test]
    fn a_feed_has_crlf_lines_utc_starts_and_ends_and_domain_uids() {
        let text = calendar(&feed(None), &facts(), &[quarterly()]);
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert!(!text.replace("\r\n", "").contains('\n'));
        assert!(text.contains("\r\nDTSTART:20090401T080000Z\r\n"));
        assert!(text.contains("\r\nDTEND:20090401T083000Z\r\n"));
        let unfolded = text.replace("\r\n ", "");
        assert!(unfolded.contains(
            "\r\nUID:quarterly-report:2009-04-01T09:00:00+01:00@bromsgrove-and-redditch.concordat.invalid\r\n"
        ));
        assert!(text.contains("SUMMARY:Quarterly report\\, to each council\\; 2008/09-Q4"));
        assert!(!text.contains("URL:"), "no address known, no link");
    }

    #[test]
    fn a_known_address_links_each_event_to_its_page() {
        let base: BaseUrl = "https://concordat.example.org/".parse().unwrap();
        let text = calendar(&feed(Some(&base)), &facts(), &[review(), quarterly()]);
        let unfolded = text.replace("\r\n ", "");
        assert!(unfolded.contains("\r\nURL:https://concordat.example.org/proposals/payroll\r\n"));
        assert!(unfolded.contains("\r\nURL:https://concordat.example.org/upcoming\r\n"));
    }

    #[test]
    fn the_description_says_what_to_do_for_which_council_and_proposal() {
        let text = description(&facts(), &review(), None);
        assert!(text.starts_with(
            "Bromsgrove District Council should review the shared service of \"Shared payroll\""
        ));
        assert!(text.contains("Proposal: Shared payroll (payroll)"));
        assert!(text.contains("Council: Bromsgrove District Council (bromsgrove)"));
        assert!(text.contains("Due: 1 April 2009 at 09:00 (Europe/London)"));
        let quarterly = description(&facts(), &quarterly(), None);
        assert!(quarterly.contains("Bromsgrove District Council, Redditch Borough Council"));
    }

    #[test]
    fn domains_are_dns_names_and_derived_ones_are_reserved() {
        assert!(is_dns_name("shared.bromsgrove.gov.uk"));
        assert!(is_dns_name("a-1.example"));
        for bad in [
            "localhost",
            "-a.example",
            "a-.example",
            "a..example",
            "a b.example",
            "é.example",
            "",
        ] {
            assert!(!is_dns_name(bad), "{bad:?}");
        }
        assert!(!is_dns_name(&format!("{}.example", "a".repeat(64))));
        assert_eq!(
            derived_domain("Bromsgrove and Redditch"),
            "bromsgrove-and-redditch.concordat.invalid"
        );
        assert_eq!(
            derived_domain("«Worcs» — Shared!"),
            "worcs-shared.concordat.invalid"
        );
        assert_eq!(derived_domain("???"), "partnership.concordat.invalid");
        for name in ["Bromsgrove and Redditch", &"x".repeat(200), "«»"] {
            assert!(is_dns_name(&derived_domain(name)), "{name}");
        }
    }

    #[test]
    fn base_urls_are_http_addresses_without_query_or_fragment() {
        let ok: BaseUrl = "http://127.0.0.1:8080/concordat/".parse().unwrap();
        assert_eq!(ok.as_str(), "http://127.0.0.1:8080/concordat");
        for bad in [
            "ftp://x",
            "https://",
            "https://x/a?b",
            "https://x/#a",
            "https://a b",
            "https://u@x",
        ] {
            assert!(bad.parse::<BaseUrl>().is_err(), "{bad}");
        }
    }
}
