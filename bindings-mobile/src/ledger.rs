//! The ledger through JSON-level entry points (accounts, transfers, postings and
//! reports in the core's JSON form): thin conversions, behaviour in the core.

use std::sync::{Arc, Mutex, MutexGuard};

use patungan_core::ledger as core;
use patungan_core::Currency;
use uuid::Uuid;

use crate::errors::{IntoFfiResult, PatunganError};
use crate::json::{id, parse, text};
use crate::{CostBreakdown, Money};

fn chart(currency: &str) -> Result<core::Chart, PatunganError> {
    Ok(core::Chart::new(currency.parse::<Currency>().ffi()?))
}

/// A double-entry ledger behind a lock.
#[derive(Debug, uniffi::Object)]
pub struct LedgerHandle {
    inner: Mutex<core::Ledger>,
}

impl LedgerHandle {
    pub(crate) fn lock(&self) -> MutexGuard<'_, core::Ledger> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[uniffi::export]
impl LedgerHandle {
    /// An empty ledger.
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(LedgerHandle {
            inner: Mutex::new(core::Ledger::new()),
        })
    }

    /// Restores a ledger from its JSON form, checking every invariant.
    #[uniffi::constructor]
    pub fn from_json(json: String) -> Result<Arc<Self>, PatunganError> {
        Ok(Arc::new(LedgerHandle {
            inner: Mutex::new(parse(&json)?),
        }))
    }

    /// The ledger's JSON form.
    pub fn to_json(&self) -> Result<String, PatunganError> {
        text(&*self.lock())
    }

    /// Opens an account (`AccountSpec` JSON): `"created"` or `"already_exists"`.
    pub fn open_json(&self, spec_json: String) -> Result<String, PatunganError> {
        let spec: core::AccountSpec = parse(&spec_json)?;
        text(&self.lock().open(spec).ffi()?).map(unquote)
    }

    /// Commits a linked batch (JSON array of transfers): a JSON array of outcomes.
    pub fn apply_json(&self, transfers_json: String) -> Result<String, PatunganError> {
        let transfers: Vec<core::Transfer> = parse(&transfers_json)?;
        text(&self.lock().apply(&transfers).ffi()?)
    }

    /// Executes a posting (JSON): a JSON array of outcomes.
    pub fn execute_json(&self, posting_json: String) -> Result<String, PatunganError> {
        let posting: core::Posting = parse(&posting_json)?;
        text(&self.lock().execute(&posting).ffi()?)
    }

    /// An account's four totals as JSON (`null` if it was never opened).
    pub fn balances_json(&self, account: String) -> Result<String, PatunganError> {
        let ledger = self.lock();
        text(&ledger.account(id(&account)?).map(|a| *a.balances()))
    }

    /// The reconciliation report as JSON, with the core's `clean` verdict added.
    pub fn reconcile_json(&self, terminal_sessions: Vec<String>) -> Result<String, PatunganError> {
        let terminal = terminal_sessions
            .iter()
            .map(|s| id(s))
            .collect::<Result<Vec<_>, _>>()?;
        let report = self.lock().reconcile(&terminal);
        let mut json = serde_json::to_value(&report).map_err(PatunganError::from_json)?;
        if let Some(map) = json.as_object_mut() {
            map.insert("clean".into(), report.is_clean().into());
        }
        text(&json)
    }

    /// Re-derives every balance from the journal and checks Σ debits = Σ credits.
    pub fn verify(&self) -> Result<(), PatunganError> {
        self.lock().verify().ffi()
    }
}

fn unquote(json: String) -> String {
    json.trim_matches('"').to_owned()
}

/// The id of a chart account (`"gateway_clearing"`, `{"session_escrow": id}` … as JSON).
#[uniffi::export]
pub fn chart_account_id(currency: String, account_json: String) -> Result<String, PatunganError> {
    let account: core::ChartAccount = parse(&account_json)?;
    Ok(chart(&currency)?.id(account).to_string())
}

/// The input of the `suspense_received` recipe: `{"anomaly": id, "amount": money}`.
#[derive(serde::Deserialize)]
struct SuspenseReceived {
    anomaly: Uuid,
    amount: patungan_core::Money,
}

/// The input of the `suspense_refund_settled` recipe:
/// `{"anomaly": id, "attempt": n, "result": "confirmed" | "failed"}`.
#[derive(serde::Deserialize)]
struct SuspenseRefundSettlement {
    anomaly: Uuid,
    attempt: u32,
    result: core::RefundResult,
}

/// The posting of a chart recipe (`payment_received`, `success_split`, `refund`,
/// `refund_settled`, `late_payment_refund`, `wallet_credit`, `wallet_debit`,
/// `suspense_received`, `suspense_refund`, `suspense_refund_settled`) for its input
/// JSON, as JSON. The suspense recipes take `{"anomaly", "amount"}`, a
/// `SuspenseRefund` and `{"anomaly", "attempt", "result"}`.
#[uniffi::export]
pub fn chart_recipe_json(
    currency: String,
    recipe: String,
    input_json: String,
) -> Result<String, PatunganError> {
    let chart = chart(&currency)?;
    let posting = match recipe.as_str() {
        "payment_received" => chart.payment_received(&parse(&input_json)?),
        "success_split" => chart.success_split(&parse(&input_json)?),
        "refund" => chart.refund(&parse(&input_json)?),
        "refund_settled" => chart.refund_settled(&parse(&input_json)?),
        "late_payment_refund" => chart.late_payment_refund(&parse(&input_json)?),
        "wallet_credit" => chart.wallet_credit(&parse(&input_json)?),
        "wallet_debit" => chart.wallet_debit(&parse(&input_json)?),
        "suspense_received" => {
            let input: SuspenseReceived = parse(&input_json)?;
            chart.suspense_received(input.anomaly, input.amount)
        }
        "suspense_refund" => chart.suspense_refund(&parse(&input_json)?),
        "suspense_refund_settled" => {
            let input: SuspenseRefundSettlement = parse(&input_json)?;
            chart.suspense_refund_settled(input.anomaly, input.attempt, input.result)
        }
        other => {
            return Err(PatunganError::invalid_argument(format!(
                "unknown recipe {other:?}"
            )))
        }
    };
    text(&posting)
}

/// Splits what a participant paid (`cost`) at `final_unit_price`: a `SuccessSplit` as JSON.
#[uniffi::export]
pub fn success_split_json(
    participant: String,
    session: String,
    user: String,
    cost: CostBreakdown,
    final_unit_price: Money,
) -> Result<String, PatunganError> {
    let split = core::SuccessSplit::from_cost(
        id(&participant)?,
        id(&session)?,
        id(&user)?,
        &cost.to_core()?,
        final_unit_price.to_core()?,
    )
    .ffi()?;
    text(&split)
}

/// `derive_uuid(base, purpose)`: the ledger's deterministic id derivation.
#[uniffi::export]
pub fn derive_uuid(base: String, purpose: u64) -> Result<String, PatunganError> {
    let base =
        Uuid::parse_str(&base).map_err(|e| PatunganError::invalid_argument(e.to_string()))?;
    Ok(core::derive_uuid(base, purpose).to_string())
}
