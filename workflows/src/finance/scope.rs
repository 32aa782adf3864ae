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
