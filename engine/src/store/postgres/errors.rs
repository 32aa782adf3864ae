//! PostgreSQL's failures in plain words, each mapped to the contract's exit code.

use crate::error::Failure;
use tokio_postgres::error::SqlState;

pub(super) fn no_store(location: &str) -> Failure {
    Failure::usage(format!("there is no concordat store at {location}"))
        .with_remedy(crate::remedy::StoreRemedy::CreateOrName { database: true })
}

/// The error's plain words: the server's message, or the chain of causes for a client-side failure.
pub(super) fn plain(e: &tokio_postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return db.message().to_string();
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

pub(super) fn db_failure(e: tokio_postgres::Error) -> Failure {
    Failure::internal(format!("PostgreSQL error: {}", plain(&e)))
}

pub(super) fn schema_failure(location: &str, e: tokio_postgres::Error) -> Failure {
    Failure::internal(format!(
        "could not create or migrate the concordat schema at {location}: {}",
        plain(&e)
    ))
    .with_detail("the database user needs the right to create tables there")
}

pub(super) fn lock_failure(location: &str, e: tokio_postgres::Error) -> Failure {
    if e.code() == Some(&SqlState::LOCK_NOT_AVAILABLE) {
        Failure::conflict(format!(
            "the store at {location} is busy: other writers held it for longer than the wait allows"
        ))
        .with_detail("try again when they have finished")
    } else {
        db_failure(e)
    }
}

pub(super) fn write_failure(location: &str, e: tokio_postgres::Error) -> Failure {
    match e.code() {
        Some(c) if *c == SqlState::INSUFFICIENT_PRIVILEGE => {
            let hint = e.as_db_error().and_then(|d| d.hint()).map(str::to_string);
            Failure::not_permitted(format!(
                "PostgreSQL at {location} refused the change: {}",
                plain(&e)
            ))
            .with_detail(hint.unwrap_or_else(|| {
                "connect as a role the store's owner has granted this change to (docs/threat-model.md lists the grants)".to_string()
            }))
        }
        Some(c) if *c == SqlState::UNIQUE_VIOLATION || *c == SqlState::T_R_SERIALIZATION_FAILURE => {
            Failure::conflict(format!(
                "another writer appended to the store at {location} at the same time; nothing was written"
            ))
            .with_detail("read it again, then retry")
        }
        _ => lock_failure(location, e),
    }
}

pub(super) fn connect_failure(location: &str, e: &tokio_postgres::Error) -> Failure {
    let code = e.code();
    if code == Some(&SqlState::INVALID_CATALOG_NAME) {
        return no_store(location).with_detail("(the database itself does not exist)");
    }
    if code == Some(&SqlState::INVALID_PASSWORD)
        || code == Some(&SqlState::INVALID_AUTHORIZATION_SPECIFICATION)
    {
        return Failure::usage(format!(
            "PostgreSQL at {location} refused the login: {}",
            plain(e)
        ))
        .with_detail("check the user and password in the URL (or PGPASSWORD, ~/.pgpass)");
    }
    if let Some(tls) = tls_failure(e) {
        return if tls.certificate {
            Failure::usage(format!(
                "PostgreSQL at {location} presented a certificate that was refused: {}",
                tls.message
            ))
            .with_detail("check that sslrootcert names the CA that signed the server's certificate (and, for verify-full, that the certificate names the host), or use sslmode=require to encrypt without checking")
        } else {
            Failure::internal(format!(
                "the TLS handshake with PostgreSQL at {location} failed: {}",
                tls.message
            ))
            .with_detail("check that the server accepts TLS (ssl = on), or use sslmode=disable where it need not")
        };
    }
    Failure::internal(format!(
        "cannot reach PostgreSQL at {location}: {}",
        plain(e)
    ))
    .with_detail("check that the server is running and the URL's host and port are right")
}

/// The TLS failure behind `e`, if a handshake is what failed.
fn tls_failure(e: &tokio_postgres::Error) -> Option<&super::tls::TlsFailure> {
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(tls) = s.downcast_ref::<super::tls::TlsFailure>() {
            return Some(tls);
        }
        source = s.source();
    }
    None
}

/// An append refused because the server takes no writes: a standby (`in_recovery`), or a server or
/// database set to `default_transaction_read_only`. Nothing was written; the primary would take it.
pub(super) fn read_only_failure(location: &str, in_recovery: bool) -> Failure {
    if in_recovery {
        Failure::conflict(format!(
            "PostgreSQL at {location} is a read-only standby, so it cannot record this change; nothing was written"
        ))
        .with_detail("connect to the primary: name every server in the store URL and add target_session_attrs=read-write, which finds it")
    } else {
        Failure::conflict(format!(
            "PostgreSQL at {location} accepts only reads (default_transaction_read_only is on), so it cannot record this change; nothing was written"
        ))
        .with_detail("connect to a server that takes writes (the primary, with target_session_attrs=read-write in the store URL), or ask its administrator to turn read-only off")
    }
}
