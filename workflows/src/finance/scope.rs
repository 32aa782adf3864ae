//! Which councils' money a finance officer may record: only money split to (or paid by) its own
//! council. A programme manager or an admin may record any. A refusal is "not permitted" (exit 5).

use crate::partnership::{Actor, Role};
use engine::Failure;

/// Refuses (5) a finance officer whose council is not among `councils` (the councils the money is
/// split between) or who names another council as the payer; admins and programme managers pass.
pub fn check(actor: &Actor, councils: &[String], paid_by: Option<&str>) -> Result<(), Failure> {
    if actor
        .roles
        .iter()
        .any(|r| matches!(r, Role::Admin | Role::ProgrammeManager))
    {
        return Ok(());
    }
    let own = actor.council.as_deref().unwrap_or_default();
    let outside = !councils.iter().any(|c| c == own);
    let other_payer = paid_by.is_some_and(|p| p != own);
    if !outside && !other_payer {
        return Ok(());
    }
    let what = if outside {
        format!("money split between {}, not {own}", councils.join(" and "))
    } else {
        format!("a cost paid by {}", paid_by.unwrap_or_default())
    };
    Err(Failure::not_permitted(format!(
        "{} (finance-officer of {own}) may not record {what}",
        actor.id
    ))
    .with_detail(format!(
        "a finance officer records {own}'s money only; ask a programme manager or the other council's finance officer"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::FailureKind;

    fn actor(role: Role, council: Option<&str>) -> Actor {
        Actor {
            id: "x".into(),
            name: None,
            roles: vec![role],
            council: council.map(str::to_string),
            os_user: None,
            db_role: None,
        }
    }

    #[test]
    fn a_finance_officer_records_only_its_own_councils_money() {
        let fo = actor(Role::FinanceOfficer, Some("bromsgrove"));
        let both = ["bromsgrove".to_string(), "redditch".to_string()];
        let others = ["redditch".to_string(), "wychavon".to_string()];
        assert!(check(&fo, &both, None).is_ok());
        assert!(check(&fo, &both, Some("bromsgrove")).is_ok());
        let paid_by_other = check(&fo, &both, Some("redditch")).unwrap_err();
        assert_eq!(paid_by_other.kind, FailureKind::NotPermitted);
        assert!(paid_by_other.message.contains("a cost paid by redditch"));
        let outside = check(&fo, &others, None).unwrap_err();
        assert_eq!(outside.kind, FailureKind::NotPermitted);
        assert!(outside
            .message
            .contains("split between redditch and wychavon, not bromsgrove"));
        let pm = actor(Role::ProgrammeManager, None);
        assert!(check(&pm, &others, Some("wychavon")).is_ok());
    }
}
