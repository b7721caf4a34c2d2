//! The double-entry escrow ledger (docs/domain.md §8): a native `Ledger`, the `Chart` of
//! accounts with its posting recipes, and reconciliation. Accounts, transfers,
//! postings and reports are records of `patungan.ledger`.

use std::collections::BTreeMap;

use patungan_core::ledger as core;
use patungan_core::Currency;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use uuid::Uuid;

use crate::cost::CostBreakdown;
use crate::errors::{json_error, IntoPyResult};
use crate::ids::id;
use crate::json::{core_value, record, record_from_value, records};
use crate::money::{currency, Money};

/// The snake_case name of a ledger outcome (`"created"` or `"already_exists"`).
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
/// Σ debits = Σ credits always. A refused operation raises and changes nothing.
#[pyclass(module = "patungan")]
#[derive(Default)]
pub struct Ledger(pub core::Ledger);

#[pymethods]
impl Ledger {
    #[new]
    fn new() -> Self {
        Ledger::default()
    }

    /// Restores a ledger from its JSON form, checking every invariant.
    #[staticmethod]
    fn from_json(json: &str) -> PyResult<Self> {
        serde_json::from_str(json).map(Ledger).map_err(json_error)
    }

    /// The ledger's JSON form (`{"accounts": [...], "transfers": [...]}`).
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.0).map_err(json_error)
    }

    /// Opens an account (`AccountSpec`); the identical spec again is `"already_exists"`.
    fn open(&mut self, spec: &Bound<'_, PyAny>) -> PyResult<&'static str> {
        let spec: core::AccountSpec = core_value(spec)?;
        self.0.open(spec).py().map(outcome)
    }

    /// Commits one transfer.
    fn apply_one(&mut self, transfer: &Bound<'_, PyAny>) -> PyResult<&'static str> {
        let transfer: core::Transfer = core_value(transfer)?;
        self.0.apply_one(&transfer).py().map(outcome)
    }

    /// Commits a linked batch of transfers, all or nothing.
    fn apply(&mut self, transfers: Vec<Bound<'_, PyAny>>) -> PyResult<Vec<&'static str>> {
        let transfers = transfers
            .iter()
            .map(core_value)
            .collect::<PyResult<Vec<core::Transfer>>>()?;
        self.0.apply(&transfers).py().map(outcomes)
    }

    /// Opens a `Posting`'s missing accounts and commits its transfers, all or nothing.
    fn execute(&mut self, posting: &Bound<'_, PyAny>) -> PyResult<Vec<&'static str>> {
        let posting: core::Posting = core_value(posting)?;
        self.0.execute(&posting).py().map(outcomes)
    }

    /// An account (`Account` record), or `None`.
    fn account<'py>(&self, py: Python<'py>, account: Uuid) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.0
            .account(id(account))
            .map(|a| record(py, "Account", a))
            .transpose()
    }

    /// An account's four totals (`Balances`), or `None` if it was never opened.
    fn balances<'py>(&self, py: Python<'py>, account: Uuid) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.0
            .account(id(account))
            .map(|a| record(py, "Balances", a.balances()))
            .transpose()
    }

    /// Every account, in opening order.
    #[getter]
    fn accounts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        records(py, "Account", self.0.accounts())
    }

    /// A committed transfer (`TransferRecord`), or `None`.
    fn transfer<'py>(
        &self,
        py: Python<'py>,
        transfer: Uuid,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.0
            .transfer(id(transfer))
            .map(|t| record(py, "TransferRecord", t))
            .transpose()
    }

    /// The journal, in commit order.
    #[getter]
    fn transfers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        records(py, "TransferRecord", self.0.transfers())
    }

    /// Summed balances per currency code.
    fn totals<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let totals: BTreeMap<Currency, core::Balances> = self.0.totals();
        let dict = PyDict::new(py);
        for (c, b) in totals {
            dict.set_item(c.code(), record(py, "Balances", &b)?)?;
        }
        Ok(dict)
    }

    /// Re-derives every balance from the journal and checks Σ debits = Σ credits.
    fn verify(&self) -> PyResult<()> {
        self.0.verify().py()
    }

    /// The reconciliation report; `terminal_sessions` are the finished sessions
    /// whose escrow must be empty. The record's `clean` is the core's verdict.
    #[pyo3(signature = (terminal_sessions = Vec::new()))]
    fn reconcile<'py>(
        &self,
        py: Python<'py>,
        terminal_sessions: Vec<Uuid>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let terminal: Vec<_> = terminal_sessions.into_iter().map(id).collect();
        let report = self.0.reconcile(&terminal);
        let mut json = serde_json::to_value(&report).map_err(json_error)?;
        if let Some(map) = json.as_object_mut() {
            map.insert("clean".into(), report.is_clean().into());
        }
        record_from_value(py, "ReconciliationReport", &json)
    }

    fn __len__(&self) -> usize {
        self.0.transfers().len()
    }

    fn __repr__(&self) -> String {
        format!(
            "Ledger({} accounts, {} transfers)",
            self.0.accounts().len(),
            self.0.transfers().len()
        )
    }
}

/// The chart of accounts of one currency: deterministic account ids and the
/// posting recipes of every money flow (each returns a `Posting` to `execute`).
#[pyclass(module = "patungan", frozen, eq)]
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Chart(pub core::Chart);

#[pymethods]
impl Chart {
    #[new]
    fn new(currency: &str) -> PyResult<Self> {
        Ok(Chart(core::Chart::new(self::currency(currency)?)))
    }

    /// The chart's currency code.
    #[getter]
    fn currency(&self) -> &'static str {
        self.0.currency().code()
    }

    /// The id of a chart account (a platform account name such as
    /// `"gateway_clearing"`, `SessionEscrowAccount(session)` or `WalletAccount(user)`).
    fn id(&self, account: &Bound<'_, PyAny>) -> PyResult<Uuid> {
        let account: core::ChartAccount = core_value(account)?;
        Ok(*self.0.id(account).as_uuid())
    }

    /// The `AccountSpec` of a chart account.
    fn spec<'py>(
        &self,
        py: Python<'py>,
        account: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let account: core::ChartAccount = core_value(account)?;
        record(py, "AccountSpec", &self.0.spec(account))
    }

    /// The escrow account id of `session`.
    fn escrow(&self, session: Uuid) -> Uuid {
        *self.0.escrow(id(session)).as_uuid()
    }

    /// The wallet account id of `user`.
    fn wallet(&self, user: Uuid) -> Uuid {
        *self.0.wallet(id(user)).as_uuid()
    }

    /// The nine platform-wide accounts (suspense last).
    fn platform_accounts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        records(py, "AccountSpec", &self.0.platform_accounts())
    }

    /// The transfer id of `payment_received` for `payment`.
    fn payment_transfer_id(&self, payment: Uuid) -> Uuid {
        *self.0.payment_transfer_id(id(payment)).as_uuid()
    }

    /// The transfer id of refund `attempt` of `payment`.
    fn refund_transfer_id(&self, payment: Uuid, attempt: u32) -> Uuid {
        *self.0.refund_transfer_id(id(payment), attempt).as_uuid()
    }

    /// The transfer id of a wallet credit with `reference`.
    fn credit_transfer_id(&self, reference: Uuid) -> Uuid {
        *self.0.credit_transfer_id(reference).as_uuid()
    }

    /// The transfer id of a wallet debit with `reference`.
    fn debit_transfer_id(&self, reference: Uuid) -> Uuid {
        *self.0.debit_transfer_id(reference).as_uuid()
    }

    /// The transfer id of `suspense_received` for `anomaly`.
    fn suspense_transfer_id(&self, anomaly: Uuid) -> Uuid {
        *self.0.suspense_transfer_id(anomaly).as_uuid()
    }

    /// The transfer id of refund `attempt` of the money held for `anomaly`.
    fn suspense_refund_transfer_id(&self, anomaly: Uuid, attempt: u32) -> Uuid {
        *self
            .0
            .suspense_refund_transfer_id(anomaly, attempt)
            .as_uuid()
    }

    /// Payment paid (`PaymentReceived`): gateway clearing → session escrow.
    fn payment_received<'py>(
        &self,
        py: Python<'py>,
        input: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        record(py, "Posting", &self.0.payment_received(&core_value(input)?))
    }

    /// A participant's share of a successful session (`SuccessSplit`).
    fn success_split<'py>(
        &self,
        py: Python<'py>,
        input: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        record(py, "Posting", &self.0.success_split(&core_value(input)?))
    }

    /// A full refund out of session escrow (`Refund`).
    fn refund<'py>(
        &self,
        py: Python<'py>,
        input: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        record(py, "Posting", &self.0.refund(&core_value(input)?))
    }

    /// The gateway's answer for a refund to the original method (`RefundSettlement`).
    fn refund_settled<'py>(
        &self,
        py: Python<'py>,
        input: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        record(py, "Posting", &self.0.refund_settled(&core_value(input)?))
    }

    /// A payment after settlement, received and refunded (`LatePayment`).
    fn late_payment_refund<'py>(
        &self,
        py: Python<'py>,
        input: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        record(
            py,
            "Posting",
            &self.0.late_payment_refund(&core_value(input)?),
        )
    }

    /// Money collected under a payment anomaly: gateway clearing → suspense.
    fn suspense_received<'py>(
        &self,
        py: Python<'py>,
        anomaly: Uuid,
        amount: &Money,
    ) -> PyResult<Bound<'py, PyAny>> {
        record(py, "Posting", &self.0.suspense_received(anomaly, amount.0))
    }

    /// A full refund out of suspense (`SuspenseRefund`): pending to the gateway
    /// (original method) or posted to the payer's wallet.
    fn suspense_refund<'py>(
        &self,
        py: Python<'py>,
        input: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        record(py, "Posting", &self.0.suspense_refund(&core_value(input)?))
    }

    /// The gateway's answer (`"confirmed"` or `"failed"`) to refund `attempt` out of
    /// suspense: post or void its hold.
    fn suspense_refund_settled<'py>(
        &self,
        py: Python<'py>,
        anomaly: Uuid,
        attempt: u32,
        result: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let result: core::RefundResult = core_value(result)?;
        record(
            py,
            "Posting",
            &self.0.suspense_refund_settled(anomaly, attempt, result),
        )
    }

    /// A wallet credit (`WalletCredit`).
    fn wallet_credit<'py>(
        &self,
        py: Python<'py>,
        input: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        record(py, "Posting", &self.0.wallet_credit(&core_value(input)?))
    }

    /// A purchase paid from a wallet (`WalletDebit`).
    fn wallet_debit<'py>(
        &self,
        py: Python<'py>,
        input: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        record(py, "Posting", &self.0.wallet_debit(&core_value(input)?))
    }

    fn __repr__(&self) -> String {
        format!("Chart('{}')", self.0.currency())
    }
}

/// Splits what a participant paid (`cost`) at `final_unit_price`: a `SuccessSplit`.
#[pyfunction]
pub fn success_split_from_cost<'py>(
    py: Python<'py>,
    participant: Uuid,
    session: Uuid,
    user: Uuid,
    cost: &CostBreakdown,
    final_unit_price: &Money,
) -> PyResult<Bound<'py, PyAny>> {
    let split = core::SuccessSplit::from_cost(
        id(participant),
        id(session),
        id(user),
        &cost.0,
        final_unit_price.0,
    )
    .py()?;
    record(py, "SuccessSplit", &split)
}

/// `derive_uuid(base, purpose)`: the deterministic id derivation of the ledger.
#[pyfunction]
pub fn derive_uuid(base: Uuid, purpose: u64) -> Uuid {
    core::derive_uuid(base, purpose)
}
