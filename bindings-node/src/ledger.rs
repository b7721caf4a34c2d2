//! The double-entry escrow ledger (docs/domain.md §8): `Ledger`, the `Chart` of accounts
//! with its posting recipes, and reconciliation. Accounts, transfers, postings and
//! reports are records in the core's JSON form.

use napi::bindgen_prelude::Unknown;
use napi::{Either, Env};
use napi_derive::napi;
use patungan_core::ledger as core;
use uuid::Uuid;

use crate::errors::{invalid_arg, json_error, IntoJsResult, Result};
use crate::ids::{id, string};
use crate::json::{core_value, js, parse, text};
use crate::money::Money;

/// The snake_case name of a ledger outcome.
pub fn outcome(o: core::Outcome) -> &'static str {
    match o {
        core::Outcome::Created => "created",
        core::Outcome::AlreadyExists => "already_exists",
    }
}

fn outcomes(list: Vec<core::Outcome>) -> Vec<&'static str> {
    list.into_iter().map(outcome).collect()
}

/// A double-entry ledger with TigerBeetle semantics: caller-chosen ids as
/// idempotency keys, pending → post/void, linked batches all-or-nothing,
/// Σ debits = Σ credits always. A refused operation throws and changes nothing.
#[napi]
#[derive(Default)]
pub struct Ledger {
    pub(crate) inner: core::Ledger,
}

#[napi]
impl Ledger {
    /// An empty ledger.
    #[napi(constructor)]
    pub fn new() -> Self {
        Ledger::default()
    }

    /// Restores a ledger from its JSON form, checking every invariant.
    #[napi(factory)]
    pub fn from_json(json: String) -> Result<Self> {
        Ok(Ledger {
            inner: parse(&json)?,
        })
    }

    /// The ledger's JSON form (`{"accounts": [...], "transfers": [...]}`).
    #[napi]
    pub fn to_json(&self) -> Result<String> {
        text(&self.inner)
    }

    /// Opens an account; the identical spec again is `"already_exists"`.
    #[napi(ts_args_type = "spec: AccountSpec", ts_return_type = "LedgerOutcome")]
    pub fn open(&mut self, env: Env, spec: Unknown<'_>) -> Result<&'static str> {
        let spec: core::AccountSpec = core_value(&env, spec)?;
        self.inner.open(spec).js().map(outcome)
    }

    /// Commits one transfer.
    #[napi(ts_args_type = "transfer: Transfer", ts_return_type = "LedgerOutcome")]
    pub fn apply_one(&mut self, env: Env, transfer: Unknown<'_>) -> Result<&'static str> {
        let transfer: core::Transfer = core_value(&env, transfer)?;
        self.inner.apply_one(&transfer).js().map(outcome)
    }

    /// Commits a linked batch of transfers, all or nothing.
    #[napi(
        ts_args_type = "transfers: Transfer[]",
        ts_return_type = "LedgerOutcome[]"
    )]
    pub fn apply(&mut self, env: Env, transfers: Unknown<'_>) -> Result<Vec<&'static str>> {
        let transfers: Vec<core::Transfer> = core_value(&env, transfers)?;
        self.inner.apply(&transfers).js().map(outcomes)
    }

    /// Opens a posting's missing accounts and commits its transfers, all or nothing.
    #[napi(ts_args_type = "posting: Posting", ts_return_type = "LedgerOutcome[]")]
    pub fn execute(&mut self, env: Env, posting: Unknown<'_>) -> Result<Vec<&'static str>> {
        let posting: core::Posting = core_value(&env, posting)?;
        self.inner.execute(&posting).js().map(outcomes)
    }

    /// An account, or `null`.
    #[napi(ts_return_type = "Account | null")]
    pub fn account<'env>(&self, env: Env, account: String) -> Result<Unknown<'env>> {
        js(&env, &self.inner.account(id(&account)?))
    }

    /// An account's four totals, or `null` if it was never opened.
    #[napi(ts_return_type = "Balances | null")]
    pub fn balances<'env>(&self, env: Env, account: String) -> Result<Unknown<'env>> {
        js(
            &env,
            &self.inner.account(id(&account)?).map(|a| a.balances()),
        )
    }

    /// Every account, in opening order.
    #[napi(getter, ts_return_type = "Account[]")]
    pub fn accounts<'env>(&self, env: Env) -> Result<Unknown<'env>> {
        js(&env, &self.inner.accounts())
    }

    /// A committed transfer, or `null`.
    #[napi(ts_return_type = "TransferRecord | null")]
    pub fn transfer<'env>(&self, env: Env, transfer: String) -> Result<Unknown<'env>> {
        js(&env, &self.inner.transfer(id(&transfer)?))
    }

    /// The journal, in commit order.
    #[napi(getter, ts_return_type = "TransferRecord[]")]
    pub fn transfers<'env>(&self, env: Env) -> Result<Unknown<'env>> {
        js(&env, &self.inner.transfers())
    }

    /// Summed balances per currency code.
    #[napi(ts_return_type = "Record<string, Balances>")]
    pub fn totals<'env>(&self, env: Env) -> Result<Unknown<'env>> {
        js(&env, &self.inner.totals())
    }

    /// Re-derives every balance from the journal and checks Σ debits = Σ credits.
    #[napi]
    pub fn verify(&self) -> Result<()> {
        self.inner.verify().js()
    }

    /// The reconciliation report for the finished `terminalSessions`; `clean` is
    /// the core's verdict.
    #[napi(ts_return_type = "ReconciliationReport")]
    pub fn reconcile<'env>(
        &self,
        env: Env,
        terminal_sessions: Option<Vec<String>>,
    ) -> Result<Unknown<'env>> {
        let terminal = terminal_sessions
            .unwrap_or_default()
            .iter()
            .map(|s| id(s))
            .collect::<Result<Vec<_>>>()?;
        let report = self.inner.reconcile(&terminal);
        let mut json = serde_json::to_value(&report).map_err(crate::errors::json_error)?;
        if let Some(map) = json.as_object_mut() {
            map.insert("clean".into(), report.is_clean().into());
        }
        js(&env, &json)
    }

    /// Transfers committed.
    #[napi(getter)]
    pub fn length(&self) -> f64 {
        self.inner.transfers().len() as f64
    }
}

/// The chart of accounts of one currency: deterministic account ids and the
/// posting recipes of every money flow (each returns a `Posting` to `execute`).
#[napi]
pub struct Chart {
    pub(crate) inner: core::Chart,
}

#[napi]
impl Chart {
    /// The chart of `currency` (e.g. `"IDR"`).
    #[napi(constructor)]
    pub fn new(currency: String) -> Result<Self> {
        let currency = currency.parse::<patungan_core::Currency>().js()?;
        Ok(Chart {
            inner: core::Chart::new(currency),
        })
    }

    /// The chart's currency code.
    #[napi(getter)]
    pub fn currency(&self) -> &'static str {
        self.inner.currency().code()
    }

    /// The id of a chart account (`"gateway_clearing"`, `{ session_escrow: id }`, `{ wallet: id }` …).
    #[napi(ts_args_type = "account: ChartAccount")]
    pub fn id(&self, env: Env, account: Unknown<'_>) -> Result<String> {
        let account: core::ChartAccount = core_value(&env, account)?;
        Ok(string(self.inner.id(account)))
    }

    /// The account spec of a chart account.
    #[napi(ts_args_type = "account: ChartAccount", ts_return_type = "AccountSpec")]
    pub fn spec<'env>(&self, env: Env, account: Unknown<'_>) -> Result<Unknown<'env>> {
        let account: core::ChartAccount = core_value(&env, account)?;
        js(&env, &self.inner.spec(account))
    }

    /// The escrow account id of `session`.
    #[napi]
    pub fn escrow(&self, session: String) -> Result<String> {
        Ok(string(self.inner.escrow(id(&session)?)))
    }

    /// The wallet account id of `user`.
    #[napi]
    pub fn wallet(&self, user: String) -> Result<String> {
        Ok(string(self.inner.wallet(id(&user)?)))
    }

    /// The nine platform-wide accounts (suspense last).
    #[napi(ts_return_type = "AccountSpec[]")]
    pub fn platform_accounts<'env>(&self, env: Env) -> Result<Unknown<'env>> {
        js(&env, &self.inner.platform_accounts())
    }

    /// The transfer id of `paymentReceived` for `payment`.
    #[napi]
    pub fn payment_transfer_id(&self, payment: String) -> Result<String> {
        Ok(string(self.inner.payment_transfer_id(id(&payment)?)))
    }

    /// The transfer id of refund `attempt` of `payment`.
    #[napi]
    pub fn refund_transfer_id(&self, payment: String, attempt: u32) -> Result<String> {
        Ok(string(
            self.inner.refund_transfer_id(id(&payment)?, attempt),
        ))
    }

    /// The transfer id of a wallet credit with `reference`.
    #[napi]
    pub fn credit_transfer_id(&self, reference: String) -> Result<String> {
        Ok(string(self.inner.credit_transfer_id(id(&reference)?)))
    }

    /// The transfer id of a wallet debit with `reference`.
    #[napi]
    pub fn debit_transfer_id(&self, reference: String) -> Result<String> {
        Ok(string(self.inner.debit_transfer_id(id(&reference)?)))
    }

    /// The transfer id of `suspenseReceived` for `anomaly`.
    #[napi]
    pub fn suspense_transfer_id(&self, anomaly: String) -> Result<String> {
        let anomaly: Uuid = id(&anomaly)?;
        Ok(self.inner.suspense_transfer_id(anomaly).to_string())
    }

    /// The transfer id of refund `attempt` of the money held for `anomaly`.
    #[napi]
    pub fn suspense_refund_transfer_id(&self, anomaly: String, attempt: u32) -> Result<String> {
        let anomaly: Uuid = id(&anomaly)?;
        Ok(self
            .inner
            .suspense_refund_transfer_id(anomaly, attempt)
            .to_string())
    }

    /// Payment paid: gateway clearing → session escrow.
    #[napi(ts_args_type = "input: PaymentReceived", ts_return_type = "Posting")]
    pub fn payment_received<'env>(&self, env: Env, input: Unknown<'_>) -> Result<Unknown<'env>> {
        js(
            &env,
            &self.inner.payment_received(&core_value(&env, input)?),
        )
    }

    /// A participant's share of a successful session.
    #[napi(ts_args_type = "input: SuccessSplit", ts_return_type = "Posting")]
    pub fn success_split<'env>(&self, env: Env, input: Unknown<'_>) -> Result<Unknown<'env>> {
        js(&env, &self.inner.success_split(&core_value(&env, input)?))
    }

    /// A full refund out of session escrow.
    #[napi(ts_args_type = "input: Refund", ts_return_type = "Posting")]
    pub fn refund<'env>(&self, env: Env, input: Unknown<'_>) -> Result<Unknown<'env>> {
        js(&env, &self.inner.refund(&core_value(&env, input)?))
    }

    /// The gateway's answer for a refund to the original method.
    #[napi(ts_args_type = "input: RefundSettlement", ts_return_type = "Posting")]
    pub fn refund_settled<'env>(&self, env: Env, input: Unknown<'_>) -> Result<Unknown<'env>> {
        js(&env, &self.inner.refund_settled(&core_value(&env, input)?))
    }

    /// A payment after settlement, received and refunded.
    #[napi(ts_args_type = "input: LatePayment", ts_return_type = "Posting")]
    pub fn late_payment_refund<'env>(&self, env: Env, input: Unknown<'_>) -> Result<Unknown<'env>> {
        js(
            &env,
            &self.inner.late_payment_refund(&core_value(&env, input)?),
        )
    }

    /// Money collected under a payment anomaly: gateway clearing → suspense.
    #[napi(ts_return_type = "Posting")]
    pub fn suspense_received<'env>(
        &self,
        env: Env,
        anomaly: String,
        amount: Money,
    ) -> Result<Unknown<'env>> {
        let anomaly: Uuid = id(&anomaly)?;
        js(
            &env,
            &self.inner.suspense_received(anomaly, amount.to_core()?),
        )
    }

    /// A full refund out of suspense: pending to the gateway (original method) or
    /// posted to the payer's wallet.
    #[napi(ts_args_type = "input: SuspenseRefund", ts_return_type = "Posting")]
    pub fn suspense_refund<'env>(&self, env: Env, input: Unknown<'_>) -> Result<Unknown<'env>> {
        js(&env, &self.inner.suspense_refund(&core_value(&env, input)?))
    }

    /// The gateway's answer (`'confirmed'` or `'failed'`) to refund `attempt` out of
    /// suspense: post or void its hold.
    #[napi(
        ts_args_type = "anomaly: string, attempt: number, result: RefundResult",
        ts_return_type = "Posting"
    )]
    pub fn suspense_refund_settled<'env>(
        &self,
        env: Env,
        anomaly: String,
        attempt: u32,
        result: String,
    ) -> Result<Unknown<'env>> {
        let anomaly: Uuid = id(&anomaly)?;
        let result: core::RefundResult =
            serde_json::from_value(serde_json::Value::String(result)).map_err(json_error)?;
        js(
            &env,
            &self.inner.suspense_refund_settled(anomaly, attempt, result),
        )
    }

    /// A wallet credit.
    #[napi(ts_args_type = "input: WalletCredit", ts_return_type = "Posting")]
    pub fn wallet_credit<'env>(&self, env: Env, input: Unknown<'_>) -> Result<Unknown<'env>> {
        js(&env, &self.inner.wallet_credit(&core_value(&env, input)?))
    }

    /// A purchase paid from a wallet.
    #[napi(ts_args_type = "input: WalletDebit", ts_return_type = "Posting")]
    pub fn wallet_debit<'env>(&self, env: Env, input: Unknown<'_>) -> Result<Unknown<'env>> {
        js(&env, &self.inner.wallet_debit(&core_value(&env, input)?))
    }
}

/// Splits what a participant paid (`cost`, in the core's JSON form) at `finalUnitPrice`.
#[napi(
    ts_args_type = "participant: string, session: string, user: string, cost: CostBreakdownRecord, finalUnitPrice: Money",
    ts_return_type = "SuccessSplit"
)]
pub fn success_split_from_cost<'env>(
    env: Env,
    participant: String,
    session: String,
    user: String,
    cost: Unknown<'_>,
    final_unit_price: Money,
) -> Result<Unknown<'env>> {
    let cost: patungan_core::CostBreakdown = core_value(&env, cost)?;
    let split = core::SuccessSplit::from_cost(
        id(&participant)?,
        id(&session)?,
        id(&user)?,
        &cost,
        final_unit_price.to_core()?,
    )
    .js()?;
    js(&env, &split)
}

/// `deriveUuid(base, purpose)`: the ledger's deterministic id derivation; `purpose`
/// is a u64 (a `bigint`, or a number/decimal string for exact values).
#[napi]
pub fn derive_uuid(
    base: String,
    purpose: Either<napi::bindgen_prelude::BigInt, String>,
) -> Result<String> {
    let purpose = match purpose {
        Either::A(big) => {
            let (negative, value, lossless) = big.get_u64();
            if negative || !lossless {
                return Err(invalid_arg("purpose must be a u64".into()));
            }
            value
        }
        Either::B(text) => text
            .parse::<u64>()
            .map_err(|e| invalid_arg(format!("purpose {text:?} is not a u64: {e}")))?,
    };
    let base = Uuid::parse_str(&base).map_err(|e| invalid_arg(e.to_string()))?;
    Ok(core::derive_uuid(base, purpose).to_string())
}
