//! Disbursements: `POST /disbursements`, `GET /disbursements?external_id=` and
//! `POST /batch_disbursements`.

use reqwest::Method;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::amount::{raw, IdrAmount};
use crate::client::XenditClient;
use crate::error::XenditError;

/// The body of `POST /disbursements`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreateDisbursement {
    /// Our id of the payout.
    pub external_id: String,
    /// The bank, e.g. `BCA`.
    pub bank_code: String,
    /// The account holder's name.
    pub account_holder_name: String,
    /// The account number (digits).
    pub account_number: String,
    /// Shown on the bank statement.
    pub description: String,
    /// How much, in whole rupiah.
    pub amount: IdrAmount,
}

/// Where a disbursement stands at Xendit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DisbursementStatus {
    /// Submitted.
    Pending,
    /// The bank account was credited.
    Completed,
    /// Refused.
    Failed,
    /// A status this adapter does not know.
    #[serde(other)]
    Unknown,
}

/// A disbursement as Xendit returns it (the fields this adapter uses).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct XenditDisbursement {
    /// Xendit's id.
    pub id: String,
    /// Our id.
    pub external_id: String,
    /// How much, exact.
    #[serde(deserialize_with = "raw::decimal")]
    pub amount: Decimal,
    /// The bank.
    pub bank_code: String,
    /// Where it stands.
    pub status: DisbursementStatus,
    /// Why it failed.
    #[serde(default)]
    pub failure_code: Option<String>,
}

/// One payout of `POST /batch_disbursements`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatchDisbursementItem {
    /// How much, in whole rupiah.
    pub amount: IdrAmount,
    /// The bank, e.g. `BCA`.
    pub bank_code: String,
    /// The account holder's name.
    pub bank_account_name: String,
    /// The account number (digits).
    pub bank_account_number: String,
    /// Shown on the bank statement.
    pub description: String,
    /// Our id of the payout.
    pub external_id: String,
}

/// The body of `POST /batch_disbursements`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreateBatchDisbursement {
    /// Our batch reference.
    pub reference: String,
    /// The payouts.
    pub disbursements: Vec<BatchDisbursementItem>,
}

/// A batch as Xendit returns it on creation.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct XenditBatchDisbursement {
    /// Xendit's id.
    pub id: String,
    /// Our reference.
    pub reference: String,
    /// e.g. `NEEDS_APPROVAL`.
    pub status: String,
    /// How many payouts were accepted.
    #[serde(default)]
    pub total_uploaded_count: Option<u64>,
    /// Their total, exact.
    #[serde(default, deserialize_with = "raw::opt_decimal")]
    pub total_uploaded_amount: Option<Decimal>,
}

/// What submitting a batch achieved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchSubmission {
    /// Xendit created the batch now.
    Created(XenditBatchDisbursement),
    /// Xendit already had this batch (a retry after a lost answer).
    AlreadySubmitted {
        /// Our batch reference.
        reference: String,
    },
}

impl XenditClient {
    /// `POST /disbursements` with `X-IDEMPOTENCY-KEY`.
    ///
    /// When Xendit answers `DUPLICATE_TRANSACTION_ERROR`, the disbursement already made
    /// under the same `external_id` is fetched and returned ("already done").
    pub async fn create_disbursement(
        &self,
        disbursement: &CreateDisbursement,
        idempotency_key: &str,
    ) -> Result<XenditDisbursement, XenditError> {
        let created = self
            .call(
                "create_disbursement",
                Method::POST,
                "/disbursements",
                &[],
                Some(disbursement),
                Some(idempotency_key),
            )
            .await;
        match created {
            Err(e) if e.is_duplicate() => self
                .find_disbursements(&disbursement.external_id)
                .await?
                .into_iter()
                .next()
                .ok_or(e),
            other => other,
        }
    }

    /// `GET /disbursements?external_id=…`: the disbursements created under our id (none when Xendit
    /// answers 404).
    pub async fn find_disbursements(
        &self,
        external_id: &str,
    ) -> Result<Vec<XenditDisbursement>, XenditError> {
        let found = self
            .call::<(), _>(
                "find_disbursements",
                Method::GET,
                "/disbursements",
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

    /// `POST /batch_disbursements` with `X-IDEMPOTENCY-KEY`.
    ///
    /// A duplicate answer (the same key or reference was already submitted) is
    /// [`BatchSubmission::AlreadySubmitted`], not an error: item results arrive by callback.
    pub async fn create_batch_disbursement(
        &self,
        batch: &CreateBatchDisbursement,
        idempotency_key: &str,
    ) -> Result<BatchSubmission, XenditError> {
        let created = self
            .call(
                "submit_batch",
                Method::POST,
                "/batch_disbursements",
                &[],
                Some(batch),
                Some(idempotency_key),
            )
            .await;
        match created {
            Ok(batch) => Ok(BatchSubmission::Created(batch)),
            Err(e) if e.is_duplicate() => Ok(BatchSubmission::AlreadySubmitted {
                reference: batch.reference.clone(),
            }),
            Err(e) => Err(e),
        }
    }
}
