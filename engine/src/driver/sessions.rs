//! Session operations: create, join, leave, cancel, preview.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use patungan_core::session::{Participant, Session, SessionConfig, SessionError, SessionStatus};
use patungan_core::{ParticipantId, Preview, SessionId};
use tokio::sync::OwnedMutexGuard;

use super::{Cached, Engine};
use crate::error::EngineError;
use crate::store::{SessionWrite, StoreTx};

/// A read-only view of a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionView {
    /// The session as of its latest committed event.
    pub session: Session,
    /// Its version (number of events).
    pub version: u64,
}

/// One operation on one session: the in-process slot lock, the store transaction,
/// and the session at its committed version.
pub(crate) struct SessionWork {
    pub(crate) id: SessionId,
    slot: OwnedMutexGuard<Option<Cached>>,
    pub(crate) tx: Box<dyn StoreTx>,
    pub(crate) cached: Cached,
    /// The status at the committed version, before this operation.
    before: SessionStatus,
}

impl SessionWork {
    pub(crate) fn session(&mut self) -> &mut Session {
        &mut self.cached.session
    }

    /// Ends the operation without writing: the session was not changed.
    pub(crate) fn keep(mut self) {
        *self.slot = Some(self.cached);
    }
}

impl Engine {
    /// Locks session `id` (in-process, then in the store) and brings it to its
    /// committed version.
    pub(crate) async fn open_session(&self, id: SessionId) -> Result<SessionWork, EngineError> {
        let slot = self.slot(id);
        let guard = Arc::clone(&slot.cache).lock_owned().await;
        self.open_locked(id, guard).await
    }

    /// [`Engine::open_session`] with the in-process lock already held.
    pub(crate) async fn open_locked(
        &self,
        id: SessionId,
        mut guard: OwnedMutexGuard<Option<Cached>>,
    ) -> Result<SessionWork, EngineError> {
        let mut tx = self.store.begin().await?;
        let cached = self.refresh(&mut *tx, id, guard.take()).await?;
        Ok(SessionWork {
            id,
            slot: guard,
            tx,
            before: cached.session.status(),
            cached,
        })
    }

    /// Reads session `id` as committed without locking it in the store (a read-only
    /// transaction): `read` sees the session; the refreshed copy stays cached.
    pub(crate) async fn read_session<T>(
        &self,
        id: SessionId,
        read: impl FnOnce(&Session, u64) -> T,
    ) -> Result<T, EngineError> {
        let slot = self.slot(id);
        let mut guard = Arc::clone(&slot.cache).lock_owned().await;
        let mut tx = self.store.begin_read().await?;
        let cached = self.refresh(&mut *tx, id, guard.take()).await?;
        drop(tx);
        let seen = read(&cached.session, cached.version);
        *guard = Some(cached);
        Ok(seen)
    }

    /// Reads the session's head (locked unless `tx` only reads) and brings `held` (the
    /// cached copy, if any) to that version: from the latest snapshot and the events
    /// after it.
    async fn refresh(
        &self,
        tx: &mut dyn StoreTx,
        id: SessionId,
        held: Option<Cached>,
    ) -> Result<Cached, EngineError> {
        let head = tx
            .lock_session(id)
            .await?
            .ok_or(EngineError::UnknownSession(id))?;
        let held = match held {
            Some(c) if c.version == head.version => return Ok(c),
            other => other,
        };
        let after = held.as_ref().map(|c| c.version);
        let load = tx.load_session(id, after).await?;
        let (mut version, mut session, rest) = match (load.snapshot, held) {
            (Some((v, s)), _) => (v, s, load.events),
            (None, Some(c)) => (c.version, c.session, load.events),
            (None, None) => {
                let session = Session::replay(&load.events)?;
                (load.events.len() as u64, session, Vec::new())
            }
        };
        for event in &rest {
            session.apply(event)?;
            version += 1;
        }
        if version != head.version {
            return Err(EngineError::Inconsistent(format!(
                "session {id}: log reaches version {version}, head says {}",
                head.version
            )));
        }
        Ok(Cached { version, session })
    }

    /// Persists what the session queued (events, effects) with everything else
    /// written in the transaction, and commits.
    pub(crate) async fn commit_session(
        &self,
        mut work: SessionWork,
        now: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        let before = work.before;
        let events = work.cached.session.drain_events();
        let effects = work.cached.session.drain_effects();
        let version = work.cached.version;
        let new_version = version + events.len() as u64;
        if !effects.is_empty() {
            let mut tx = work.tx;
            let applied = self
                .apply_effects(&mut *tx, &work.cached.session, new_version, effects, now)
                .await;
            work.tx = tx;
            applied?;
        }
        if !events.is_empty() {
            let status = work.cached.session.status();
            let became_terminal = status.is_terminal() && !before.is_terminal();
            let crosses = new_version / self.config.snapshot_every.max(1)
                != version / self.config.snapshot_every.max(1);
            let write = SessionWrite {
                id: work.id,
                expected_version: version,
                events,
                status,
                next_deadline: work.cached.session.poll_timeout(),
                snapshot: (crosses || became_terminal).then(|| work.cached.session.clone()),
            };
            work.tx.save_session(&write).await?;
        }
        work.tx.commit().await?;
        work.cached.version = new_version;
        *work.slot = Some(work.cached);
        Ok(())
    }

    /// Runs a session input: refused inputs change nothing; accepted ones commit.
    pub(crate) async fn session_input<R>(
        &self,
        id: SessionId,
        now: DateTime<Utc>,
        input: impl FnOnce(&mut Session) -> Result<R, SessionError>,
    ) -> Result<R, EngineError> {
        let mut work = self.open_session(id).await?;
        match input(work.session()) {
            Ok(result) => {
                self.commit_session(work, now).await?;
                Ok(result)
            }
            Err(error) => {
                work.keep();
                Err(error.into())
            }
        }
    }

    /// Creates a session. Creating the same id again with the same config is a no-op.
    pub async fn create_session(
        &self,
        id: SessionId,
        config: SessionConfig,
        now: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        let mut tx = self.store.begin().await?;
        if tx.lock_session(id).await?.is_some() {
            return Ok(());
        }
        self.create_in(&mut *tx, id, config, now).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn create_in(
        &self,
        tx: &mut dyn StoreTx,
        id: SessionId,
        config: SessionConfig,
        now: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        let mut session = Session::create(id, config, now)?;
        let events = session.drain_events();
        let write = SessionWrite {
            id,
            expected_version: 0,
            status: session.status(),
            next_deadline: session.poll_timeout(),
            snapshot: None,
            events,
        };
        tx.save_session(&write).await?;
        Ok(())
    }

    /// A participant leaves an open session (refunded in full if paid).
    pub async fn leave(
        &self,
        session: SessionId,
        participant: ParticipantId,
        now: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        self.session_input(session, now, |s| s.leave(participant, now))
            .await
            .map(drop)
    }

    /// An admin cancels a session (everyone paid is refunded in full).
    pub async fn cancel(&self, session: SessionId, now: DateTime<Utc>) -> Result<(), EngineError> {
        self.session_input(session, now, |s| s.cancel(now))
            .await
            .map(drop)
    }

    /// The tier preview of a session with `extra` more units (a read: no row lock).
    pub async fn preview(&self, session: SessionId, extra: u64) -> Result<Preview, EngineError> {
        Ok(self
            .read_session(session, |s, _| s.preview(extra))
            .await??)
    }

    /// The session as committed (a read: no row lock).
    pub async fn session(&self, id: SessionId) -> Result<SessionView, EngineError> {
        self.read_session(id, |session, version| SessionView {
            session: session.clone(),
            version,
        })
        .await
    }

    /// One participant of a session.
    pub async fn participant(
        &self,
        session: SessionId,
        participant: ParticipantId,
    ) -> Result<Option<Participant>, EngineError> {
        self.read_session(session, |s, _| s.state().participant(participant).cloned())
            .await
    }

    /// Every session with its status.
    pub async fn sessions(&self) -> Result<Vec<(SessionId, SessionStatus)>, EngineError> {
        Ok(self.store.sessions().await?)
    }
}
