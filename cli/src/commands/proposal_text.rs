//! How `proposal show`, `proposal list` and `proposal history` read as text (JSON is the
//! values themselves): the words come from `workflows::words`, the layout is the CLI's.

use crate::output;
use workflows::money::pounds;
use workflows::proposal::view::{HistoryItem, ListItem};
use workflows::proposal::ProposalView;
use workflows::words;

/// `proposal show` as text.
pub fn human_show(v: &ProposalView) -> String {
    let mut out = show_header(v);
    out += &show_business_case(v);
    out += &show_decisions(v);
    out += &show_kpis(v);
    out += &show_savings_and_reviews(v);
    out += &show_milestones_and_next(v);
    out += &show_terms(v);
    out
}

/// The councils that left and the variations of shares, with their consents.
fn show_terms(v: &ProposalView) -> String {
    let mut out = String::new();
    for (council, l) in &v.left {
        out += &format!(
            "Left: {council} on {} (minute: {}); from {} its share goes to {}\n",
            l.on,
            output::field(&l.minute),
            l.from_quarter,
            l.remaining.join(", ")
        );
    }
    for s in &v.share_variations {
        let shares: Vec<String> = s.shares.iter().map(|(c, p)| format!("{c} {p}%")).collect();
        out += &format!(
            "Shares varied ({}), proposed {} by {}: {}\n",
            s.status,
            s.proposed_on,
            s.by,
            shares.join(", ")
        );
        for (council, c) in &s.consents {
            out += &format!(
                "  {council} consented on {} (minute: {})\n",
                c.on,
                output::field(&c.minute)
            );
        }
        if let Some(q) = s.in_force_from {
            out += &format!("  in force from {q}\n");
        } else if !s.awaiting.is_empty() {
            out += &format!("  awaiting consent from {}\n", s.awaiting.join(", "));
        }
    }
    out
}

/// The id, title, stage, service, councils and dates.
fn show_header(v: &ProposalView) -> String {
    let mut out = format!("{} — {}\n", v.id, output::field(&v.title));
    out += &format!(
        "  stage {}{}, version {}, {} workflow v{}, round {}\n",
        words::stage(&v.stage),
        v.held_from
            .as_ref()
            .map(|s| format!(" (held from {})", words::stage_lower(s)))
            .unwrap_or_default(),
        v.version,
        v.workflow.name,
        v.workflow.version,
        v.round
    );
    out += &format!(
        "  service {}, {} category, led by {}, shared by {}\n",
        v.service,
        v.category.as_str(),
        v.lead,
        v.councils.join(", ")
    );
    out += &format!("  created {} by {}\n", v.created_on, v.created_by);
    if let Some(d) = v.went_live {
        out += &format!("  went live {d}\n");
    }
    out
}

/// The business case with each council's shares, and its risks.
fn show_business_case(v: &ProposalView) -> String {
    let mut out = String::new();
    match &v.business_case {
        None => out += "Business case: none recorded\n",
        Some(b) => {
            out += &format!(
                "Business case ({}): one-off cost {}, annual saving {}\n",
                b.recorded_on,
                pounds(b.one_off_cost),
                pounds(b.annual_saving)
            );
            for c in &v.councils {
                out += &format!(
                    "  {c}: {}% of savings ({} a year), {}% of the cost ({})\n",
                    b.shares.get(c).map(|p| p.to_string()).unwrap_or_default(),
                    b.annual_saving_by_council
                        .get(c)
                        .map(|m| pounds(*m))
                        .unwrap_or_default(),
                    b.cost_shares
                        .get(c)
                        .map(|p| p.to_string())
                        .unwrap_or_default(),
                    b.one_off_cost_by_council
                        .get(c)
                        .map(|m| pounds(*m))
                        .unwrap_or_default()
                );
            }
            for r in &b.risks {
                out += &format!("  risk: {}\n", output::field(r));
            }
        }
    }
    out
}

/// The consultation, the Board's vote, the councils' decisions and the call-in windows.
fn show_decisions(v: &ProposalView) -> String {
    let mut out = String::new();
    out += &format!("Consultation: {}", v.consultation.status);
    if !v.consultation.parties.is_empty() {
        let parties: Vec<String> = v
            .consultation
            .parties
            .iter()
            .map(|(p, s)| format!("{p} {s}"))
            .collect();
        out += &format!(" ({})", parties.join(", "));
    }
    out += "\n";
    match (&v.board.outcome, v.board.meeting) {
        (Some(o), Some(m)) => out += &format!("Board: {} at the meeting of {m}\n", o.as_str()),
        _ => out += "Board: no vote recorded\n",
    }
    let approvals: Vec<String> = v
        .approvals
        .iter()
        .map(|(c, d)| format!("{c} {d}"))
        .collect();
    out += &format!("Council decisions: {}\n", approvals.join(", "));
    for p in &v.in_principle {
        out += &format!(
            "In principle: {} on {} (minute: {}); not its decision\n",
            p.council,
            p.on,
            output::field(&p.minute)
        );
    }
    for (council, c) in &v.call_in {
        let closes = c.closes.as_deref().unwrap_or("-");
        out += &match c.status {
            "open" => format!("Call-in: {council} open until {closes}\n"),
            "closed" => format!("Call-in: {council} closed at {closes} without a call-in\n"),
            "urgent" => format!("Call-in: {council} exempt (urgent decision)\n"),
            status => format!("Call-in: {council} {status} (window until {closes})\n"),
        };
    }
    out
}

/// The performance indicators with their values.
fn show_kpis(v: &ProposalView) -> String {
    let mut out = String::new();
    if !v.kpis.is_empty() {
        out += "Performance indicators:\n";
        for (name, k) in &v.kpis {
            let values: Vec<String> = k.values.iter().map(|(q, x)| format!("{q} {x}")).collect();
            let unit = k
                .unit
                .as_deref()
                .map(|u| format!(" {u}"))
                .unwrap_or_default();
            out += &format!(
                "  {name}: target {}{unit} ({}){}; {}\n",
                k.target
                    .map(|t| t.to_string())
                    .unwrap_or_else(|| "-".into()),
                k.direction.words(),
                k.baseline
                    .map(|b| format!(", baseline {b}{unit}"))
                    .unwrap_or_default(),
                if values.is_empty() {
                    "no values yet".to_string()
                } else {
                    values.join(", ")
                }
            );
            if let (Some(words), Some(q)) = (k.status_text, &k.status_quarter) {
                out += &format!("    {q}: {words}\n");
            }
        }
    }
    out
}

/// The savings recorded and the councils' reviews.
fn show_savings_and_reviews(v: &ProposalView) -> String {
    let mut out = String::new();
    let parts: Vec<String> = v
        .savings
        .by_council
        .iter()
        .map(|(c, m)| format!("{c} {}", pounds(*m)))
        .collect();
    out += &format!(
        "Savings recorded: {} ({})\n",
        pounds(v.savings.total),
        parts.join(", ")
    );
    for (quarter, s) in &v.savings.by_quarter {
        if let Some(was) = s.corrects {
            out += &format!("  {quarter}: {} corrects {}", pounds(s.amount), pounds(was));
        } else if s.amount.pence < 0 {
            out += &format!("  {quarter}: a shortfall, {}", pounds(s.amount));
        } else {
            continue;
        }
        let reason = s.reason.as_deref().map(output::field).unwrap_or_default();
        out += &format!(" ({reason})\n");
    }
    for r in &v.reviews {
        out += &format!(
            "Review: {} {} on {}: {}{}\n",
            r.council,
            r.kind,
            r.on,
            r.outcome,
            r.summary
                .as_deref()
                .map(|s| format!(" ({})", output::field(s)))
                .unwrap_or_default()
        );
    }
    out
}

/// The milestones, the recusals and the next reminders.
fn show_milestones_and_next(v: &ProposalView) -> String {
    let mut out = String::new();
    for m in &v.milestones {
        out += &format!(
            "Milestone {}: {} — due {}{}{}\n",
            m.id,
            output::field(&m.title),
            m.due,
            if m.due != m.original_due {
                format!(" (originally {})", m.original_due)
            } else {
                String::new()
            },
            m.completed
                .as_ref()
                .map(|c| format!(", completed {}", c.on))
                .unwrap_or_default()
        );
    }
    for (actor, r) in &v.recused {
        out += &format!(
            "Recused: {actor} since {} ({})\n",
            r.on,
            output::field(&r.reason)
        );
    }
    for r in &v.next_reminders {
        out += &format!("Next: {} {} — {}\n", r.due, r.kind, output::field(&r.title));
    }
    out
}

/// One line of `proposal list` as text (ending in a newline).
pub fn human_line(i: &ListItem) -> String {
    format!(
        "{:<24} {:<17} v{:<3} lead {:<12} {}  ({})\n",
        i.id,
        i.stage.as_str(),
        i.version,
        i.lead,
        output::field(&i.title),
        i.councils.join(", ")
    )
}

/// `proposal history` as text.
pub fn human_history(items: &[HistoryItem]) -> String {
    let mut out = String::new();
    for e in items {
        out += &format!(
            "v{:<3} taken {}  recorded {}  by {:<10} {}\n",
            e.version,
            e.effective_on,
            e.recorded_at,
            e.actor,
            output::field(&e.describe())
        );
    }
    out
}
