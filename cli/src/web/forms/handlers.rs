//! The forms' requests: `GET` shows a form for the proposal as it stands, `POST` checks the
//! session's token and runs the change as the signed-in actor; success goes back to the proposal,
//! a refusal shows the form again with its reasons (and the status of the refusal).

use super::render::{form_page, FormPage};
use super::specs::{self, stage_words, Ctx};
use super::{csrf_failure, Action, Field, Input, Values};
use crate::web::adapter;
use crate::web::http::{self, encode, Reply};
use crate::web::pages::frame;
use crate::web::routes::App;
use crate::web::sessions::{same, SignedIn};
use axum::extract::{Path, State};
use axum::{Extension, Form};
use engine::{Failure, FailureKind};
use std::sync::Arc;
use workflows::ops::change::Change;

/// The status a refused form answers with.
pub(super) fn status(failure: &Failure) -> u16 {
    match failure.kind {
        FailureKind::Usage => 400,
        FailureKind::NotPermitted => 403,
        FailureKind::Conflict => 409,
        FailureKind::Refused => 422,
        FailureKind::Integrity | FailureKind::Internal => 500,
    }
}

fn unknown_action(slug: &str) -> Failure {
    Failure::refused(format!("there is no form {slug:?}"))
        .with_detail("the proposal's page lists the changes that can be made")
}

/// `GET /proposals/ID/do/ACTION`.
pub async fn show(
    State(app): State<Arc<App>>,
    Extension(who): Extension<SignedIn>,
    Path((id, slug)): Path<(String, String)>,
) -> Reply {
    let Some(action) = Action::from_slug(&slug) else {
        return frame::failure_page(&unknown_action(&slug), Some(&who));
    };
    proposal_form(&app, &who, &id, action, &Values::default(), None, None).await
}

/// The form of `action` on proposal `id` as it stands now (with `version` read before, when a
/// refused form comes back).
async fn proposal_form(
    app: &App,
    who: &SignedIn,
    id: &str,
    action: Action,
    values: &Values,
    refusal: Option<&Failure>,
    version: Option<u64>,
) -> Reply {
    let (ov, _) = match app.views.get(&app.cache, None).await {
        Ok(read) => read,
        Err(f) => return frame::failure_page(&f, Some(who)),
    };
    let Some(entry) = ov.proposals.iter().find(|e| e.view.id == id) else {
        return frame::failure_page(&workflows::ops::change::unknown_proposal(id), Some(who));
    };
    let ctx = Ctx {
        view: &entry.view,
        partnership: ov.partnership.latest(),
        actor: &who.actor,
    };
    let page = FormPage {
        title: action.title().to_string(),
        caption: format!(
            "{} ({})",
            entry.view.title,
            stage_words(entry.view.stage.as_str())
        ),
        action: format!("/proposals/{}/do/{}", encode(id), action.slug()),
        back: format!("/proposals/{}", encode(id)),
        who,
        fields: specs::fields(action, &ctx),
        values,
        version: Some(version.unwrap_or(entry.view.version)),
        dated: action != Action::BoardVote,
        refusal,
        subject: "proposal",
    };
    http::html_status(refusal.map_or(200, status), form_page(&page))
}

/// The token check every posted form passes first.
pub(super) fn check_csrf(who: &SignedIn, values: &Values) -> Result<(), Failure> {
    if same(values.get("csrf"), &who.csrf) {
        Ok(())
    } else {
        Err(csrf_failure())
    }
}

/// `--on` and `--expect-version` from the form.
fn change_of(values: &Values) -> Result<Change, Failure> {
    let version = values.get("expect_version");
    let expect_version = Some(version.parse::<u64>().map_err(|_| {
        Failure::usage("the form does not say which version of the proposal it was read at")
            .with_detail("open the form again from the proposal's page")
    })?);
    let on = Some(values.get("on"))
        .filter(|d| !d.is_empty())
        .map(engine::time::parse_date)
        .transpose()?;
    Ok(Change { on, expect_version })
}

/// `POST /proposals/ID/do/ACTION`.
pub async fn submit(
    State(app): State<Arc<App>>,
    Extension(who): Extension<SignedIn>,
    Path((id, slug)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Reply {
    let values = Values(pairs);
    let Some(action) = Action::from_slug(&slug) else {
        return frame::failure_page(&unknown_action(&slug), Some(&who));
    };
    if let Err(f) = check_csrf(&who, &values) {
        tracing::warn!(actor = %who.actor, %id, "a form without its token was refused");
        return frame::failure_page(&f, Some(&who));
    }
    let result = match change_of(&values) {
        Ok(change) => {
            app.write(&who, async |s| {
                adapter::run(s, action, &id, &values, &change).await
            })
            .await
        }
        Err(f) => Err(f),
    };
    match result {
        Ok(()) => http::redirect(&format!("/proposals/{}", encode(&id))),
        Err(failure) => {
            let read = values.get("expect_version").parse().ok();
            proposal_form(&app, &who, &id, action, &values, Some(&failure), read).await
        }
    }
}

/// The new-proposal form's fields.
async fn new_fields(app: &App) -> Result<Vec<Field>, Failure> {
    let (ov, _) = app.views.get(&app.cache, None).await?;
    let councils: Vec<(String, String)> = ov
        .partnership
        .latest()
        .councils
        .iter()
        .map(|c| (c.id.clone(), c.name.clone()))
        .collect();
    let categories = ["quick-win", "medium-term", "long-term"]
        .iter()
        .map(|c| (c.to_string(), stage_words(c)))
        .collect();
    Ok(vec![
        Field::new("title", "Title", Input::Text).hint("For example, Shared elections service"),
        Field::new("service", "Service", Input::Text)
            .hint("One word or two, for example elections"),
        Field::new("lead", "Lead council", Input::Choice(councils.clone())),
        Field::new("councils", "Councils sharing it", Input::Checks(councils))
            .hint("Leave every box clear for all the partnership's councils")
            .optional(),
        Field::new("category", "Category", Input::Choice(categories)).optional(),
        Field::new("id", "Short name (optional)", Input::Text)
            .hint("Lower-case letters, digits and hyphens; made from the service when blank")
            .optional(),
        Field::new("on", "Date it was taken (optional)", Input::Date)
            .hint("Leave blank for today")
            .optional(),
    ])
}

async fn new_page(app: &App, who: &SignedIn, values: &Values, refusal: Option<&Failure>) -> Reply {
    let fields = match new_fields(app).await {
        Ok(f) => f,
        Err(f) => return frame::failure_page(&f, Some(who)),
    };
    let page = FormPage {
        title: "Propose a shared service".to_string(),
        caption: "New proposal".to_string(),
        action: "/new-proposal".to_string(),
        back: "/".to_string(),
        who,
        fields,
        values,
        version: None,
        dated: false,
        refusal,
        subject: "proposal",
    };
    http::html_status(refusal.map_or(200, status), form_page(&page))
}

/// `GET /new-proposal`.
pub async fn new_proposal_form(
    State(app): State<Arc<App>>,
    Extension(who): Extension<SignedIn>,
) -> Reply {
    new_page(&app, &who, &Values::default(), None).await
}

/// `POST /new-proposal`.
pub async fn new_proposal(
    State(app): State<Arc<App>>,
    Extension(who): Extension<SignedIn>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Reply {
    let values = Values(pairs);
    if let Err(f) = check_csrf(&who, &values) {
        return frame::failure_page(&f, Some(&who));
    }
    match app
        .write(&who, async |s| adapter::new_proposal(s, &values).await)
        .await
    {
        Ok(id) => http::redirect(&format!("/proposals/{}", encode(&id))),
        Err(failure) => new_page(&app, &who, &values, Some(&failure)).await,
    }
}
