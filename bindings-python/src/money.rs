//! `Money` (amount as `decimal.Decimal`, currency as `str`) and `Rounding`.

use patungan_core::money as core;
use patungan_core::{BasisPoints, Currency};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyInt, PyString, PyType};
use rust_decimal::Decimal;

use crate::errors::IntoPyResult;

/// Parses a currency code such as `"IDR"`.
pub fn currency(code: &str) -> PyResult<Currency> {
    code.parse::<Currency>().py()
}

static DECIMAL_TYPE: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// The exact text of a number given as `decimal.Decimal`, `int` or `str`.
///
/// `float` (and `bool`) is refused: a float cannot hold most decimal amounts exactly.
pub fn decimal_text(value: &Bound<'_, PyAny>) -> PyResult<String> {
    let py = value.py();
    if value.is_instance_of::<PyString>() {
        value.extract::<String>()
    } else if value.is_instance(DECIMAL_TYPE.import(py, "decimal", "Decimal")?)? {
        // Fixed-point text: `Decimal("1E+5")` becomes "100000"; NaN stays "NaN"
        // and is refused by the core's parser.
        value
            .call_method1("__format__", ("f",))?
            .extract::<String>()
    } else if value.is_instance_of::<PyInt>() && !value.is_instance_of::<PyBool>() {
        value.str()?.extract::<String>()
    } else {
        Err(PyTypeError::new_err(format!(
            "expected a decimal.Decimal, int or str (floats are not exact), got {}",
            value.get_type().name()?
        )))
    }
}

/// An exact `Decimal` from `decimal.Decimal`, `int` or `str`; never rounds.
pub fn exact_decimal(value: &Bound<'_, PyAny>) -> PyResult<Decimal> {
    let text = decimal_text(value)?;
    Decimal::from_str_exact(text.trim())
        .map_err(|_| core::MoneyError::InvalidAmount(text))
        .py()
}

/// An exact, non-negative amount of one currency.
///
/// `Money(Decimal("12.50"), "USD")`, `Money("200000", "IDR")` or `Money.idr(200000)`.
/// More decimals than the currency allows, a negative amount or an unknown currency
/// raise `patungan.MoneyError`.
#[pyclass(module = "patungan", frozen, eq, hash)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Money(pub core::Money);

#[pymethods]
impl Money {
    #[new]
    fn new(amount: &Bound<'_, PyAny>, currency: &str) -> PyResult<Self> {
        core::Money::parse(&decimal_text(amount)?, self::currency(currency)?)
            .py()
            .map(Money)
    }

    /// A whole-rupiah amount.
    #[staticmethod]
    fn idr(rupiah: u64) -> Self {
        Money(core::Money::idr(rupiah))
    }

    /// Zero in `currency`.
    #[staticmethod]
    fn zero(currency: &str) -> PyResult<Self> {
        Ok(Money(core::Money::zero(self::currency(currency)?)))
    }

    /// Rounds an exact value to the currency's decimals with a named rounding.
    #[staticmethod]
    fn from_rounded(
        amount: &Bound<'_, PyAny>,
        currency: &str,
        rounding: Rounding,
    ) -> PyResult<Self> {
        core::Money::from_rounded(
            exact_decimal(amount)?,
            self::currency(currency)?,
            rounding.into(),
        )
        .py()
        .map(Money)
    }

    /// The exact amount.
    #[getter]
    fn amount(&self) -> Decimal {
        self.0.amount()
    }

    /// The ISO 4217 code.
    #[getter]
    fn currency(&self) -> &'static str {
        self.0.currency().code()
    }

    /// Whether the amount is zero.
    fn is_zero(&self) -> bool {
        self.0.is_zero()
    }

    /// `self + other` (same currency).
    fn add(&self, other: &Money) -> PyResult<Money> {
        self.0.checked_add(other.0).py().map(Money)
    }

    /// `self − other` (same currency); `MoneyError` if it would go below zero.
    fn sub(&self, other: &Money) -> PyResult<Money> {
        self.0.checked_sub(other.0).py().map(Money)
    }

    /// `self × quantity`.
    fn mul_qty(&self, quantity: u64) -> PyResult<Money> {
        self.0.checked_mul_qty(quantity).py().map(Money)
    }

    /// `self ÷ divisor`, rounded with the named rule.
    fn div_qty(&self, divisor: u64, rounding: Rounding) -> PyResult<Money> {
        self.0
            .checked_div_qty(divisor, rounding.into())
            .py()
            .map(Money)
    }

    /// `self × bp / 10 000`, rounded with the named rule.
    fn percent_of(&self, bp: u32, rounding: Rounding) -> PyResult<Money> {
        self.0
            .percent_of(BasisPoints::new(bp), rounding.into())
            .py()
            .map(Money)
    }

    pub(crate) fn __repr__(&self) -> String {
        format!("Money('{}', '{}')", self.0.amount(), self.0.currency())
    }

    fn __str__(&self) -> String {
        self.0.to_string()
    }
}

/// How an exact value is brought to a currency's decimal places.
#[pyclass(module = "patungan", frozen, eq, eq_int, hash, from_py_object)]
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rounding {
    /// Towards positive infinity.
    #[pyo3(name = "UP")]
    Up,
    /// Towards zero.
    #[pyo3(name = "DOWN")]
    Down,
    /// To nearest, ties to even.
    #[pyo3(name = "HALF_EVEN")]
    HalfEven,
    /// To nearest, ties away from zero.
    #[pyo3(name = "HALF_UP")]
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

/// The currency codes the core supports.
#[pyfunction]
pub fn currencies() -> Vec<&'static str> {
    Currency::ALL.iter().map(|c| c.code()).collect()
}

/// How many decimal places amounts in `currency` may carry.
#[pyfunction]
pub fn decimal_places(currency: &str) -> PyResult<u32> {
    Ok(self::currency(currency)?.decimal_places())
}
