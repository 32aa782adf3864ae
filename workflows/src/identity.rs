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

/// Refuses (exit 5) when `actor` is bound to an OS user other than the one running this process.
pub fn check_bound(actor: &Actor) -> Result<(), Failure> {
    let Some(bound) = &actor.os_user else {
        return Ok(());
    };
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
        }
    }

    #[test]
    fn an_unbound_actor_is_taken_at_its_word() {
        assert!(check_bound(&actor(None)).is_ok());
    }

    #[test]
    fn a_bound_actor_must_be_the_os_user() {
        let me = current_os_user().expect("this process runs as a known user");
        assert!(check_bound(&actor(Some(me))).is_ok());
        let err = check_bound(&actor(Some("someone-else-entirely".into()))).unwrap_err();
        assert_eq!(err.kind, engine::FailureKind::NotPermitted);
    }
}
