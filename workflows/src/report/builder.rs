//! One council's report assembled from the proposals' contributions as they come (in id order),
//! each read once and dropped: the report keeps only the lines it prints, never the
//! contributions themselves (so a report of 20,000 proposals holds one of them at a time).

use super::contribution::{Contribution, Part};
use super::finance::SectionBuilder;
use super::notes::{AdjustmentLine, InPrincipleLine};
use super::{
    contribution, money, notes, risks, warnings, Inputs, KpiLine, MilestoneLine, ProposalLine,
    QuarterlyReport, ReviewDue, ReviewHeldLine, Reviews, SavingLine, Savings,
};
use crate::finance::funding::Funding;
use std::collections::BTreeSet;

/// A council's report so far: the lines of the proposals added.
pub struct Builder<'a> {
    inputs: &'a Inputs<'a>,
    /// The proposals the next quarter's reminders name, and those of them that concern the council.
    named: BTreeSet<&'a str>,
    concerned: BTreeSet<String>,
    left: Vec<String>,
    proposals: Vec<ProposalLine>,
    savings: Vec<SavingLine>,
    kpis: Vec<KpiLine>,
    due: Vec<ReviewDue>,
    held: Vec<ReviewHeldLine>,
    milestones: Vec<MilestoneLine>,
    money: Vec<money::ProposalMoney>,
    adjustments: Vec<AdjustmentLine>,
    in_principle: Vec<InPrincipleLine>,
    /// The money section, when the funding was read (layout 3).
    finance: Option<SectionBuilder<'a>>,
}

impl<'a> Builder<'a> {
    /// The report of `inputs` (whose `contributions` it ignores: they come through [`Builder::add`]);
    /// with `funding`, it has the money section.
    pub fn new(inputs: &'a Inputs<'a>, funding: Option<&'a [Funding]>) -> Builder<'a> {
        let finance = funding
            .map(|f| SectionBuilder::new(inputs.council, f, inputs.quarter, inputs.year_start));
        Builder {
            inputs,
            named: inputs
                .upcoming
                .iter()
                .filter_map(|r| r.proposal.as_deref())
                .collect(),
            concerned: BTreeSet::new(),
            left: Vec::new(),
            proposals: Vec::new(),
            savings: Vec::new(),
            kpis: Vec::new(),
            due: Vec::new(),
            held: Vec::new(),
            milestones: Vec::new(),
            money: Vec::new(),
            adjustments: Vec::new(),
            in_principle: Vec::new(),
            finance,
        }
    }

    /// Adds one proposal's contribution (contributions come in proposal id order).
    pub fn add(&mut self, c: &Contribution) {
        let council = self.inputs.council;
        if self.named.contains(c.id.as_str()) && c.concerned.iter().any(|x| x == council) {
            self.concerned.insert(c.id.clone());
        }
        self.left.extend(warnings::left_line(self.inputs, c));
        let Some(part) = c.part(council) else {
            return;
        };
        self.add_part(c, part);
        if let Some(f) = self.finance.as_mut() {
            f.add(c, part);
        }
    }

    fn add_part(&mut self, c: &Contribution, p: &Part) {
        self.proposals.push(p.line.clone());
        self.savings.extend(p.saving.clone());
        self.kpis.extend(p.kpis.iter().cloned());
        self.due.extend(p.reviews_due.iter().cloned());
        self.held.extend(p.reviews_held.iter().cloned());
        self.milestones.extend(c.milestones.iter().cloned());
        self.money.push(p.money.clone());
        self.adjustments.extend(p.adjustments.iter().cloned());
        self.in_principle.extend(c.in_principle.iter().cloned());
    }

    /// The report. Deterministic: everything is ordered by id or date.
    pub fn finish(self) -> QuarterlyReport {
        let inputs = self.inputs;
        let council = inputs.council;
        let by_proposal = self.savings;
        let savings = Savings {
            quarter: by_proposal.iter().map(|s| s.quarter).sum(),
            quarter_council: by_proposal.iter().map(|s| s.quarter_council).sum(),
            to_date: by_proposal.iter().map(|s| s.to_date).sum(),
            to_date_council: by_proposal.iter().map(|s| s.to_date_council).sum(),
            by_proposal,
        };
        let listed: BTreeSet<&str> = self.proposals.iter().map(|p| p.id.as_str()).collect();
        let concerned = &self.concerned;
        let top_risks = risks::of(inputs, |id| listed.contains(id));
        QuarterlyReport {
            quarter: inputs.quarter,
            council: council.to_string(),
            council_name: inputs.council_name.to_string(),
            partnership: inputs.partnership_name.to_string(),
            council_names: inputs.council_names.clone(),
            first_day: inputs.first_day,
            last_day: inputs.last_day,
            known_at: inputs.known_at.clone(),
            savings,
            kpis: self.kpis,
            reviews: reviews(self.due, self.held),
            milestones: milestones(inputs, self.milestones),
            upcoming_quarter: inputs.quarter.next(),
            upcoming: inputs
                .upcoming
                .iter()
                .filter(|r| match (&r.council, &r.proposal) {
                    (Some(c), _) => c == council,
                    (None, None) => true,
                    (None, Some(p)) => concerned.contains(p),
                })
                .map(|r| r.view(inputs.tz))
                .collect(),
            log: inputs.log.clone(),
            financial_year: format!(
                "{}/{:02}",
                inputs.quarter.year,
                (inputs.quarter.year + 1) % 100
            ),
            money_totals: money::totals(&self.money),
            money: self.money,
            warnings: warnings::of(inputs, self.left),
            adjustments: self.adjustments,
            in_principle: notes::in_principle(self.in_principle),
            top_risks,
            arrangement_reviews: None,
            finance: self.finance.map(SectionBuilder::finish),
            proposals: self.proposals,
        }
    }
}

fn reviews(mut due: Vec<ReviewDue>, mut held: Vec<ReviewHeldLine>) -> Reviews {
    due.sort_by(|a, b| (a.due, &a.proposal).cmp(&(b.due, &b.proposal)));
    held.sort_by(|a, b| (a.on, &a.proposal).cmp(&(b.on, &b.proposal)));
    Reviews { due, held }
}

/// The programme's open milestones, then each of the council's proposals', by due date.
fn milestones(inputs: &Inputs<'_>, of_proposals: Vec<MilestoneLine>) -> Vec<MilestoneLine> {
    let mut lines =
        contribution::open_milestones(inputs.programme_milestones.iter(), inputs.first_day);
    lines.extend(of_proposals);
    lines.sort_by(|a, b| (a.due, &a.id).cmp(&(b.due, &b.id)));
    lines
}
