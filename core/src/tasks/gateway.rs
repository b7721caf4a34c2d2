//! What the payment gateway is asked to do (create and expire invoices, refund
//! payments) and what it answers: the requests the core's tasks carry.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::payments::Invoice as InvoiceRecord;
use crate::session::RefundReason;
use crate::steps::InvoiceDetails;
use crate::{Money, PaymentId, UserId};

/// Who pays an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payer {
    /// Our user id.
    pub user_id: UserId,
    /// E-mail for the gateway's receipts, when known.
    pub email: Option<String>,
    /// Display name, when known.
    pub name: Option<String>,
}

/// One line of an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceItem {
    /// What the line is for.
    pub name: String,
    /// Units.
    pub quantity: u64,
    /// Price per unit.
    pub unit_price: Money,
}

/// Ask the gateway for an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewayInvoiceRequest {
    /// Our payment id: the provider's external id and the idempotency key.
    pub payment_id: PaymentId,
    /// The amount due.
    pub amount: Money,
    /// Shown to the payer.
    pub description: String,
    /// After this instant the invoice can no longer be paid.
    pub expires_at: DateTime<Utc>,
    /// Who pays.
    pub payer: Payer,
    /// The invoice lines (their total equals `amount`).
    pub items: Vec<InvoiceItem>,
    /// Opaque key–value pairs echoed back by the gateway.
    pub metadata: BTreeMap<String, String>,
}

/// An invoice the gateway created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    /// The gateway's own id of the invoice.
    pub provider_invoice_id: String,
    /// Where the payer pays.
    pub url: String,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
}

/// Why money goes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum GatewayRefundReason {
    /// The session failed or was cancelled.
    Cancellation,
    /// The shopper left the session.
    RequestedByCustomer,
    /// The payment arrived twice or after settlement.
    Duplicate,
    /// Fraud.
    Fraudulent,
    /// Anything else.
    Others,
}

/// Ask the gateway to refund (part of) a payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundRequest {
    /// Our refund reference: the provider's reference id and the idempotency key.
    pub reference: String,
    /// The payment refunded.
    pub payment_id: PaymentId,
    /// The gateway's invoice id, when known.
    pub provider_invoice_id: Option<String>,
    /// How much goes back.
    pub amount: Money,
    /// Why.
    pub reason: GatewayRefundReason,
}

/// Where a refund stands at the gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundState {
    /// Accepted; the outcome arrives later by webhook.
    Pending,
    /// Done.
    Succeeded,
    /// Refused.
    Failed,
}

/// The gateway's answer to a refund request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundAccepted {
    /// The gateway's id of the refund.
    pub provider_refund_id: String,
    /// Where it stands.
    pub state: RefundState,
}

impl GatewayInvoiceRequest {
    /// The gateway's request for an invoice record and its details.
    pub fn for_invoice(invoice: &InvoiceRecord, details: InvoiceDetails) -> Self {
        GatewayInvoiceRequest {
            payment_id: invoice.payment,
            amount: invoice.amount,
            description: details.description,
            expires_at: invoice.expires_at,
            payer: Payer {
                user_id: invoice.user,
                email: None,
                name: None,
            },
            items: details
                .items
                .into_iter()
                .map(|item| InvoiceItem {
                    name: item.name,
                    quantity: item.quantity,
                    unit_price: item.unit_price,
                })
                .collect(),
            metadata: details.metadata,
        }
    }
}

impl From<RefundReason> for GatewayRefundReason {
    /// The reason the gateway is given for a refund (docs/domain.md §8).
    fn from(reason: RefundReason) -> Self {
        match reason {
            RefundReason::SessionFailed | RefundReason::SessionCancelled => {
                GatewayRefundReason::Cancellation
            }
            RefundReason::Left => GatewayRefundReason::RequestedByCustomer,
            RefundReason::LatePayment => GatewayRefundReason::Others,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refund_reasons_name_the_gateway_reason_of_domain_section_8() {
        use GatewayRefundReason as G;
        for (reason, expected) in [
            (RefundReason::SessionFailed, G::Cancellation),
            (RefundReason::SessionCancelled, G::Cancellation),
            (RefundReason::Left, G::RequestedByCustomer),
            (RefundReason::LatePayment, G::Others),
        ] {
            assert_eq!(G::from(reason), expected);
        }
    }
}
