//! Providers that misbehave: paid callbacks that do not match their invoice (another
//! amount, another currency, another gateway invoice id), payout batches rejected as
//! a whole or accepted and never reported on, and shipment webhooks for shipments
//! nobody booked. The invariants they must keep are checked at rest
//! ([`Sim::check_anomalies`]) and by the reconciliation: the genuine payment always
//! applies, every anomaly's money goes back, suspense is empty, no hold outlives its
//! batch.

use chrono::{DateTime, Duration, Utc};
use patungan_core::payments::AnomalyStatus;
use patungan_core::refunds::RefundSource;
use patungan_core::{Currency, Money};

use super::driver::{Check, Sim};
use patungan_core::notices::{ProviderNotification, ShipmentNotification};
use patungan_engine::ports::{RefundState, ShipmentStatus};
use patungan_memory::InvoiceStatus;

/// Failure codes a whole batch may be rejected with (permanent and temporary).
const BATCH_REJECTIONS: [&str; 4] = [
    "BANK_CODE_NOT_SUPPORTED_ERROR",
    "INVALID_DESTINATION",
    "TEMPORARY_TRANSFER_ERROR",
    "SWITCHING_NETWORK_ERROR",
];

const SHIPMENT_STATUSES: [ShipmentStatus; 6] = [
    ShipmentStatus::Confirmed,
    ShipmentStatus::PickingUp,
    ShipmentStatus::DroppingOff,
    ShipmentStatus::Delivered,
    ShipmentStatus::Rejected,
    ShipmentStatus::Returned,
];

impl Sim {
    /// The gateway sends a paid callback with the right token that does not match
    /// the invoice: money it really collected, reported with another amount, in
    /// another currency, or under another gateway invoice id.
    pub async fn forge_payment(&mut self) -> Check {
        let invoices: Vec<_> = self
            .world
            .gateway
            .invoices()
            .into_iter()
            .filter(|i| i.status != InvoiceStatus::Expired || self.rng.chance(30))
            .collect();
        let Some(invoice) = self.rng.pick(&invoices).cloned() else {
            return Ok(());
        };
        let payment = invoice.request.payment_id;
        // Only invoices whose gateway id the engine recorded: a callback for one it
        // never recorded can be checked on amount and currency only (docs/domain.md §8), so a
        // forged one with the right amount would pass for the payment itself.
        let recorded = self
            .world
            .observer
            .invoice(payment)
            .await
            .map_err(|e| format!("invoice {payment}: {e}"))?
            .is_some_and(|i| i.provider_invoice_id.is_some());
        if !recorded {
            return Ok(());
        }
        let due = invoice.request.amount;
        let genuine_id = format!("inv_{}", payment.as_uuid().simple());
        let n = self.model.fresh();
        let (kind, invoice_id, amount) = match self.rng.below(3) {
            0 => {
                let delta = Money::idr(self.rng.range(1, 50_000));
                let amount = if self.rng.chance(50) {
                    due.checked_add(delta)
                } else {
                    due.checked_sub(delta)
                };
                let amount = amount.ok().filter(|m| !m.is_zero()).unwrap_or(delta);
                ("amount", genuine_id, amount)
            }
            1 => {
                let usd = Money::parse(
                    &format!("{}.{:02}", self.rng.range(1, 90), n % 100),
                    Currency::USD,
                )
                .map_err(|e| format!("usd amount: {e}"))?;
                ("currency", genuine_id, usd)
            }
            _ => ("invoice id", format!("inv_forged_{n:x}"), due),
        };
        let note = self
            .world
            .gateway
            .collect_mismatched(payment, &invoice_id, amount, self.now);
        self.stats.saw(&format!("forged paid callback: {kind}"));
        self.note(format!(
            "gateway forges a paid callback for {payment}: {kind} {amount}"
        ));
        self.send(ProviderNotification::Payment(note));
        Ok(())
    }

    /// The disburser changes its mood: it starts or stops rejecting new batches as a
    /// whole, or accepting them without ever reporting.
    pub fn disburser_mood(&mut self) {
        match self.rng.below(4) {
            0 => {
                let code = self.rng.pick(&BATCH_REJECTIONS).copied();
                self.world.disburser.reject_batches_with(code);
                self.stats.saw("disburser rejects batches as a whole");
                self.note(format!("disburser rejects new batches with {code:?}"));
            }
            1 => {
                self.world.disburser.go_silent(true);
                self.stats.saw("disburser goes silent");
                self.note("disburser accepts batches and never reports".to_owned());
            }
            _ => self.disburser_recovers(),
        }
    }

    /// The disburser behaves again (before quiescence, and at random).
    pub fn disburser_recovers(&mut self) {
        self.world.disburser.reject_batches_with(None);
        self.world.disburser.go_silent(false);
        self.note("disburser behaves".to_owned());
    }

    /// A shipment webhook arrives for a shipment this platform never booked (a
    /// provider's mistake or a replay): recorded, nothing else moves.
    pub fn shipment_webhook(&mut self) {
        let order = format!("bs_order_{}", self.rng.below(4));
        let status = self
            .rng
            .pick(&SHIPMENT_STATUSES)
            .copied()
            .unwrap_or(ShipmentStatus::Confirmed);
        let waybill = self
            .rng
            .chance(50)
            .then(|| format!("WB{}", self.rng.below(100)));
        self.stats.saw("shipment webhook");
        self.send(ProviderNotification::Shipment(ShipmentNotification {
            provider_order_id: order,
            status,
            waybill_id: waybill,
            price: None,
        }));
    }

    /// At rest: every anomaly's money went back in full, exactly once, through the
    /// gateway (its refund completed), and nothing the gateway collected is missing
    /// from the ledger's clearing accounts.
    pub async fn check_anomalies(&self) -> Check {
        let anomalies = self
            .world
            .observer
            .anomalies()
            .await
            .map_err(|e| format!("anomalies: {e}"))?;
        let refunds = self.world.gateway.refunds();
        for anomaly in &anomalies {
            if anomaly.status != AnomalyStatus::Refunded {
                return Err(format!(
                    "anomaly {} on {} is {:?} at rest",
                    anomaly.id, anomaly.payment, anomaly.status
                ));
            }
            let records = self
                .world
                .observer
                .refunds_of(RefundSource::Suspense {
                    anomaly: anomaly.id,
                })
                .await
                .map_err(|e| format!("refunds of {}: {e}", anomaly.id))?;
            let succeeded: Vec<_> = refunds
                .iter()
                .filter(|r| r.state == RefundState::Succeeded)
                .filter(|r| records.iter().any(|a| a.reference == r.request.reference))
                .collect();
            if succeeded.len() != 1 || succeeded[0].request.amount != anomaly.collected() {
                return Err(format!(
                    "anomaly {} ({}): {} refunds succeeded at the gateway",
                    anomaly.id,
                    anomaly.collected(),
                    succeeded.len()
                ));
            }
        }
        Ok(())
    }

    /// The next instant after now at which a batch sent at `instant` has been silent
    /// for a whole number of silence limits (when the engine asks about it again).
    pub fn silence_deadline(&self, instant: DateTime<Utc>) -> DateTime<Utc> {
        let silence = self.setup.config.payout_silence;
        let mut at = instant + silence;
        while at <= self.now {
            at += silence;
        }
        at + Duration::seconds(1)
    }
}
