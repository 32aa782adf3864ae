//! Proving who is acting: an actor bound to an operating-system user may act only from that account.

use crate::partnership::Actor;
use engine::Failure;

/// The name of the operating-system user running this process (from the real uid, not `$USER`).
pub fn current_os_user() -> Option<String> {
    nix::unistd::User::from_uid(nix::unistd::getuid())
        .ok()
        .flatten()
        .map(|u| u.name)
}

/// Refuses (exit 5) when `actor` is bound to an OS user other than the one running this process,
/// or to a database role other than `session_role` (the store's, where it has roles).
pub fn check_bound(actor: &Actor, session_role: Option<&str>) -> Result<(), Failure> {
    check_bound_as(actor, session_role, Proof::Process)
}

/// How the person acting was identified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Proof {
    /// By the account running this process (the command line).
    #[default]
    Process,
    /// By signing in on the web (a password the store's owner set with `concordat user`, or a
    /// trusted single sign-on header): this satisfies an `os_user` binding, never a `db_role` one.
    SignedIn,
}

/// [`check_bound`], where the person was identified by `proof`.
pub fn check_bound_as(
    actor: &Actor,
    session_role: Option<&str>,
    proof: Proof,
) -> Result<(), Failure> {
    check_db_role(actor, session_role)?;
    let Some(bound) = &actor.os_user else {
        return Ok(());
    };
    if proof == Proof::SignedIn {
        return Ok(());
    }
    let me = current_os_user();
    if me.as_deref() == Some(bound.as_str()) {
        return Ok(());
    }
    Err(Failure::not_permitted(format!(
        "actor {:?} is bound to the operating-system user {bound:?}, and this is {}",
        actor.id,
        me.map(|m| format!("{m:?}"))
            .unwrap_or_else(|| "an unknown user".into())
    ))
    .with_detail(format!("log in as {bound} to act as {}", actor.id)))
}

/// A binding to a database role means something only on a store with roles (PostgreSQL): there the
/// session's role must be the bound one. The database enforces the same rule on every insert; this
/// check gives the refusal its plain words before anything is sent.
fn check_db_role(actor: &Actor, session_role: Option<&str>) -> Result<(), Failure> {
    match (&actor.db_role, session_role) {
        (Some(bound), Some(session)) if bound != session => Err(Failure::not_permitted(format!(
            "actor {:?} is bound to the database role {bound:?}, and this session is {session:?}",
            actor.id
        ))
        .with_detail(format!(
            "connect as {bound} (the user in the store's URL) to act as {}",
            actor.id
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::partnership::Role;

    fn actor(os_user: Option<String>) -> Actor {
        Actor {
            id: "bdc-clerk".into(),
            name: None,
            roles: vec![Role::Clerk],
            council: Some("bromsgrove".into()),
            os_user,
            db_role: None,
        }
    }

    #[test]
    fn an_unbound_actor_is_taken_at_its_word() {
        assert!(check_bound(&actor(None), None).is_ok());
        assert!(check_bound(&actor(None), Some("anyone")).is_ok());
    }

    #[test]
    fn a_bound_actor_must_be_the_os_user() {
        let me = current_os_user().expect("this process runs as a known user");
        assert!(check_bound(&actor(Some(me)), None).is_ok());
        let err = check_bound(&actor(Some("someone-else-entirely".into())), None).unwrap_err();
        assert_eq!(err.kind, engine::FailureKind::NotPermitted);
    }

    #[test]
    fn signing_in_satisfies_an_os_user_binding_but_not_a_database_role() {
        let bound = actor(Some("someone-else-entirely".into()));
        assert!(check_bound_as(&bound, None, Proof::SignedIn).is_ok());
        let mut clerk = actor(None);
        clerk.db_role = Some("bdc_clerk".into());
        assert!(check_bound_as(&clerk, Some("concordat_web"), Proof::SignedIn).is_err());
    }

    #[test]
    fn a_database_role_binding_holds_only_where_there_are_roles() {
        let mut clerk = actor(None);
        clerk.db_role = Some("bdc_clerk".into());
        assert!(
            check_bound(&clerk, None).is_ok(),
            "the embedded store has no roles"
        );
        assert!(check_bound(&clerk, Some("bdc_clerk")).is_ok());
        let err = check_bound(&clerk, Some("rbc_clerk")).unwrap_err();
        assert_eq!(err.kind, engine::FailureKind::NotPermitted);
        assert!(err.message.contains("\"bdc_clerk\"") && err.message.contains("\"rbc_clerk\""));
    }
}
