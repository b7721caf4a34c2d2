//! The simulated world: one data set, the providers, and one or two engine
//! processes ("replicas") over them, each with its own store handle. A crash
//! replaces a replica's engine and store handle with fresh ones over the same data
//! and provider handles.

use std::sync::Arc;

use crate::Fixture;
use patungan_engine::store::Store;
use patungan_engine::{Engine, EngineConfig, Ports};
use patungan_memory::{FaultConfig, MemoryDisburser, MemoryShipping};

use super::gateway::SimGateway;
use super::store::{FaultyStore, StoreFaults};

/// One engine process with its store fault switch.
pub struct Replica {
    /// The engine (its in-process session cache dies with it).
    pub engine: Engine,
    /// Where its store calls fail.
    pub faults: Arc<StoreFaults>,
}

/// Everything the engine talks to, and the engines.
pub struct World {
    /// The data set (what survives a crash).
    pub fixture: Arc<dyn Fixture>,
    /// A fault-free store handle on it, for the checks.
    pub store: Arc<dyn Store>,
    /// The payment gateway.
    pub gateway: Arc<SimGateway>,
    /// The payout provider.
    pub disburser: Arc<MemoryDisburser>,
    /// The shipping provider (the simulation plays its couriers).
    pub shipping: Arc<MemoryShipping>,
    /// The engine configuration every replica runs with.
    pub config: EngineConfig,
    /// The engine processes.
    pub replicas: Vec<Replica>,
    /// A fault-free engine used only to read state for the checks.
    pub observer: Engine,
}

impl World {
    /// A world with `replicas` engines.
    pub async fn new(
        fixture: Arc<dyn Fixture>,
        replicas: usize,
        config: EngineConfig,
        faults: [FaultConfig; 3],
    ) -> Self {
        let [gateway_faults, disburser_faults, shipping_faults] = faults;
        let store = fixture.open().await;
        let gateway = Arc::new(SimGateway::new(gateway_faults));
        let disburser = Arc::new(MemoryDisburser::new(disburser_faults));
        let shipping = Arc::new(MemoryShipping::with_faults(
            patungan_core::Money::idr(9_000),
            shipping_faults,
        ));
        let observer = Engine::new(
            store.clone(),
            ports(&gateway, &disburser, &shipping),
            config.clone(),
        );
        let mut world = World {
            fixture,
            store,
            gateway,
            disburser,
            shipping,
            config,
            replicas: Vec::new(),
            observer,
        };
        for _ in 0..replicas.max(1) {
            let replica = world.spawn().await;
            world.replicas.push(replica);
        }
        world
    }

    async fn spawn(&self) -> Replica {
        let faults = Arc::new(StoreFaults::default());
        let store = FaultyStore::new(self.fixture.open().await, faults.clone());
        Replica {
            engine: Engine::new(
                Arc::new(store),
                ports(&self.gateway, &self.disburser, &self.shipping),
                self.config.clone(),
            ),
            faults,
        }
    }

    /// The replica's process dies; a new one opens the same data.
    pub async fn restart(&mut self, index: usize) {
        let fresh = self.spawn().await;
        if let Some(slot) = self.replicas.get_mut(index) {
            *slot = fresh;
        }
    }

    /// Replica `index`'s engine.
    pub fn engine(&self, index: usize) -> &Engine {
        &self.replicas[index % self.replicas.len()].engine
    }
}

fn ports(
    gateway: &Arc<SimGateway>,
    disburser: &Arc<MemoryDisburser>,
    shipping: &Arc<MemoryShipping>,
) -> Ports {
    Ports {
        gateway: gateway.clone(),
        disburser: disburser.clone(),
        shipping: shipping.clone(),
        notifier: Arc::new(patungan_memory::MemoryNotifier::default()),
        factory: Arc::new(patungan_memory::MemoryFactory::default()),
    }
}
