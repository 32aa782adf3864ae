//! `scheduler tick --dry-run` in words: what would fire and who would get which email.

use workflows::ops::email_plan::Plan;

/// The plan, one line a firing and one a message (contact id, name, subject).
pub fn human(plan: &Plan) -> String {
    if plan.fired.is_empty() && plan.emails.is_empty() {
        return "Nothing is due; no email would be sent.".into();
    }
    let mut out = String::new();
    for f in &plan.fired {
        let late = if f.late { " (late)" } else { "" };
        out += &format!("would fire {}{late}: {}\n", f.id, f.title);
    }
    for e in &plan.emails {
        let name = e.name.as_deref().unwrap_or("(no longer a contact)");
        let again = match e.attempt {
            1 => String::new(),
            n => format!(" (attempt {n})"),
        };
        out += &format!("would email {} ({name}){again}: {}\n", e.contact, e.subject);
    }
    out + "Nothing was written (dry run)."
}
