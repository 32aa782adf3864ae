//! The warning lines of a report: a quarter that had not ended by the last event the cut admits
//! (so more may yet be recorded for it), or that lies outside the partnership's life; a service
//! the council left in the quarter.

use super::contribution::Contribution;
use super::markdown::long_date;
use super::Inputs;

/// The warnings for the report `inputs` describe, in plain words (none: the report stands).
/// `left`: the lines of [`left_line`] of every proposal, in id order.
pub fn of(inputs: &Inputs<'_>, left: Vec<String>) -> Vec<String> {
    let mut out = Vec::new();
    if inputs.last_day < inputs.registered_on {
        out.push(format!(
            "{} ended on {}, before the partnership was registered on {}: nothing could be recorded for it.",
            inputs.quarter,
            long_date(inputs.last_day),
            long_date(inputs.registered_on)
        ));
        return out;
    }
    match inputs.last_recorded_on {
        Some(last) if inputs.last_day <= last => {}
        Some(last) => out.push(format!(
            "{} ends on {}, after the last event this report counts (recorded on {}): the quarter \
             was not over, and more may be recorded for it.",
            inputs.quarter,
            long_date(inputs.last_day),
            long_date(last)
        )),
        None => out.push("Nothing had been recorded in the partnership's log by then.".to_string()),
    }
    out.extend(left);
    out
}

/// The line for a service the council left in the quarter, if it did: from it on, the service is
/// no longer in its reports (its share goes to the councils that remain).
pub fn left_line(inputs: &Inputs<'_>, p: &Contribution) -> Option<String> {
    let left = p.left_note(inputs.council)?;
    Some(format!(
        "{} left \"{}\" ({}) on {} (minute: {}): from {} its share of the savings goes to {}, and the service is no longer in its reports.",
        inputs.council_name,
        left.title,
        p.id,
        long_date(left.on),
        left.minute,
        inputs.quarter,
        left.remaining.join(", ")
    ))
}
