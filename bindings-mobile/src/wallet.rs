//! Wallets, withdrawals and the payout schedule through JSON-level entry points.

use std::num::NonZeroUsize;
use std::str::FromStr;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{NaiveTime, Weekday};
use patungan_core::ledger::Chart;
use patungan_core::wallet as core;
use patungan_core::Currency;

use crate::errors::{IntoFfiResult, PatunganError};
use crate::json::{id, instant, instant_text, parse, text};
use crate::ledger::LedgerHandle;

fn chart(currency: &str) -> Result<Chart, PatunganError> {
    Ok(Chart::new(currency.parse::<Currency>().ffi()?))
}

/// Credits a wallet (`WalletCredit` JSON): `"created"` or `"already_exists"`.
#[uniffi::export]
pub fn wallet_credit_json(
    ledger: Arc<LedgerHandle>,
    currency: String,
    credit_json: String,
) -> Result<String, PatunganError> {
    let credit = parse(&credit_json)?;
    let outcome = core::Wallets::new(chart(&currency)?)
        .credit(&mut ledger.lock(), &credit)
        .ffi()?;
    Ok(text(&outcome)?.trim_matches('"').to_owned())
}

/// A wallet's balance as JSON (`{"user", "posted", "held", "available"}`).
#[uniffi::export]
pub fn wallet_balance_json(
    ledger: Arc<LedgerHandle>,
    currency: String,
    user: String,
) -> Result<String, PatunganError> {
    let b = core::Wallets::new(chart(&currency)?)
        .balance(&ledger.lock(), id(&user)?)
        .ffi()?;
    text(&b)
}

/// The payout schedule: weekdays at a local time in an IANA zone.
#[derive(Debug, uniffi::Object)]
pub struct WithdrawalSchedule {
    inner: core::WithdrawalSchedule,
}

#[uniffi::export]
impl WithdrawalSchedule {
    /// `weekdays` (`"Tue"` …) at `local_time` (`"10:00:00"`) in `zone` (`"Asia/Jakarta"`).
    #[uniffi::constructor]
    pub fn new(
        weekdays: Vec<String>,
        local_time: String,
        zone: String,
    ) -> Result<Arc<Self>, PatunganError> {
        let days = weekdays
            .iter()
            .map(|d| {
                Weekday::from_str(d)
                    .map_err(|_| PatunganError::invalid_argument(format!("{d:?} is not a weekday")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let time = NaiveTime::from_str(&local_time).map_err(|e| {
            PatunganError::invalid_argument(format!("{local_time:?} is not a time of day: {e}"))
        })?;
        let zone = core::WithdrawalSchedule::parse_zone(&zone).ffi()?;
        let inner = core::WithdrawalSchedule::new(days, time, zone).ffi()?;
        Ok(Arc::new(WithdrawalSchedule { inner }))
    }

    /// docs/domain.md §9: Tuesday and Friday at 10:00 Asia/Jakarta.
    #[uniffi::constructor]
    pub fn default_schedule() -> Arc<Self> {
        Arc::new(WithdrawalSchedule {
            inner: core::WithdrawalSchedule::default(),
        })
    }

    /// The most recent scheduled instant at or before `now` (RFC 3339).
    pub fn last_instant_at_or_before(&self, now: String) -> Result<Option<String>, PatunganError> {
        Ok(self
            .inner
            .last_instant_at_or_before(instant(&now)?)
            .map(instant_text))
    }

    /// The first scheduled instant strictly after `now` (RFC 3339).
    pub fn next_after(&self, now: String) -> Result<Option<String>, PatunganError> {
        Ok(self.inner.next_after(instant(&now)?).map(instant_text))
    }
}

/// Every withdrawal and the withdrawal rules; operations take the ledger they post to.
#[derive(Debug, uniffi::Object)]
pub struct WithdrawalsHandle {
    inner: Mutex<core::Withdrawals>,
}

impl WithdrawalsHandle {
    fn lock(&self) -> MutexGuard<'_, core::Withdrawals> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[uniffi::export]
impl WithdrawalsHandle {
    /// Withdrawals in `currency` under `policy_json` (none: docs/domain.md §9's default).
    #[uniffi::constructor]
    pub fn new(currency: String, policy_json: Option<String>) -> Result<Arc<Self>, PatunganError> {
        let policy = match policy_json {
            Some(json) => parse(&json)?,
            None => core::WithdrawalPolicy::default(),
        };
        let inner = core::Withdrawals::new(chart(&currency)?, policy).ffi()?;
        Ok(Arc::new(WithdrawalsHandle {
            inner: Mutex::new(inner),
        }))
    }

    /// The JSON form (chart, policy, withdrawals, last planned run).
    pub fn to_json(&self) -> Result<String, PatunganError> {
        text(&*self.lock())
    }

    /// A withdrawal as JSON (`null` if unknown).
    pub fn get_json(&self, withdrawal: String) -> Result<String, PatunganError> {
        text(&self.lock().get(id(&withdrawal)?))
    }

    /// Validates a request (JSON) and holds its amount: `"created"` or `"already_exists"`.
    pub fn request_json(
        &self,
        ledger: Arc<LedgerHandle>,
        request_json: String,
    ) -> Result<String, PatunganError> {
        let request = parse(&request_json)?;
        let outcome = self.lock().request(&mut ledger.lock(), request).ffi()?;
        Ok(text(&outcome)?.trim_matches('"').to_owned())
    }

    /// Plans the batch run at `now` and marks its items as sent: a JSON array of batches.
    pub fn plan_json(
        &self,
        now: String,
        schedule: Arc<WithdrawalSchedule>,
        max_items: u64,
    ) -> Result<String, PatunganError> {
        let max_items = usize::try_from(max_items)
            .ok()
            .and_then(NonZeroUsize::new)
            .ok_or_else(|| {
                PatunganError::invalid_argument("max_items must be at least 1".into())
            })?;
        let batches = self.lock().plan(
            instant(&now)?,
            &schedule.inner,
            core::BatchLimits { max_items },
        );
        text(&batches)
    }

    /// Applies the gateway's result (JSON): `"completed"`, `"failed"`, `"requeued"` or `"unchanged"`.
    pub fn apply_result_json(
        &self,
        ledger: Arc<LedgerHandle>,
        result_json: String,
    ) -> Result<String, PatunganError> {
        let result = parse(&result_json)?;
        let effect = self
            .lock()
            .apply_result(&mut ledger.lock(), &result)
            .ffi()?;
        Ok(text(&effect)?.trim_matches('"').to_owned())
    }

    /// Credits a reversed payout back to the wallet: `"created"` or `"already_exists"`.
    pub fn reverse(
        &self,
        ledger: Arc<LedgerHandle>,
        withdrawal: String,
    ) -> Result<String, PatunganError> {
        let outcome = self
            .lock()
            .reverse(&mut ledger.lock(), id(&withdrawal)?)
            .ffi()?;
        Ok(text(&outcome)?.trim_matches('"').to_owned())
    }
}
