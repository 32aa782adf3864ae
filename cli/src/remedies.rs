//! The CLI's words for the remedies the library attaches to a failure: each names the command (and
//! flags) that would put it right. The library says *what* would help; only this says how to type it.

use engine::{Failure, StoreRemedy};
use workflows::definition::Stage;
use workflows::remedy::Remedy;

/// A failure's detail lines as printed: each detail completed by its remedy, then the remedies of
/// their own.
pub fn lines(failure: &Failure) -> Vec<String> {
    let mut lines = failure.details.clone();
    let mut own = Vec::new();
    for remedy in &failure.remedies {
        let Some(text) = word(remedy) else { continue };
        match remedy.line.and_then(|i| lines.get_mut(i)) {
            Some(line) => *line = format!("{line}: {text}"),
            None => own.push(text),
        }
    }
    lines.extend(own);
    lines
}

/// The words for one remedy, if it is one this CLI knows.
fn word(remedy: &engine::Remedy) -> Option<String> {
    remedy
        .get::<Remedy>()
        .map(proposal)
        .or_else(|| remedy.get::<StoreRemedy>().map(|r| store(*r)))
}

fn store(remedy: StoreRemedy) -> String {
    use StoreRemedy::*;
    match remedy {
        CreateOrName { database: false } => "create one with `concordat init PARTNERSHIP.toml`, or name an existing one with --store or CONCORDAT_STORE".into(),
        CreateOrName { database: true } => "create one with `concordat init PARTNERSHIP.toml --store URL`, or name an existing one with --store or CONCORDAT_STORE".into(),
        VerifyLogFile => "run `concordat audit verify --file STORE/events.jsonl` to locate the damage".into(),
        VerifyStore => "run `concordat audit verify` to locate the damage".into(),
        LookBeforeRetry => "look with `concordat audit log` before you run it again".into(),
        ProofAsWritten => "give a file that `concordat audit prove` wrote, unchanged".into(),
        ProveAgainstCheckpoint => "make the proof against that checkpoint: `concordat audit prove --event SEQ --checkpoint CP`".into(),
        VerifierKeyAsPrinted => "`concordat checkpoint keygen` prints one".into(),
        SigningKeyFile => "give the file `concordat checkpoint keygen --out FILE` wrote".into(),
        RestoreAccounts => "restore it from a backup, or remove it and add the accounts again with `concordat user add`".into(),
        RestoreOrAcceptLoss { after } => format!(
            "restore the missing events from an export or a copy of the log made before the loss: `concordat store restore --from FILE`; or, if they cannot be found, accept the loss on the record: `concordat store accept-loss --after {after}`"
        ),
        CopyFromExport => "`concordat audit verify` and `audit export` still run; restore the store from an export (`concordat store copy --from EXPORT.jsonl --to NEW-STORE`) and compare it with published heads".into(),
        AcceptLossAfter { after } => format!("run `concordat store accept-loss --after {after}`"),
        OtherStoreDirectory => "choose another --store directory, or use the store that is there".into(),
    }
}

fn proposal(remedy: &Remedy) -> String {
    use Remedy::*;
    match remedy {
        ShowProposal { id } => {
            format!("`concordat proposal show {id}` shows where it stands and what it needs next")
        }
        ListProposals => "`concordat proposal list` lists the proposals".into(),
        ShowHistory { id } => format!("`concordat proposal history {id}` shows how it ended"),
        RetryAtVersion { id, version } => format!(
            "check `concordat proposal show {id}`, then retry with --expect-version {version}"
        ),
        DateFrom { date } => format!("give --on {date} or later"),
        NoExpectedVersion => "leave out --expect-version for a new programme milestone".into(),
        ExpectVersion { version } => format!("retry with --expect-version {version}"),
        NameActor => "give --as ACTOR, or set CONCORDAT_ACTOR".into(),
        NotUrgent => "record the decision without --urgent".into(),
        NameCouncils => "name the councils, the lead among them, with --councils".into(),
        Resume { id } => format!("`concordat proposal resume {id} --reason TEXT`"),
        MoveBack { id, to } => {
            format!("move it back first: `concordat proposal advance {id} --to {to}`")
        }
        MoveBy { to } => format!(
            "use `concordat proposal {}` (or, for rejected, a council's decision)",
            lifecycle_command(to)
        ),
        RecordBusinessCase { id } => format!(
            "record one with `concordat proposal business-case {id} --one-off-cost GBP --annual-saving GBP`"
        ),
        GiveShares { councils } => format!(
            "give one --share COUNCIL=PERCENT for each of {} summing to 100, or none for equal shares",
            councils.join(", ")
        ),
        OpenConsultation { id } => format!(
            "open one with staff and at least one union, e.g. `concordat consultation open {id} --with staff,unison`"
        ),
        ConsultStaff => "open a consultation that includes staff (`--with staff,...`)".into(),
        CloseConsultation { id } => format!(
            "once the responses are recorded, close it with `concordat consultation close {id}`"
        ),
        RecordBoardVote { id } => format!(
            "record the meeting with `concordat board vote {id} --meeting DATE --support ...`"
        ),
        CouncilApproves { id, council } => format!(
            "its clerk records the decision with `concordat council decide {id} --council {council} --decision approve`"
        ),
        ConfirmCallIn { id, council } => format!(
            "scrutiny confirms it with `concordat council call-in-resolved {id} --council {council} --outcome confirmed`"
        ),
        DefineKpi { id, name } => format!(
            "define it first with `concordat monitor kpi {id} --name {name:?} --target NUMBER`"
        ),
        ListMilestones => "`concordat milestone list` lists the milestones".into(),
        ShowRisk { id } => format!("`concordat risk show {id}` shows it with its history"),
        ListRisks => "`concordat risk list` lists the register".into(),
        ShowPartnership => {
            "`concordat partnership show` lists its councils, Board members and actors".into()
        }
        CreateStore => "create the store with `concordat init PARTNERSHIP.toml`".into(),
        FindSeq => "give a seq from `concordat audit log`".into(),
        SignCheckpoint => "`concordat checkpoint sign` makes one of the log now".into(),
        VerifySource => "verify the source with `concordat audit verify`".into(),
        GiveReason => "give it with --reason TEXT".into(),
        CorrectSaving { id, quarter } => format!(
            "to replace it, give the figure with --correct and why: `concordat monitor saving {id} --quarter {quarter} --amount GBP --correct --reason TEXT`"
        ),
        MeetingFrom { date } => format!("give --meeting {date} or later"),
        LeaveFirst { council, proposals } => format!(
            "{council}'s clerk records its leaving first, e.g. `concordat council leave {} --council {council} --on DATE --minute REF`{}",
            proposals.first().map(String::as_str).unwrap_or("ID"),
            if proposals.len() > 1 {
                format!(" (and for {})", proposals[1..].join(", "))
            } else {
                String::new()
            }
        ),
        GiveRemainingShares { councils } => format!(
            "give one --share COUNCIL=PERCENT for each of {}, summing to 100",
            councils.join(", ")
        ),
        ActAs { role } => format!("run it as an actor with the role {role}: --as ACTOR"),
        WritableOutbox => "make the outbox a writable directory (--outbox DIR) and tick again".into(),
        FormatOfLayout1 => "ask for --format md, or for HTML and PDF with --layout 2".into(),
        ListBoardMeetings => "`concordat board meeting list` lists the Board's meetings".into(),
        ShowBoardMeeting { meeting } => {
            format!("`concordat board meeting show {meeting}` shows its agenda and attendance")
        }
        ScheduleBoardMeeting { on } => {
            format!("schedule it with `concordat board meeting schedule --on {on}`")
        }
        RecordAttendance { meeting } => format!(
            "record it with `concordat board attend {meeting} --present M1,M2,... --apologies M3,...`"
        ),
        AddToAgenda { meeting, id } => {
            format!("put it on the agenda with `concordat board agenda add {meeting} --proposal {id}`")
        }
        DraftMinutes { meeting } => {
            format!("draft them with `concordat board minutes draft {meeting} --file FILE`")
        }
    }
}

/// The command that moves a proposal to `to`, which advance does not reach.
fn lifecycle_command(to: &Stage) -> &'static str {
    match to.as_str() {
        "on-hold" => "hold",
        "withdrawn" => "withdraw",
        "not-pursued" => "not-pursue",
        _ => "close",
    }
}
