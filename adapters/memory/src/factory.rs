//! The in-memory factory channel: records what it was sent, once per message id.

use std::sync::{Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;

use patungan_ports::{FactoryChannel, FactoryMessage, PortError};

/// Records the messages sent to the factory (the embedded default's factory port).
#[derive(Debug, Default)]
pub struct MemoryFactory {
    state: Mutex<Sent>,
}

#[derive(Debug, Default)]
struct Sent {
    messages: Vec<FactoryMessage>,
    calls: usize,
}

impl MemoryFactory {
    /// Every message received, once each, in arrival order.
    pub fn messages(&self) -> Vec<FactoryMessage> {
        self.lock().messages.clone()
    }

    /// How many sends were asked for, repeats included.
    pub fn calls(&self) -> usize {
        self.lock().calls
    }

    fn lock(&self) -> MutexGuard<'_, Sent> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[async_trait]
impl FactoryChannel for MemoryFactory {
    async fn send(&self, message: &FactoryMessage) -> Result<(), PortError> {
        let mut state = self.lock();
        state.calls += 1;
        if !state.messages.iter().any(|m| m.id() == message.id()) {
            state.messages.push(message.clone());
        }
        Ok(())
    }
}
