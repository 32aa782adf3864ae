//! The forms as HTML: a label for every field, hints tied to their fields, the error summary at
//! the top, and the hidden CSRF token and version read.

use super::{Action, Field, Input, Values, ACTIONS};
use crate::web::http::encode;
use crate::web::pages::frame;
use crate::web::sessions::SignedIn;
use engine::{Failure, FailureKind};
use maud::{html, Markup};

/// What a form page shows.
pub struct FormPage<'a> {
    pub title: String,
    /// What the form is about (the proposal's title), shown above the heading.
    pub caption: String,
    pub action: String,
    pub back: String,
    pub who: &'a SignedIn,
    pub fields: Vec<Field>,
    pub values: &'a Values,
    /// The version of the proposal the form was read at.
    pub version: Option<u64>,
    /// Whether the form asks for the date the change was taken.
    pub dated: bool,
    pub refusal: Option<&'a Failure>,
    /// What the version read is of ("proposal", "milestone"), named when it changed meanwhile.
    pub subject: &'a str,
}

/// The heading and lines of a refusal, in plain words: the message, then every unmet condition
/// (the command line's own hints, which name its flags, are left out). `read`: what the form's
/// version was read of, when it carries one (a conflict then means it changed meanwhile).
pub fn summary(failure: &Failure, read: Option<&str>) -> (String, Vec<String>) {
    if let Some(subject) = read.filter(|_| failure.kind == FailureKind::Conflict) {
        let lines = vec![
            format!("Someone else changed this {subject} after you opened this form, so nothing was recorded."),
            failure.message.clone(),
            format!("Open the {subject} again to see what changed, then fill in the form again if it is still needed."),
        ];
        return (
            format!("This {subject} has changed since you opened the form"),
            lines,
        );
    }
    let title = match failure.kind {
        FailureKind::NotPermitted => "You cannot make this change",
        FailureKind::Usage => "Check what you entered",
        _ => "This change was refused",
    };
    let lines = std::iter::once(failure.message.as_str())
        .chain(failure.details.iter().filter_map(|d| without_command(d)))
        .map(|l| capitalised(&workflows::words::stages_in(l)))
        .collect();
    (title.to_string(), lines)
}

/// A detail without the command line's instructions: "the Board has not voted on it: record the
/// meeting with `concordat board vote …`" keeps "the Board has not voted on it"; a detail that
/// is only an instruction is dropped.
fn without_command(detail: &str) -> Option<&str> {
    let plain = match detail.find('`') {
        Some(at) => {
            let before = &detail[..at];
            before.rfind(": ").map_or("", |colon| &before[..colon])
        }
        None => detail,
    };
    let plain = plain.trim();
    (!plain.is_empty() && !plain.contains("--")).then_some(plain)
}

/// Each line of a refusal with the id of the field it names (by its name or its label), so the
/// summary links to it.
fn linked(lines: &[String], fields: &[Field]) -> Vec<(String, Option<String>)> {
    lines
        .iter()
        .map(|l| {
            let text = l.to_lowercase();
            // A field is named by its label, or by its name when that is a word of its own
            // ("to" or "on" would match any sentence).
            let field = fields.iter().find(|f| {
                let label = f.label.to_lowercase();
                let label = label.trim_end_matches(" (optional)");
                let name = f.name.replace('_', " ");
                text.contains(label) || (name.len() > 4 && text.contains(&name))
            });
            (l.clone(), field.map(field_id))
        })
        .collect()
}

/// The id of field `f`'s input (of its first choice, for radios and checkboxes).
fn field_id(f: &Field) -> String {
    let id = format!("f-{}", f.name.replace('.', "-"));
    match f.input {
        Input::Radios(_) | Input::Checks(_) => format!("{id}-0"),
        _ => id,
    }
}

fn capitalised(text: &str) -> String {
    let mut c = text.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// The page of a form.
pub fn form_page(p: &FormPage) -> Markup {
    let body = html! {
        @if let Some(f) = p.refusal {
            @let (title, lines) = summary(f, p.version.map(|_| p.subject));
            (frame::error_summary_linked(&title, &linked(&lines, &p.fields)))
        }
        span.hint { (p.caption) }
        h1 { (p.title) }
        form method="post" action=(p.action) novalidate {
            input type="hidden" name="csrf" value=(p.who.csrf);
            @if let Some(v) = p.version { input type="hidden" name="expect_version" value=(v); }
            @for f in &p.fields { (field(f, p.values)) }
            @if p.dated {
                (field(&Field::new("on", "Date it was taken (optional)", Input::Date)
                    .hint("Leave blank for today"), p.values))
            }
            div { button type="submit" { (p.title) } }
        }
        p { a href=(p.back) { "Back without changing anything" } }
    };
    frame::page(&p.title, Some(p.who), body)
}

fn field(f: &Field, values: &Values) -> Markup {
    let id = format!("f-{}", f.name.replace('.', "-"));
    let hint_id = format!("{id}-hint");
    let described = f.hint.as_ref().map(|_| hint_id.clone());
    let value = values.get(&f.name);
    html! {
        @match &f.input {
            Input::Radios(choices) | Input::Checks(choices) => {
                fieldset.member {
                    legend { (f.label) }
                    @if let Some(h) = &f.hint { p.hint id=(hint_id) { (h) } }
                    div.radios {
                        @for (i, (v, label)) in choices.iter().enumerate() {
                            @let cid = format!("{id}-{i}");
                            @let checked = match &f.input {
                                Input::Checks(_) => values.all(&f.name).contains(v),
                                _ => value == v || (value.is_empty() && i == 0),
                            };
                            @let kind = if matches!(f.input, Input::Checks(_)) { "checkbox" } else { "radio" };
                            input id=(cid) type=(kind) name=(f.name) value=(v) checked[checked];
                            label for=(cid) { (label) }
                        }
                    }
                }
            }
            _ => {
                label for=(id) { (f.label) }
                @if let Some(h) = &f.hint { p.hint id=(hint_id) { (h) } }
                @match &f.input {
                    Input::Long => { textarea id=(id) name=(f.name) aria-describedby=[&described] { (value) } }
                    Input::Date => { input id=(id) type="date" name=(f.name) value=(value) aria-describedby=[&described]; }
                    Input::Choice(choices) => { select id=(id) name=(f.name) aria-describedby=[&described] {
                        @if f.optional { option value="" { "None" } }
                        @for (v, label) in choices { option value=(v) selected[value == v] { (label) } }
                    } }
                    _ => { input id=(id) type="text" name=(f.name) value=(value) aria-describedby=[&described]; }
                }
            }
        }
    }
}

/// The links to the forms of proposal `id`, by group, for its page: every form listed always, and
/// those of `offered` (the call-in forms while they apply).
pub fn actions_panel(id: &str, offered: &[Action]) -> Markup {
    let shown = |a: &Action| a.always_listed() || offered.contains(a);
    let mut groups: Vec<&str> = Vec::new();
    for (_, _, _, g) in ACTIONS {
        if !groups.contains(&g) {
            groups.push(g);
        }
    }
    html! {
        h2 #changes { "Make a change" }
        p.muted { "Each change is checked against the concordat's rules and recorded under your name." }
        @for g in groups {
            p { strong { (g) ": " }
                @for (i, (_, slug, title, _)) in ACTIONS.iter().filter(|a| a.3 == g && shown(&a.0)).enumerate() {
                    @if i > 0 { " · " }
                    a href=(format!("/proposals/{}/do/{slug}", encode(id))) { (title) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{linked, without_command};
    use crate::web::forms::{Field, Input};

    #[test]
    fn a_refusal_links_to_the_field_it_names() {
        let fields = vec![
            Field::new("to", "Move the proposal to", Input::Text),
            Field::new("one_off_cost", "One-off cost in pounds", Input::Text),
        ];
        let lines = vec![
            "Cannot advance it yet: 2 conditions are unmet".to_string(),
            "The one off cost is not an amount of money".to_string(),
        ];
        let got = linked(&lines, &fields);
        assert_eq!(got[0].1, None, "\"to\" alone names no field");
        assert_eq!(got[1].1.as_deref(), Some("f-one_off_cost"));
    }

    #[test]
    fn the_command_line_s_instructions_are_left_out() {
        assert_eq!(
            without_command("the Shared Services Board has not voted on it: record the meeting with `concordat board vote legal`"),
            Some("the Shared Services Board has not voted on it")
        );
        assert_eq!(
            without_command("`concordat proposal show legal` shows where it stands"),
            None
        );
        assert_eq!(without_command("give --on 2009-07-01 or later"), None);
        assert_eq!(
            without_command("from quick-win it can move to: business-case"),
            Some("from quick-win it can move to: business-case")
        );
    }
}
