//! Wallets, the withdrawal state machine, the payout schedule and batch planning
//! (docs/domain.md §9). `Wallets` and `Withdrawals` act on a `Ledger` passed in.

use std::num::NonZeroUsize;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc, Weekday};
use patungan_core::ledger::Chart;
use patungan_core::wallet as core;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString};
use uuid::Uuid;

use crate::errors::{json_error, IntoPyResult};
use crate::ids::id;
use crate::json::{core_value, record, records};
use crate::ledger::{outcome, Ledger};
use crate::money::currency;
use crate::time::utc_datetime;

fn limits(max_items: usize) -> PyResult<core::BatchLimits> {
    NonZeroUsize::new(max_items)
        .map(|max_items| core::BatchLimits { max_items })
        .ok_or_else(|| PyValueError::new_err("max_items must be at least 1"))
}

fn payout_effect(e: core::PayoutEffect) -> &'static str {
    match e {
        core::PayoutEffect::Completed => "completed",
        core::PayoutEffect::Failed => "failed",
        core::PayoutEffect::Requeued => "requeued",
        core::PayoutEffect::Unchanged => "unchanged",
    }
}

/// Wallet rules over a `Ledger` in one currency: credits with unique references
/// (a repeat is a no-op), debits never below zero.
#[pyclass(module = "patungan", frozen)]
pub struct Wallets(pub core::Wallets);

#[pymethods]
impl Wallets {
    #[new]
    fn new(currency: &str) -> PyResult<Self> {
        Ok(Wallets(core::Wallets::new(Chart::new(self::currency(
            currency,
        )?))))
    }

    /// `user`'s `WalletBalance` (zero when never credited).
    fn balance<'py>(
        &self,
        py: Python<'py>,
        ledger: &Ledger,
        user: Uuid,
    ) -> PyResult<Bound<'py, PyAny>> {
        let b = self.0.balance(&ledger.0, id(user)).py()?;
        record(py, "WalletBalance", &b)
    }

    /// Credits a wallet (`WalletCredit`): `"created"` or `"already_exists"`.
    fn credit(
        &self,
        mut ledger: PyRefMut<'_, Ledger>,
        credit: &Bound<'_, PyAny>,
    ) -> PyResult<&'static str> {
        let credit = core_value(credit)?;
        self.0.credit(&mut ledger.0, &credit).py().map(outcome)
    }

    /// Debits a wallet for a purchase (`WalletDebit`).
    fn debit(
        &self,
        mut ledger: PyRefMut<'_, Ledger>,
        debit: &Bound<'_, PyAny>,
    ) -> PyResult<&'static str> {
        let debit = core_value(debit)?;
        self.0.debit(&mut ledger.0, &debit).py().map(outcome)
    }
}

/// The payout schedule: weekdays at a local time in an IANA zone (default Tuesday
/// and Friday 10:00 Asia/Jakarta).
#[pyclass(module = "patungan", frozen, eq)]
#[derive(Clone, PartialEq, Eq)]
pub struct WithdrawalSchedule(pub core::WithdrawalSchedule);

fn local_time(value: &Bound<'_, PyAny>) -> PyResult<NaiveTime> {
    if let Ok(s) = value.cast::<PyString>() {
        let s = s.to_cow()?;
        let s = s.as_ref();
        NaiveTime::from_str(s)
            .map_err(|e| PyValueError::new_err(format!("{s:?} is not a time of day: {e}")))
    } else {
        value
            .extract::<NaiveTime>()
            .map_err(|_| PyTypeError::new_err("local_time must be a datetime.time or 'HH:MM[:SS]'"))
    }
}

#[pymethods]
impl WithdrawalSchedule {
    #[new]
    fn new(weekdays: Vec<String>, local_time: &Bound<'_, PyAny>, zone: &str) -> PyResult<Self> {
        let days = weekdays
            .iter()
            .map(|d| {
                Weekday::from_str(d).map_err(|_| {
                    PyValueError::new_err(format!("{d:?} is not a weekday (e.g. 'Tue')"))
                })
            })
            .collect::<PyResult<Vec<_>>>()?;
        let zone = core::WithdrawalSchedule::parse_zone(zone).py()?;
        core::WithdrawalSchedule::new(days, self::local_time(local_time)?, zone)
            .py()
            .map(WithdrawalSchedule)
    }

    /// docs/domain.md §9: Tuesday and Friday at 10:00 Asia/Jakarta (03:00 UTC).
    #[staticmethod]
    fn default() -> Self {
        WithdrawalSchedule(core::WithdrawalSchedule::default())
    }

    /// Reads a schedule from its JSON form.
    #[staticmethod]
    fn from_json(json: &str) -> PyResult<Self> {
        serde_json::from_str(json)
            .map(WithdrawalSchedule)
            .map_err(json_error)
    }

    /// The schedule's JSON form.
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.0).map_err(json_error)
    }

    /// The weekdays, Monday first (`"Mon"` … `"Sun"`).
    #[getter]
    fn weekdays(&self) -> Vec<String> {
        self.0.weekdays().iter().map(|d| d.to_string()).collect()
    }

    /// The local time of day.
    #[getter]
    fn local_time(&self) -> NaiveTime {
        self.0.local_time()
    }

    /// The IANA zone name.
    #[getter]
    fn zone(&self) -> &'static str {
        self.0.zone().name()
    }

    /// The scheduled instant on local `date`, or `None` if not a scheduled weekday.
    fn instant_on(&self, date: NaiveDate) -> Option<DateTime<Utc>> {
        self.0.instant_on(date)
    }

    /// The most recent scheduled instant at or before `now`.
    fn last_instant_at_or_before(&self, now: &Bound<'_, PyAny>) -> PyResult<Option<DateTime<Utc>>> {
        Ok(self.0.last_instant_at_or_before(utc_datetime(now)?))
    }

    /// The first scheduled instant strictly after `now`.
    fn next_after(&self, now: &Bound<'_, PyAny>) -> PyResult<Option<DateTime<Utc>>> {
        Ok(self.0.next_after(utc_datetime(now)?))
    }

    fn __repr__(&self) -> String {
        format!(
            "WithdrawalSchedule({:?}, '{}', '{}')",
            self.weekdays(),
            self.0.local_time(),
            self.0.zone().name()
        )
    }
}

/// Every withdrawal and the withdrawal rules, driven with a `Ledger` passed in:
/// `request` holds the amount, `plan` batches queued withdrawals at the scheduled
/// run, `apply_result` posts, voids or re-queues, `reverse` credits a reversed payout
/// back. Replays are no-ops; refused calls raise and change nothing.
#[pyclass(module = "patungan")]
pub struct Withdrawals(pub core::Withdrawals);

#[pymethods]
impl Withdrawals {
    #[new]
    #[pyo3(signature = (currency, policy = None))]
    fn new(currency: &str, policy: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let chart = Chart::new(self::currency(currency)?);
        let policy = match policy {
            Some(p) => core_value(p)?,
            None => core::WithdrawalPolicy::default(),
        };
        core::Withdrawals::new(chart, policy).py().map(Withdrawals)
    }

    /// Restores withdrawals from their JSON form.
    #[staticmethod]
    fn from_json(json: &str) -> PyResult<Self> {
        serde_json::from_str(json)
            .map(Withdrawals)
            .map_err(json_error)
    }

    /// The JSON form (chart, policy, every withdrawal, the last planned run).
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.0).map_err(json_error)
    }

    /// The rules in force (a `WithdrawalPolicy` record).
    #[getter]
    fn policy<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        record(py, "WithdrawalPolicy", self.0.policy())
    }

    /// The withdrawal with this id (a `Withdrawal` record), or `None`.
    fn get<'py>(&self, py: Python<'py>, withdrawal: Uuid) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.0
            .get(id(withdrawal))
            .map(|w| record(py, "Withdrawal", w))
            .transpose()
    }

    /// Every withdrawal, by id.
    fn all<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list: Vec<&core::Withdrawal> = self.0.iter().collect();
        records(py, "Withdrawal", &list)
    }

    fn __len__(&self) -> usize {
        self.0.len()
    }

    /// The cutoff of the last planned run.
    #[getter]
    fn last_planned(&self) -> Option<DateTime<Utc>> {
        self.0.last_planned()
    }

    /// The two pending transfer ids (net, fee) holding a withdrawal's amount.
    #[staticmethod]
    fn hold_ids(withdrawal: Uuid) -> (Uuid, Uuid) {
        let [net, fee] = core::Withdrawals::hold_ids(id(withdrawal));
        (*net.as_uuid(), *fee.as_uuid())
    }

    /// Validates a `WithdrawalRequest` and holds its amount: `"created"` or
    /// `"already_exists"` (the identical request again).
    fn request(
        &mut self,
        mut ledger: PyRefMut<'_, Ledger>,
        request: &Bound<'_, PyAny>,
    ) -> PyResult<&'static str> {
        let request = core_value(request)?;
        self.0.request(&mut ledger.0, request).py().map(outcome)
    }

    /// Plans the batch run at `now` and marks its items as sent: a list of `Batch`.
    #[pyo3(signature = (now, schedule = None, max_items = 1000))]
    fn plan<'py>(
        &mut self,
        py: Python<'py>,
        now: &Bound<'py, PyAny>,
        schedule: Option<&WithdrawalSchedule>,
        max_items: usize,
    ) -> PyResult<Bound<'py, PyList>> {
        let default = core::WithdrawalSchedule::default();
        let schedule = schedule.map_or(&default, |s| &s.0);
        let batches = self
            .0
            .plan(utc_datetime(now)?, schedule, limits(max_items)?);
        records(py, "Batch", &batches)
    }

    /// Applies the gateway's `PayoutResult`: `"completed"`, `"failed"`, `"requeued"`
    /// or `"unchanged"`.
    fn apply_result(
        &mut self,
        mut ledger: PyRefMut<'_, Ledger>,
        result: &Bound<'_, PyAny>,
    ) -> PyResult<&'static str> {
        let result = core_value(result)?;
        self.0
            .apply_result(&mut ledger.0, &result)
            .py()
            .map(payout_effect)
    }

    /// Credits a reversed payout back to the wallet.
    fn reverse(
        &mut self,
        mut ledger: PyRefMut<'_, Ledger>,
        withdrawal: Uuid,
    ) -> PyResult<&'static str> {
        self.0
            .reverse(&mut ledger.0, id(withdrawal))
            .py()
            .map(outcome)
    }

    fn __repr__(&self) -> String {
        format!("Withdrawals({} withdrawals)", self.0.len())
    }
}

/// Plans payout batches from `withdrawals` (`Withdrawal` records) at `now`
/// without changing anything: cutoff at the most recent scheduled instant,
/// (requested_at, id) order, at most `max_items` per batch.
#[pyfunction]
#[pyo3(signature = (withdrawals, now, schedule = None, max_items = 1000))]
pub fn plan_batches<'py>(
    py: Python<'py>,
    withdrawals: Vec<Bound<'py, PyAny>>,
    now: &Bound<'py, PyAny>,
    schedule: Option<&WithdrawalSchedule>,
    max_items: usize,
) -> PyResult<Bound<'py, PyList>> {
    let list = withdrawals
        .iter()
        .map(core_value)
        .collect::<PyResult<Vec<core::Withdrawal>>>()?;
    let default = core::WithdrawalSchedule::default();
    let schedule = schedule.map_or(&default, |s| &s.0);
    let batches = core::plan_batches(&list, utc_datetime(now)?, schedule, limits(max_items)?);
    records(py, "Batch", &batches)
}

/// The default withdrawal policy (docs/domain.md §9) as a `WithdrawalPolicy` record.
#[pyfunction]
pub fn default_withdrawal_policy(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    record(py, "WithdrawalPolicy", &core::WithdrawalPolicy::default())
}
