//! Refunds: `POST /refunds` and `GET /refunds?invoice_id=`.

use reqwest::Method;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::amount::{raw, IdrAmount};
use crate::client::XenditClient;
use crate::error::XenditError;

/// Xendit's refund reasons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum XenditRefundReason {
    /// Fraud.
    Fraudulent,
    /// Paid twice.
    Duplicate,
    /// The customer asked.
    RequestedByCustomer,
    /// The order was cancelled.
    Cancellation,
    /// Anything else.
    Others,
}

impl From<patungan_ports::GatewayRefundReason> for XenditRefundReason {
    fn from(reason: patungan_ports::GatewayRefundReason) -> Self {
        use patungan_ports::GatewayRefundReason as R;
        match reason {
            R::Cancellation => XenditRefundReason::Cancellation,
            R::RequestedByCustomer => XenditRefundReason::RequestedByCustomer,
            R::Duplicate => XenditRefundReason::Duplicate,
            R::Fraudulent => XenditRefundReason::Fraudulent,
            R::Others => XenditRefundReason::Others,
        }
    }
}

/// The body of `POST /refunds`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreateRefund {
    /// The invoice refunded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoice_id: Option<String>,
    /// Or the payment request refunded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_request_id: Option<String>,
    /// Our refund reference.
    pub reference_id: String,
    /// How much goes back, in whole rupiah.
    pub amount: IdrAmount,
    /// Always `IDR` here.
    pub currency: String,
    /// Why.
    pub reason: XenditRefundReason,
}

/// Where a refund stands at Xendit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum XenditRefundStatus {
    /// Accepted, outcome pending.
    Pending,
    /// Done.
    Succeeded,
    /// Refused.
    Failed,
    /// Cancelled before completion.
    Cancelled,
    /// A status this adapter does not know.
    #[serde(other)]
    Unknown,
}

/// A refund as Xendit returns it (the fields this adapter uses).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct XenditRefund {
    /// Xendit's id.
    pub id: String,
    /// Our reference.
    #[serde(default)]
    pub reference_id: Option<String>,
    /// The invoice refunded.
    #[serde(default)]
    pub invoice_id: Option<String>,
    /// Where it stands.
    pub status: XenditRefundStatus,
    /// How much, exact.
    #[serde(deserialize_with = "raw::decimal")]
    pub amount: Decimal,
    /// Why it failed.
    #[serde(default)]
    pub failure_code: Option<String>,
}

#[derive(Debug, Deserialize)]
struct RefundList {
    data: Vec<XenditRefund>,
}

impl XenditClient {
    /// `POST /refunds` with `X-IDEMPOTENCY-KEY`.
    ///
    /// When Xendit answers that the refund is a duplicate, the refund already made under
    /// the same `reference_id` is looked up on the invoice and returned ("already done").
    pub async fn create_refund(
        &self,
        refund: &CreateRefund,
        idempotency_key: &str,
    ) -> Result<XenditRefund, XenditError> {
        let created = self
            .call(
                "refund",
                Method::POST,
                "/refunds",
                &[],
                Some(refund),
                Some(idempotency_key),
            )
            .await;
        match (created, refund.invoice_id.as_deref()) {
            (Err(e), Some(invoice_id)) if e.is_duplicate() => self
                .list_refunds(invoice_id)
                .await?
                .into_iter()
                .find(|r| r.reference_id.as_deref() == Some(refund.reference_id.as_str()))
                .ok_or(e),
            (other, _) => other,
        }
    }

    /// `GET /refunds?invoice_id=…`: the refunds of one invoice.
    pub async fn list_refunds(&self, invoice_id: &str) -> Result<Vec<XenditRefund>, XenditError> {
        let list: RefundList = self
            .call::<(), _>(
                "list_refunds",
                Method::GET,
                "/refunds",
                &[("invoice_id", invoice_id)],
                None,
                None,
            )
            .await?;
        Ok(list.data)
    }
}
