//! A small world for engine tests: the engine over in-memory ports whose handles
//! the test keeps, to play the payer, the bank and the clock.
#![allow(dead_code)]

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use patungan_core::session::{JoinRequest, SessionConfig};
use patungan_core::{
    BotPolicy, Money, Moq, ParticipantId, PaymentId, ProductId, SessionId, TierLadder, UserId,
};
use patungan_engine::memory::{FaultConfig, MemoryDisburser, MemoryGateway, MemoryShipping};
use patungan_engine::notification::Notification;
use patungan_engine::store::MemoryStore;
use patungan_engine::{Engine, EngineConfig, Ports};

pub struct World {
    pub engine: Engine,
    pub store: MemoryStore,
    pub gateway: Arc<MemoryGateway>,
    pub disburser: Arc<MemoryDisburser>,
}

impl World {
    pub fn new() -> Self {
        World::with_faults(FaultConfig::default())
    }

    pub fn with_faults(faults: FaultConfig) -> Self {
        let store = MemoryStore::new();
        let gateway = Arc::new(MemoryGateway::new(faults));
        let disburser = Arc::new(MemoryDisburser::new(faults));
        let engine = World::engine_over(&store, &gateway, &disburser);
        World {
            engine,
            store,
            gateway,
            disburser,
        }
    }

    pub fn engine_over(
        store: &MemoryStore,
        gateway: &Arc<MemoryGateway>,
        disburser: &Arc<MemoryDisburser>,
    ) -> Engine {
        Engine::new(
            Arc::new(store.clone()),
            Ports {
                gateway: gateway.clone(),
                disburser: disburser.clone(),
                shipping: Arc::new(MemoryShipping::default()),
            },
            EngineConfig::default(),
        )
    }

    /// A crash: the engine and its caches are gone; a new one starts over the same store.
    pub fn restart(&mut self) {
        self.engine = World::engine_over(&self.store, &self.gateway, &self.disburser);
    }

    /// Pays every pending invoice at `at` and feeds the webhooks to the engine.
    pub async fn pay_all(&self, at: DateTime<Utc>) -> usize {
        let mut paid = 0;
        for invoice in self.gateway.invoices() {
            if let Some(n) = self.gateway.pay(invoice.request.payment_id, at) {
                self.engine
                    .handle_notification(&Notification::Payment(n), at)
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
                .handle_notification(&Notification::Refund(n.clone()), at)
                .await
                .unwrap();
        }
        notes.len()
    }
}

pub fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, h, m, 0).unwrap()
}

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

pub const SESSION: SessionId = SessionId::from_u128(1);
