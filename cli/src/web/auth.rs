//! Who is asking: a session cookie, or a trusted proxy's header; nothing is answered to anyone
//! else (unless `--public`, and then only read-only pages). The sign-in and sign-out pages, with
//! sign-in attempts rate-limited per actor and per address.

use super::http::{self, Reply};
use super::pages::frame;
use super::routes::App;
use super::server::Peer;
use super::sessions::{self, Lookup, SignedIn};
use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::Form;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use maud::html;
use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

/// The cookie that carries the sign-in form's token (the form is shown before any session).
const SIGN_IN_COOKIE: &str = "concordat_sign_in";

/// Sign-in attempts allowed: per actor, and per client address, each a minute.
pub struct Limits {
    by_actor: DefaultKeyedRateLimiter<String>,
    by_address: DefaultKeyedRateLimiter<IpAddr>,
}

impl Default for Limits {
    fn default() -> Limits {
        let per_minute = |n: u32| Quota::per_minute(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN));
        Limits {
            by_actor: RateLimiter::keyed(per_minute(5)),
            by_address: RateLimiter::keyed(per_minute(30)),
        }
    }
}

/// The middleware: finds who is asking and lets the request through, or refuses it.
pub async fn authenticate(State(app): State<Arc<App>>, mut request: Request, next: Next) -> Reply {
    let path = request.uri().path().to_string();
    if path == "/sign-in" {
        return next.run(request).await;
    }
    let peer = request.extensions().get::<Peer>().map(|p| p.0.ip());
    let cookie = sessions::cookie(request.headers(), sessions::cookie_name(app.config.tls));
    let mut lookup = match proxied_actor(&app, request.headers(), peer) {
        Some(actor) => match app.check_actor(&actor).await {
            Ok(()) => Lookup::Live(app.sessions.proxied(&actor)),
            Err(failure) => return frame::failure_page(&failure, None),
        },
        None => cookie
            .as_deref()
            .map_or(Lookup::Unknown, |id| app.sessions.find(id)),
    };
    // A change needs the account signed in with to stand still: a reset or a removal ends the
    // sessions made with it.
    if let (Lookup::Live(who), Some(id)) = (&lookup, &cookie) {
        let reads = request.method() == Method::GET || request.method() == Method::HEAD;
        if !reads && !app.account_stands(who).await {
            tracing::warn!(actor = %who.actor, "a session of a reset or removed account was ended");
            app.sessions.end(id);
            lookup = Lookup::Expired;
        }
    }
    match lookup {
        Lookup::Live(who) => {
            request.extensions_mut().insert(who);
            next.run(request).await
        }
        _ if app.config.public && is_public(request.method(), &path) => next.run(request).await,
        other => refuse(
            request.method(),
            request.uri(),
            matches!(other, Lookup::Expired),
        ),
    }
}

/// The actor a trusted proxy names, when the request came from one and carries the header.
fn proxied_actor(app: &App, headers: &HeaderMap, peer: Option<IpAddr>) -> Option<String> {
    let name = app.config.user_header.as_deref()?;
    let value = headers.get(name)?.to_str().ok()?.trim().to_string();
    let trusted = peer.is_some_and(|p| app.config.trusted_proxies.contains(&p));
    if !trusted {
        tracing::warn!(
            ?peer,
            header = name,
            "a sign-on header from an untrusted address was ignored"
        );
        return None;
    }
    (!value.is_empty()).then_some(value)
}

/// What `--public` shows a visitor: the read-only pages, never the API, downloads or forms.
fn is_public(method: &Method, path: &str) -> bool {
    let read = method == Method::GET || method == Method::HEAD;
    let page = ["/", "/proposals", "/savings", "/upcoming", "/integrity"].contains(&path)
        || (path.starts_with("/proposals/") && path.matches('/').count() == 2);
    read && page
}

/// A visitor who has not signed in: pages send them to sign in, and come back after.
fn refuse(method: &Method, uri: &axum::http::Uri, expired: bool) -> Reply {
    // A browser asks for the icon on its own while the sign-in page is open: sending it to sign
    // in would set a new sign-in token under the form's feet, and the form would be refused.
    if uri.path() == "/favicon.ico" {
        return http::reply(404, "text/plain; charset=utf-8", b"no icon".to_vec());
    }
    let api = uri.path().starts_with("/api") || uri.path() == "/calendar.ics";
    if api {
        let mut r = http::json_failure(
            &engine::Failure::not_permitted(
                "sign in first: this server answers only those signed in",
            )
            .with_detail("sign in at /sign-in, and send the session cookie it sets"),
        );
        *r.status_mut() = axum::http::StatusCode::UNAUTHORIZED;
        return r;
    }
    if method == Method::GET || method == Method::HEAD {
        let next = uri.path_and_query().map_or("/", |p| p.as_str());
        let mut to = super::pages::link("/sign-in", &[("next", next)]);
        if expired {
            to = super::pages::link("/sign-in", &[("next", next), ("expired", "1")]);
        }
        return http::redirect(&to);
    }
    let why = if expired {
        "Your session has ended, so nothing was changed."
    } else {
        "You are not signed in, so nothing was changed."
    };
    http::html_status(
        401,
        frame::page(
            "Sign in to continue",
            None,
            html! {
                h1 { "Sign in to continue" }
                p { (why) " Sign in, then make the change again." }
                p { a href="/sign-in" { "Sign in" } }
            },
        ),
    )
}

/// `GET /sign-in`: the form, with a fresh token in its own cookie.
pub async fn sign_in_form(
    State(app): State<Arc<App>>,
    Query(query): Query<HashMap<String, String>>,
) -> Reply {
    let notice = if query.contains_key("expired") {
        Some("Your session has ended. Please sign in again.")
    } else if query.contains_key("signed_out") {
        Some("You have signed out.")
    } else {
        None
    };
    let next = query.get("next").map(String::as_str);
    sign_in_page(&app, 200, Message::Notice(notice), "", next)
}

/// What the sign-in page says above the form.
enum Message<'a> {
    Notice(Option<&'a str>),
    Error(&'a str),
}

/// The sign-in page with `error` (a refusal) and the name typed before.
fn sign_in_page(
    app: &App,
    status: u16,
    message: Message,
    actor: &str,
    next: Option<&str>,
) -> Reply {
    let token = sessions::random_token();
    let (error, notice) = match message {
        Message::Notice(n) => (None, n),
        Message::Error(e) => (Some(e), None),
    };
    let form = frame::SignInForm {
        error,
        notice,
        actor,
        next,
        token: &token,
    };
    let mut r = http::html_status(status, frame::sign_in(&form));
    let mut cookie = format!("{SIGN_IN_COOKIE}={token}; Path=/sign-in; HttpOnly; SameSite=Strict");
    if app.config.tls {
        cookie += "; Secure";
    }
    http::set(&mut r, header::SET_COOKIE, &cookie);
    r
}

/// `POST /sign-in`: checks the token, the rate, the password and the actor's bindings.
pub async fn sign_in(
    State(app): State<Arc<App>>,
    peer: Option<axum::Extension<Peer>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Reply {
    let field = |k: &str| {
        form.get(k)
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let (actor, password, next) = (
        field("actor"),
        form.get("password").cloned().unwrap_or_default(),
        field("next"),
    );
    let next = (!next.is_empty()).then_some(next.as_str());
    let token_ok = sessions::cookie(&headers, SIGN_IN_COOKIE)
        .is_some_and(|c| sessions::same(&c, &field("csrf")));
    if !token_ok {
        return sign_in_page(
            &app,
            400,
            Message::Error("The sign-in form had expired. Please try again."),
            &actor,
            next,
        );
    }
    if actor.is_empty() || password.is_empty() {
        return sign_in_page(
            &app,
            400,
            Message::Error("Enter your user name and your password."),
            &actor,
            next,
        );
    }
    let address = peer.map(|p| p.0 .0.ip());
    let limited = app
        .limits
        .by_actor
        .check_key(&actor.to_lowercase())
        .is_err()
        || address.is_some_and(|a| app.limits.by_address.check_key(&a).is_err());
    if limited {
        tracing::warn!(%actor, ?address, "sign-in attempts limited");
        let mut r = sign_in_page(
            &app,
            429,
            Message::Error("Too many attempts to sign in. Wait a minute, then try again."),
            &actor,
            next,
        );
        http::set(&mut r, header::RETRY_AFTER, "60");
        return r;
    }
    let Some(account) = app.password_matches(&actor, &password).await else {
        tracing::warn!(%actor, ?address, "sign-in refused");
        return sign_in_page(
            &app,
            401,
            Message::Error("The user name or the password is not right."),
            &actor,
            next,
        );
    };
    if let Err(failure) = app.check_actor(&actor).await {
        return sign_in_page(
            &app,
            403,
            Message::Error(&frame::plain_failure(&failure)),
            &actor,
            next,
        );
    }
    tracing::info!(%actor, ?address, "signed in");
    let id = app.sessions.create(&actor, &account);
    let to = next
        .filter(|n| n.starts_with('/') && !n.starts_with("//"))
        .unwrap_or("/");
    let mut r = http::redirect(to);
    http::set(
        &mut r,
        header::SET_COOKIE,
        &sessions::set_cookie(app.config.tls, &id, false),
    );
    r
}

/// `POST /sign-out`: ends the session (its form carries the session's token).
pub async fn sign_out(
    State(app): State<Arc<App>>,
    who: Option<axum::Extension<SignedIn>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Reply {
    let Some(axum::Extension(who)) = who else {
        return http::redirect("/sign-in");
    };
    if !form
        .get("csrf")
        .is_some_and(|t| sessions::same(t, &who.csrf))
    {
        return frame::failure_page(&super::forms::csrf_failure(), Some(&who));
    }
    if let Some(id) = sessions::cookie(&headers, sessions::cookie_name(app.config.tls)) {
        app.sessions.end(&id);
    }
    let mut r = http::redirect("/sign-in?signed_out=1");
    http::set(
        &mut r,
        header::SET_COOKIE,
        &sessions::set_cookie(app.config.tls, "", true),
    );
    r
}
