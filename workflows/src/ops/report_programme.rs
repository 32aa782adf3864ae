//! `report programme --quarter Q`: the programme's money across every council as the quarter
//! stood at its end, from what was recorded by `--known-at` (cut exactly as `report quarterly`
//! cuts each council's report): costs, funding, budget against actual, net position and payback,
//! for the programme and each proposal, in total and by council.

use super::funding::under;
use super::reminders::{head_at, partnership_at};
use super::report::known_seq;
use super::report_projection;
use super::session::Session;
use crate::finance::position::{self, ProgrammeLedgers};
use crate::proposal::Cut;
use crate::quarter::Quarter;
use crate::report::contribution::Period;
use crate::report::finance::ProgrammeFinance;
use engine::Failure;

/// The programme's finances for `quarter`, as known at `known_at` (default: now): each proposal's
/// money from the report projection (the quarterly reports' own), read one proposal at a time.
pub async fn programme(
    session: &mut Session,
    quarter: Quarter,
    known_at: Option<&str>,
) -> Result<ProgrammeFinance, Failure> {
    let seq = known_seq(session, known_at).await?;
    let recorded_cut = Cut {
        effective_until: None,
        recorded_until: None,
        seq_until: Some(seq),
    };
    let known = head_at(session.store.as_ref(), &recorded_cut).await?;
    // The year as recorded then, as the quarterly reports count it.
    let (recorded, _) = partnership_at(session, &recorded_cut).await?;
    let year_start = recorded.latest().year_start();
    let period = Period {
        quarter,
        first_day: quarter.first_day(year_start),
        last_day: quarter.last_day(year_start),
        year_start,
    };
    if recorded.on(period.last_day).council_ids().is_empty() {
        return Err(Failure::refused(format!(
            "the partnership had no council at the end of {quarter}"
        )));
    }
    let history = session.partnership().await?.clone();
    let at_end = history
        .on(quarter.last_day(history.latest().year_start()))
        .clone();
    let start = at_end.year_start();
    let cut = Cut {
        effective_until: Some(quarter.last_day(start)),
        ..recorded_cut
    };
    let funding = under(session, &cut).await?;
    let councils = at_end.council_ids();
    let mut sum = ProgrammeLedgers::new(&funding, &councils, quarter);
    let mut proposals = Vec::new();
    report_projection::for_each(session, &period, &known, &mut |c| {
        let (whole, parts) = c.money.ledgers(&c.id, &funding, quarter);
        if c.money.standing {
            let id = Some(c.id.clone());
            proposals.push(position::finance_of(id, &whole, &parts, quarter, start));
        }
        sum.absorb(&whole, &parts);
    })
    .await?;
    Ok(ProgrammeFinance {
        partnership: at_end.name.clone(),
        quarter,
        known_at: format!("seq:{seq}"),
        programme: position::finance_of(None, &sum.total, &sum.by, quarter, start),
        proposals,
        funding,
    })
}
