//! The programme milestones' forms (the Board's phase targets, outside any proposal): add one,
//! move its date with a reason, complete it; for those who manage milestones, linked from the
//! upcoming page. An amendment or completion carries the milestone's version as it was read.

use super::handlers::{check_csrf, status};
use super::render::{form_page, FormPage};
use super::{Action, Field, Input, Values};
use crate::web::adapter;
use crate::web::http::{self, encode, Reply};
use crate::web::pages::frame;
use crate::web::routes::App;
use crate::web::sessions::SignedIn;
use axum::extract::{Path, State};
use axum::{Extension, Form};
use engine::Failure;
use std::sync::Arc;
use workflows::milestone::Milestone;
use workflows::ops::change::Change;
use workflows::permissions::{allows, Act};
use workflows::words::date;

/// Where every milestone is listed, and where a recorded change returns to.
const BACK: &str = "/upcoming";

/// A programme milestone's version: one event when added, one more for each change.
pub fn version(m: &Milestone) -> u64 {
    1 + m.amendments.len() as u64 + u64::from(m.completed.is_some())
}

/// Whether the signed-in `actor` may manage milestones under `ov`'s partnership.
pub fn may_manage(ov: &workflows::ops::overview::Overview, actor: &str) -> bool {
    ov.partnership
        .latest()
        .actor(actor)
        .is_some_and(|a| allows(a, &Act::ManageMilestones))
}

fn unknown_form(slug: &str) -> Failure {
    Failure::refused(format!("there is no form {slug:?} for a milestone"))
        .with_detail("the upcoming page lists the changes that can be made")
}

/// The action of `/milestones/ID/do/SLUG`: moving its date, or completing it.
fn action_of(slug: &str) -> Option<Action> {
    match slug {
        "amend" => Some(Action::AmendMilestone),
        "complete" => Some(Action::CompleteMilestone),
        _ => None,
    }
}

fn fields(action: Action) -> Vec<Field> {
    match action {
        Action::AddMilestone => vec![
            Field::new("title", "Title", Input::Text)
                .hint("For example, Phase 2 business cases to the Board"),
            Field::new("milestone", "Short name for the milestone", Input::Text)
                .hint("Lower-case letters, digits and hyphens, for example phase-2-cases"),
            Field::new("due", "Due date", Input::Date),
        ],
        Action::AmendMilestone => vec![
            Field::new("due", "New due date", Input::Date),
            Field::new("reason", "Why the date moves", Input::Long)
                .hint("The original date and this reason are kept with the milestone"),
        ],
        _ => vec![],
    }
}

/// What a milestone form shows besides its fields.
struct Shown<'a> {
    action: Action,
    /// The milestone changed (None when adding one).
    milestone: Option<&'a Milestone>,
    /// The version read, when a refused form comes back.
    read: Option<u64>,
}

fn page(who: &SignedIn, shown: &Shown, values: &Values, refusal: Option<&Failure>) -> Reply {
    let (title, caption, action) = match shown.milestone {
        None => (
            "Add a programme milestone".to_string(),
            "Programme milestones".to_string(),
            "/new-milestone".to_string(),
        ),
        Some(m) => (
            shown.action.title().to_string(),
            format!("{} (due {})", m.title, date(m.due)),
            format!(
                "/milestones/{}/do/{}",
                encode(&m.id),
                if shown.action == Action::AmendMilestone {
                    "amend"
                } else {
                    "complete"
                }
            ),
        ),
    };
    let page = FormPage {
        title,
        caption,
        action,
        back: BACK.to_string(),
        who,
        fields: fields(shown.action),
        values,
        version: shown.milestone.map(|m| shown.read.unwrap_or(version(m))),
        dated: true,
        refusal,
        subject: "milestone",
    };
    http::html_status(refusal.map_or(200, status), form_page(&page))
}

/// The programme milestone `id` as it stands now.
async fn programme_milestone(app: &App, id: &str) -> Result<Milestone, Failure> {
    let (ov, _) = app.views.get(&app.cache, None).await?;
    ov.milestones
        .iter()
        .find(|m| m.id == id)
        .cloned()
        .ok_or_else(|| {
            Failure::refused(format!("there is no programme milestone {id:?}"))
                .with_detail("the upcoming page lists every milestone")
        })
}

/// `--on` and, for a change of a milestone, `--expect-version` from the form.
fn change_of(values: &Values, versioned: bool) -> Result<Change, Failure> {
    let expect_version = match versioned {
        false => None,
        true => Some(values.get("expect_version").parse::<u64>().map_err(|_| {
            Failure::usage("the form does not say which version of the milestone it was read at")
                .with_detail("open the form again from the upcoming page")
        })?),
    };
    let on = Some(values.get("on"))
        .filter(|d| !d.is_empty())
        .map(engine::time::parse_date)
        .transpose()?;
    Ok(Change { on, expect_version })
}

/// `GET /new-milestone`.
pub async fn new_form(Extension(who): Extension<SignedIn>) -> Reply {
    let shown = Shown {
        action: Action::AddMilestone,
        milestone: None,
        read: None,
    };
    page(&who, &shown, &Values::default(), None)
}

/// `POST /new-milestone`.
pub async fn add(
    State(app): State<Arc<App>>,
    Extension(who): Extension<SignedIn>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Reply {
    let values = Values(pairs);
    if let Err(f) = check_csrf(&who, &values) {
        return frame::failure_page(&f, Some(&who));
    }
    let result = match change_of(&values, false) {
        Ok(c) => {
            app.write(&who, async |s| {
                adapter::programme_milestone(s, Action::AddMilestone, None, &values, &c).await
            })
            .await
        }
        Err(f) => Err(f),
    };
    let shown = Shown {
        action: Action::AddMilestone,
        milestone: None,
        read: None,
    };
    match result {
        Ok(()) => http::redirect(BACK),
        Err(f) => page(&who, &shown, &values, Some(&f)),
    }
}

/// `GET /milestones/ID/do/ACTION`.
pub async fn show(
    State(app): State<Arc<App>>,
    Extension(who): Extension<SignedIn>,
    Path((id, slug)): Path<(String, String)>,
) -> Reply {
    let Some(action) = action_of(&slug) else {
        return frame::failure_page(&unknown_form(&slug), Some(&who));
    };
    match programme_milestone(&app, &id).await {
        Ok(m) => {
            let shown = Shown {
                action,
                milestone: Some(&m),
                read: None,
            };
            page(&who, &shown, &Values::default(), None)
        }
        Err(f) => frame::failure_page(&f, Some(&who)),
    }
}

/// `POST /milestones/ID/do/ACTION`.
pub async fn submit(
    State(app): State<Arc<App>>,
    Extension(who): Extension<SignedIn>,
    Path((id, slug)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Reply {
    let values = Values(pairs);
    let Some(action) = action_of(&slug) else {
        return frame::failure_page(&unknown_form(&slug), Some(&who));
    };
    if let Err(f) = check_csrf(&who, &values) {
        return frame::failure_page(&f, Some(&who));
    }
    // Only a programme milestone is changed here (a proposal's are changed on its page).
    if let Err(f) = programme_milestone(&app, &id).await {
        return frame::failure_page(&f, Some(&who));
    }
    let result = match change_of(&values, true) {
        Ok(c) => {
            app.write(&who, async |s| {
                adapter::programme_milestone(s, action, Some(&id), &values, &c).await
            })
            .await
        }
        Err(f) => Err(f),
    };
    let failure = match result {
        Ok(()) => return http::redirect(BACK),
        Err(f) => f,
    };
    match programme_milestone(&app, &id).await {
        Ok(m) => {
            let shown = Shown {
                action,
                milestone: Some(&m),
                read: values.get("expect_version").parse().ok(),
            };
            page(&who, &shown, &values, Some(&failure))
        }
        Err(f) => frame::failure_page(&f, Some(&who)),
    }
}
