//! A simulated disburser: payout batches kept in memory; the simulation and the
//! tests decide each payout's outcome, and may have whole batches rejected or
//! silent (accepted, never reported).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;

use crate::faults::{fault_error, Fault, FaultConfig, FaultPlan};
use patungan_core::notices::{PayoutEvent, PayoutNotification};
use patungan_ports::{
    Disburser, PayoutBatch, PayoutBatchAccepted, PayoutItem, PayoutStatus, PortError,
};

/// A payout the simulated disburser holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimPayout {
    /// The batch it came in.
    pub batch_reference: String,
    /// What was asked for.
    pub item: PayoutItem,
    /// Its outcome once decided.
    pub outcome: Option<PayoutEvent>,
    /// The failure code of a failed payout.
    pub failure_code: Option<String>,
}

#[derive(Debug, Default)]
struct State {
    batches: BTreeMap<String, (PayoutBatch, u32)>,
    payouts: BTreeMap<String, SimPayout>,
    /// While set, every new batch is refused as a whole with this code.
    rejection: Option<String>,
    /// While on, batches accepted never report.
    silent: bool,
    silent_batches: BTreeSet<String>,
}

impl State {
    /// Records a submitted batch and its payouts, or refuses it.
    fn accept(&mut self, batch: &PayoutBatch) -> Result<(), PortError> {
        let refuse = |code: &str, message: &str| {
            Err(PortError::permanent(
                "memory",
                "submit_batch",
                code,
                format!("batch {} {message}", batch.reference),
            ))
        };
        let known = self.batches.contains_key(&batch.reference);
        if let (Some(code), false) = (&self.rejection, known) {
            return refuse(code, "refused as a whole");
        }
        let entry = self
            .batches
            .entry(batch.reference.clone())
            .or_insert_with(|| (batch.clone(), 0));
        if entry.0 != *batch {
            return refuse(
                "DUPLICATE_TRANSACTION_ERROR",
                "was submitted with other content",
            );
        }
        entry.1 += 1;
        if self.silent && !known {
            self.silent_batches.insert(batch.reference.clone());
        }
        for item in &batch.items {
            self.payouts
                .entry(item.external_id.clone())
                .or_insert_with(|| SimPayout {
                    batch_reference: batch.reference.clone(),
                    item: item.clone(),
                    outcome: None,
                    failure_code: None,
                });
        }
        Ok(())
    }
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

    /// While `Some(code)`, every batch not yet accepted is refused as a whole with a
    /// permanent error of that code (e.g. `BANK_CODE_NOT_SUPPORTED_ERROR`); `None`
    /// accepts batches again.
    pub fn reject_batches_with(&self, failure_code: Option<&str>) {
        lock(&self.state).rejection = failure_code.map(str::to_owned);
    }

    /// While on, batches accepted never report: [`MemoryDisburser::resolve`] decides
    /// their payouts (as [`Disburser::payout_status`] then tells) but returns no webhook.
    pub fn go_silent(&self, silent: bool) {
        lock(&self.state).silent = silent;
    }

    /// Decides a payout; returns the webhook, or `None` if unknown, already decided
    /// (a reversal is allowed once after completion) or in a silent batch.
    pub fn resolve(
        &self,
        external_id: &str,
        outcome: PayoutEvent,
        failure_code: Option<&str>,
    ) -> Option<PayoutNotification> {
        let mut guard = lock(&self.state);
        let state = &mut *guard;
        let payout = state.payouts.get_mut(external_id)?;
        let allowed = matches!(
            (payout.outcome, outcome),
            (None, PayoutEvent::Completed | PayoutEvent::Failed)
                | (Some(PayoutEvent::Completed), PayoutEvent::Reversed)
        );
        if !allowed {
            return None;
        }
        payout.outcome = Some(outcome);
        if outcome == PayoutEvent::Failed {
            payout.failure_code = failure_code.map(str::to_owned);
        }
        // A silent batch never reports its results; a reversal later is an event
        // of its own, reported like any other.
        if outcome != PayoutEvent::Reversed
            && state.silent_batches.contains(&payout.batch_reference)
        {
            return None;
        }
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
        lock(&self.state).accept(batch)?;
        if fault == Fault::LostResponse {
            return Err(fault_error(fault, "submit_batch"));
        }
        Ok(PayoutBatchAccepted {
            provider_batch_id: format!("batch_{}", batch.reference),
        })
    }

    async fn payout_status(&self, external_id: &str) -> Result<PayoutStatus, PortError> {
        let (fault, latency) = {
            let mut plan = lock(&self.faults);
            (plan.draw(), plan.config().latency)
        };
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
        if fault != Fault::None {
            return Err(fault_error(fault, "payout_status"));
        }
        let state = lock(&self.state);
        let Some(payout) = state.payouts.get(external_id) else {
            return Ok(PayoutStatus::NotFound);
        };
        Ok(match payout.outcome {
            None => PayoutStatus::Pending,
            Some(PayoutEvent::Completed | PayoutEvent::Reversed) => PayoutStatus::Completed,
            Some(PayoutEvent::Failed) => PayoutStatus::Failed {
                failure_code: payout
                    .failure_code
                    .clone()
                    .unwrap_or_else(|| "UNKNOWN".to_owned()),
            },
        })
    }
}
