//! Session snapshots, written after commit and off the session's row lock.
//!
//! A snapshot of a hot session is large (about 600 bytes per participant as JSON:
//! 12 MB at 20 000 participants) and only saves replaying events on a cold load.
//! Writing it inside the operation's transaction would hold the session's row lock,
//! and so every other operation on that session, for the whole write. Instead a
//! committed transaction hands its snapshots to [`Snapshots`], which serialises them
//! on the blocking pool and stores them from a background task, one session at a
//! time, keeping only the newest waiting snapshot of each session.
//!
//! Not every snapshot the engine takes is stored: one is kept when the session has
//! at least doubled its version since the last one this store kept, or when it is
//! the session's first in a terminal state. The engine offers one every few hundred
//! events, and each is as large as the whole session, so storing them all costs time
//! quadratic in the session's size (at 40 000 participants the writer alone took a
//! core); doubling keeps the total linear, and a cold load still replays at most
//! half of the log. A snapshot that is never written (skipped, a crash, a failed
//! write) costs only a longer replay.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use patungan_core::session::Session;
use patungan_core::SessionId;
use patungan_ports::store::StoreError;
use tokio::sync::Notify;
use tracing::warn;

use crate::codec::{to_i64, Jsonb};
use crate::error::store_error;
use crate::pool::Pool;

#[derive(Default)]
struct State {
    /// The newest snapshot waiting to be written, per session.
    waiting: HashMap<SessionId, (u64, Session)>,
    /// Sessions whose writer task is running.
    writing: HashSet<SessionId>,
    /// The last snapshot kept per session: its version, and whether it was terminal.
    kept: HashMap<SessionId, (u64, bool)>,
}

/// The background snapshot writer of one store.
pub(crate) struct Snapshots {
    pool: Pool,
    state: Mutex<State>,
    idle: Notify,
}

impl std::fmt::Debug for Snapshots {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.state();
        f.debug_struct("Snapshots")
            .field("waiting", &state.waiting.len())
            .field("writing", &state.writing.len())
            .finish()
    }
}

impl Snapshots {
    pub(crate) fn new(pool: Pool) -> Self {
        Snapshots {
            pool,
            state: Mutex::new(State::default()),
            idle: Notify::new(),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues the committed snapshot of `id` at `version` if it is due (see the
    /// module docs), replacing an older one still waiting, and makes sure a writer
    /// runs for the session.
    pub(crate) fn submit(
        self: &Arc<Self>,
        id: SessionId,
        version: u64,
        terminal: bool,
        session: Session,
    ) {
        let mut state = self.state();
        let due = match state.kept.get(&id) {
            None => true,
            Some(&(kept, kept_terminal)) => {
                version > kept && (version >= kept.saturating_mul(2) || terminal && !kept_terminal)
            }
        };
        if !due {
            return;
        }
        state.kept.insert(id, (version, terminal));
        state.waiting.insert(id, (version, session));
        if !state.writing.insert(id) {
            return; // the running writer picks it up
        }
        match tokio::runtime::Handle::try_current() {
            Ok(handle) => {
                handle.spawn(Arc::clone(self).run(id));
            }
            Err(_) => {
                // No runtime to write on: the snapshot is dropped (a longer replay).
                state.writing.remove(&id);
                state.waiting.remove(&id);
            }
        }
    }

    async fn run(self: Arc<Self>, id: SessionId) {
        loop {
            let next = {
                let mut state = self.state();
                let next = state.waiting.remove(&id);
                if next.is_none() {
                    state.writing.remove(&id);
                }
                next
            };
            let Some((version, session)) = next else {
                self.idle.notify_waiters();
                return;
            };
            if let Err(error) = self.write(id, version, session).await {
                warn!(%id, version, %error, "session snapshot not stored");
            }
        }
    }

    async fn write(&self, id: SessionId, version: u64, session: Session) -> Result<(), StoreError> {
        let version = to_i64(version, "snapshot version")?;
        let doc = tokio::task::spawn_blocking(move || Jsonb::encode(&session, "session snapshot"))
            .await
            .map_err(|e| StoreError::Unavailable(format!("snapshot encoder: {e}")))??;
        let conn = self.pool.get().await?;
        let c = conn.conn()?;
        c.client
            .execute(&c.statements.save_snapshot, &[id.as_uuid(), &version, &doc])
            .await
            .map_err(|e| store_error(&e))?;
        Ok(())
    }

    /// Waits until every snapshot queued so far is written (or given up).
    pub(crate) async fn flush(&self) {
        loop {
            let mut notified = std::pin::pin!(self.idle.notified());
            notified.as_mut().enable();
            {
                let state = self.state();
                if state.waiting.is_empty() && state.writing.is_empty() {
                    return;
                }
            }
            notified.await;
        }
    }
}
