//! Webhooks in flight: held back, delivered late, out of order and more than once.

use chrono::{DateTime, Utc};
use patungan_core::notices::ProviderNotification;

/// A webhook waiting to be delivered.
#[derive(Debug, Clone)]
pub struct InFlight {
    /// Not before this instant.
    pub at: DateTime<Utc>,
    /// What the provider sends.
    pub note: ProviderNotification,
    /// Deliveries refused so far (the provider retries).
    pub refusals: u32,
}

/// The provider side of webhook delivery.
#[derive(Debug, Default)]
pub struct Webhooks {
    queue: Vec<InFlight>,
}

impl Webhooks {
    /// Queues a webhook for delivery at `at` or later.
    pub fn send(&mut self, note: ProviderNotification, at: DateTime<Utc>) {
        self.queue.push(InFlight {
            at,
            note,
            refusals: 0,
        });
    }

    /// Queues one again after a refusal.
    pub fn retry(&mut self, mut item: InFlight, at: DateTime<Utc>) {
        item.at = at;
        item.refusals += 1;
        self.queue.push(item);
    }

    /// Takes every webhook due at `now` (all of them with `None`), in queue order.
    pub fn take_due(&mut self, now: Option<DateTime<Utc>>) -> Vec<InFlight> {
        let (due, keep) = std::mem::take(&mut self.queue)
            .into_iter()
            .partition(|w| now.is_none_or(|n| w.at <= n));
        self.queue = keep;
        due
    }

    /// How many are in flight.
    pub fn len(&self) -> usize {
        self.queue.len()
    }

    /// Whether none are in flight.
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }
}
