//! # patungan-xendit
//!
//! The Xendit adapter of Patungan: a typed async client over `reqwest` (rustls, explicit
//! timeouts, HTTP Basic auth with the secret key) for invoices, refunds, disbursements
//! and batch disbursements with `X-IDEMPOTENCY-KEY`; the engine's
//! [`PaymentGateway`](patungan_ports::PaymentGateway) and
//! [`Disburser`](patungan_ports::Disburser) ports over it ([`XenditGateway`]);
//! and callback handling ([`CallbackVerifier`]) that checks `x-callback-token` in
//! constant time on the raw request before parsing invoice, refund and disbursement
//! callbacks into the engine's notification inputs.
//!
//! Amounts travel as whole rupiah ([`IdrAmount`]) built from [`Money`](patungan_core::Money)
//! and are read back exactly ([`parse_amount_literal`]); nothing goes through `f64`.
//! Secrets are [`Secret`]s: redacted in `Debug`, absent from errors and logs.
//!
//! Failures are classed for the engine's retry loop: 5xx, 429, `SERVER_ERROR`,
//! `TEMPORARY_*`, timeouts and connection errors are retryable; validation errors
//! (`API_VALIDATION_ERROR`, `BANK_CODE_NOT_SUPPORTED_ERROR`, …), 401, 403 and 404 are
//! permanent; `DUPLICATE_TRANSACTION_ERROR` and its kin mean "already done" and return
//! the existing object.

pub mod amount;
pub mod client;
pub mod config;
pub mod disbursement;
pub mod error;
pub mod gateway;
pub mod invoice;
pub mod refund;
pub mod secret;
pub mod webhook;

pub use amount::{parse_amount_literal, parse_idr_amount, AmountError, IdrAmount};
pub use client::{XenditClient, IDEMPOTENCY_HEADER};
pub use config::XenditConfig;
pub use disbursement::{
    BatchDisbursementItem, BatchSubmission, CreateBatchDisbursement, CreateDisbursement,
    DisbursementStatus, XenditBatchDisbursement, XenditDisbursement,
};
pub use error::{classify, is_duplicate_code, TransportKind, XenditError, PROVIDER};
pub use gateway::XenditGateway;
pub use invoice::{
    CreateInvoice, CreateInvoiceItem, InvoiceCustomer, InvoiceStatus, XenditInvoice,
};
pub use refund::{CreateRefund, XenditRefund, XenditRefundReason, XenditRefundStatus};
pub use secret::Secret;
pub use webhook::{
    parse_batch_disbursement_callback, parse_disbursement_callback, parse_invoice_callback,
    parse_refund_callback, CallbackVerifier, WebhookError, CALLBACK_TOKEN_HEADER, MAX_BODY_BYTES,
};
