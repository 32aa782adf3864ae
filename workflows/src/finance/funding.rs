//! Funding from outside the councils (match funding, a regional efficiency partnership's grant):
//! the `funding-recorded` events of the stream `funding`, split to the penny between the councils
//! — a proposal's by its cost shares in force (§6.2), programme funding equally between the
//! partnership's councils — unless the command gives shares.

use crate::money::{apportion, apportion_equally, Money, Percent, WHOLE};
use crate::partnership::Partnership;
use crate::proposal::{costs, shares, Cut, ProposalState};
use crate::quarter::Quarter;
use engine::{Event, Failure};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The stream every funding event lives in.
pub const FUNDING_STREAM: &str = "funding";
/// Money received from outside the councils, split between them.
pub const FUNDING_RECORDED: &str = "funding-recorded";

/// `funding-recorded`: who gave how much, for which proposal (none: the programme), and each
/// council's part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundingRecorded {
    pub source: String,
    pub amount: Money,
    /// The quarter containing the effective date.
    pub quarter: Quarter,
    #[serde(default)]
    pub proposal: Option<String>,
    pub shares: BTreeMap<String, Percent>,
    #[serde(default)]
    pub equal_shares: bool,
    pub by_council: BTreeMap<String, Money>,
}

/// One funding event as folded: its data, date, seq and who recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Funding {
    #[serde(flatten)]
    pub recorded: FundingRecorded,
    pub on: Date,
    pub seq: u64,
    pub by: String,
}

/// What `funding record` gives.
#[derive(Debug, Clone, Copy)]
pub struct FundingTerms<'a> {
    pub source: &'a str,
    pub amount: Money,
    pub date: Date,
    /// The proposal funded (None: the programme).
    pub proposal: Option<&'a ProposalState>,
    /// Shares given (empty: the proposal's cost shares, or equal for the programme).
    pub shares: &'a [(String, Percent)],
}

/// The councils a grant is split between: a proposal's councils that take part in the quarter,
/// or the partnership's; and who takes a tied penny.
pub fn recipients(terms: &FundingTerms, partnership: &Partnership) -> (Vec<String>, String) {
    let quarter = Quarter::containing(terms.date, partnership.year_start());
    match terms.proposal {
        Some(state) => {
            let taking: Vec<String> = state
                .councils
                .iter()
                .filter(|c| shares::takes_part(state, c, quarter))
                .cloned()
                .collect();
            let weights: Vec<(String, u64)> = taking.iter().map(|c| (c.clone(), 1)).collect();
            (taking, shares::tie_council(state, &weights))
        }
        None => {
            let all = partnership.council_ids();
            let tie = all.first().cloned().unwrap_or_default();
            (all, tie)
        }
    }
}

/// The `funding-recorded` data, or a refusal (3) naming each problem with the shares given.
pub fn decide(terms: &FundingTerms, partnership: &Partnership) -> Result<FundingRecorded, Failure> {
    let quarter = Quarter::containing(terms.date, partnership.year_start());
    let (councils, tie) = recipients(terms, partnership);
    let (shares, equal, by_council) = if !terms.shares.is_empty() {
        let unmet = problems(terms.shares, &councils, partnership);
        if !unmet.is_empty() {
            return Err(Failure::refused("the funding's shares are not right")
                .with_details(unmet)
                .with_detail(format!(
                    "give a share to each of {} summing to 100, or none",
                    councils.join(", ")
                )));
        }
        let ordered: Vec<(String, Percent)> = councils
            .iter()
            .filter_map(|c| terms.shares.iter().find(|(s, _)| s == c).cloned())
            .collect();
        let parts = apportion(terms.amount, &ordered, &tie);
        (ordered.into_iter().collect(), false, parts)
    } else if let Some(terms_in_force) = terms.proposal.and_then(|s| costs::in_force(s, quarter)) {
        let parts = terms_in_force.split(terms.amount).into_iter().collect();
        (terms_in_force.shares, terms_in_force.equal, parts)
    } else {
        let parts = apportion_equally(terms.amount, &councils, &tie);
        let shares = councils
            .iter()
            .cloned()
            .zip(Percent::equal_split(councils.len()))
            .collect();
        (shares, true, parts)
    };
    Ok(FundingRecorded {
        source: terms.source.to_string(),
        amount: terms.amount,
        quarter,
        proposal: terms.proposal.map(|s| s.id.clone()),
        shares,
        equal_shares: equal,
        by_council: by_council.into_iter().collect(),
    })
}

/// Each problem with the shares given: unknown councils, councils not receiving, missing ones, a
/// sum other than 100.
fn problems(
    given: &[(String, Percent)],
    councils: &[String],
    partnership: &Partnership,
) -> Vec<String> {
    let mut unmet = Vec::new();
    for (council, _) in given {
        if partnership.council(council).is_none() {
            unmet.push(format!("{council} is not a council of the partnership"));
        } else if !councils.contains(council) {
            unmet.push(format!("{council} does not share what is funded"));
        }
    }
    for council in councils {
        if !given.iter().any(|(c, _)| c == council) {
            unmet.push(format!(
                "{council} has no share: every council funded needs one"
            ));
        }
    }
    let sum: u32 = given.iter().map(|(_, p)| p.hundredths).sum();
    if sum != WHOLE.hundredths {
        unmet.push(format!(
            "the shares sum to {}%, not 100%",
            Percent { hundredths: sum }
        ));
    }
    unmet
}

/// The funding the cut admits, oldest first.
pub fn fold(events: &[Event], cut: &Cut) -> Result<Vec<Funding>, Failure> {
    let mut out = Vec::new();
    for event in events {
        if event.kind != FUNDING_RECORDED || !cut.admits(event)? {
            continue;
        }
        let recorded: FundingRecorded = crate::proposal::events::read(event)?;
        let on = engine::time::parse_date(&event.effective_on).map_err(|e| {
            Failure::integrity(format!("event {} has a bad effective_on: {e}", event.seq))
        })?;
        out.push(Funding {
            recorded,
            on,
            seq: event.seq,
            by: event.actor.clone(),
        });
    }
    Ok(out)
}

/// The funding in words, with each council's part.
pub fn describe(d: &FundingRecorded) -> String {
    let parts: Vec<String> = d
        .by_council
        .iter()
        .map(|(c, m)| format!("{c} {}", crate::money::pounds(*m)))
        .collect();
    let of = d
        .proposal
        .as_ref()
        .map(|p| format!(" towards {p}"))
        .unwrap_or_else(|| " towards the programme".into());
    format!(
        "funding from {}{of}: {} ({})",
        d.source,
        crate::money::pounds(d.amount),
        parts.join(", ")
    )
}
