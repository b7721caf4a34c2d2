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
//! - instants are timezone-aware `datetime`s ([`time::utc_datetime`]); ids will be
//!   `uuid.UUID`;
//! - a core error becomes the `patungan.Error` subclass named by its code's prefix,
//!   carrying `.code` and the core's message ([`errors::CoreError`]).

pub mod bot;
pub mod cost;
pub mod errors;
pub mod money;
pub mod tier;
pub mod time;

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
    Ok(())
}
