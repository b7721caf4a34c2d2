//! Money as `{ amount: string, currency: string }`; named roundings.

use napi_derive::napi;
use patungan_core::money as core;
use patungan_core::{BasisPoints, Currency};
use rust_decimal::Decimal;

use crate::errors::{IntoJsResult, Result};
use crate::numbers::{quantity, small};

/// An exact amount of one currency; `amount` is a decimal string such as `"200000"`.
#[napi(object)]
#[derive(Clone, PartialEq, Eq)]
pub struct Money {
    /// The exact amount, as a decimal string (never a float).
    pub amount: String,
    /// The ISO 4217 code, e.g. `"IDR"`.
    pub currency: String,
}

impl Money {
    /// Validates through the core (negative, too many decimals, unknown currency …).
    pub fn to_core(&self) -> Result<core::Money> {
        let currency = self.currency.parse::<Currency>().js()?;
        core::Money::parse(&self.amount, currency).js()
    }
}

impl From<core::Money> for Money {
    fn from(m: core::Money) -> Self {
        Money {
            amount: m.amount().to_string(),
            currency: m.currency().code().to_owned(),
        }
    }
}

/// How an exact value is brought to a currency's decimal places.
#[napi(string_enum = "snake_case")]
pub enum Rounding {
    /// Towards positive infinity.
    Up,
    /// Towards zero.
    Down,
    /// To nearest, ties to even.
    HalfEven,
    /// To nearest, ties away from zero.
    HalfUp,
}

impl From<Rounding> for core::Rounding {
    fn from(r: Rounding) -> Self {
        match r {
            Rounding::Up => core::Rounding::Up,
            Rounding::Down => core::Rounding::Down,
            Rounding::HalfEven => core::Rounding::HalfEven,
            Rounding::HalfUp => core::Rounding::HalfUp,
        }
    }
}

/// Builds validated, normalised money (`money("100.00", "IDR")` is `{amount: "100", …}`).
#[napi]
pub fn money(amount: String, currency: String) -> Result<Money> {
    Money { amount, currency }.to_core().map(Money::from)
}

/// Rounds an exact decimal string to the currency's decimals with a named rounding.
#[napi]
pub fn money_from_rounded(amount: String, currency: String, rounding: Rounding) -> Result<Money> {
    let exact = Decimal::from_str_exact(amount.trim())
        .map_err(|_| core::MoneyError::InvalidAmount(amount.clone()))
        .js()?;
    let currency = currency.parse::<Currency>().js()?;
    core::Money::from_rounded(exact, currency, rounding.into())
        .js()
        .map(Money::from)
}

/// `a + b` (same currency).
#[napi]
pub fn money_add(a: Money, b: Money) -> Result<Money> {
    a.to_core()?.checked_add(b.to_core()?).js().map(Money::from)
}

/// `a − b` (same currency); a `MoneyError` if it would go below zero.
#[napi]
pub fn money_sub(a: Money, b: Money) -> Result<Money> {
    a.to_core()?.checked_sub(b.to_core()?).js().map(Money::from)
}

/// `m × quantity`.
#[napi]
pub fn money_mul_qty(m: Money, quantity: f64) -> Result<Money> {
    let q = self::quantity("quantity", quantity)?;
    m.to_core()?.checked_mul_qty(q).js().map(Money::from)
}

/// `m ÷ divisor`, rounded with the named rule.
#[napi]
pub fn money_div_qty(m: Money, divisor: f64, rounding: Rounding) -> Result<Money> {
    let d = quantity("divisor", divisor)?;
    m.to_core()?
        .checked_div_qty(d, rounding.into())
        .js()
        .map(Money::from)
}

/// `m × bp / 10 000`, rounded with the named rule.
#[napi]
pub fn money_percent_of(m: Money, bp: f64, rounding: Rounding) -> Result<Money> {
    let bp = BasisPoints::new(small("bp", bp)?);
    m.to_core()?
        .percent_of(bp, rounding.into())
        .js()
        .map(Money::from)
}

/// The currency codes the core supports.
#[napi]
pub fn currencies() -> Vec<&'static str> {
    Currency::ALL.iter().map(|c| c.code()).collect()
}

/// How many decimal places amounts in `currency` may carry.
#[napi]
pub fn decimal_places(currency: String) -> Result<u32> {
    Ok(currency.parse::<Currency>().js()?.decimal_places())
}
