//! Wallets, the withdrawal state machine, the payout schedule and batch planning
//! (docs/domain.md §9). `Wallets` and `Withdrawals` act on a `Ledger` passed in.

use std::num::NonZeroUsize;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc, Weekday};
use napi::bindgen_prelude::{Null, Unknown};
use napi::{Either, Env};
use napi_derive::napi;
use patungan_core::ledger::Chart;
use patungan_core::wallet as core;

use crate::errors::{invalid_arg, IntoJsResult, Result};
use crate::ids::id;
use crate::json::{core_value, js, parse, text};
use crate::ledger::{outcome, Ledger};
use crate::tier::nullable;
use crate::time::{utc, Instant};

fn limits(max_items: Option<f64>) -> Result<core::BatchLimits> {
    let n = crate::numbers::quantity("maxItems", max_items.unwrap_or(1000.0))?;
    usize::try_from(n)
        .ok()
        .and_then(NonZeroUsize::new)
        .map(|max_items| core::BatchLimits { max_items })
        .ok_or_else(|| invalid_arg("maxItems must be at least 1".into()))
}

fn currency_chart(currency: &str) -> Result<Chart> {
    Ok(Chart::new(
        currency.parse::<patungan_core::Currency>().js()?,
    ))
}

/// Wallet rules over a `Ledger` in one currency: credits with unique references
/// (a repeat is a no-op), debits never below zero.
#[napi]
pub struct Wallets {
    inner: core::Wallets,
}

#[napi]
impl Wallets {
    /// Wallets in `currency`.
    #[napi(constructor)]
    pub fn new(currency: String) -> Result<Self> {
        Ok(Wallets {
            inner: core::Wallets::new(currency_chart(&currency)?),
        })
    }

    /// `user`'s balance (zero when never credited).
    #[napi(ts_return_type = "WalletBalance")]
    pub fn balance<'env>(&self, env: Env, ledger: &Ledger, user: String) -> Result<Unknown<'env>> {
        let b = self.inner.balance(&ledger.inner, id(&user)?).js()?;
        js(&env, &b)
    }

    /// Credits a wallet: `"created"` or `"already_exists"`.
    #[napi(
        ts_args_type = "ledger: Ledger, credit: WalletCredit",
        ts_return_type = "LedgerOutcome"
    )]
    pub fn credit(
        &self,
        env: Env,
        ledger: &mut Ledger,
        credit: Unknown<'_>,
    ) -> Result<&'static str> {
        let credit = core_value(&env, credit)?;
        self.inner
            .credit(&mut ledger.inner, &credit)
            .js()
            .map(outcome)
    }

    /// Debits a wallet for a purchase.
    #[napi(
        ts_args_type = "ledger: Ledger, debit: WalletDebit",
        ts_return_type = "LedgerOutcome"
    )]
    pub fn debit(&self, env: Env, ledger: &mut Ledger, debit: Unknown<'_>) -> Result<&'static str> {
        let debit = core_value(&env, debit)?;
        self.inner
            .debit(&mut ledger.inner, &debit)
            .js()
            .map(outcome)
    }
}

/// The payout schedule: weekdays at a local time in an IANA zone (default Tuesday
/// and Friday 10:00 Asia/Jakarta).
#[napi]
pub struct WithdrawalSchedule {
    pub(crate) inner: core::WithdrawalSchedule,
}

#[napi]
impl WithdrawalSchedule {
    /// `weekdays` (`"Tue"`, `"Fri"` …) at `localTime` (`"10:00"`) in `zone` (`"Asia/Jakarta"`).
    #[napi(constructor)]
    pub fn new(weekdays: Vec<String>, local_time: String, zone: String) -> Result<Self> {
        let days = weekdays
            .iter()
            .map(|d| {
                Weekday::from_str(d)
                    .map_err(|_| invalid_arg(format!("{d:?} is not a weekday (e.g. \"Tue\")")))
            })
            .collect::<Result<Vec<_>>>()?;
        let time = NaiveTime::from_str(&local_time)
            .map_err(|e| invalid_arg(format!("{local_time:?} is not a time of day: {e}")))?;
        let zone = core::WithdrawalSchedule::parse_zone(&zone).js()?;
        let inner = core::WithdrawalSchedule::new(days, time, zone).js()?;
        Ok(WithdrawalSchedule { inner })
    }

    /// docs/domain.md §9: Tuesday and Friday at 10:00 Asia/Jakarta (03:00 UTC).
    #[napi(factory)]
    pub fn default_schedule() -> Self {
        WithdrawalSchedule {
            inner: core::WithdrawalSchedule::default(),
        }
    }

    /// Reads a schedule from its JSON form.
    #[napi(factory)]
    pub fn from_json(json: String) -> Result<Self> {
        Ok(WithdrawalSchedule {
            inner: parse(&json)?,
        })
    }

    /// The schedule's JSON form.
    #[napi]
    pub fn to_json(&self) -> Result<String> {
        text(&self.inner)
    }

    /// The weekdays, Monday first.
    #[napi(getter)]
    pub fn weekdays(&self) -> Vec<String> {
        self.inner
            .weekdays()
            .iter()
            .map(|d| d.to_string())
            .collect()
    }

    /// The local time of day (`"10:00:00"`).
    #[napi(getter)]
    pub fn local_time(&self) -> String {
        self.inner.local_time().to_string()
    }

    /// The IANA zone name.
    #[napi(getter)]
    pub fn zone(&self) -> &'static str {
        self.inner.zone().name()
    }

    /// The scheduled instant on local `date` (`"2025-01-07"`), or `null`.
    #[napi]
    pub fn instant_on(&self, date: String) -> Result<Either<DateTime<Utc>, Null>> {
        let date = NaiveDate::from_str(&date)
            .map_err(|e| invalid_arg(format!("{date:?} is not a date: {e}")))?;
        Ok(nullable(self.inner.instant_on(date)))
    }

    /// The most recent scheduled instant at or before `now`.
    #[napi]
    pub fn last_instant_at_or_before(&self, now: Instant) -> Result<Either<DateTime<Utc>, Null>> {
        Ok(nullable(self.inner.last_instant_at_or_before(utc(now)?)))
    }

    /// The first scheduled instant strictly after `now`.
    #[napi]
    pub fn next_after(&self, now: Instant) -> Result<Either<DateTime<Utc>, Null>> {
        Ok(nullable(self.inner.next_after(utc(now)?)))
    }
}

/// Every withdrawal and the withdrawal rules, driven with a `Ledger` passed in.
#[napi]
pub struct Withdrawals {
    inner: core::Withdrawals,
}

#[napi]
impl Withdrawals {
    /// Withdrawals in `currency` under `policy` (default: docs/domain.md §9).
    #[napi(
        constructor,
        ts_args_type = "currency: string, policy?: WithdrawalPolicy"
    )]
    pub fn new(env: Env, currency: String, policy: Option<Unknown<'_>>) -> Result<Self> {
        let policy = match policy {
            Some(p) => core_value(&env, p)?,
            None => core::WithdrawalPolicy::default(),
        };
        let inner = core::Withdrawals::new(currency_chart(&currency)?, policy).js()?;
        Ok(Withdrawals { inner })
    }

    /// Restores withdrawals from their JSON form.
    #[napi(factory)]
    pub fn from_json(json: String) -> Result<Self> {
        Ok(Withdrawals {
            inner: parse(&json)?,
        })
    }

    /// The JSON form (chart, policy, every withdrawal, the last planned run).
    #[napi]
    pub fn to_json(&self) -> Result<String> {
        text(&self.inner)
    }

    /// The rules in force.
    #[napi(getter, ts_return_type = "WithdrawalPolicy")]
    pub fn policy<'env>(&self, env: Env) -> Result<Unknown<'env>> {
        js(&env, self.inner.policy())
    }

    /// The withdrawal with this id, or `null`.
    #[napi(ts_return_type = "Withdrawal | null")]
    pub fn get<'env>(&self, env: Env, withdrawal: String) -> Result<Unknown<'env>> {
        js(&env, &self.inner.get(id(&withdrawal)?))
    }

    /// Every withdrawal, by id.
    #[napi(ts_return_type = "Withdrawal[]")]
    pub fn all<'env>(&self, env: Env) -> Result<Unknown<'env>> {
        let list: Vec<&core::Withdrawal> = self.inner.iter().collect();
        js(&env, &list)
    }

    /// How many withdrawals.
    #[napi(getter)]
    pub fn length(&self) -> f64 {
        self.inner.len() as f64
    }

    /// The cutoff of the last planned run, or `null`.
    #[napi(getter)]
    pub fn last_planned(&self) -> Either<DateTime<Utc>, Null> {
        nullable(self.inner.last_planned())
    }

    /// The two pending transfer ids (net, fee) holding a withdrawal's amount.
    #[napi]
    pub fn hold_ids(withdrawal: String) -> Result<Vec<String>> {
        Ok(core::Withdrawals::hold_ids(id(&withdrawal)?)
            .iter()
            .map(|t| t.to_string())
            .collect())
    }

    /// Validates a request and holds its amount: `"created"` or `"already_exists"`.
    #[napi(
        ts_args_type = "ledger: Ledger, request: WithdrawalRequest",
        ts_return_type = "LedgerOutcome"
    )]
    pub fn request(
        &mut self,
        env: Env,
        ledger: &mut Ledger,
        request: Unknown<'_>,
    ) -> Result<&'static str> {
        let request = core_value(&env, request)?;
        self.inner
            .request(&mut ledger.inner, request)
            .js()
            .map(outcome)
    }

    /// Plans the batch run at `now` (default schedule and 1 000 items per batch)
    /// and marks its items as sent.
    #[napi(ts_return_type = "Batch[]")]
    pub fn plan<'env>(
        &mut self,
        env: Env,
        now: Instant,
        schedule: Option<&WithdrawalSchedule>,
        max_items: Option<f64>,
    ) -> Result<Unknown<'env>> {
        let default = core::WithdrawalSchedule::default();
        let schedule = schedule.map_or(&default, |s| &s.inner);
        let batches = self.inner.plan(utc(now)?, schedule, limits(max_items)?);
        js(&env, &batches)
    }

    /// Applies the gateway's result for one item.
    #[napi(
        ts_args_type = "ledger: Ledger, result: PayoutResult",
        ts_return_type = "PayoutEffect"
    )]
    pub fn apply_result(
        &mut self,
        env: Env,
        ledger: &mut Ledger,
        result: Unknown<'_>,
    ) -> Result<&'static str> {
        let result = core_value(&env, result)?;
        let effect = self.inner.apply_result(&mut ledger.inner, &result).js()?;
        Ok(match effect {
            core::PayoutEffect::Completed => "completed",
            core::PayoutEffect::Failed => "failed",
            core::PayoutEffect::Requeued => "requeued",
            core::PayoutEffect::Unchanged => "unchanged",
        })
    }

    /// Credits a reversed payout back to the wallet.
    #[napi(ts_return_type = "LedgerOutcome")]
    pub fn reverse(&mut self, ledger: &mut Ledger, withdrawal: String) -> Result<&'static str> {
        self.inner
            .reverse(&mut ledger.inner, id(&withdrawal)?)
            .js()
            .map(outcome)
    }
}

/// Plans payout batches from `withdrawals` at `now` without changing anything.
#[napi(
    ts_args_type = "withdrawals: Withdrawal[], now: Date | string, schedule?: WithdrawalSchedule | undefined | null, maxItems?: number | undefined | null",
    ts_return_type = "Batch[]"
)]
pub fn plan_batches<'env>(
    env: Env,
    withdrawals: Unknown<'_>,
    now: Instant,
    schedule: Option<&WithdrawalSchedule>,
    max_items: Option<f64>,
) -> Result<Unknown<'env>> {
    let list: Vec<core::Withdrawal> = core_value(&env, withdrawals)?;
    let default = core::WithdrawalSchedule::default();
    let schedule = schedule.map_or(&default, |s| &s.inner);
    let batches = core::plan_batches(&list, utc(now)?, schedule, limits(max_items)?);
    js(&env, &batches)
}

/// The default withdrawal policy (docs/domain.md §9).
#[napi(ts_return_type = "WithdrawalPolicy")]
pub fn default_withdrawal_policy<'env>(env: Env) -> Result<Unknown<'env>> {
    js(&env, &core::WithdrawalPolicy::default())
}
