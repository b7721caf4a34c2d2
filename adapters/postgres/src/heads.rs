//! The session versions this store last saw, to read another writer's new events
//! in the same round trip as the lock.
//!
//! When several processes (service replicas, engine instances) take turns on one
//! hot session, almost every operation finds that others moved the head since its
//! own last turn, and the engine then asks for the missing events: a third round
//! trip while the session's row lock is held. A store that saw the head move last
//! time sends, right behind `SELECT … FOR UPDATE`, a query for the events after the
//! version it saw; if the engine then asks for exactly those, they are already
//! there. A store that is the only writer of a session never sends it.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use patungan_core::SessionId;

/// At most this many events are read ahead (a longer gap loads normally).
pub(crate) const READ_AHEAD: i64 = 64;

#[derive(Debug, Clone, Copy)]
struct Seen {
    /// The head version after this store's last lock or commit.
    version: u64,
    /// Whether the last lock found that someone else had moved the head.
    moved: bool,
}

/// Per session: the last head version seen, and whether others write it too.
#[derive(Debug, Default)]
pub(crate) struct Heads {
    seen: Mutex<HashMap<SessionId, Seen>>,
}

impl Heads {
    fn seen(&self) -> MutexGuard<'_, HashMap<SessionId, Seen>> {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The version to read events after, when reading ahead is worth it.
    pub(crate) fn read_ahead_from(&self, id: SessionId) -> Option<u64> {
        self.seen().get(&id).filter(|s| s.moved).map(|s| s.version)
    }

    /// The lock found the head at `version`.
    pub(crate) fn locked(&self, id: SessionId, version: u64) {
        let mut seen = self.seen();
        let moved = seen.get(&id).is_some_and(|s| s.version != version);
        seen.insert(id, Seen { version, moved });
    }

    /// A commit moved the head to `version`.
    pub(crate) fn committed(&self, id: SessionId, version: u64) {
        let mut seen = self.seen();
        let moved = seen.get(&id).is_some_and(|s| s.moved);
        seen.insert(id, Seen { version, moved });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_ahead_only_after_someone_else_moved_the_head() {
        let heads = Heads::default();
        let id = SessionId::from_u128(1);
        assert_eq!(heads.read_ahead_from(id), None);
        heads.locked(id, 1);
        heads.committed(id, 2);
        heads.locked(id, 2); // our own commit: nothing to read ahead
        assert_eq!(heads.read_ahead_from(id), None);
        heads.committed(id, 3);
        heads.locked(id, 5); // two events of another writer
        heads.committed(id, 6);
        assert_eq!(heads.read_ahead_from(id), Some(6));
        heads.locked(id, 6);
        assert_eq!(heads.read_ahead_from(id), None);
    }
}
