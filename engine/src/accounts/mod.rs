//! Local accounts for signing in on the web: each actor's password hash, kept outside the event
//! log (a hash is a secret, and the log is exported and published). Beside an embedded store it is
//! one file in the store's directory with the log's own permissions; on PostgreSQL a table of its
//! own. What a hash is (argon2id, PHC string) is the caller's business: this stores opaque text.

mod file;
#[cfg(feature = "postgres")]
mod postgres;

use crate::error::Result;
use crate::store::is_database_url;
use async_trait::async_trait;

pub use file::ACCOUNTS_FILE;

/// Where the password hashes live: actor id → hash.
#[async_trait]
pub trait Accounts: Send + Sync {
    /// The hash kept for `actor`, if it has an account.
    async fn get(&self, actor: &str) -> Result<Option<String>>;
    /// Creates or replaces `actor`'s account.
    async fn put(&self, actor: &str, hash: &str) -> Result<()>;
    /// Removes `actor`'s account; false when it had none.
    async fn remove(&self, actor: &str) -> Result<bool>;
}

/// The accounts of the store at `location` (a directory, or a PostgreSQL URL).
pub async fn open_accounts(location: &str) -> Result<Box<dyn Accounts>> {
    if is_database_url(location) {
        #[cfg(feature = "postgres")]
        return Ok(Box::new(postgres::TableAccounts::open(location).await?));
        #[cfg(not(feature = "postgres"))]
        return Err(crate::Failure::usage(
            "this concordat was built without PostgreSQL support",
        ));
    }
    Ok(Box::new(file::FileAccounts::new(std::path::Path::new(
        location,
    ))))
}
