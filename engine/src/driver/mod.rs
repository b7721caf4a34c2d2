//! The engine: drives core sessions, the ledger and withdrawals through a [`Store`]
//! and performs external effects through the ports.

mod effects;
mod factory;
mod group_commit;
mod listing;
mod notifications;
mod payments;
mod payouts;
mod purchasing;
mod quotes;
mod records;
mod refunds;
mod runner;
mod sessions;
mod shipments;
mod tick;
mod wallets;

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex as StdMutex, PoisonError};

use lru::LruCache;
use patungan_core::ledger::{Chart, RefundDestination};
use patungan_core::refunds::RefundPolicy;
use patungan_core::wallet::{
    BatchLimits, WithdrawalPolicy, WithdrawalSchedule, DEFAULT_PAYOUT_SILENCE,
};
use patungan_core::{Currency, SessionId};
use tokio::sync::Mutex;

use crate::ports::{Disburser, FactoryChannel, Notifier, PaymentGateway, ShippingProvider};
use crate::store::Store;
use patungan_core::tasks::RetryPolicy;

pub use effects::{order_id, renewal_id, PurchaseOrderRecord, PurchaseOrderStatus, StockRecord};
pub use notifications::Handled;
pub use patungan_core::session::{
    SessionFilter, SessionPage, SessionSummary, DEFAULT_SESSION_PAGE, MAX_SESSION_PAGE,
};
pub use records::{InvoiceRecord, OrderRecord, RefundRecord, RefundStatus, UserOrder};
pub use runner::RunReport;
pub use sessions::SessionView;
pub use tick::TickReport;

/// How the engine behaves.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// The currency of the ledger and wallets.
    pub currency: Currency,
    /// Where refunds go: the original payment method (default) or the wallet.
    pub refund_destination: RefundDestination,
    /// Attempts and backoff of refunds to the original method.
    pub refund_policy: RefundPolicy,
    /// Withdrawal rules (minimum, fee …).
    pub withdrawal_policy: WithdrawalPolicy,
    /// When withdrawal batches run.
    pub withdrawal_schedule: WithdrawalSchedule,
    /// Batch size limits.
    pub batch_limits: BatchLimits,
    /// How long a payout may go without a result (counted from its batch's scheduled
    /// instant) before the disburser is asked for its status; again every such period.
    pub payout_silence: chrono::TimeDelta,
    /// Backoff for retryable port failures.
    pub retry: RetryPolicy,
    /// A session snapshot is stored every this many events (and at terminal states).
    pub snapshot_every: u64,
    /// Outbox entries performed per runner pass.
    pub runner_batch: usize,
    /// Outbox entries about different resources performed at once by a runner pass
    /// (at least 1); each stores its result in a transaction of its own, so their
    /// durable commits overlap.
    pub runner_concurrency: usize,
    /// How long a runner's claim on the entries it took holds off other runners
    /// (other processes sharing the store); entries of a runner that died are due
    /// again after it.
    pub runner_lease: std::time::Duration,
    /// Sessions kept in memory between operations, least recently used first out
    /// (at least 1). A cached session saves loading its snapshot and events; a big
    /// session can take megabytes.
    pub session_cache: usize,
    /// Joins of one session applied in one store transaction at most (at least 1).
    /// Joins that arrive while a session's transaction runs wait and go in the
    /// next one together; a lone join goes alone, so its latency is unchanged.
    pub join_batch: usize,
    /// The warehouse parcels to buyers leave from: the sender of every shipment,
    /// and the origin of shipping quotes.
    pub warehouse: crate::ports::Contact,
    /// The couriers asked for quotes.
    pub couriers: Vec<String>,
    /// The factory's bank account: received goods are paid to it through the
    /// disburser.
    pub factory_account: patungan_core::wallet::BankAccount,
    /// What happens to a purchase order whose plan leaves a variant over its
    /// tolerance: issued (the default) or held for an operator's approval.
    pub over_tolerance: patungan_core::purchasing::OverTolerancePolicy,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            currency: Currency::IDR,
            refund_destination: RefundDestination::OriginalMethod,
            refund_policy: RefundPolicy::default(),
            withdrawal_policy: WithdrawalPolicy::default(),
            withdrawal_schedule: WithdrawalSchedule::default(),
            batch_limits: BatchLimits::default(),
            payout_silence: DEFAULT_PAYOUT_SILENCE,
            retry: RetryPolicy::default(),
            snapshot_every: 512,
            runner_batch: 256,
            runner_concurrency: 8,
            runner_lease: std::time::Duration::from_secs(30),
            session_cache: 1024,
            join_batch: 256,
            warehouse: crate::ports::Contact {
                name: "Patungan warehouse".to_owned(),
                phone: "+6221000000".to_owned(),
                address: "Jl. Gudang 1, Jakarta".to_owned(),
                location: crate::ports::Location {
                    postal_code: Some("12440".to_owned()),
                    ..crate::ports::Location::default()
                },
            },
            couriers: ["jne", "jnt", "sicepat", "anteraja"]
                .map(str::to_owned)
                .to_vec(),
            factory_account: patungan_core::wallet::BankAccount {
                bank_code: "BCA".into(),
                account_number: "0000000000".into(),
                holder_name: "Demo factory".into(),
            },
            over_tolerance: patungan_core::purchasing::OverTolerancePolicy::Proceed,
        }
    }
}

/// The outside world the engine talks to.
#[derive(Clone)]
pub struct Ports {
    /// Invoices and refunds.
    pub gateway: Arc<dyn PaymentGateway>,
    /// Withdrawal payouts.
    pub disburser: Arc<dyn Disburser>,
    /// Courier rates and shipments.
    pub shipping: Arc<dyn ShippingProvider>,
    /// Delivery of users' inbox entries.
    pub notifier: Arc<dyn Notifier>,
    /// Delivery of purchase orders to the factory.
    pub factory: Arc<dyn FactoryChannel>,
}

impl std::fmt::Debug for Ports {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ports").finish_non_exhaustive()
    }
}

/// A session held in memory between operations, at a known version.
#[derive(Debug)]
pub(crate) struct Cached {
    pub(crate) version: u64,
    pub(crate) session: patungan_core::session::Session,
}

/// A session's in-process slot: the lock its operations queue on (holding the cached
/// session between them) and the joins waiting for the next group commit.
#[derive(Default)]
pub(crate) struct SlotState {
    pub(crate) cache: Arc<Mutex<Option<Cached>>>,
    pub(crate) joins: StdMutex<Vec<group_commit::QueuedJoin>>,
}

type Slot = Arc<SlotState>;

/// The async driver of the core. Cheap to share behind an `Arc`; every method
/// takes `&self`. Operations on one session queue behind each other in-process
/// (and behind the store's row lock across processes); different sessions proceed
/// in parallel as far as the store allows.
///
/// The embedded default (an in-memory store and simulated providers) is
/// `patungan_memory::engine(config)`.
pub struct Engine {
    store: Arc<dyn Store>,
    ports: Ports,
    config: EngineConfig,
    chart: Chart,
    slots: StdMutex<LruCache<SessionId, Slot>>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// An engine over `store` and `ports`.
    pub fn new(store: Arc<dyn Store>, ports: Ports, config: EngineConfig) -> Self {
        Engine {
            store,
            ports,
            chart: Chart::new(config.currency),
            slots: StdMutex::new(LruCache::new(
                NonZeroUsize::new(config.session_cache).unwrap_or(NonZeroUsize::MIN),
            )),
            config,
        }
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The ports.
    pub fn ports(&self) -> &Ports {
        &self.ports
    }

    /// The configuration.
    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// The chart of accounts.
    pub fn chart(&self) -> &Chart {
        &self.chart
    }

    /// Sessions held in memory now (at most [`EngineConfig::session_cache`]).
    pub fn cached_sessions(&self) -> usize {
        self.slots
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// The in-process slot of a session: its operations queue on it and it caches
    /// the session between them. A new slot takes the place of the least recently
    /// used one no operation holds (or, if every slot is busy, of the least recently
    /// used: its operation still runs safely behind the store's row lock, it only
    /// loses the cache).
    fn slot(&self, id: SessionId) -> Slot {
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(slot) = slots.get(&id) {
            return Arc::clone(slot);
        }
        if slots.len() == slots.cap().get() {
            let idle = slots
                .iter()
                .rev()
                .find(|(_, slot)| Arc::strong_count(slot) == 1)
                .map(|(id, _)| *id);
            if let Some(idle) = idle {
                slots.pop(&idle);
            }
        }
        let slot = Slot::default();
        slots.push(id, Arc::clone(&slot));
        slot
    }
}
