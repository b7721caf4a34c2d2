//! The suite's world: an engine over the store under test and in-memory providers
//! whose handles the test keeps, to play the payer, the bank and the clock.

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use patungan_core::session::{JoinReceipt, JoinRequest, SessionConfig};
use patungan_core::{
    BotPolicy, Money, Moq, ParticipantId, PaymentId, ProductId, SessionId, TierLadder, UserId,
};

use super::Fixture;
use patungan_core::notices::ProviderNotification;
use patungan_engine::store::Store;
use patungan_engine::{Engine, EngineConfig, Ports};
use patungan_memory::{FaultConfig, MemoryDisburser, MemoryFactory, MemoryGateway, MemoryShipping};

/// The engine over one test's data set and simulated providers.
pub struct World {
    /// The data set under test.
    pub fixture: Arc<dyn Fixture>,
    /// The current process's store.
    pub store: Arc<dyn Store>,
    /// The current process's engine.
    pub engine: Engine,
    /// The payment gateway.
    pub gateway: Arc<MemoryGateway>,
    /// The payout provider.
    pub disburser: Arc<MemoryDisburser>,
    /// The shipping provider.
    pub shipping: Arc<MemoryShipping>,
    /// The factory's channel.
    pub factory: Arc<MemoryFactory>,
}

impl World {
    /// Creates the suite's session ([`SESSION`], 00:00–12:00) with `bot`.
    pub async fn open_session(&self, bot: BotPolicy) {
        self.engine
            .create_session(SESSION, config(bot), at(0, 0))
            .await
            .unwrap();
    }

    /// User `n` joins the suite's session with `quantity` units at 01:00.
    pub async fn join(&self, n: u128, quantity: u64) -> JoinReceipt {
        self.engine
            .join(SESSION, &join(n, quantity), at(1, 0))
            .await
            .unwrap()
    }

    /// A world without provider faults.
    pub async fn new(fixture: Arc<dyn Fixture>) -> Self {
        World::with_faults(fixture, FaultConfig::default()).await
    }

    /// A world whose gateway and disburser fail as `faults` says.
    pub async fn with_faults(fixture: Arc<dyn Fixture>, faults: FaultConfig) -> Self {
        let store = fixture.open().await;
        let gateway = Arc::new(MemoryGateway::new(faults));
        let disburser = Arc::new(MemoryDisburser::new(faults));
        let shipping = Arc::new(MemoryShipping::default());
        let factory = Arc::new(MemoryFactory::default());
        let engine = World::engine_over(store.clone(), &gateway, &disburser, &shipping, &factory);
        World {
            fixture,
            store,
            engine,
            gateway,
            disburser,
            shipping,
            factory,
        }
    }

    /// An engine over `store` and the given simulated providers.
    pub fn engine_over(
        store: Arc<dyn Store>,
        gateway: &Arc<MemoryGateway>,
        disburser: &Arc<MemoryDisburser>,
        shipping: &Arc<MemoryShipping>,
        factory: &Arc<MemoryFactory>,
    ) -> Engine {
        Engine::new(
            store,
            Ports {
                gateway: gateway.clone(),
                disburser: disburser.clone(),
                shipping: shipping.clone(),
                notifier: Arc::new(patungan_memory::MemoryNotifier::default()),
                factory: factory.clone(),
            },
            EngineConfig::default(),
        )
    }

    /// Another process: a new store handle on the same data and an engine over it.
    pub async fn process(&self) -> Engine {
        World::engine_over(
            self.fixture.open().await,
            &self.gateway,
            &self.disburser,
            &self.shipping,
            &self.factory,
        )
    }

    /// A crash: the engine, its caches and its store handle are gone; a new process
    /// opens the same data.
    pub async fn restart(&mut self) {
        self.store = self.fixture.open().await;
        self.engine = World::engine_over(
            self.store.clone(),
            &self.gateway,
            &self.disburser,
            &self.shipping,
            &self.factory,
        );
    }

    /// Pays every pending invoice at `at` and feeds the webhooks to the engine.
    pub async fn pay_all(&self, at: DateTime<Utc>) -> usize {
        let mut paid = 0;
        for invoice in self.gateway.invoices() {
            if let Some(n) = self.gateway.pay(invoice.request.payment_id, at) {
                self.engine
                    .handle_notification(&ProviderNotification::Payment(n), at)
                    .await
                    .unwrap();
                paid += 1;
            }
        }
        paid
    }

    /// Confirms every pending refund and feeds the webhooks to the engine.
    pub async fn settle_refunds(&self, at: DateTime<Utc>) -> usize {
        let notes = self.gateway.settle_refunds();
        for n in &notes {
            self.engine
                .handle_notification(&ProviderNotification::Refund(n.clone()), at)
                .await
                .unwrap();
        }
        notes.len()
    }
}

/// `h:m` UTC on Tuesday 24 November 2026, the suite's day.
pub fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, h, m, 0).unwrap()
}

/// A session of product 77: MOQ 100, Rp 200 000 a unit with four cheaper tiers,
/// open from 00:00 to 12:00, with the given bot policy.
pub fn config(bot: BotPolicy) -> SessionConfig {
    let ladder = TierLadder::with_default_thresholds(
        Money::idr(200_000),
        [
            Money::idr(150_000),
            Money::idr(135_000),
            Money::idr(120_000),
            Money::idr(105_000),
        ],
    )
    .unwrap();
    let mut config = SessionConfig::new(
        ProductId::from_u128(77),
        Moq::new(100).unwrap(),
        ladder,
        at(0, 0),
        at(12, 0),
        Money::idr(500_000),
    );
    config.bot = bot;
    config
}

/// User `n` joins with `quantity` units (participant `1000 + n`, payment `2000 + n`).
pub fn join(n: u128, quantity: u64) -> JoinRequest {
    JoinRequest {
        participant: ParticipantId::from_u128(1000 + n),
        user: UserId::from_u128(n),
        payment: PaymentId::from_u128(2000 + n),
        variant: None,
        quantity,
        expected_unit_price: Money::idr(200_000),
        courier_price: Money::idr(15_000),
    }
}

/// The session most tests use.
pub const SESSION: SessionId = SessionId::from_u128(1);
