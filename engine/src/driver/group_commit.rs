//! Group commit of joins on one session. A join queues in its session's slot and
//! waits for the slot's lock; whoever gets the lock takes every queued join (up to
//! [`EngineConfig::join_batch`](super::EngineConfig::join_batch)), applies them to
//! the session in arrival order in one store transaction, commits once and answers
//! each. A refused join changes nothing and does not stop the others; a failed
//! commit fails them all (retryably when the store's failure is). A join that finds
//! its answer waiting when it gets the lock was carried by an earlier commit. With no
//! one else queued a join commits alone, as before.

use std::sync::{Arc, PoisonError};

use chrono::{DateTime, Utc};
use patungan_core::quotes::Delivery;
use patungan_core::session::{JoinReceipt, JoinRequest, Outcome, SessionError};
use patungan_core::SessionId;
use tokio::sync::{oneshot, OwnedMutexGuard};

use super::{Cached, Engine, SlotState};
use crate::error::EngineError;

type Answer = Result<JoinReceipt, EngineError>;

/// A join waiting in its session's queue for the next group commit.
pub(crate) struct QueuedJoin {
    request: JoinRequest,
    /// The delivery its quote gave, stored with the join when it is applied.
    delivery: Option<Delivery>,
    now: DateTime<Utc>,
    reply: oneshot::Sender<Answer>,
}

impl SlotState {
    fn queue(&self, join: QueuedJoin) {
        self.joins
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(join);
    }

    /// Up to `max` queued joins, oldest first.
    fn take_joins(&self, max: usize) -> Vec<QueuedJoin> {
        let mut joins = self.joins.lock().unwrap_or_else(PoisonError::into_inner);
        let n = joins.len().min(max.max(1));
        joins.drain(..n).collect()
    }
}

impl Engine {
    /// A shopper joins: returns the amount due; the invoice is created by the runner.
    /// Joining again with the same participant id returns the same receipt. Joins
    /// arriving together on one session commit together (see the module docs).
    pub async fn join(
        &self,
        session: SessionId,
        request: &JoinRequest,
        now: DateTime<Utc>,
    ) -> Result<JoinReceipt, EngineError> {
        self.join_with(session, request.clone(), None, now).await
    }

    /// [`Engine::join`] storing `delivery` with the join when it is applied.
    pub(crate) async fn join_with(
        &self,
        session: SessionId,
        request: JoinRequest,
        delivery: Option<Delivery>,
        now: DateTime<Utc>,
    ) -> Result<JoinReceipt, EngineError> {
        let slot = self.slot(session);
        let (reply, mut answer) = oneshot::channel();
        slot.queue(QueuedJoin {
            request,
            delivery,
            now,
            reply,
        });
        let guard = Arc::clone(&slot.cache).lock_owned().await;
        if let Ok(done) = answer.try_recv() {
            return done;
        }
        self.commit_joins(session, &slot, guard).await;
        answer.await.unwrap_or_else(|_| {
            Err(EngineError::Inconsistent(format!(
                "a join on session {session} was dropped unanswered"
            )))
        })
    }

    /// Locks the session in the store, then takes the queued joins (those that
    /// arrived while the lock was awaited go too), applies them in one transaction
    /// and answers every one.
    async fn commit_joins(
        &self,
        id: SessionId,
        slot: &SlotState,
        guard: OwnedMutexGuard<Option<Cached>>,
    ) {
        let opened = self.open_locked(id, guard).await;
        let batch = slot.take_joins(self.config.join_batch);
        let mut work = match opened {
            Ok(work) => work,
            Err(e) => return fail_all(batch, &e),
        };
        let Some(latest) = batch.iter().map(|j| j.now).max() else {
            work.keep();
            return;
        };
        let results: Vec<Result<JoinReceipt, SessionError>> = batch
            .iter()
            .map(|j| work.session().join(&j.request, j.now))
            .collect();
        if !results.iter().any(Result::is_ok) {
            work.keep();
        } else if let Err(e) = self.commit_applied(work, &batch, &results, latest).await {
            return fail_all(batch, &e);
        }
        for (join, result) in batch.into_iter().zip(results) {
            // A joiner that went away (its future dropped) needs no answer.
            let _ = join.reply.send(result.map_err(EngineError::from));
        }
    }
}

impl Engine {
    /// Stores the deliveries of the joins applied now and commits the batch.
    async fn commit_applied(
        &self,
        mut work: super::sessions::SessionWork,
        batch: &[QueuedJoin],
        results: &[Result<JoinReceipt, SessionError>],
        latest: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        for (join, result) in batch.iter().zip(results) {
            let applied = matches!(result, Ok(r) if r.outcome == Outcome::Applied);
            if let (true, Some(delivery)) = (applied, &join.delivery) {
                work.tx.put(delivery.clone()).await?;
            }
        }
        self.commit_session(work, latest).await
    }
}

/// Answers every join of a batch whose transaction failed with that failure.
fn fail_all(batch: Vec<QueuedJoin>, error: &EngineError) {
    for join in batch {
        let _ = join.reply.send(Err(error.for_each_of_a_batch()));
    }
}
