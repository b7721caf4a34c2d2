//! Notices: what providers report (webhooks about payments, refunds, payouts and
//! shipments), the inputs of the books, with the key that makes each apply once.

use crate::{Money, PaymentId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::tasks::shipping::ShipmentStatus;

/// What a payment notification says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// The invoice was paid.
    Paid,
    /// The invoice expired unpaid.
    Expired,
    /// The payment failed.
    Failed,
}

impl PaymentStatus {
    /// Its name in inbox keys (stable: keys already stored must keep matching).
    pub const fn key_name(self) -> &'static str {
        match self {
            PaymentStatus::Paid => "Paid",
            PaymentStatus::Expired => "Expired",
            PaymentStatus::Failed => "Failed",
        }
    }
}

/// A payment gateway reports on an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentNotification {
    /// The provider's id of the notified object (e.g. the invoice id).
    pub provider_event_id: String,
    /// Our payment id (the invoice's external id).
    pub payment_id: PaymentId,
    /// What happened.
    pub status: PaymentStatus,
    /// The amount paid, for `Paid`.
    pub paid_amount: Option<Money>,
    /// When it was paid, for `Paid`.
    pub paid_at: Option<DateTime<Utc>>,
    /// e.g. `BANK_TRANSFER`.
    pub payment_method: Option<String>,
    /// e.g. `BCA`.
    pub payment_channel: Option<String>,
    /// The gateway's own id of the payment, when the callback carries one.
    #[serde(default)]
    pub provider_payment_id: Option<String>,
}

impl PaymentNotification {
    /// What a paid callback reports, for checking against the invoice; `None`
    /// without a paid amount.
    pub fn paid_report(&self) -> Option<crate::payments::PaidReport> {
        Some(crate::payments::PaidReport {
            provider_invoice_id: self.provider_event_id.clone(),
            provider_payment_id: self.provider_payment_id.clone(),
            amount: self.paid_amount?,
            paid_at: self.paid_at,
        })
    }
}

/// What a refund notification says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundOutcome {
    /// The money went back.
    Succeeded,
    /// The refund failed and must be retried.
    Failed,
}

impl RefundOutcome {
    /// Its name in inbox keys (stable: keys already stored must keep matching).
    pub const fn key_name(self) -> &'static str {
        match self {
            RefundOutcome::Succeeded => "Succeeded",
            RefundOutcome::Failed => "Failed",
        }
    }
}

/// A payment gateway reports on a refund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundNotification {
    /// The provider's id of the refund.
    pub provider_event_id: String,
    /// Our refund reference.
    pub reference: String,
    /// What happened.
    pub outcome: RefundOutcome,
    /// The provider's failure code, for `Failed`.
    pub failure_code: Option<String>,
}

/// What a payout notification says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayoutEvent {
    /// The bank account was credited.
    Completed,
    /// The payout failed.
    Failed,
    /// A completed payout was reversed by the bank.
    Reversed,
}

impl PayoutEvent {
    /// Its name in inbox keys (stable: keys already stored must keep matching).
    pub const fn key_name(self) -> &'static str {
        match self {
            PayoutEvent::Completed => "Completed",
            PayoutEvent::Failed => "Failed",
            PayoutEvent::Reversed => "Reversed",
        }
    }
}

/// A disburser reports on one payout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutNotification {
    /// The provider's id of the payout.
    pub provider_event_id: String,
    /// Our item key (the payout's external id).
    pub external_id: String,
    /// What happened.
    pub outcome: PayoutEvent,
    /// The provider's failure code, for `Failed`.
    pub failure_code: Option<String>,
}

/// A shipping provider reports on a shipment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentNotification {
    /// The provider's id of the order.
    pub provider_order_id: String,
    /// The new status.
    pub status: ShipmentStatus,
    /// The waybill, when the event carries it.
    pub waybill_id: Option<String>,
    /// The price, when the event carries it.
    pub price: Option<Money>,
}

/// Any provider notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProviderNotification {
    /// About a payment.
    Payment(PaymentNotification),
    /// About a refund.
    Refund(RefundNotification),
    /// About a payout.
    Payout(PayoutNotification),
    /// About a shipment.
    Shipment(ShipmentNotification),
}

impl ProviderNotification {
    /// The inbox key: the provider's object id plus what it reports. A webhook
    /// delivered again under the same key is a duplicate and changes nothing. A paid
    /// callback's key carries the amount and the gateway's payment id, so a callback
    /// that does not match its invoice never takes the key of the genuine one.
    pub fn dedup_key(&self) -> String {
        match self {
            ProviderNotification::Payment(n) => format!(
                "payment:{}:{}:{}:{}",
                n.provider_event_id,
                n.status.key_name(),
                n.paid_amount.map(|p| p.to_string()).unwrap_or_default(),
                n.provider_payment_id.as_deref().unwrap_or("")
            ),
            ProviderNotification::Refund(n) => {
                format!("refund:{}:{}", n.provider_event_id, n.outcome.key_name())
            }
            ProviderNotification::Payout(n) => {
                format!("payout:{}:{}", n.provider_event_id, n.outcome.key_name())
            }
            ProviderNotification::Shipment(n) => format!(
                "shipment:{}:{}:{}:{}",
                n.provider_order_id,
                n.status.key_name(),
                n.waybill_id.as_deref().unwrap_or(""),
                n.price.map(|p| p.to_string()).unwrap_or_default()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tasks::shipping::ShipmentStatus;

    /// Inbox keys were built from the Debug form of these enums before they had
    /// names of their own; the names must equal it, or a webhook delivered again
    /// after an upgrade would not be recognised as a duplicate.
    #[test]
    fn key_names_are_the_names_stored_keys_were_made_with() {
        for s in [
            PaymentStatus::Paid,
            PaymentStatus::Expired,
            PaymentStatus::Failed,
        ] {
            assert_eq!(s.key_name(), format!("{s:?}"));
        }
        for o in [RefundOutcome::Succeeded, RefundOutcome::Failed] {
            assert_eq!(o.key_name(), format!("{o:?}"));
        }
        for e in [
            PayoutEvent::Completed,
            PayoutEvent::Failed,
            PayoutEvent::Reversed,
        ] {
            assert_eq!(e.key_name(), format!("{e:?}"));
        }
        for s in ShipmentStatus::ALL {
            assert_eq!(s.key_name(), format!("{s:?}"));
        }
    }
}
