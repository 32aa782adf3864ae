//! The 2008 Bromsgrove/Redditch programme as a list of ordinary commands, in the order they were
//! recorded. Dates come from the 17 September 2008 council report (seed 003); those marked
//! `illustrative` are not in the seeds and were chosen to be plausible.

/// One command of the story: when it was recorded, who ran it, and its words.
pub struct Step {
    /// `$CONCORDAT_NOW` for this command: when it was recorded.
    pub recorded: &'static str,
    /// `--as`.
    pub actor: &'static str,
    /// The command words and flags, as a user would type them.
    pub args: &'static [&'static str],
}

const fn step(recorded: &'static str, actor: &'static str, args: &'static [&'static str]) -> Step {
    Step {
        recorded,
        actor,
        args,
    }
}

/// The dates the tour calls illustrative (not in the seed documents).
pub const ILLUSTRATIVE: &[&str] = &[
    "business-case figures for elections and payroll (the £40k a year payroll saving is real, quick wins §3.2)",
    "consultation dates and responses",
    "Redditch's council meetings (22 Sep 2008, 15 Dec 2008, 21 Jan 2009) and Bromsgrove's of 10 Dec 2008",
    "go-live dates (payroll 1 Oct 2008, elections 2 Mar 2009) and the savings recorded",
    "the community safety hold (6 Oct 2008) and the 3 Nov 2008 board meeting",
    "the risk register's two risks, their ratings and review dates, and the cost-per-elector indicator (targets report §8.1 asks for risk management at programme and project level)",
    "the dates and words of each Cabinet's six-month review of the Joint Chief Executive (17 Dec 2008, 14 Jan 2009)",
    "the Board's agendas and meeting times, its attendance on 3 Nov 2008, and the Labour Group Leaders joining on 20 Oct 2008",
    "the regional partnership's £35,000 (the seed gives £30,000 to £40,000), the dates funding was received, and the elections service's costs",
];

/// The programme, oldest first.
pub const PROGRAMME: &[Step] = &[
    // The Board's phase targets, as first set (targets report §2.1.1).
    step("2008-09-01T18:00:00+01:00", "jce", &["milestone", "add", "phase-1", "--title", "Phase 1: identify the quick wins (for implementation before 31 Dec 2008)", "--due", "2008-09-30", "--on", "2008-09-01"]),
    step("2008-09-01T18:01:00+01:00", "jce", &["milestone", "add", "phase-2", "--title", "Phase 2: identify medium-term opportunities (for implementation by 31 Jul 2009)", "--due", "2008-12-31", "--on", "2008-09-01"]),
    step("2008-09-01T18:02:00+01:00", "jce", &["milestone", "add", "phase-3", "--title", "Phase 3: business case for long-term sharing", "--due", "2009-06-30", "--on", "2008-09-01"]),
    // Board minutes, 1 Sep 2008: the targets moved to avoid the holidays.
    step("2008-09-03T10:00:00+01:00", "jce", &["milestone", "amend", "phase-2", "--due", "2009-01-31", "--reason", "Shared Services Board 1 Sep 2008: 31st December altered to 31st January (timescales clashed with annual holidays)", "--on", "2008-09-01"]),
    step("2008-09-03T10:01:00+01:00", "jce", &["milestone", "amend", "phase-3", "--due", "2009-07-31", "--reason", "Shared Services Board 1 Sep 2008: 30th June altered to 31st July (timescales clashed with annual holidays)", "--on", "2008-09-01"]),
    // Risk management at programme level (targets report §8.1(b)): the trial's own review.
    step("2008-09-03T10:05:00+01:00", "jce", &["risk", "add", "--title", "The trial's review finds the savings unproven before the councils decide on long-term sharing", "--likelihood", "3", "--impact", "5", "--owner", "jce", "--mitigation", "Savings and indicators recorded quarterly against each business case; the Board reviews the trial with the phase 3 business case", "--review", "2009-07-31", "--on", "2008-09-01"]),
    // The quick wins and opportunities the Board considered on 1 Sep 2008.
    step("2008-09-03T10:10:00+01:00", "jce", &["proposal", "new", "--title", "A single elections team for both councils", "--service", "elections", "--lead", "bromsgrove", "--on", "2008-09-01"]),
    step("2008-09-03T10:11:00+01:00", "jce", &["proposal", "new", "--title", "A single community safety team", "--service", "community-safety", "--lead", "redditch", "--on", "2008-09-01"]),
    step("2008-09-03T10:12:00+01:00", "jce", &["proposal", "new", "--title", "Performance and financial management framework for Redditch", "--service", "performance-management", "--lead", "bromsgrove", "--on", "2008-09-01"]),
    step("2008-09-03T10:13:00+01:00", "jce", &["proposal", "new", "--title", "Equality and diversity: advice and guidance to Redditch", "--service", "equalities", "--lead", "bromsgrove", "--on", "2008-09-01"]),
    step("2008-09-03T10:14:00+01:00", "jce", &["proposal", "new", "--title", "A joint member development programme", "--service", "member-development", "--lead", "bromsgrove", "--on", "2008-09-01"]),
    step("2008-09-03T10:15:00+01:00", "jce", &["proposal", "new", "--title", "Head of Financial Services (Section 151 Officer): the vacancy at Bromsgrove", "--service", "financial-services", "--lead", "bromsgrove", "--category", "medium-term", "--on", "2008-09-01"]),
    step("2008-09-03T10:16:00+01:00", "jce", &["proposal", "new", "--title", "Benefits Services Manager: the vacancy at Bromsgrove", "--service", "benefits", "--lead", "bromsgrove", "--on", "2008-09-01"]),
    step("2008-09-03T10:17:00+01:00", "jce", &["proposal", "new", "--title", "Payroll transferred to Redditch", "--service", "payroll", "--lead", "redditch", "--on", "2008-09-01"]),
    step("2008-09-03T10:20:00+01:00", "jce", &["proposal", "not-pursue", "benefits", "--reason", "Board 1 Sep 2008: a critical post in a high-profile service already short of capacity; not an area to benefit from joint working at this stage; Bromsgrove to recruit", "--on", "2008-09-01"]),
    // The Board's first meeting (minutes, seed 003 Appendix 4): at Bromsgrove, its Leader in the chair.
    step("2008-09-03T10:21:00+01:00", "jce", &["board", "meeting", "schedule", "--on", "2008-09-01", "--at", "17:30", "--venue", "bromsgrove", "--decided-on", "2008-09-01"]),
    step("2008-09-03T10:22:00+01:00", "jce", &["board", "agenda", "add", "2008-09-01", "--proposal", "payroll", "--on", "2008-09-01"]),
    step("2008-09-03T10:23:00+01:00", "jce", &["board", "agenda", "add", "2008-09-01", "--proposal", "elections", "--on", "2008-09-01"]),
    step("2008-09-03T10:24:00+01:00", "jce", &["board", "agenda", "add", "2008-09-01", "--proposal", "community-safety", "--on", "2008-09-01"]),
    step("2008-09-03T10:25:00+01:00", "jce", &["board", "agenda", "add", "2008-09-01", "--proposal", "financial-services", "--on", "2008-09-01"]),
    step("2008-09-03T10:26:00+01:00", "jce", &["board", "agenda", "add", "2008-09-01", "--proposal", "benefits", "--on", "2008-09-01"]),
    step("2008-09-03T10:27:00+01:00", "jce", &["board", "attend", "2008-09-01", "--present", "bdc-leader,bdc-member-2,rbc-leader,rbc-member-2,rbc-member-3", "--apologies", "bdc-member-3"]),
    // Payroll: agreed in Bromsgrove's medium term financial plan; first payroll run in September.
    step("2008-09-03T10:30:00+01:00", "jce", &["proposal", "advance", "payroll", "--to", "business-case", "--on", "2008-09-01"]),
    step("2008-09-03T10:31:00+01:00", "jce", &["proposal", "business-case", "payroll", "--one-off-cost", "12000", "--annual-saving", "40000", "--risk", "Parallel runs must show no issues before the first live run", "--on", "2008-09-01"]),
    step("2008-09-03T10:32:00+01:00", "jce", &["proposal", "advance", "payroll", "--to", "consultation", "--on", "2008-09-01"]),
    step("2008-09-03T10:33:00+01:00", "jce", &["board", "vote", "payroll", "--meeting", "2008-09-01", "--support", "bdc-leader,bdc-member-2,rbc-leader,rbc-member-2,rbc-member-3"]),
    step("2008-09-03T10:34:00+01:00", "jce", &["consultation", "open", "payroll", "--with", "staff,unison,gmb", "--on", "2008-09-02"]),
    step("2008-09-03T10:35:00+01:00", "jce", &["board", "minutes", "draft", "2008-09-01", "--file", "{MINUTES}", "--on", "2008-09-03"]),
    step("2008-09-10T16:00:00+01:00", "jce", &["consultation", "respond", "payroll", "--party", "staff", "--summary", "Payroll staff content with the transfer; asked for the HR system training dates", "--on", "2008-09-09"]),
    step("2008-09-10T16:01:00+01:00", "jce", &["consultation", "respond", "payroll", "--party", "unison", "--summary", "No objection provided terms and conditions are protected", "--on", "2008-09-10"]),
    step("2008-09-12T12:00:00+01:00", "jce", &["consultation", "close", "payroll", "--on", "2008-09-12"]),
    step("2008-09-12T12:01:00+01:00", "jce", &["proposal", "advance", "payroll", "--to", "council-approval", "--on", "2008-09-12"]),
    // 17 Sep 2008: Bromsgrove's Council approves the concordat and the quick wins.
    step("2008-09-18T09:30:00+01:00", "jce", &["milestone", "complete", "phase-1", "--on", "2008-09-17"]),
    step("2008-09-18T09:40:00+01:00", "jce", &["proposal", "advance", "elections", "--to", "business-case", "--on", "2008-09-17"]),
    step("2008-09-18T09:41:00+01:00", "jce", &["proposal", "advance", "community-safety", "--to", "business-case", "--on", "2008-09-17"]),
    step("2008-09-18T09:42:00+01:00", "jce", &["proposal", "advance", "performance-management", "--to", "business-case", "--on", "2008-09-17"]),
    step("2008-09-18T09:43:00+01:00", "jce", &["proposal", "advance", "equalities", "--to", "business-case", "--on", "2008-09-17"]),
    step("2008-09-18T09:44:00+01:00", "jce", &["proposal", "advance", "member-development", "--to", "business-case", "--on", "2008-09-17"]),
    // Both Councils approve the quick wins in principle (report of 17 Sep 2008, recommendation 2.1.4):
    // shown with each proposal, never counted as a council's decision.
    step("2008-09-18T10:00:00+01:00", "bdc-clerk", &["council", "in-principle", "elections", "--council", "bromsgrove", "--minute", "BDC Council 17 Sep 2008, recommendation 2.1.4: quick wins approved in principle", "--on", "2008-09-17"]),
    step("2008-09-18T10:01:00+01:00", "bdc-clerk", &["council", "in-principle", "community-safety", "--council", "bromsgrove", "--minute", "BDC Council 17 Sep 2008, recommendation 2.1.4: quick wins approved in principle", "--on", "2008-09-17"]),
    step("2008-09-18T10:02:00+01:00", "bdc-clerk", &["council", "in-principle", "performance-management", "--council", "bromsgrove", "--minute", "BDC Council 17 Sep 2008, recommendation 2.1.4: quick wins approved in principle", "--on", "2008-09-17"]),
    step("2008-09-18T10:03:00+01:00", "bdc-clerk", &["council", "in-principle", "equalities", "--council", "bromsgrove", "--minute", "BDC Council 17 Sep 2008, recommendation 2.1.4: quick wins approved in principle", "--on", "2008-09-17"]),
    step("2008-09-18T10:04:00+01:00", "bdc-clerk", &["council", "in-principle", "member-development", "--council", "bromsgrove", "--minute", "BDC Council 17 Sep 2008, recommendation 2.1.4: quick wins approved in principle", "--on", "2008-09-17"]),
    step("2008-09-18T10:05:00+01:00", "bdc-clerk", &["council", "in-principle", "financial-services", "--council", "bromsgrove", "--minute", "BDC Council 17 Sep 2008, recommendation 2.1.4: quick wins approved in principle", "--on", "2008-09-17"]),
    step("2008-09-18T11:00:00+01:00", "rbc-clerk", &["council", "in-principle", "elections", "--council", "redditch", "--minute", "RBC Council 17 Sep 2008, recommendation 2.1.4: quick wins approved in principle", "--on", "2008-09-17"]),
    step("2008-09-18T11:01:00+01:00", "rbc-clerk", &["council", "in-principle", "community-safety", "--council", "redditch", "--minute", "RBC Council 17 Sep 2008, recommendation 2.1.4: quick wins approved in principle", "--on", "2008-09-17"]),
    step("2008-09-18T11:02:00+01:00", "rbc-clerk", &["council", "in-principle", "performance-management", "--council", "redditch", "--minute", "RBC Council 17 Sep 2008, recommendation 2.1.4: quick wins approved in principle", "--on", "2008-09-17"]),
    step("2008-09-18T11:03:00+01:00", "rbc-clerk", &["council", "in-principle", "equalities", "--council", "redditch", "--minute", "RBC Council 17 Sep 2008, recommendation 2.1.4: quick wins approved in principle", "--on", "2008-09-17"]),
    step("2008-09-18T11:04:00+01:00", "rbc-clerk", &["council", "in-principle", "member-development", "--council", "redditch", "--minute", "RBC Council 17 Sep 2008, recommendation 2.1.4: quick wins approved in principle", "--on", "2008-09-17"]),
    step("2008-09-18T11:05:00+01:00", "rbc-clerk", &["council", "in-principle", "financial-services", "--council", "redditch", "--minute", "RBC Council 17 Sep 2008, recommendation 2.1.4: quick wins approved in principle", "--on", "2008-09-17"]),
    step("2008-09-22T11:00:00+01:00", "bdc-clerk", &["council", "decide", "payroll", "--council", "bromsgrove", "--decision", "approve", "--minute", "BDC Council 17 Sep 2008", "--on", "2008-09-17"]),
    step("2008-09-26T11:00:00+01:00", "rbc-clerk", &["council", "decide", "payroll", "--council", "redditch", "--decision", "approve", "--minute", "RBC Council 22 Sep 2008", "--on", "2008-09-22"]),
    step("2008-10-01T09:30:00+01:00", "jce", &["proposal", "advance", "payroll", "--to", "monitoring", "--on", "2008-10-01"]),
    step("2008-10-01T09:31:00+01:00", "jce", &["monitor", "kpi", "payroll", "--name", "payroll-on-time", "--target", "100", "--unit", "percent", "--baseline", "97", "--on", "2008-10-01"]),
    step("2008-10-01T09:35:00+01:00", "ops", &["scheduler", "tick"]),
    step("2008-10-07T10:00:00+01:00", "jce", &["proposal", "hold", "community-safety", "--reason", "Concerns about grant funding; Redditch to concentrate on its LAA reward grant targets", "--on", "2008-10-06"]),
    // The Labour Group Leaders join the Board (recommendation 2.1.5); the next meeting, at Redditch.
    step("2008-10-20T14:00:00+01:00", "admin", &["partnership", "amend", "{AMENDED}", "--on", "2008-10-20"]),
    step("2008-10-20T14:05:00+01:00", "jce", &["board", "meeting", "schedule", "--on", "2008-11-03", "--decided-on", "2008-10-20"]),
    // Elections: Bromsgrove leads.
    step("2008-10-20T15:00:00+01:00", "jce", &["proposal", "business-case", "elections", "--one-off-cost", "15000", "--annual-saving", "18000", "--share", "bromsgrove=50", "--share", "redditch=50", "--risk", "A statutory function: keep the client and contractor split", "--risk", "Resilience through the May 2009 county elections", "--on", "2008-10-20"]),
    step("2008-10-20T15:01:00+01:00", "jce", &["proposal", "advance", "elections", "--to", "consultation", "--on", "2008-10-20"]),
    // Risk management at project level (§8.1(a)): the elections service's move.
    step("2008-10-20T15:05:00+01:00", "jce", &["risk", "add", "--proposal", "elections", "--title", "Election staff lose access during the move", "--likelihood", "4", "--impact", "4", "--owner", "jce", "--mitigation", "Both offices keep their electoral registers until access from the joint team is tested", "--review", "2009-01-15", "--on", "2008-10-20"]),
    step("2008-10-21T10:00:00+01:00", "jce", &["consultation", "open", "elections", "--with", "staff,unison,gmb,ucatt", "--on", "2008-10-21"]),
    step("2008-10-21T10:05:00+01:00", "jce", &["board", "agenda", "add", "2008-11-03", "--proposal", "elections", "--on", "2008-10-21"]),
    step("2008-11-04T09:55:00+00:00", "jce", &["board", "attend", "2008-11-03", "--present", "bdc-leader,bdc-member-2,bdc-member-3,rbc-leader,rbc-member-2,rbc-member-3", "--apologies", "bdc-labour-leader,rbc-labour-leader"]),
    step("2008-11-04T10:00:00+00:00", "jce", &["board", "vote", "elections", "--meeting", "2008-11-03", "--support", "bdc-leader,bdc-member-2,bdc-member-3,rbc-leader,rbc-member-2", "--abstain", "rbc-member-3"]),
    step("2008-11-04T10:05:00+00:00", "jce", &["board", "minutes", "approve", "2008-09-01", "--at", "2008-11-03"]),
    step("2008-11-14T16:00:00+00:00", "jce", &["consultation", "respond", "elections", "--party", "staff", "--summary", "Both elections teams support one team; asked that the Redditch office stays open at elections", "--on", "2008-11-14"]),
    step("2008-11-18T16:00:00+00:00", "jce", &["consultation", "respond", "elections", "--party", "unison", "--summary", "Supports, subject to no compulsory redundancies", "--on", "2008-11-18"]),
    step("2008-11-21T12:00:00+00:00", "jce", &["consultation", "close", "elections", "--on", "2008-11-21"]),
    step("2008-11-21T12:01:00+00:00", "jce", &["proposal", "advance", "elections", "--to", "council-approval", "--on", "2008-11-21"]),
    step("2008-12-15T09:00:00+00:00", "bdc-clerk", &["council", "decide", "elections", "--council", "bromsgrove", "--decision", "approve", "--minute", "BDC Council 10 Dec 2008", "--on", "2008-12-10"]),
    step("2008-12-17T09:00:00+00:00", "rbc-clerk", &["council", "decide", "elections", "--council", "redditch", "--decision", "defer", "--minute", "RBC Council 15 Dec 2008: the ICT costs to be reported", "--on", "2008-12-15"]),
    // The Joint Chief Executive's six-month review, by each Cabinet (concordat §2.3; Board 1 Sep 2008).
    step("2008-12-18T10:00:00+00:00", "bdc-clerk", &["review", "record", "--arrangement", "joint-chief-executive", "--council", "bromsgrove", "--outcome", "continue", "--summary", "Cabinet six-month review: the joint arrangement to continue for the remaining six months", "--on", "2008-12-17"]),
    step("2009-01-01T09:05:00+00:00", "ops", &["scheduler", "tick"]),
    step("2009-01-05T10:00:00+00:00", "jce", &["monitor", "record", "payroll", "--name", "payroll-on-time", "--quarter", "2008/09-Q3", "--value", "100", "--on", "2008-12-31"]),
    step("2009-01-05T10:01:00+00:00", "jce", &["monitor", "saving", "payroll", "--quarter", "2008/09-Q3", "--amount", "10000", "--on", "2008-12-31"]),
    // The back-dated decision: taken on 21 Jan, recorded on 26 Jan.
    step("2009-01-15T10:00:00+00:00", "rbc-clerk", &["review", "record", "--arrangement", "joint-chief-executive", "--council", "redditch", "--outcome", "continue", "--summary", "Executive Committee six-month review: continue; both Cabinets to meet to agree a vision for the remaining six months", "--on", "2009-01-14"]),
    step("2009-01-15T11:00:00+00:00", "jce", &["risk", "update", "risk-2", "--likelihood", "2", "--review", "2009-04-15", "--reason", "Both offices tested access to the registers from the joint team on 14 Jan 2009", "--on", "2009-01-15"]),
    step("2009-01-26T14:00:00+00:00", "rbc-clerk", &["council", "decide", "elections", "--council", "redditch", "--decision", "approve", "--minute", "RBC Council 21 Jan 2009", "--on", "2009-01-21"]),
    step("2009-01-30T12:00:00+00:00", "jce", &["milestone", "complete", "phase-2", "--on", "2009-01-30"]),
    step("2009-03-02T09:00:00+00:00", "jce", &["proposal", "advance", "elections", "--to", "monitoring", "--on", "2009-03-02"]),
    step("2009-03-02T09:01:00+00:00", "jce", &["monitor", "kpi", "elections", "--name", "cost-per-elector", "--target", "1.20", "--unit", "GBP", "--baseline", "1.45", "--direction", "lower", "--on", "2009-03-02"]),
    step("2009-04-01T09:05:00+01:00", "ops", &["scheduler", "tick"]),
    step("2009-04-02T10:00:00+01:00", "jce", &["monitor", "saving", "payroll", "--quarter", "2008/09-Q4", "--amount", "10000", "--on", "2009-03-31"]),
    step("2009-04-03T10:00:00+01:00", "jce", &["monitor", "saving", "elections", "--quarter", "2008/09-Q4", "--amount", "1500", "--on", "2009-03-31"]),
    step("2009-04-03T10:05:00+01:00", "jce", &["monitor", "record", "payroll", "--name", "payroll-on-time", "--quarter", "2008/09-Q4", "--value", "100", "--on", "2009-03-31"]),
    step("2009-04-03T10:06:00+01:00", "jce", &["monitor", "record", "elections", "--name", "cost-per-elector", "--quarter", "2008/09-Q4", "--value", "1.30", "--on", "2009-03-31"]),
    step("2009-04-08T10:00:00+01:00", "bdc-clerk", &["review", "record", "payroll", "--kind", "six-month", "--council", "bromsgrove", "--outcome", "continue", "--summary", "Cabinet six-month review: runs on time, saving on track", "--on", "2009-04-01"]),
    step("2009-04-09T10:00:00+01:00", "rbc-clerk", &["review", "record", "payroll", "--kind", "six-month", "--council", "redditch", "--outcome", "continue", "--summary", "Cabinet six-month review: continue", "--on", "2009-04-02"]),
    step("2009-07-01T09:05:00+01:00", "ops", &["scheduler", "tick"]),
    // The programme's funding (report of 17 Sep 2008, §4.3–4.4 and recommendation 2.1.4): each
    // Council releases £40,000 of match funding from balances; the West Midlands Regional
    // Improvement and Efficiency Partnership funds the initial work. Split equally (§6.2).
    step("2009-07-02T10:00:00+01:00", "jce", &["funding", "record", "--source", "Match funding from balances, £40,000 from each Council (recommendation 2.1.4)", "--amount", "80000", "--on", "2008-09-17"]),
    step("2009-07-02T10:01:00+01:00", "jce", &["funding", "record", "--source", "West Midlands Regional Improvement and Efficiency Partnership (WMRIEP)", "--amount", "35000", "--on", "2008-10-15"]),
    // The elections service's costs, shared equally (§6.2): the one-off ICT work, paid by
    // Bromsgrove (the lead), and its first quarter's running cost.
    step("2009-07-03T10:00:00+01:00", "jce", &["monitor", "cost", "elections", "--quarter", "2008/09-Q4", "--amount", "15000", "--kind", "one-off", "--code", "ELEC-ICT", "--paid-by", "bromsgrove", "--on", "2009-07-03"]),
    step("2009-07-03T10:01:00+01:00", "jce", &["monitor", "cost", "elections", "--quarter", "2009/10-Q1", "--amount", "1200", "--kind", "recurring", "--on", "2009-07-03"]),
    step("2009-07-03T10:02:00+01:00", "jce", &["monitor", "saving", "elections", "--quarter", "2009/10-Q1", "--amount", "4500", "--on", "2009-07-03"]),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_programme_is_in_recorded_order() {
        let instants: Vec<jiff::Timestamp> = PROGRAMME
            .iter()
            .map(|s| s.recorded.parse().expect("RFC 3339"))
            .collect();
        assert!(
            instants.windows(2).all(|w| w[0] < w[1]),
            "steps must be listed oldest first"
        );
    }
}
