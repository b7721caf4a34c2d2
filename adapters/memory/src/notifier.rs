//! The in-memory notifier: records what it was given, once per entry id.

use std::sync::{Mutex, PoisonError};

use async_trait::async_trait;
use patungan_core::inbox::InboxEntry;

use patungan_ports::{Notifier, PortError};

/// Records delivered inbox entries (the embedded default's notification port).
#[derive(Debug, Default)]
pub struct MemoryNotifier {
    state: Mutex<Delivered>,
}

#[derive(Debug, Default)]
struct Delivered {
    entries: Vec<InboxEntry>,
    calls: usize,
}

impl MemoryNotifier {
    /// Every entry delivered, once each, in delivery order.
    pub fn delivered(&self) -> Vec<InboxEntry> {
        self.lock().entries.clone()
    }

    /// How many deliveries were asked for, repeats included.
    pub fn calls(&self) -> usize {
        self.lock().calls
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Delivered> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[async_trait]
impl Notifier for MemoryNotifier {
    async fn deliver(&self, entry: &InboxEntry) -> Result<(), PortError> {
        let mut state = self.lock();
        state.calls += 1;
        if !state.entries.iter().any(|e| e.id == entry.id) {
            state.entries.push(entry.clone());
        }
        Ok(())
    }
}
