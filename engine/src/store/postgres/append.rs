//! One round trip per append: the client seals the batch against the head and stream versions it
//! last saw, and one prepared call of `concordat_append` (schema 3) takes the append lock, checks
//! that the world is as the client saw it, inserts the rows (each still passing the `db_role`
//! trigger, which compares `session_user`) and commits. If another writer got there first the call
//! writes nothing and returns what is there now; the client checks its expectations against that
//! and seals again.

use super::conn::Conn;
use super::errors::{db_failure, plain, read_only_failure, write_failure};
use super::{to_i64, to_u64, PostgresStore};
use crate::error::{Failure, Result};
use crate::event::Event;
use crate::store::{check_expectations, ActorRoles, AppendRequest, Head};
use crate::time::format_instant;
use std::collections::HashMap;
use tokio::sync::oneshot;
use tokio_postgres::error::SqlState;

/// Migration 3: the append function. It runs as its caller (no SECURITY DEFINER), so the INSERT is
/// checked by the same grants and the same per-row trigger as before; tables are named with their
/// schema (as the actor trigger does) so that no search_path or temporary table changes what it
/// reads. The advisory lock key is `LOCK_KEY` (a test checks the two agree).
pub(super) const APPEND_FUNCTION: &str = r#"
DO $do$ BEGIN
EXECUTE format($f$
CREATE FUNCTION concordat_append(
    p_head_seq bigint, p_head_hash text,
    p_base_streams text[], p_base_versions bigint[],
    p_seqs bigint[], p_streams text[], p_versions bigint[], p_hashes text[],
    p_recorded text[], p_lines text[],
    p_tail_streams text[], p_tail_versions bigint[],
    p_role_actors text[], p_role_names text[])
RETURNS TABLE (fresh boolean, cur_seq bigint, cur_hash text, cur_recorded text,
               cur_streams text[], cur_versions bigint[])
LANGUAGE plpgsql AS $$
DECLARE
    h record;
BEGIN
    PERFORM pg_advisory_xact_lock(7165066905520333921);
    SELECT e.seq, e.hash, e.recorded_at INTO h
        FROM %1$I.concordat_events e ORDER BY e.seq DESC LIMIT 1;
    IF coalesce(h.seq, 0) <> p_head_seq
       OR coalesce(h.hash, repeat('0', 64)) <> p_head_hash
       OR EXISTS (SELECT 1 FROM unnest(p_base_streams, p_base_versions) AS b(stream, version)
                  LEFT JOIN %1$I.concordat_streams s ON s.stream = b.stream
                  WHERE coalesce(s.version, 0) <> b.version) THEN
        -- Stale: write nothing, and say what is there now.
        RETURN QUERY SELECT false, coalesce(h.seq, 0), coalesce(h.hash, repeat('0', 64)),
            h.recorded_at, array_agg(b.stream), array_agg(coalesce(s.version, 0))
            FROM unnest(p_base_streams) AS b(stream)
            LEFT JOIN %1$I.concordat_streams s ON s.stream = b.stream;
        RETURN;
    END IF;
    INSERT INTO %1$I.concordat_events (seq, stream, version, hash, recorded_at, line)
        SELECT * FROM unnest(p_seqs, p_streams, p_versions, p_hashes, p_recorded, p_lines);
    INSERT INTO %1$I.concordat_streams AS s (stream, version)
        SELECT * FROM unnest(p_tail_streams, p_tail_versions)
        ON CONFLICT (stream) DO UPDATE SET version = EXCLUDED.version;
    IF p_role_actors IS NOT NULL THEN
        -- After the rows: this batch is judged by the bindings in force before it.
        DELETE FROM %1$I.concordat_actor_roles;
        INSERT INTO %1$I.concordat_actor_roles (actor, db_role)
            SELECT * FROM unnest(p_role_actors, p_role_names);
    END IF;
    RETURN QUERY SELECT true, 0::bigint, ''::text, ''::text, NULL::text[], NULL::bigint[];
END $$;$f$, current_schema());
END $do$;
"#;

/// The statement that calls it (prepared once per connection).
pub(super) const APPEND_CALL: &str = "SELECT * FROM concordat_append($1::bigint, $2::text,
    $3::text[], $4::bigint[], $5::bigint[], $6::text[], $7::bigint[], $8::text[], $9::text[],
    $10::text[], $11::text[], $12::bigint[], $13::text[], $14::text[])";

/// How many times a group seals again after other writers moved the log on, before it gives up.
const MAX_RESEALS: usize = 1000;

/// What this connection last saw of the log: a guess the append function confirms or corrects.
#[derive(Debug)]
pub(super) struct Seen {
    pub(super) head: Head,
    pub(super) versions: HashMap<String, u64>,
}

impl Seen {
    pub(super) fn new(head: Head) -> Seen {
        Seen {
            head,
            versions: HashMap::new(),
        }
    }

    /// Records a stream's version seen by a read; versions only grow, so an older read is ignored.
    pub(super) fn saw_version(&mut self, stream: &str, version: u64) {
        let v = self.versions.entry(stream.to_string()).or_insert(0);
        *v = (*v).max(version);
    }

    /// Records a head seen by a read, unless an append here has already moved past it.
    pub(super) fn saw_head(&mut self, head: Head) {
        if head.seq >= self.head.seq {
            self.head = head;
        }
    }
}

/// One caller's append waiting for the group it joins.
pub(super) struct Job {
    request: AppendRequest,
    roles: Option<ActorRoles>,
    answer: oneshot::Sender<Result<Vec<Event>>>,
}

/// A group of jobs sealed against `Seen`, as the function's arrays, and what each job gets.
struct Sealed {
    head_seq: i64,
    head_hash: String,
    base_streams: Vec<String>,
    base_versions: Vec<i64>,
    events: Vec<Event>,
    tail: HashMap<String, i64>,
    /// Per job: its events' range in `events`, or the refusal of its expectations.
    outcomes: Vec<std::result::Result<std::ops::Range<usize>, Failure>>,
}

/// Seals the jobs in order after `seen`'s head. Each job's expectations are checked against the
/// versions the jobs before it leave; a stream's starting version is `seen`'s (else the first
/// expectation's, else 0) — a guess the function confirms, so a refusal here stands only then.
fn seal(seen: &Seen, jobs: &[Job]) -> Result<Sealed> {
    let mut base: HashMap<String, u64> = HashMap::new();
    let mut running: HashMap<String, u64> = HashMap::new();
    let mut events = Vec::new();
    let mut outcomes = Vec::with_capacity(jobs.len());
    let mut prev_hash = seen.head.hash.clone();
    let mut seq = seen.head.seq;
    let mut last_recorded = seen.head.recorded_at.clone();
    for job in jobs {
        let request = &job.request;
        let guesses = request
            .expectations
            .iter()
            .map(|e| (&e.stream, Some(e.version)))
            .chain(request.events.iter().map(|e| (&e.stream, None)));
        for (stream, expected) in guesses {
            if !running.contains_key(stream) {
                let v = seen.versions.get(stream).copied().or(expected).unwrap_or(0);
                base.insert(stream.clone(), v);
                running.insert(stream.clone(), v);
            }
        }
        if let Err(refusal) = check_expectations(&request.expectations, |s| {
            Ok(running.get(s).copied().unwrap_or(0))
        }) {
            outcomes.push(Err(refusal));
            continue;
        }
        let recorded = recorded_at(request, last_recorded.as_deref())?;
        let start = events.len();
        for new in &request.events {
            let version = running.get(&new.stream).copied().unwrap_or(0) + 1;
            running.insert(new.stream.clone(), version);
            seq += 1;
            let event = Event::seal(new.clone(), seq, version, recorded.clone(), prev_hash);
            prev_hash = event.hash.clone();
            events.push(event);
        }
        if events.len() > start {
            last_recorded = Some(recorded);
        }
        outcomes.push(Ok(start..events.len()));
    }
    let mut tail = HashMap::new();
    for e in &events {
        tail.insert(e.stream.clone(), to_i64(e.version)?);
    }
    let (base_streams, base_versions): (Vec<String>, Vec<u64>) = base.into_iter().unzip();
    Ok(Sealed {
        head_seq: to_i64(seen.head.seq)?,
        head_hash: seen.head.hash.clone(),
        base_streams,
        base_versions: base_versions
            .into_iter()
            .map(to_i64)
            .collect::<Result<_>>()?,
        events,
        tail,
        outcomes,
    })
}

/// `recorded_at` for an append at its `now` after an event recorded at `last`: never earlier.
fn recorded_at(request: &AppendRequest, last: Option<&str>) -> Result<String> {
    let now = crate::store::recorded_second(request.now)?;
    let recorded = match last {
        Some(last) => {
            let last: jiff::Timestamp = last
                .parse()
                .map_err(|e| Failure::internal(format!("head recorded_at: {e}")))?;
            now.max(last)
        }
        None => now,
    };
    Ok(format_instant(recorded, &request.tz))
}

/// What one call of the function answered.
enum Outcome {
    Written,
    /// Nothing written: the head and the base streams' versions as they are now.
    Stale(Head, Vec<(String, u64)>),
}

impl PostgresStore {
    /// Appends `request` (with `roles`, replacing the bindings in the same transaction). Appends
    /// made at the same time in this process share one call and so one commit (group commit): the
    /// caller that finds no call under way takes every waiting job with it.
    pub(super) async fn append_grouped(
        &self,
        request: AppendRequest,
        roles: Option<&ActorRoles>,
    ) -> Result<Vec<Event>> {
        let (answer, mut answered) = oneshot::channel();
        self.shared.queue.lock().expect("queue").push(Job {
            request,
            roles: roles.cloned(),
            answer,
        });
        let leader = self.shared.appending.lock().await;
        match answered.try_recv() {
            Ok(result) => return result,
            // A leader that took this job was cancelled midway.
            Err(oneshot::error::TryRecvError::Closed) => {
                return Err(self.unknown_outcome("the append was cut off"))
            }
            Err(oneshot::error::TryRecvError::Empty) => {}
        }
        let jobs = std::mem::take(&mut *self.shared.queue.lock().expect("queue"));
        // Bindings change alone, so that no other job is judged by the wrong ones.
        let (alone, together): (Vec<Job>, Vec<Job>) =
            jobs.into_iter().partition(|j| j.roles.is_some());
        self.run_group(together).await;
        for job in alone {
            self.run_group(vec![job]).await;
        }
        drop(leader);
        answered
            .await
            .unwrap_or_else(|_| Err(self.unknown_outcome("the append was cut off")))
    }

    /// Runs one group to its end and answers every job in it.
    async fn run_group(&self, jobs: Vec<Job>) {
        if jobs.is_empty() {
            return;
        }
        match self.write_group(&jobs).await {
            Ok(outcomes) => {
                for (job, outcome) in jobs.into_iter().zip(outcomes) {
                    let _ = job.answer.send(outcome);
                }
            }
            // One job's refusal (a binding the trigger enforces, say) must not fail the others.
            Err(_) if jobs.len() > 1 => {
                for job in jobs {
                    Box::pin(self.run_group(vec![job])).await;
                }
            }
            Err(failure) => {
                for job in jobs {
                    let _ = job.answer.send(Err(failure.clone()));
                }
            }
        }
    }

    /// Seals and calls until the function confirms the group's view; each job's outcome.
    async fn write_group(&self, jobs: &[Job]) -> Result<Vec<Result<Vec<Event>>>> {
        let roles = jobs.first().and_then(|j| j.roles.as_ref());
        for _ in 0..MAX_RESEALS {
            let sealed = {
                let seen = self.shared.seen.lock().expect("seen");
                seal(&seen, jobs)?
            };
            if sealed.base_streams.is_empty() && roles.is_none() {
                // Nothing to write and nothing to check: empty batches without expectations.
                return Ok(jobs.iter().map(|_| Ok(Vec::new())).collect());
            }
            // Bindings go only with a job that is written (they travel alone, see above).
            let roles = roles.filter(|_| sealed.outcomes.iter().all(|o| o.is_ok()));
            match self.call(&sealed, roles).await? {
                Outcome::Written => {
                    let mut seen = self.shared.seen.lock().expect("seen");
                    if let Some(last) = sealed.events.last() {
                        seen.saw_head(Head {
                            seq: last.seq,
                            hash: last.hash.clone(),
                            recorded_at: Some(last.recorded_at.clone()),
                        });
                    }
                    for (stream, version) in &sealed.tail {
                        seen.saw_version(stream, to_u64(*version)?);
                    }
                    let events = &sealed.events;
                    return Ok(sealed
                        .outcomes
                        .into_iter()
                        .map(|o| o.map(|range| events[range].to_vec()))
                        .collect());
                }
                Outcome::Stale(head, versions) => {
                    let mut seen = self.shared.seen.lock().expect("seen");
                    seen.head = head;
                    for (stream, version) in versions {
                        seen.versions.insert(stream, version);
                    }
                }
            }
        }
        Err(Failure::conflict(format!(
            "the store at {} is busy: other writers kept appending first",
            self.shared.location
        ))
        .with_detail("try again when they have finished"))
    }

    /// One call of `concordat_append`: the group is committed when it returns `Written`.
    async fn call(&self, sealed: &Sealed, roles: Option<&ActorRoles>) -> Result<Outcome> {
        let ev = &sealed.events;
        let seqs: Vec<i64> = ev.iter().map(|e| to_i64(e.seq)).collect::<Result<_>>()?;
        let versions: Vec<i64> = ev
            .iter()
            .map(|e| to_i64(e.version))
            .collect::<Result<_>>()?;
        let streams: Vec<&str> = ev.iter().map(|e| e.stream.as_str()).collect();
        let hashes: Vec<&str> = ev.iter().map(|e| e.hash.as_str()).collect();
        let recorded: Vec<&str> = ev.iter().map(|e| e.recorded_at.as_str()).collect();
        let lines: Vec<String> = ev.iter().map(Event::to_line).collect();
        let (tail_streams, tail_versions): (Vec<&str>, Vec<i64>) =
            sealed.tail.iter().map(|(s, v)| (s.as_str(), *v)).unzip();
        let role_actors: Option<Vec<&str>> = roles.map(|r| r.keys().map(String::as_str).collect());
        let role_names: Option<Vec<&str>> = roles.map(|r| r.values().map(String::as_str).collect());
        if let Some(e) = crate::failpoints::io_error("pg::insert") {
            return Err(Failure::internal(format!(
                "writing to {} failed: {e}",
                self.shared.location
            )));
        }
        // Killed before the call: the server never sees the batch.
        crate::failpoints::crash("pg::before-commit");
        let conn = self.conn().await?;
        let answer = conn
            .client
            .query_one(
                &conn.statements.append,
                &[
                    &sealed.head_seq,
                    &sealed.head_hash,
                    &sealed.base_streams,
                    &sealed.base_versions,
                    &seqs,
                    &streams,
                    &versions,
                    &hashes,
                    &recorded,
                    &lines,
                    &tail_streams,
                    &tail_versions,
                    &role_actors,
                    &role_names,
                ],
            )
            .await;
        // An injected lost answer: the call committed, its reply did not reach us.
        let answer = match (answer, crate::failpoints::io_error("pg::commit")) {
            (Ok(_), Some(e)) => return Err(self.unknown_outcome(&e.to_string())),
            (answer, _) => answer,
        };
        let row = match answer {
            Ok(row) => row,
            // The server answered with an error: the call's transaction rolled back.
            Err(e) if e.as_db_error().is_some() => return Err(self.refused(&conn, e).await),
            // The connection failed: the COMMIT may have happened.
            Err(e) => return Err(self.unknown_outcome(&plain(&e))),
        };
        crate::failpoints::crash("pg::after-commit");
        if row.get::<_, bool>(0) {
            return Ok(Outcome::Written);
        }
        let head = Head {
            seq: to_u64(row.get(1))?,
            hash: row.get(2),
            recorded_at: row.get(3),
        };
        let names: Option<Vec<String>> = row.try_get(4).map_err(db_failure)?;
        let versions: Option<Vec<i64>> = row.try_get(5).map_err(db_failure)?;
        let versions = names
            .unwrap_or_default()
            .into_iter()
            .zip(versions.unwrap_or_default())
            .map(|(s, v)| Ok((s, to_u64(v)?)))
            .collect::<Result<_>>()?;
        Ok(Outcome::Stale(head, versions))
    }

    /// The failure for a call the server refused (its transaction rolled back): a read-only
    /// server is asked whether it is a standby, so the words say where to go instead.
    async fn refused(&self, conn: &Conn, e: tokio_postgres::Error) -> Failure {
        let location = &self.shared.location;
        if e.code() != Some(&SqlState::READ_ONLY_SQL_TRANSACTION) {
            return write_failure(location, e);
        }
        let standby = match conn
            .client
            .query_one("SELECT pg_is_in_recovery()", &[])
            .await
        {
            Ok(row) => row.get::<_, bool>(0),
            Err(_) => false,
        };
        read_only_failure(location, standby)
    }

    fn unknown_outcome(&self, why: &str) -> Failure {
        Failure::internal(format!(
            "committing to {} failed, so the events may or may not be recorded: {why}",
            self.shared.location,
        ))
        .with_remedy(crate::remedy::StoreRemedy::LookBeforeRetry)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_function_takes_the_same_lock_as_migrations() {
        let key = super::super::LOCK_KEY.to_string();
        assert!(super::APPEND_FUNCTION.contains(&format!("pg_advisory_xact_lock({key})")));
    }
}
