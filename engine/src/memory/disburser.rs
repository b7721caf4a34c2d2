//! A simulated disburser: payout batches kept in memory; the simulation and the
//! tests decide each payout's outcome.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;

use crate::memory::faults::{fault_error, Fault, FaultConfig, FaultPlan};
use crate::notification::{PayoutNotification, PayoutOutcome};
use crate::ports::{Disburser, PayoutBatch, PayoutBatchAccepted, PayoutItem, PortError};

/// A payout the simulated disburser holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimPayout {
    /// The batch it came in.
    pub batch_reference: String,
    /// What was asked for.
    pub item: PayoutItem,
    /// Its outcome once decided.
    pub outcome: Option<PayoutOutcome>,
}

#[derive(Debug, Default)]
struct State {
    batches: BTreeMap<String, (PayoutBatch, u32)>,
    payouts: BTreeMap<String, SimPayout>,
}

/// The in-memory [`Disburser`].
#[derive(Debug)]
pub struct MemoryDisburser {
    state: Mutex<State>,
    faults: Mutex<FaultPlan>,
}

impl Default for MemoryDisburser {
    fn default() -> Self {
        MemoryDisburser::new(FaultConfig::default())
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl MemoryDisburser {
    /// A disburser injecting the given faults.
    pub fn new(faults: FaultConfig) -> Self {
        MemoryDisburser {
            state: Mutex::new(State::default()),
            faults: Mutex::new(FaultPlan::new(faults)),
        }
    }

    /// Every payout, by external id.
    pub fn payouts(&self) -> Vec<SimPayout> {
        lock(&self.state).payouts.values().cloned().collect()
    }

    /// How many submit calls reached the disburser for `reference` (retries included).
    pub fn submissions(&self, reference: &str) -> u32 {
        lock(&self.state)
            .batches
            .get(reference)
            .map_or(0, |(_, calls)| *calls)
    }

    /// Decides a payout; returns the webhook, or `None` if unknown or already decided
    /// (a reversal is allowed once after completion).
    pub fn resolve(
        &self,
        external_id: &str,
        outcome: PayoutOutcome,
        failure_code: Option<&str>,
    ) -> Option<PayoutNotification> {
        let mut state = lock(&self.state);
        let payout = state.payouts.get_mut(external_id)?;
        let allowed = matches!(
            (payout.outcome, outcome),
            (None, PayoutOutcome::Completed | PayoutOutcome::Failed)
                | (Some(PayoutOutcome::Completed), PayoutOutcome::Reversed)
        );
        if !allowed {
            return None;
        }
        payout.outcome = Some(outcome);
        Some(PayoutNotification {
            provider_event_id: format!("disb_{external_id}"),
            external_id: external_id.to_owned(),
            outcome,
            failure_code: failure_code.map(str::to_owned),
        })
    }
}

#[async_trait]
impl Disburser for MemoryDisburser {
    async fn submit_batch(&self, batch: &PayoutBatch) -> Result<PayoutBatchAccepted, PortError> {
        let (fault, latency) = {
            let mut plan = lock(&self.faults);
            (plan.draw(), plan.config().latency)
        };
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
        if fault == Fault::Error {
            return Err(fault_error(fault, "submit_batch"));
        }
        let mut state = lock(&self.state);
        let entry = state
            .batches
            .entry(batch.reference.clone())
            .or_insert_with(|| (batch.clone(), 0));
        if entry.0 != *batch {
            return Err(PortError::permanent(
                "memory",
                "submit_batch",
                "DUPLICATE_TRANSACTION_ERROR",
                format!("batch {} was submitted with other content", batch.reference),
            ));
        }
        entry.1 += 1;
        for item in &batch.items {
            state
                .payouts
                .entry(item.external_id.clone())
                .or_insert_with(|| SimPayout {
                    batch_reference: batch.reference.clone(),
                    item: item.clone(),
                    outcome: None,
                });
        }
        if fault == Fault::LostResponse {
            return Err(fault_error(fault, "submit_batch"));
        }
        Ok(PayoutBatchAccepted {
            provider_batch_id: format!("batch_{}", batch.reference),
        })
    }
}
