//! Which path answers what. The forms and sign-in have routes of their own; every other path is a
//! read: pages built from one overview of the log (live or replayed), and `/api/…`, which answers
//! with the very operations, and so the very JSON shapes, of the CLI's `--json`.

pub use super::app::App;
use super::auth;
use super::forms;
use super::http::{self, Reply, Target};
use super::pages::integrity::FileCheck;
use super::pages::{self, frame, Nav};
use super::sessions::SignedIn;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::routing::{get, post};
use axum::{Extension, Router};
use engine::chain::VerifyReport;
use engine::Failure;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tower::limit::ConcurrencyLimitLayer;
use tower::ServiceBuilder;
use tower_http::timeout::TimeoutLayer;
use workflows::ops::overview::{timeline, Overview};
use workflows::ops::replay::Basis;
use workflows::ops::report_file::{self, Unfit};
use workflows::ops::session::PartnershipHistory;
use workflows::ops::{self, Session};
use workflows::reminders::firing::REPORT_ISSUED;

/// Requests handled at once; more wait their turn (a fold is CPU-bound: more at once would only
/// share the same cores and multiply the memory).
const CONCURRENT_REQUESTS: usize = 16;
/// A request not answered by then is answered 408.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// The largest form accepted.
const BODY_LIMIT: usize = 64 * 1024;

/// Every route, behind sign-in and the limits.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/sign-in", get(auth::sign_in_form).post(auth::sign_in))
        .route("/sign-out", post(auth::sign_out))
        .route(
            "/new-proposal",
            get(forms::new_proposal_form).post(forms::new_proposal),
        )
        .route(
            "/proposals/{id}/do/{action}",
            get(forms::show).post(forms::submit),
        )
        .route(
            "/new-milestone",
            get(forms::milestones::new_form).post(forms::milestones::add),
        )
        .route(
            "/milestones/{id}/do/{action}",
            get(forms::milestones::show).post(forms::milestones::submit),
        )
        .fallback(read)
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            auth::authenticate,
        ))
        .layer(
            ServiceBuilder::new()
                .layer(TimeoutLayer::with_status_code(
                    axum::http::StatusCode::REQUEST_TIMEOUT,
                    REQUEST_TIMEOUT,
                ))
                .layer(ConcurrencyLimitLayer::new(CONCURRENT_REQUESTS))
                .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT)),
        )
        .with_state(app)
}

/// Every read: only GET and HEAD.
async fn read(
    State(app): State<Arc<App>>,
    who: Option<Extension<SignedIn>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Reply {
    if method != Method::GET && method != Method::HEAD {
        return http::method_not_allowed("GET, HEAD");
    }
    let target = Target::parse(&uri);
    let api = target.segments.first().is_some_and(|s| s == "api");
    let nav = Nav {
        as_of: target
            .param("as_of")
            .filter(|a| !a.trim().is_empty())
            .map(str::to_string),
        basis: Basis::Effective,
        now: jiff::Timestamp::UNIX_EPOCH,
        user: who.map(|w| w.0),
        path: target.path(),
    };
    let host = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .map(str::to_string);
    let result = match basis(&target).and_then(|b| Ok((b, crate::context::now()?))) {
        Ok((basis, now)) => {
            let nav = Nav {
                basis,
                now,
                ..nav.clone()
            };
            if api {
                api_route(&app, &target, nav.user.is_some()).await
            } else {
                page_route(&app, &target, &nav, host.as_deref()).await
            }
        }
        Err(e) => Err(e),
    };
    let mut reply = match result {
        Ok(reply) => reply,
        Err(failure) if api => http::json_failure(&failure),
        Err(failure) => http::html_status(
            http::status_of(&failure),
            pages::error_page(http::status_of(&failure), &failure, &nav),
        ),
    };
    if method == Method::HEAD {
        *reply.body_mut() = axum::body::Body::empty();
    }
    reply
}

/// `?basis=effective|recorded` (default effective).
fn basis(target: &Target) -> Result<Basis, Failure> {
    match target.param("basis") {
        None | Some("effective") => Ok(Basis::Effective),
        Some("recorded") => Ok(Basis::Recorded),
        Some(other) => Err(Failure::usage(format!(
            "basis {other:?} is neither effective nor recorded"
        ))
        .with_detail("use ?basis=effective (the dates decisions were taken) or ?basis=recorded")),
    }
}

async fn read_overview(app: &App, nav: &Nav) -> Result<Arc<Overview>, Failure> {
    Ok(overview_and_session(app, nav).await?.0)
}

async fn overview_and_session(app: &App, nav: &Nav) -> Result<(Arc<Overview>, Session), Failure> {
    let at = nav.as_of.as_deref().map(|a| (a, nav.basis));
    app.views.get(&app.cache, at).await
}

/// Whether the signed-in user may make changes at all (an auditor, say, only reads).
fn can_change(ov: &Overview, who: Option<&SignedIn>) -> bool {
    may_change(&ov.partnership, who)
}

/// [`can_change`] under `partnership`.
fn may_change(partnership: &PartnershipHistory, who: Option<&SignedIn>) -> bool {
    use workflows::partnership::Role;
    who.and_then(|w| partnership.latest().actor(&w.actor))
        .is_some_and(|a| {
            a.roles
                .iter()
                .any(|r| matches!(r, Role::Admin | Role::ProgrammeManager | Role::Clerk))
        })
}

/// The pipeline page. Live, it reads the store itself (`super::pipeline`): each proposal's saved
/// list line, and the state of only the proposals on the page shown (for their next steps), so it
/// never copies the log; replayed, it lays out the overview at that cut.
async fn pipeline(app: &App, target: &Target, nav: &Nav) -> Result<Reply, Failure> {
    use pages::pipeline::{page, Filters, Source};
    let given = |k: &str| {
        target
            .param(k)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let filters = Filters {
        stage: given("stage"),
        council: given("council"),
        category: given("category"),
        search: given("q"),
        page: given("page").and_then(|p| p.parse().ok()).unwrap_or(1),
    };
    if nav.as_of.is_some() {
        let ov = read_overview(app, nav).await?;
        return Ok(http::html(page(nav, &Source::of(&ov), &filters, false)));
    }
    let (source, partnership) = app
        .cache
        .with_store(async |s| app.pipelines.get(s, &filters).await)
        .await?;
    let new = may_change(&partnership, nav.user.as_ref());
    Ok(http::html(page(nav, &source, &filters, new)))
}

async fn page_route(
    app: &App,
    target: &Target,
    nav: &Nav,
    host: Option<&str>,
) -> Result<Reply, Failure> {
    let segs: Vec<&str> = target.segments.iter().map(String::as_str).collect();
    match segs.as_slice() {
        [] | ["proposals"] => pipeline(app, target, nav).await,
        ["proposals", id] => proposal_page(app, nav, id).await,
        ["savings"] => Ok(http::html(pages::savings::page(
            nav,
            &*read_overview(app, nav).await?,
        ))),
        ["upcoming"] => {
            let ov = read_overview(app, nav).await?;
            let scheme = if app.config.tls { "https" } else { "http" };
            let feed = format!("{scheme}://{}/calendar.ics", host.unwrap_or("127.0.0.1"));
            let manage = nav.as_of.is_none()
                && nav
                    .user
                    .as_ref()
                    .is_some_and(|w| forms::milestones::may_manage(&ov, &w.actor));
            Ok(http::html(pages::upcoming::page(nav, &ov, &feed, manage)))
        }
        ["board"] => {
            let ov = read_overview(app, nav).await?;
            let (mut session, _) = app.cache.session().await?;
            // Every page is behind sign-in, so exempt items' reasons are shown.
            let meetings = ops::board_meeting::list(&mut session, true).await?;
            Ok(http::html(pages::board::page(nav, &ov, &meetings)))
        }
        ["integrity"] => {
            let verify = verify(app, None).await?;
            let ov = read_overview(app, nav).await?;
            let checks: Vec<FileCheck> = ov
                .reports
                .iter()
                .map(|r| report_file::check(std::path::Path::new(&r.path), &r.sha256))
                .collect();
            Ok(http::html(pages::integrity::page(
                nav, &ov, &verify, &checks,
            )))
        }
        ["calendar.ics"] => {
            let (mut session, _) = app.cache.session().await?;
            // Links go back to this server, as the visitor reached it.
            let scheme = if app.config.tls { "https" } else { "http" };
            let request = workflows::reminders::ics::Request {
                base_url: format!("{scheme}://{}", host.unwrap_or("127.0.0.1"))
                    .parse()
                    .ok(),
                ..Default::default()
            };
            let feed = ops::reminders::ics(&mut session, &request).await?;
            Ok(http::reply(
                200,
                "text/calendar; charset=utf-8",
                feed.into_bytes(),
            ))
        }
        ["reports", seq] => report_file(app, seq, nav.user.as_ref()).await,
        _ => Err(not_found()),
    }
}

async fn proposal_page(app: &App, nav: &Nav, id: &str) -> Result<Reply, Failure> {
    let (ov, mut session) = overview_and_session(app, nav).await?;
    let entry = ov
        .proposals
        .iter()
        .find(|e| e.view.id == id)
        .ok_or_else(|| {
            let when = ov
                .as_of
                .as_deref()
                .map_or("now".to_string(), |a| format!("as of {a}"));
            Failure::refused(format!("there is no proposal {id:?} {when}"))
                .with_detail("the pipeline lists every proposal")
        })?;
    let timeline = timeline(&mut session, id, &ov.cut).await?;
    let actions = (can_change(&ov, nav.user.as_ref()) && nav.as_of.is_none()).then(|| {
        let actor = nav.user.as_ref().map_or("", |w| w.actor.as_str());
        let offered = forms::offered(&entry.view, ov.partnership.latest(), actor);
        forms::actions_panel(id, &offered)
    });
    Ok(http::html(pages::proposal::page(
        nav, &ov, entry, &timeline, actions,
    )))
}

fn not_found() -> Failure {
    Failure::refused("there is no such page").with_detail("the pipeline links to every page")
}

/// Verifies the chain by reading the store itself (not the copy), streamed as `audit verify`
/// streams it; a broken chain drops the copy. (`ops::verify_pass` also takes a reader that
/// may not cross threads, which a server's future must.)
async fn verify(app: &App, head: Option<&str>) -> Result<VerifyReport, Failure> {
    if let Some(h) = head {
        if h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(
                Failure::usage(format!("head {h:?} is not a SHA-256 hash")).with_detail(
                    "give the 64 hex digits of the head you expect, e.g. from a quarterly report",
                ),
            );
        }
    }
    let report = app
        .cache
        .with_store(async |s| {
            let mut verifier = engine::chain::LineVerifier::new(head);
            s.store.export_lines(1, &mut verifier).await?;
            Ok::<_, Failure>(verifier.finish()?)
        })
        .await?;
    if !report.ok {
        app.cache.invalidate().await;
    }
    Ok(report)
}

/// A quarterly report the scheduler issued, by the seq of its `report-issued` event; a file that
/// no longer matches the SHA-256 recorded when it was issued is refused (409), never served.
async fn report_file(app: &App, seq: &str, who: Option<&SignedIn>) -> Result<Reply, Failure> {
    let log = app.cache.read().await?;
    let event = seq
        .parse::<u64>()
        .ok()
        .and_then(|n| log.event(n))
        .filter(|e| e.kind == REPORT_ISSUED)
        .ok_or_else(|| {
            Failure::refused(format!("event {seq} is not an issued report"))
                .with_detail("the integrity page links each report issued")
        })?;
    // Only a path the log recorded is ever read.
    let path = std::path::Path::new(event.data["path"].as_str().unwrap_or_default());
    let recorded = event.data["sha256"].as_str().unwrap_or_default();
    let bytes = match report_file::read_checked(path, recorded) {
        Ok(bytes) => bytes,
        Err(Unfit::Unreadable(e)) => {
            return Err(Failure::refused(format!("the report {} cannot be read: {e}", path.display()))
                .with_detail("the outbox may have been moved; the partnership's administrator can make the report again"))
        }
        Err(Unfit::Changed) => return Ok(frame::failure_page(&changed(path), who)),
    };
    let name = path
        .file_name()
        .map_or("report.md".into(), |n| n.to_string_lossy().into_owned());
    Ok(http::download("text/markdown; charset=utf-8", &name, bytes))
}

/// The refusal of a report file that no longer matches its recorded SHA-256.
fn changed(path: &std::path::Path) -> Failure {
    Failure::conflict(format!(
        "the report file {} has been changed since it was issued, so it is not served",
        path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned())
    ))
    .with_detail("the log records the file's fingerprint (SHA-256) when it was issued, and the file no longer matches it")
    .with_detail("ask the partnership's administrator to restore the file from a backup, or to issue the report again")
}

/// `/api/…`: each endpoint is the CLI command of the same name with `--json` (`signed_in`: the
/// Board's exempt items show their reasons).
async fn api_route(app: &App, target: &Target, signed_in: bool) -> Result<Reply, Failure> {
    let segs: Vec<&str> = target.segments.iter().map(String::as_str).collect();
    if let ["api", "verify"] = segs.as_slice() {
        return Ok(http::json(&verify(app, target.param("head")).await?));
    }
    let (mut s, _) = app.cache.session().await?;
    match segs.as_slice() {
        ["api"] => Ok(http::json(&serde_json::json!({
            "endpoints": [
                "/api/partnership", "/api/proposals?stage=&council=", "/api/proposals/{id}",
                "/api/proposals/{id}/history", "/api/replay?as_of=&basis=", "/api/reminders?until=",
                "/api/verify?head=", "/api/board/meetings", "/api/board/meetings/{date}",
                "/calendar.ics"
            ]
        }))),
        ["api", "partnership"] => Ok(http::json(&ops::init::show(&mut s).await?)),
        ["api", "proposals"] => {
            let stage = target
                .param("stage")
                .map(workflows::definition::Stage::from_str)
                .transpose()?;
            Ok(http::json(
                &ops::proposal::list(&mut s, stage, target.param("council")).await?,
            ))
        }
        ["api", "proposals", id] => Ok(http::json(&ops::proposal::show(&mut s, id).await?)),
        ["api", "proposals", id, "history"] => {
            Ok(http::json(&ops::proposal::history(&mut s, id).await?))
        }
        ["api", "replay"] => {
            let as_of = target.param("as_of").ok_or_else(|| {
                Failure::usage("/api/replay needs ?as_of=INSTANT_OR_DATE")
                    .with_detail("e.g. /api/replay?as_of=2009-01-22&basis=recorded")
            })?;
            Ok(http::json(
                &ops::replay::replay(&mut s, as_of, basis(target)?).await?,
            ))
        }
        ["api", "reminders"] => Ok(http::json(
            &ops::reminders::list(&mut s, target.param("until")).await?,
        )),
        ["api", "board", "meetings"] => Ok(http::json(
            &ops::board_meeting::list(&mut s, signed_in).await?,
        )),
        ["api", "board", "meetings", date] => {
            let date = engine::time::parse_date(date)?;
            Ok(http::json(
                &ops::board_meeting::show(&mut s, date, signed_in).await?,
            ))
        }
        _ => Err(Failure::refused("there is no such endpoint")
            .with_detail("GET /api/ lists them: the same shapes as the command line's --json")),
    }
}
