//! The application's state, shared by every request: what it was started with, the copy of the
//! log and the overviews built from it, the sessions and the sign-in limits; and the two ways it
//! touches the store for someone signed in — checking who they are, and making a change as them.

use super::auth::Limits;
use super::cache::Cache;
use super::password;
use super::pipeline::Pipelines;
use super::sessions::{Sessions, SignedIn};
use super::views::Views;
use super::Config;
use crate::context;
use engine::accounts::open_accounts;
use engine::Failure;
use workflows::identity::{check_bound_as, Proof};
use workflows::ops::Session;

/// The server's state.
pub struct App {
    pub config: Config,
    pub cache: Cache,
    pub views: Views,
    pub pipelines: Pipelines,
    pub sessions: Sessions,
    pub limits: Limits,
}

impl App {
    /// A new application (nothing is read yet).
    pub fn new(config: Config) -> App {
        App {
            cache: Cache::new(config.global.clone()),
            views: Views::default(),
            pipelines: Pipelines::default(),
            sessions: Sessions::new(config.idle, config.max_age),
            limits: Limits::default(),
            config,
        }
    }

    /// The stored hash when `password` is `actor`'s (an actor without an account costs the same
    /// time as a wrong password).
    pub async fn password_matches(&self, actor: &str, password: &str) -> Option<String> {
        let stored = match self.stored_hash(actor).await {
            Ok(stored) => stored,
            Err(e) => {
                tracing::error!("cannot read the accounts: {}", e.message);
                None
            }
        };
        let known = stored.is_some();
        let hash = stored.unwrap_or_else(|| password::decoy().to_string());
        let (password, checked) = (password.to_string(), hash.clone());
        // argon2 takes tens of milliseconds of CPU on purpose: off the thread that serves.
        let matches = tokio::task::spawn_blocking(move || password::verify(&password, &checked))
            .await
            .unwrap_or(false);
        (known && matches).then_some(hash)
    }

    /// Whether the account `who` signed in with still stands (not reset or removed since).
    pub async fn account_stands(&self, who: &SignedIn) -> bool {
        match &who.account {
            None => true,
            Some(hash) => self
                .stored_hash(&who.actor)
                .await
                .is_ok_and(|now| now.as_deref() == Some(hash.as_str())),
        }
    }

    /// The hash kept for `actor`, if it has an account.
    pub async fn stored_hash(&self, actor: &str) -> Result<Option<String>, Failure> {
        let location = context::store_location(&self.config.global)?;
        open_accounts(&location).await?.get(actor).await
    }

    /// Refuses an actor who may not act on the web: not registered in the partnership, or bound
    /// to a database role other than the one this server connects as.
    pub async fn check_actor(&self, actor: &str) -> Result<(), Failure> {
        self.cache
            .with_store(async |s| {
                let role = s.store.session_role();
                let partnership = s.partnership().await?.latest().clone();
                let registered = partnership.actor(actor).ok_or_else(|| {
                    Failure::not_permitted(format!(
                        "{actor:?} is not an actor of this partnership"
                    ))
                })?;
                check_bound_as(registered, role.as_deref(), Proof::SignedIn).map_err(|f| {
                    Failure::not_permitted(format!(
                        "{actor} cannot sign in on the web: {}",
                        f.message
                    ))
                    .with_detail("the partnership binds this actor to a database role, so it acts only through a connection made as that role; use the command line connected as it, or a web server that connects as it")
                })
            })
            .await
    }

    /// Runs `f` on a session over the store itself, acting as the signed-in actor (identified by
    /// signing in), then releases the store. Requests of this process take the store in turn
    /// (the cache's turn), so one never waits on the lock another holds on the same thread.
    pub async fn write<T>(
        &self,
        who: &SignedIn,
        f: impl AsyncFnOnce(&mut Session) -> Result<T, Failure>,
    ) -> Result<T, Failure> {
        self.cache
            .with_store(async |session| {
                session.actor = Some(who.actor.clone());
                session.proof = Proof::SignedIn;
                f(session).await
            })
            .await
    }
}
