//! Random histories with random dates (only what the rules accept is kept, date corrections
//! included): a replay by effective date on any day never shows a stage whose preconditions are
//! unmet on that day, the stage it shows is the one the fold in seq order says held that day, and
//! the replay after the last date is the live state.

use super::events::Decision;
use super::proptests::{command, op, Op};
use super::state::{ConsultationStatus, ProposalState};
use super::testing::Log;
use super::Cut;
use crate::definition::Stage;
use jiff::civil::Date;
use jiff::ToSpan;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Step {
    /// A command, dated this many days after (or before, when negative) the previous step.
    Run(Op, i32),
    /// A correction of the event at this position in the stream, to this many days from its date.
    Correct(usize, i32),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        8 => (op(), -25i32..40).prop_map(|(op, days)| Step::Run(op, days)),
        1 => (0usize..60, -40i32..40).prop_map(|(at, days)| Step::Correct(at, days)),
    ]
}

/// The stage the fold in seq order says held on `day`: the last step dated on or before it.
fn stage_by_steps(live: &ProposalState, first: &Stage, day: Date) -> Stage {
    live.steps
        .iter()
        .rfind(|s| s.on <= day)
        .map(|s| s.to.clone())
        .unwrap_or_else(|| first.clone())
}

/// Every precondition of the stage `state` shows that does not hold on `day`.
fn unmet_on(state: &ProposalState, day: Date) -> Vec<&'static str> {
    use Stage::*;
    let stage = match (&state.stage, &state.held_from) {
        (OnHold, Some(from)) => from.clone(),
        (s, _) => s.clone(),
    };
    let mut unmet = Vec::new();
    let after_case = matches!(
        stage,
        Consultation | CouncilApproval | Monitoring | Closed | Rejected
    );
    if after_case && state.business_case.is_none() {
        unmet.push("no business case");
    }
    let consulted = state.consultation.status == ConsultationStatus::Closed
        && state.consultation.parties.contains_key("staff")
        && !state.consultation.unions.is_empty();
    if matches!(stage, CouncilApproval | Monitoring | Closed | Rejected) && !consulted {
        unmet.push("no complete consultation");
    }
    if matches!(stage, Monitoring | Closed) {
        if !state
            .board
            .standing()
            .is_some_and(|v| v.outcome.recommends())
        {
            unmet.push("no Board recommendation");
        }
        if !state
            .approvals()
            .iter()
            .all(|(_, d)| *d == Some(Decision::Approve))
        {
            unmet.push("a council has not approved");
        }
        if state.went_live.is_none_or(|d| d > day) {
            unmet.push("not live yet");
        }
    }
    if !state.savings.is_empty() && state.went_live.is_none_or(|d| d > day) {
        unmet.push("a saving before go-live");
    }
    unmet
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

    #[test]
    fn a_replay_by_effective_date_never_shows_what_had_not_happened(
        start in 0usize..3,
        random in proptest::collection::vec(step(), 1..60),
    ) {
        // As in the model test, some runs start near the later stages so they are reached often.
        let mut steps: Vec<Step> = match start {
            0 => vec![],
            _ => [Op::Advance(1), Op::Case { valid: true }, Op::Advance(2),
                  Op::Open { staff: true, union: true }, Op::CloseConsultation, Op::Advance(3)]
                .into_iter().map(|op| Step::Run(op, 3)).collect(),
        };
        if start == 2 {
            steps.extend([Op::Vote(1), Op::Decide { council: 0, decision: 0 },
                Op::Decide { council: 1, decision: 0 }, Op::Advance(4)]
                .into_iter().map(|op| Step::Run(op, 3)));
        }
        steps.extend(random);
        let mut log = Log::elections();
        let first = log.state().stage.clone();
        let mut day = jiff::civil::date(2008, 9, 1);
        for step in &steps {
            match step {
                Step::Run(op, days) => {
                    day = day.checked_add(days.days()).unwrap();
                    let (actor, cmd) = command(op, day);
                    let _ = log.run(actor, &day.to_string(), cmd);
                }
                Step::Correct(at, days) => {
                    let Some(event) = log.events.get(at % log.events.len()) else { continue };
                    let seq = event.seq;
                    let on: Date = event.effective_on.parse().unwrap();
                    let to = on.checked_add(days.days()).unwrap();
                    let _ = log.correct("jce", seq, &to.to_string());
                }
            }
        }
        let live = log.state();
        let last = log.events.iter().map(|e| e.effective_on.parse::<Date>().unwrap()).max().unwrap();
        let mut d = jiff::civil::date(2008, 9, 1);
        while d <= last {
            let cut = Cut { effective_until: Some(d), ..Cut::LIVE };
            let state = log.cut(&cut).expect("created on the first day");
            let unmet = unmet_on(&state, d);
            prop_assert!(unmet.is_empty(), "on {}: {} shows {} but {:?}", d, state.id, state.stage, unmet);
            prop_assert_eq!(&state.stage, &stage_by_steps(&live, &first, d), "on {}", d);
            d = d.tomorrow().unwrap();
        }
        let cut = Cut { effective_until: Some(last), ..Cut::LIVE };
        prop_assert_eq!(log.cut(&cut).unwrap(), live);
    }
}
