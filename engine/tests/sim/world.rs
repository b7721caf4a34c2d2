//! The simulated world: one shared store, the providers, and one or two engine
//! processes ("replicas") over them. A crash replaces a replica's engine with a
//! fresh one over the same store and provider handles.

use std::sync::Arc;

use patungan_engine::memory::{FaultConfig, MemoryDisburser, MemoryShipping};
use patungan_engine::store::MemoryStore;
use patungan_engine::{Engine, EngineConfig, Ports};

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
    /// The shared data (what survives a crash).
    pub store: MemoryStore,
    /// The payment gateway.
    pub gateway: Arc<SimGateway>,
    /// The payout provider.
    pub disburser: Arc<MemoryDisburser>,
    /// The engine configuration every replica runs with.
    pub config: EngineConfig,
    /// The engine processes.
    pub replicas: Vec<Replica>,
    /// A fault-free engine used only to read state for the checks.
    pub observer: Engine,
}

impl World {
    /// A world with `replicas` engines.
    pub fn new(
        replicas: usize,
        config: EngineConfig,
        gateway_faults: FaultConfig,
        disburser_faults: FaultConfig,
    ) -> Self {
        let store = MemoryStore::new();
        let gateway = Arc::new(SimGateway::new(gateway_faults));
        let disburser = Arc::new(MemoryDisburser::new(disburser_faults));
        let observer = Engine::new(
            Arc::new(store.clone()),
            ports(&gateway, &disburser),
            config.clone(),
        );
        let mut world = World {
            store,
            gateway,
            disburser,
            config,
            replicas: Vec::new(),
            observer,
        };
        for _ in 0..replicas.max(1) {
            let replica = world.spawn();
            world.replicas.push(replica);
        }
        world
    }

    fn spawn(&self) -> Replica {
        let faults = Arc::new(StoreFaults::default());
        let store = FaultyStore::new(self.store.clone(), faults.clone());
        Replica {
            engine: Engine::new(
                Arc::new(store),
                ports(&self.gateway, &self.disburser),
                self.config.clone(),
            ),
            faults,
        }
    }

    /// The replica's process dies; a new one starts over the same store.
    pub fn restart(&mut self, index: usize) {
        let fresh = self.spawn();
        if let Some(slot) = self.replicas.get_mut(index) {
            *slot = fresh;
        }
    }

    /// Replica `index`'s engine.
    pub fn engine(&self, index: usize) -> &Engine {
        &self.replicas[index % self.replicas.len()].engine
    }
}

fn ports(gateway: &Arc<SimGateway>, disburser: &Arc<MemoryDisburser>) -> Ports {
    Ports {
        gateway: gateway.clone(),
        disburser: disburser.clone(),
        shipping: Arc::new(MemoryShipping::default()),
    }
}
