//! A proposal's story: every event of its timeline in order, in words — when it was taken, who
//! took it, what it recorded and why (workflows' one `describe`), and when it was recorded.

use maud::{html, Markup};
use std::collections::BTreeMap;
use workflows::ops::overview::Overview;
use workflows::proposal::view::HistoryItem;
use workflows::words;

/// The actor `id` as a person reads it: "Jane Example (programme manager)", or the id.
pub fn who(ov: &Overview, id: &str) -> String {
    let Some(actor) = ov.partnership.latest().actor(id) else {
        return id.to_string();
    };
    let roles: Vec<String> = actor
        .roles
        .iter()
        .map(|r| r.as_str().replace('-', " "))
        .collect();
    let council = actor
        .council
        .as_deref()
        .map(|c| format!(", {}", super::name_of(&super::council_names(ov), c)))
        .unwrap_or_default();
    let name = actor.name.clone().unwrap_or_else(|| id.to_string());
    if roles.is_empty() {
        name
    } else {
        format!("{name} ({}{council})", roles.join(", "))
    }
}

/// `text` with each council's id, as a word of its own, written as the council's name (the
/// descriptions name councils by id: they are the command line's too).
fn with_names(text: &str, names: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        out.push_str(
            names
                .get(word.as_str())
                .map_or(word.as_str(), String::as_str),
        );
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() || c == '-' || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// The story of `timeline`, oldest first.
pub fn story(ov: &Overview, timeline: &[HistoryItem]) -> Markup {
    let names = super::council_names(ov);
    html! {
        h2 #story { "What has happened" }
        p.muted { "Every change to this proposal, in the order it was recorded: the date it was taken, "
                  "who recorded it and what was decided. A refused change is not recorded, so it never appears here." }
        @if timeline.is_empty() { p { "Nothing recorded yet." } }
        ol.story #timeline {
            @for e in timeline {
                @let taken = words::date_text(&e.effective_on);
                @let described = with_names(&e.describe(), &names);
                @let recorded = words::date_or_instant(&e.recorded_at, &ov.tz);
                li data-seq=(e.seq) {
                    span.when { (taken) } ": "
                    (first_line(&described))
                    @for line in described.lines().skip(1) { br; (line.trim()) }
                    br;
                    span.muted { "Recorded by " (who(ov, &e.actor)) " on " (recorded) "." }
                }
            }
        }
    }
}

/// The first line of a description, as a sentence.
fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    let mut s = words::capitalised(line);
    if !s.ends_with('.') && !s.ends_with(')') && !s.ends_with('"') {
        s.push('.');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::{first_line, with_names};

    #[test]
    fn councils_are_named() {
        let names = [(
            "redditch".to_string(),
            "Redditch Borough Council".to_string(),
        )]
        .into();
        assert_eq!(
            with_names(
                "redditch approved it (minute: redditch-12, Redditch)",
                &names
            ),
            "Redditch Borough Council approved it (minute: redditch-12, Redditch)"
        );
    }

    #[test]
    fn descriptions_read_as_sentences() {
        assert_eq!(
            first_line("moved from a to b\n  more"),
            "Moved from a to b."
        );
    }
}
