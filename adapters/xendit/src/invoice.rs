//! Invoices: `POST /v2/invoices`, `GET /v2/invoices/{id}`, `GET /v2/invoices?external_id=`,
//! `POST /invoices/{id}/expire!`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use reqwest::Method;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::amount::{raw, IdrAmount};
use crate::client::{path_segment, XenditClient};
use crate::error::XenditError;

/// One line of an invoice as Xendit takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreateInvoiceItem {
    /// What the line is for.
    pub name: String,
    /// Units.
    pub quantity: u64,
    /// Price per unit in whole rupiah.
    pub price: IdrAmount,
}

/// The payer as Xendit takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct InvoiceCustomer {
    /// Our id of the payer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_id: Option<String>,
    /// Display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub given_names: Option<String>,
    /// E-mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// The body of `POST /v2/invoices`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreateInvoice {
    /// Our id of the invoice (the payment id).
    pub external_id: String,
    /// The amount due in whole rupiah.
    pub amount: IdrAmount,
    /// Where Xendit sends receipts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payer_email: Option<String>,
    /// Shown to the payer.
    pub description: String,
    /// Seconds until the invoice expires.
    pub invoice_duration: u64,
    /// Always `IDR` here.
    pub currency: String,
    /// The invoice lines.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<CreateInvoiceItem>,
    /// The payer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer: Option<InvoiceCustomer>,
    /// Echoed back in callbacks.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
}

/// Where an invoice stands at Xendit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InvoiceStatus {
    /// Waiting for payment.
    Pending,
    /// Paid.
    Paid,
    /// Paid and settled to the balance.
    Settled,
    /// Expired unpaid.
    Expired,
    /// A status this adapter does not know.
    #[serde(other)]
    Unknown,
}

impl InvoiceStatus {
    /// Paid or settled.
    pub fn is_paid(self) -> bool {
        matches!(self, InvoiceStatus::Paid | InvoiceStatus::Settled)
    }
}

/// An invoice as Xendit returns it (the fields this adapter uses).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct XenditInvoice {
    /// Xendit's id.
    pub id: String,
    /// Our id.
    pub external_id: String,
    /// Where it stands.
    pub status: InvoiceStatus,
    /// The amount due, exact.
    #[serde(deserialize_with = "raw::decimal")]
    pub amount: Decimal,
    /// The payment page.
    pub invoice_url: String,
    /// When it expires.
    pub expiry_date: DateTime<Utc>,
    /// The currency code, e.g. `IDR`.
    #[serde(default)]
    pub currency: Option<String>,
}

impl XenditClient {
    /// `POST /v2/invoices`, with `X-IDEMPOTENCY-KEY` when given.
    ///
    /// When Xendit answers that the request is a duplicate, the invoice already created
    /// under the same `external_id` is fetched and returned ("already done").
    pub async fn create_invoice(
        &self,
        invoice: &CreateInvoice,
        idempotency_key: Option<&str>,
    ) -> Result<XenditInvoice, XenditError> {
        let created = self
            .call(
                "create_invoice",
                Method::POST,
                "/v2/invoices",
                &[],
                Some(invoice),
                idempotency_key,
            )
            .await;
        match created {
            Err(e) if e.is_duplicate() => self
                .find_invoices(&invoice.external_id)
                .await?
                .into_iter()
                .next()
                .ok_or(e),
            other => other,
        }
    }

    /// `GET /v2/invoices/{id}`.
    pub async fn get_invoice(&self, invoice_id: &str) -> Result<XenditInvoice, XenditError> {
        let id = path_segment("invoice id", invoice_id)?;
        self.call::<(), _>(
            "get_invoice",
            Method::GET,
            &format!("/v2/invoices/{id}"),
            &[],
            None,
            None,
        )
        .await
    }

    /// `GET /v2/invoices?external_id=…`: every invoice created under our id (none when Xendit
    /// answers 404).
    pub async fn find_invoices(
        &self,
        external_id: &str,
    ) -> Result<Vec<XenditInvoice>, XenditError> {
        let found = self
            .call::<(), _>(
                "find_invoices",
                Method::GET,
                "/v2/invoices",
                &[("external_id", external_id)],
                None,
                None,
            )
            .await;
        match found {
            Err(XenditError::Api { status: 404, .. }) => Ok(Vec::new()),
            other => other,
        }
    }

    /// `POST /invoices/{id}/expire!`.
    pub async fn expire_invoice(&self, invoice_id: &str) -> Result<XenditInvoice, XenditError> {
        let id = path_segment("invoice id", invoice_id)?;
        self.call::<(), _>(
            "expire_invoice",
            Method::POST,
            &format!("/invoices/{id}/expire!"),
            &[],
            None,
            None,
        )
        .await
    }
}
