//! `proposal finance ID` and `funding position`: budget against actual, net position and payback,
//! of one proposal or of the programme, in total and for each council, as of a quarter's end
//! (default: the last quarter ended), from everything recorded so far.

use super::change::{load_all, load_state};
use super::funding::under;
use super::session::Session;
use crate::finance::position::{self, Finance};
use crate::proposal::Cut;
use crate::quarter::Quarter;
use engine::Failure;

/// The quarter asked for, or the last one ended today.
async fn as_of(session: &mut Session, quarter: Option<Quarter>) -> Result<Quarter, Failure> {
    match quarter {
        Some(q) => Ok(q),
        None => {
            let today = session.today().await?;
            let start = session.partnership().await?.latest().year_start();
            Ok(Quarter::containing(today, start).previous())
        }
    }
}

/// `proposal finance ID [--quarter Q]`.
pub async fn proposal(
    session: &mut Session,
    id: &str,
    quarter: Option<Quarter>,
) -> Result<Finance, Failure> {
    session.check_reader().await?;
    let q = as_of(session, quarter).await?;
    let state = load_state(session, id).await?;
    let funding = under(session, &Cut::LIVE).await?;
    let start = session.partnership().await?.latest().year_start();
    Ok(position::of_proposal(&state, &funding, q, start))
}

/// `funding position [--quarter Q]`: the programme's, every proposal and its funding.
pub async fn programme(
    session: &mut Session,
    quarter: Option<Quarter>,
) -> Result<Finance, Failure> {
    session.check_reader().await?;
    let q = as_of(session, quarter).await?;
    let states = load_all(session).await?;
    let funding = under(session, &Cut::LIVE).await?;
    let partnership = session.partnership().await?.latest().clone();
    Ok(position::of_programme(
        &states,
        &funding,
        &partnership.council_ids(),
        q,
        partnership.year_start(),
    ))
}
