//! A join's invoice and the verification of paid callbacks against it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{ParticipantId, PaymentId, SessionId, UserId};
use crate::money::{Currency, Money};

/// A participant's invoice: what is due, and the gateway's id once it exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    /// The session.
    pub session: SessionId,
    /// The participant.
    pub participant: ParticipantId,
    /// The payment id (our key, the gateway's external id).
    pub payment: PaymentId,
    /// The payer.
    pub user: UserId,
    /// The amount due.
    pub amount: Money,
    /// When it expires (the end of the payment window).
    pub expires_at: DateTime<Utc>,
    /// The gateway's id, once created.
    pub provider_invoice_id: Option<String>,
    /// Where to pay, once created.
    pub url: Option<String>,
    /// The host gave up creating it at the gateway (its participant stopped waiting
    /// to pay, or the gateway refused): its gateway id will never be recorded.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub abandoned: bool,
}

/// What a gateway's paid callback says, as it said it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaidReport {
    /// The gateway's invoice id the callback names.
    pub provider_invoice_id: String,
    /// The gateway's own id of the payment, when the callback carries one.
    #[serde(default)]
    pub provider_payment_id: Option<String>,
    /// The amount and currency reported paid.
    pub amount: Money,
    /// When the gateway says it was paid.
    #[serde(default)]
    pub paid_at: Option<DateTime<Utc>>,
}

/// How a paid callback differs from its invoice.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "field", rename_all = "snake_case")]
pub enum Mismatch {
    /// The callback names another gateway invoice.
    InvoiceId {
        /// The stored gateway invoice id.
        expected: String,
        /// The id in the callback.
        reported: String,
    },
    /// The callback is in another currency.
    Currency {
        /// The invoice's currency.
        expected: Currency,
        /// The callback's currency.
        reported: Currency,
    },
    /// The callback reports another amount.
    Amount {
        /// The amount due.
        expected: Money,
        /// The amount reported.
        reported: Money,
    },
}

impl Mismatch {
    /// A stable machine-readable code.
    pub const fn code(&self) -> &'static str {
        match self {
            Mismatch::InvoiceId { .. } => "payment.invoice_id_mismatch",
            Mismatch::Currency { .. } => "payment.currency_mismatch",
            Mismatch::Amount { .. } => "payment.amount_mismatch",
        }
    }
}

/// The result of checking a paid callback against its invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Invoice id, amount and currency match: the payment may be applied.
    Genuine,
    /// The gateway's invoice id is not stored yet (the creation's result is still
    /// being recorded): the callback cannot be checked now and must come again.
    NotYetCreated,
    /// The callback does not match: an anomaly, never applied to the participant.
    Anomaly(Mismatch),
}

impl Invoice {
    /// The gateway created it: its id there and its payment page.
    pub fn created(&mut self, provider_invoice_id: String, url: String) {
        self.provider_invoice_id = Some(provider_invoice_id);
        self.url = Some(url);
    }

    /// Its creation will not be recorded (its participant stopped waiting, or the
    /// gateway refused): a paid callback for it is checked without a gateway id
    /// from now on. Whether that changed it.
    pub fn abandon(&mut self) -> bool {
        let abandon = self.provider_invoice_id.is_none() && !self.abandoned;
        self.abandoned |= abandon;
        abandon
    }

    /// Checks a paid callback against this invoice: gateway invoice id, currency,
    /// then amount, before anything is posted (docs/domain.md §8). An invoice whose creation
    /// is still being recorded cannot be checked yet; one whose creation was abandoned
    /// never will have a gateway id, so only its currency and amount are checked (a
    /// payment under it is then refunded by the session's rules).
    pub fn verify(&self, report: &PaidReport) -> Verdict {
        match &self.provider_invoice_id {
            None if !self.abandoned => return Verdict::NotYetCreated,
            None => {}
            Some(stored) if *stored != report.provider_invoice_id => {
                return Verdict::Anomaly(Mismatch::InvoiceId {
                    expected: stored.clone(),
                    reported: report.provider_invoice_id.clone(),
                });
            }
            Some(_) => {}
        }
        if report.amount.currency() != self.amount.currency() {
            return Verdict::Anomaly(Mismatch::Currency {
                expected: self.amount.currency(),
                reported: report.amount.currency(),
            });
        }
        if report.amount != self.amount {
            return Verdict::Anomaly(Mismatch::Amount {
                expected: self.amount,
                reported: report.amount,
            });
        }
        Verdict::Genuine
    }
}
