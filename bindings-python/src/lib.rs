//! Python bindings of `patungan-core`, built with pyo3 and maturin.
//!
//! This crate is the native half (`patungan._native`) of the Python package
//! `patungan`; the pure-Python half (`python/patungan/`) re-exports it and defines
//! the `patungan.Error` hierarchy. Everything here is conversion and error mapping:
//! each wrapper holds the core value and every rule runs in `patungan-core`.
//!
//! Conventions (follow them when adding the session, ledger and wallet surface):
//! - money is a [`money::Money`] object whose `amount` is a `decimal.Decimal`; amounts
//!   come in as `Decimal`, `int` or `str` and are parsed exactly by the core;
//! - quantities, MOQs and basis points are Python `int`s;
//! - instants are timezone-aware `datetime`s ([`time::utc_datetime`]); ids are
//!   `uuid.UUID` ([`ids`]);
//! - records (events, effects, availability, accounts …) cross in the core's serde
//!   form and become frozen dataclasses of `patungan.<concept>` ([`json`]), except
//!   the per-participant effects of a settlement, native frozen classes built
//!   without JSON ([`records`]);
//! - a core error becomes the `patungan.Error` subclass named by its code's prefix,
//!   carrying `.code` and the core's message ([`patungan_core::ErrorCode`]).

pub mod bot;
pub mod cost;
pub mod errors;
pub mod grosir;
pub mod ids;
pub mod json;
pub mod ledger;
pub mod money;
pub mod records;
pub mod session;
pub mod tier;
pub mod time;
pub mod wallet;

use pyo3::prelude::*;

/// The native module `patungan._native`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<money::Money>()?;
    m.add_class::<money::Rounding>()?;
    m.add_function(wrap_pyfunction!(money::currencies, m)?)?;
    m.add_function(wrap_pyfunction!(money::decimal_places, m)?)?;
    m.add_class::<tier::Rung>()?;
    m.add_class::<tier::RungView>()?;
    m.add_class::<tier::TierLadder>()?;
    m.add_class::<tier::Preview>()?;
    m.add_function(wrap_pyfunction!(tier::fill_bp, m)?)?;
    m.add_class::<bot::BotPolicy>()?;
    m.add_class::<cost::JoinCostInput>()?;
    m.add_class::<cost::CostBreakdown>()?;
    m.add(
        "DEFAULT_GATEWAY_FEE_BP",
        patungan_core::cost::DEFAULT_GATEWAY_FEE.get(),
    )?;
    m.add_class::<grosir::GrosirConfig>()?;
    m.add_class::<session::Session>()?;
    m.add_class::<session::EventList>()?;
    m.add_class::<records::CreateOrder>()?;
    m.add_class::<records::CreditCashback>()?;
    m.add_class::<session::EffectList>()?;
    m.add_class::<session::EventIter>()?;
    m.add_class::<session::EffectIter>()?;
    m.add_function(wrap_pyfunction!(session::session_state_from_json, m)?)?;
    m.add_function(wrap_pyfunction!(session::input_json, m)?)?;
    m.add(
        "DEFAULT_PER_JOIN_LIMIT",
        patungan_core::SessionConfig::DEFAULT_PER_JOIN_LIMIT,
    )?;
    m.add(
        "DEFAULT_INVOICE_TTL_SECONDS",
        patungan_core::SessionConfig::DEFAULT_INVOICE_TTL_SECONDS,
    )?;
    m.add(
        "DEFAULT_PENDING_JOINS_PER_USER",
        patungan_core::SessionConfig::DEFAULT_PENDING_JOINS_PER_USER,
    )?;
    m.add_class::<ledger::Ledger>()?;
    m.add_class::<ledger::Chart>()?;
    m.add_function(wrap_pyfunction!(ledger::success_split_from_cost, m)?)?;
    m.add_function(wrap_pyfunction!(ledger::derive_uuid, m)?)?;
    m.add_class::<wallet::Wallets>()?;
    m.add_class::<wallet::WithdrawalSchedule>()?;
    m.add_class::<wallet::Withdrawals>()?;
    m.add_function(wrap_pyfunction!(wallet::plan_batches, m)?)?;
    m.add_function(wrap_pyfunction!(wallet::default_withdrawal_policy, m)?)?;
    m.add_function(wrap_pyfunction!(time::parse_instant, m)?)?;
    Ok(())
}
