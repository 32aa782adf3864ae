//! Which path answers what. Pages are built from one [`overview`] of the log (live or replayed);
//! `/api/…` answers with the very operations, and so the very JSON shapes, of the CLI's `--json`.

use super::cache::Cache;
use super::http::{self, Reply, Target};
use super::pages::integrity::FileCheck;
use super::pages::{self, Nav};
use super::views::Views;
use engine::chain::VerifyReport;
use engine::Failure;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use tiny_http::Request;
use workflows::definition::Stage;
use workflows::ops::overview::{timeline, Overview};
use workflows::ops::replay::Basis;
use workflows::ops::{self, Session};
use workflows::reminders::firing::REPORT_ISSUED;

/// The server's state: the cached copy of the log, the overviews built from it, and the token.
pub struct App {
    pub cache: Cache,
    pub views: Views,
    pub token: Option<String>,
}

/// Answers one request: only reads, only with the token (when there is one).
pub async fn handle(app: &App, request: &Request) -> Reply {
    if !http::is_read(request.method()) {
        return http::method_not_allowed();
    }
    let target = Target::parse(request.url());
    if !http::authorised(request, &target, app.token.as_deref()) {
        return http::unauthorised();
    }
    let api = target.segments.first().is_some_and(|s| s == "api");
    let nav = Nav {
        as_of: target.param("as_of").map(str::to_string),
        basis: Basis::Effective,
        now: jiff::Timestamp::UNIX_EPOCH,
        token: app
            .token
            .as_ref()
            .filter(|_| target.query.contains_key("token"))
            .cloned(),
        path: format!(
            "/{}",
            target
                .segments
                .iter()
                .map(|s| http::encode(s))
                .collect::<Vec<_>>()
                .join("/")
        ),
    };
    let host = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().to_string());
    let result = match basis(&target).and_then(|b| Ok((b, crate::context::now()?))) {
        Ok((basis, now)) => {
            let nav = Nav {
                basis,
                now,
                ..nav.clone()
            };
            if api {
                api_route(app, &target).await
            } else {
                page_route(app, &target, &nav, host.as_deref()).await
            }
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(reply) => reply,
        Err(failure) if api => http::json_failure(&failure),
        Err(failure) => {
            let status = http::status_of(&failure);
            http::html(pages::error_page(status, &failure, &nav))
                .with_status_code(tiny_http::StatusCode(status))
        }
    }
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

async fn page_route(
    app: &App,
    target: &Target,
    nav: &Nav,
    host: Option<&str>,
) -> Result<Reply, Failure> {
    let segs: Vec<&str> = target.segments.iter().map(String::as_str).collect();
    match segs.as_slice() {
        [] | ["proposals"] => {
            let ov = read_overview(app, nav).await?;
            let filters = pages::pipeline::Filters {
                council: target.param("council").map(str::to_string),
                category: target.param("category").map(str::to_string),
            };
            Ok(http::html(pages::pipeline::page(nav, &ov, &filters)))
        }
        ["proposals", id] => {
            let (ov, mut session) = overview_and_session(app, nav).await?;
            let entry = ov
                .proposals
                .iter()
                .find(|e| e.view.id == *id)
                .ok_or_else(|| {
                    let when = ov
                        .as_of
                        .as_deref()
                        .map_or("now".to_string(), |a| format!("as of {a}"));
                    Failure::refused(format!("there is no proposal {id:?} {when}"))
                        .with_detail("the pipeline lists every proposal")
                })?;
            let timeline = timeline(&mut session, id, &ov.cut).await?;
            Ok(http::html(pages::proposal::page(
                nav, &ov, entry, &timeline,
            )))
        }
        ["savings"] => {
            let ov = read_overview(app, nav).await?;
            Ok(http::html(pages::savings::page(nav, &ov)))
        }
        ["upcoming"] => {
            let ov = read_overview(app, nav).await?;
            let mut feed = format!("http://{}/calendar.ics", host.unwrap_or("127.0.0.1"));
            if let Some(t) = &app.token {
                feed = pages::link(&feed, &[("token", t)]);
            }
            Ok(http::html(pages::upcoming::page(nav, &ov, &feed)))
        }
        ["integrity"] => {
            let verify = verify(app, None).await?;
            let ov = read_overview(app, nav).await?;
            let checks: Vec<FileCheck> = ov
                .reports
                .iter()
                .map(|r| match std::fs::read(&r.path) {
                    Ok(bytes) if hex::encode(Sha256::digest(&bytes)) == r.sha256 => {
                        FileCheck::Matches
                    }
                    Ok(_) => FileCheck::Differs,
                    Err(_) => FileCheck::Missing,
                })
                .collect();
            Ok(http::html(pages::integrity::page(
                nav, &ov, &verify, &checks,
            )))
        }
        ["calendar.ics"] => {
            let (mut session, _) = app.cache.session().await?;
            let feed = ops::reminders::ics(&mut session).await?;
            Ok(http::reply(
                200,
                "text/calendar; charset=utf-8",
                feed.into_bytes(),
            ))
        }
        ["reports", seq] => report_file(app, seq).await,
        _ => Err(not_found()),
    }
}

fn not_found() -> Failure {
    Failure::refused("there is no such page")
        .with_detail("the pages are /, /proposals/ID, /savings, /upcoming, /integrity and /api/")
}

/// Verifies the chain by reading the store itself (not the copy); a broken chain drops the copy.
async fn verify(app: &App, head: Option<&str>) -> Result<VerifyReport, Failure> {
    let head: Option<ops::input::HashHex> = head.map(str::parse).transpose()?;
    let report = app
        .cache
        .with_store(async |s| ops::audit::verify(s, None, head.as_ref()).await)
        .await?;
    if !report.ok {
        app.cache.invalidate().await;
    }
    Ok(report)
}

/// A quarterly report the scheduler issued, by the seq of its `report-issued` event.
async fn report_file(app: &App, seq: &str) -> Result<Reply, Failure> {
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
    let bytes = std::fs::read(path).map_err(|e| {
        Failure::refused(format!("the report {} cannot be read: {e}", path.display()))
            .with_detail("the outbox may have been moved; `concordat report quarterly --known-at` makes it again")
    })?;
    let name = path
        .file_name()
        .map_or("report.md".into(), |n| n.to_string_lossy().into_owned());
    Ok(http::download("text/markdown; charset=utf-8", &name, bytes))
}

/// `/api/…`: each endpoint is the CLI command of the same name with `--json`.
async fn api_route(app: &App, target: &Target) -> Result<Reply, Failure> {
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
                "/api/verify?head=", "/calendar.ics"
            ]
        }))),
        ["api", "partnership"] => Ok(http::json(&ops::init::show(&mut s).await?)),
        ["api", "proposals"] => {
            let stage = target.param("stage").map(stage_named).transpose()?;
            let list = ops::proposal::list(&mut s, stage, target.param("council")).await?;
            Ok(http::json(&list))
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
            let replay = ops::replay::replay(&mut s, as_of, basis(target)?).await?;
            Ok(http::json(&replay))
        }
        ["api", "reminders"] => Ok(http::json(
            &ops::reminders::list(&mut s, target.param("until")).await?,
        )),
        _ => Err(Failure::refused("there is no such endpoint")
            .with_detail("GET /api/ lists them: the same shapes as the command line's --json")),
    }
}

/// A stage as the command line writes it; anything else is a usage error, as `--stage` has it.
fn stage_named(text: &str) -> Result<Stage, Failure> {
    Stage::CONTRACT
        .iter()
        .find(|s| s.as_str() == text)
        .cloned()
        .ok_or_else(|| {
            let all: Vec<&str> = Stage::CONTRACT.iter().map(Stage::as_str).collect();
            Failure::usage(format!("there is no stage {text:?}"))
                .with_detail(format!("stages: {}", all.join(", ")))
        })
}
