//! The frame of the pages that are not views of the log — signing in, forms, refusals — in plain
//! words, usable without JavaScript and from 320 px wide: labels on every field, an error summary
//! at the top of a refused form, the signed-in user and a sign-out button on every page.

use super::super::http::{self, Reply};
use super::super::sessions::SignedIn;
use maud::{html, Markup, DOCTYPE};

/// The frame's style: large targets, visible focus, contrast at least 4.5:1, one column when narrow.
pub const STYLE: &str = r#"
*{box-sizing:border-box}body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#0b0c0c;background:#fff}
.skip{position:absolute;left:-9999px}.skip:focus{left:.5rem;top:.5rem;background:#ffdd00;color:#0b0c0c;padding:.3rem}
header.top{background:#123c5a;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.6rem 1rem;align-items:center}
header.top a{color:#fff;font-weight:600}header.top .who{margin-left:auto;display:flex;gap:.5rem;align-items:center;flex-wrap:wrap}
main{padding:1rem;max-width:48rem}h1{font-size:1.6rem;margin:.3rem 0 1rem}
label{display:block;font-weight:700;margin:1rem 0 .2rem}.hint{color:#505a5f;margin:0 0 .3rem}
input[type=text],input[type=password],input[type=date],select,textarea{font:inherit;width:100%;max-width:30rem;padding:.4rem;border:2px solid #0b0c0c}
textarea{min-height:6rem}fieldset{border:0;padding:0;margin:1rem 0}legend{font-weight:700}
button{font:inherit;font-weight:600;padding:.5rem 1rem;margin-top:1.2rem;background:#00703c;color:#fff;border:0;box-shadow:0 2px 0 #002d18;cursor:pointer}
header.top button{margin:0;padding:.2rem .6rem;background:#fff;color:#123c5a;box-shadow:none}
:focus{outline:3px solid #ffdd00;outline-offset:0}
.error-summary{border:4px solid #d4351c;padding:1rem;margin:0 0 1rem}.error-summary h2{margin:0 0 .5rem;font-size:1.2rem}
.error-summary li,.field-error{color:#b3261e;font-weight:700}.error-summary a{color:#b3261e}
a{color:#1d4f91}a:focus{background:#ffdd00;color:#0b0c0c;box-shadow:0 3px #0b0c0c;outline:3px solid transparent}
@media (max-width:40rem){header.top .who{margin-left:0}main{padding:.7rem}h1{font-size:1.35rem}}.notice{border-left:5px solid #1d70b8;padding:.5rem 1rem;background:#f3f2f1}
.radios label{display:inline;font-weight:400;margin:0 1rem 0 .3rem}.member{margin:.4rem 0}
"#;

/// A page of the frame: the header (with who is signed in) around `body`.
pub fn page(title: &str, who: Option<&SignedIn>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en-GB" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · concordat" }
                style { (maud::PreEscaped(STYLE)) }
            }
            body {
                a.skip href="#main" { "Skip to main content" }
                header.top {
                    a href="/" { "Shared services pipeline" }
                    @if let Some(who) = who { (user_bar(who)) }
                }
                main #main { (body) }
            }
        }
    }
}

/// "Signed in as …" and the sign-out button (a form: signing out changes something).
pub fn user_bar(who: &SignedIn) -> Markup {
    html! {
        span.who {
            span { "Signed in as " strong #signed-in { (who.actor) } }
            @if !who.by_proxy {
                form method="post" action="/sign-out" {
                    input type="hidden" name="csrf" value=(who.csrf);
                    button type="submit" { "Sign out" }
                }
            }
        }
    }
}

/// The error summary at the top of a refused form: what was wrong, every unmet condition, each
/// linked to the field it is about when there is one (`(line, Some(field id))`).
pub fn error_summary_linked(title: &str, lines: &[(String, Option<String>)]) -> Markup {
    html! {
        div.error-summary role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus {
            h2 #error-summary-title { (title) }
            ul { @for (l, field) in lines { li { @match field {
                Some(id) => a href=(format!("#{id}")) { (l) },
                None => (l),
            } } } }
        }
    }
}

/// The error summary of lines about no one field.
pub fn error_summary(title: &str, lines: &[String]) -> Markup {
    let lines: Vec<(String, Option<String>)> = lines.iter().map(|l| (l.clone(), None)).collect();
    error_summary_linked(title, &lines)
}

/// A failure's message and details as one plain sentence or two.
pub fn plain_failure(failure: &engine::Failure) -> String {
    let mut text = capitalised(&failure.message);
    for d in &failure.details {
        text += ". ";
        text += &capitalised(d);
    }
    text + "."
}

/// `text` capitalised, its stage ids in words.
fn capitalised(text: &str) -> String {
    let text = workflows::words::stages_in(text);
    let mut c = text.chars();
    match c.next() {
        Some(first) => first.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// A page saying why a request was refused, with the failure's status.
pub fn failure_page(failure: &engine::Failure, who: Option<&SignedIn>) -> Reply {
    let lines: Vec<String> = std::iter::once(failure.message.clone())
        .chain(failure.details.iter().cloned())
        .map(|l| capitalised(&l))
        .collect();
    http::html_status(
        http::status_of(failure),
        page(
            "Not done",
            who,
            html! {
                h1 { "This could not be done" }
                (error_summary("There is a problem", &lines))
                p { a href="/" { "Back to the pipeline" } }
            },
        ),
    )
}

/// What the sign-in page shows.
pub struct SignInForm<'a> {
    pub error: Option<&'a str>,
    pub notice: Option<&'a str>,
    pub actor: &'a str,
    pub next: Option<&'a str>,
    pub token: &'a str,
}

/// The sign-in page.
pub fn sign_in(f: &SignInForm) -> Markup {
    page(
        "Sign in",
        None,
        html! {
            h1 { "Sign in" }
            @if let Some(e) = f.error { (error_summary_linked("There is a problem", &[(e.to_string(), Some("actor".to_string()))])) }
            @if let Some(n) = f.notice { p.notice role="status" { (n) } }
            form method="post" action="/sign-in" novalidate {
                input type="hidden" name="csrf" value=(f.token);
                @if let Some(n) = f.next { input type="hidden" name="next" value=(n); }
                label for="actor" { "User name" }
                p.hint #actor-hint { "Your actor name in the partnership, for example bdc-clerk." }
                input #actor type="text" name="actor" value=(f.actor) autocomplete="username"
                    autocapitalize="none" spellcheck="false" aria-describedby="actor-hint";
                label for="password" { "Password" }
                input #password type="password" name="password" autocomplete="current-password";
                div { button type="submit" { "Sign in" } }
            }
        },
    )
}
