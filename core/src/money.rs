//! Exact money: a [`Decimal`] amount tagged with a [`Currency`].
//!
//! Every amount is non-negative and never carries more decimal places than its
//! currency allows (IDR has none). Arithmetic is checked: overflow, a currency
//! mismatch or a result below zero is a [`MoneyError`], never a panic. Every
//! rounding is explicit and named by a [`Rounding`].

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::bp::BasisPoints;

/// An ISO 4217 currency this library knows, with its number of minor-unit digits.
///
/// ```
/// use patungan_core::Currency;
/// assert_eq!(Currency::IDR.decimal_places(), 0);
/// assert_eq!("USD".parse::<Currency>().unwrap(), Currency::USD);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub enum Currency {
    /// Indonesian rupiah: no minor unit.
    IDR,
    /// Singapore dollar: 2 decimal places.
    SGD,
    /// Malaysian ringgit: 2 decimal places.
    MYR,
    /// Philippine peso: 2 decimal places.
    PHP,
    /// Thai baht: 2 decimal places.
    THB,
    /// Vietnamese dong: no minor unit.
    VND,
    /// United States dollar: 2 decimal places.
    USD,
}

impl Currency {
    /// Every supported currency, in declaration order.
    pub const ALL: [Currency; 7] = [
        Currency::IDR,
        Currency::SGD,
        Currency::MYR,
        Currency::PHP,
        Currency::THB,
        Currency::VND,
        Currency::USD,
    ];

    /// The ISO 4217 alphabetic code, e.g. `"IDR"`.
    pub const fn code(self) -> &'static str {
        match self {
            Currency::IDR => "IDR",
            Currency::SGD => "SGD",
            Currency::MYR => "MYR",
            Currency::PHP => "PHP",
            Currency::THB => "THB",
            Currency::VND => "VND",
            Currency::USD => "USD",
        }
    }

    /// How many decimal places an amount in this currency may carry.
    pub const fn decimal_places(self) -> u32 {
        match self {
            Currency::IDR | Currency::VND => 0,
            Currency::SGD | Currency::MYR | Currency::PHP | Currency::THB | Currency::USD => 2,
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = MoneyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::ALL
            .into_iter()
            .find(|c| c.code() == s)
            .ok_or_else(|| MoneyError::UnknownCurrency(s.to_owned()))
    }
}

/// How to bring an exact intermediate value to a currency's decimal places.
///
/// Each business rule names the rounding it needs; nothing rounds implicitly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// Towards positive infinity (ceiling): the payer never pays less than the cost.
    Up,
    /// Towards zero (floor for non-negative amounts).
    Down,
    /// To nearest, ties to even (banker's rounding).
    HalfEven,
    /// To nearest, ties away from zero (commercial rounding).
    HalfUp,
}

impl Rounding {
    fn strategy(self) -> RoundingStrategy {
        match self {
            Rounding::Up => RoundingStrategy::ToPositiveInfinity,
            Rounding::Down => RoundingStrategy::ToZero,
            Rounding::HalfEven => RoundingStrategy::MidpointNearestEven,
            Rounding::HalfUp => RoundingStrategy::MidpointAwayFromZero,
        }
    }

    /// Rounds `value` to `decimal_places` with this rule.
    pub fn apply(self, value: Decimal, decimal_places: u32) -> Decimal {
        value.round_dp_with_strategy(decimal_places, self.strategy())
    }
}

/// Why a money operation was refused. No operation that returns an error changes anything.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MoneyError {
    /// The amount is below zero.
    #[error("amount {amount} {currency} is negative; amounts must be zero or more")]
    Negative {
        /// The offending amount.
        amount: Decimal,
        /// Its currency.
        currency: Currency,
    },
    /// The amount has more decimal places than the currency allows.
    #[error("amount {amount} has more decimals than {currency} allows ({allowed}); round it with a named rounding first")]
    TooManyDecimals {
        /// The offending amount.
        amount: Decimal,
        /// Its currency.
        currency: Currency,
        /// Decimal places the currency allows.
        allowed: u32,
    },
    /// Two amounts in different currencies were combined.
    #[error("currency mismatch: expected {expected}, got {found}")]
    CurrencyMismatch {
        /// The currency the operation works in.
        expected: Currency,
        /// The currency that was given.
        found: Currency,
    },
    /// The result does not fit in a `Decimal`.
    #[error("arithmetic overflow in {operation}; the amounts or quantities are too large")]
    Overflow {
        /// The operation that overflowed.
        operation: &'static str,
    },
    /// A subtraction would go below zero.
    #[error("{minuend} minus {subtrahend} would be negative")]
    Underflow {
        /// The amount subtracted from.
        minuend: Money,
        /// The amount subtracted.
        subtrahend: Money,
    },
    /// A division by zero was asked for.
    #[error("division by zero in {operation}")]
    DivisionByZero {
        /// The operation that divided.
        operation: &'static str,
    },
    /// The currency code is not one this library supports.
    #[error("unknown currency code {0:?}; supported: IDR, SGD, MYR, PHP, THB, VND, USD")]
    UnknownCurrency(String),
    /// The text is not a decimal number.
    #[error("{0:?} is not a decimal amount")]
    InvalidAmount(String),
}

impl MoneyError {
    /// A stable machine-readable code for this error, shared by every binding.
    pub const fn code(&self) -> &'static str {
        match self {
            MoneyError::Negative { .. } => "money.negative",
            MoneyError::TooManyDecimals { .. } => "money.too_many_decimals",
            MoneyError::CurrencyMismatch { .. } => "money.currency_mismatch",
            MoneyError::Overflow { .. } => "money.overflow",
            MoneyError::Underflow { .. } => "money.underflow",
            MoneyError::DivisionByZero { .. } => "money.division_by_zero",
            MoneyError::UnknownCurrency(_) => "money.unknown_currency",
            MoneyError::InvalidAmount(_) => "money.invalid_amount",
        }
    }
}

/// A non-negative amount of one currency, never with more decimals than the currency allows.
///
/// ```
/// use patungan_core::{Currency, Money, Rounding};
/// use rust_decimal::Decimal;
///
/// let price = Money::idr(200_000);
/// let total = price.checked_mul_qty(10)?;
/// assert_eq!(total, Money::idr(2_000_000));
///
/// // A third of a rupiah cannot exist: divisions name their rounding.
/// let per_unit = Money::idr(500_000).checked_div_qty(99, Rounding::Up)?;
/// assert_eq!(per_unit, Money::idr(5_051));
///
/// // Bad input is an error, not a panic.
/// assert!(Money::new(Decimal::new(15, 1), Currency::IDR).is_err());
/// # Ok::<(), patungan_core::MoneyError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "MoneyRepr", into = "MoneyRepr")]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
struct MoneyRepr {
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    amount: Decimal,
    currency: Currency,
}

impl TryFrom<MoneyRepr> for Money {
    type Error = MoneyError;

    fn try_from(repr: MoneyRepr) -> Result<Self, Self::Error> {
        Money::new(repr.amount, repr.currency)
    }
}

impl From<Money> for MoneyRepr {
    fn from(money: Money) -> Self {
        MoneyRepr {
            amount: money.amount,
            currency: money.currency,
        }
    }
}

impl Money {
    /// Builds an amount, refusing negatives and more decimals than `currency` allows.
    ///
    /// Trailing zeros are accepted and dropped (`100.00 IDR` is `100 IDR`).
    pub fn new(amount: Decimal, currency: Currency) -> Result<Self, MoneyError> {
        if amount.is_sign_negative() && !amount.is_zero() {
            return Err(MoneyError::Negative { amount, currency });
        }
        let normalized = amount.normalize();
        let allowed = currency.decimal_places();
        if normalized.scale() > allowed {
            return Err(MoneyError::TooManyDecimals {
                amount,
                currency,
                allowed,
            });
        }
        Ok(Money {
            amount: normalized,
            currency,
        })
    }

    /// Rounds an exact value to `currency` with the named rule, then builds the amount.
    pub fn from_rounded(
        amount: Decimal,
        currency: Currency,
        rounding: Rounding,
    ) -> Result<Self, MoneyError> {
        Money::new(rounding.apply(amount, currency.decimal_places()), currency)
    }

    /// Parses a decimal string such as `"200000"` or `"12.50"`.
    pub fn parse(amount: &str, currency: Currency) -> Result<Self, MoneyError> {
        let value = Decimal::from_str_exact(amount.trim())
            .map_err(|_| MoneyError::InvalidAmount(amount.to_owned()))?;
        Money::new(value, currency)
    }

    /// A whole-rupiah amount.
    pub fn idr(rupiah: u64) -> Self {
        Money {
            amount: Decimal::from(rupiah),
            currency: Currency::IDR,
        }
    }

    /// Zero in `currency`.
    pub fn zero(currency: Currency) -> Self {
        Money {
            amount: Decimal::ZERO,
            currency,
        }
    }

    /// The exact amount.
    pub fn amount(&self) -> Decimal {
        self.amount
    }

    /// The currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// Whether the amount is zero.
    pub fn is_zero(&self) -> bool {
        self.amount.is_zero()
    }

    /// Errors unless `other` is in the same currency.
    pub fn ensure_currency(&self, expected: Currency) -> Result<(), MoneyError> {
        if self.currency == expected {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch {
                expected,
                found: self.currency,
            })
        }
    }

    /// `self + other`, same currency.
    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        other.ensure_currency(self.currency)?;
        let amount = self
            .amount
            .checked_add(other.amount)
            .ok_or(MoneyError::Overflow { operation: "add" })?;
        Ok(Money {
            amount,
            currency: self.currency,
        })
    }

    /// `self − other`, same currency; an error if the result would be negative.
    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        other.ensure_currency(self.currency)?;
        if other.amount > self.amount {
            return Err(MoneyError::Underflow {
                minuend: self,
                subtrahend: other,
            });
        }
        Ok(Money {
            amount: self.amount - other.amount,
            currency: self.currency,
        })
    }

    /// `self − other`, or zero when `other` is larger.
    pub fn saturating_sub(self, other: Money) -> Result<Money, MoneyError> {
        other.ensure_currency(self.currency)?;
        Ok(Money {
            amount: (self.amount - other.amount).max(Decimal::ZERO),
            currency: self.currency,
        })
    }

    /// `self × quantity`: exact, as a quantity is a whole number.
    pub fn checked_mul_qty(self, quantity: u64) -> Result<Money, MoneyError> {
        let amount =
            self.amount
                .checked_mul(Decimal::from(quantity))
                .ok_or(MoneyError::Overflow {
                    operation: "multiply by quantity",
                })?;
        Ok(Money {
            amount: amount.normalize(),
            currency: self.currency,
        })
    }

    /// `self ÷ divisor`, rounded to the currency with the named rule.
    pub fn checked_div_qty(self, divisor: u64, rounding: Rounding) -> Result<Money, MoneyError> {
        if divisor == 0 {
            return Err(MoneyError::DivisionByZero {
                operation: "divide by quantity",
            });
        }
        let exact =
            self.amount
                .checked_div(Decimal::from(divisor))
                .ok_or(MoneyError::Overflow {
                    operation: "divide by quantity",
                })?;
        Money::from_rounded(exact, self.currency, rounding)
    }

    /// `self × bp / 10 000`, rounded to the currency with the named rule.
    ///
    /// ```
    /// use patungan_core::{BasisPoints, Money, Rounding};
    /// let fee = Money::idr(1_000_001).percent_of(BasisPoints::new(300), Rounding::Up)?;
    /// assert_eq!(fee, Money::idr(30_001)); // 30 000.03 rounded up
    /// # Ok::<(), patungan_core::MoneyError>(())
    /// ```
    pub fn percent_of(self, bp: BasisPoints, rounding: Rounding) -> Result<Money, MoneyError> {
        let exact = self
            .amount
            .checked_mul(Decimal::from(bp.get()))
            .and_then(|v| v.checked_div(Decimal::from(BasisPoints::ONE_HUNDRED_PERCENT.get())))
            .ok_or(MoneyError::Overflow {
                operation: "percentage",
            })?;
        Money::from_rounded(exact, self.currency, rounding)
    }

    /// Adds up amounts in `currency`; an empty iterator gives zero.
    pub fn checked_sum<I>(currency: Currency, items: I) -> Result<Money, MoneyError>
    where
        I: IntoIterator<Item = Money>,
    {
        items
            .into_iter()
            .try_fold(Money::zero(currency), Money::checked_add)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.currency, self.amount)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn rejects_negative_and_extra_decimals() {
        assert_eq!(
            Money::new(dec!(-1), Currency::IDR).unwrap_err().code(),
            "money.negative"
        );
        assert_eq!(
            Money::new(dec!(1.5), Currency::IDR).unwrap_err().code(),
            "money.too_many_decimals"
        );
        assert_eq!(
            Money::new(dec!(1.505), Currency::USD).unwrap_err().code(),
            "money.too_many_decimals"
        );
        assert_eq!(
            Money::new(dec!(100.00), Currency::IDR).unwrap(),
            Money::idr(100)
        );
        assert_eq!(Money::new(dec!(-0), Currency::IDR).unwrap(), Money::idr(0));
    }

    #[test]
    fn mismatch_overflow_and_underflow_are_errors() {
        let usd = Money::new(dec!(1.25), Currency::USD).unwrap();
        assert_eq!(
            Money::idr(1).checked_add(usd).unwrap_err().code(),
            "money.currency_mismatch"
        );
        assert_eq!(
            Money::idr(1).checked_sub(Money::idr(2)).unwrap_err().code(),
            "money.underflow"
        );
        let huge = Money::new(Decimal::MAX, Currency::IDR).unwrap();
        assert_eq!(
            huge.checked_add(Money::idr(1)).unwrap_err().code(),
            "money.overflow"
        );
        assert_eq!(
            huge.checked_mul_qty(u64::MAX).unwrap_err().code(),
            "money.overflow"
        );
        assert_eq!(
            Money::idr(1)
                .checked_div_qty(0, Rounding::Up)
                .unwrap_err()
                .code(),
            "money.division_by_zero"
        );
    }

    #[test]
    fn named_roundings() {
        let v = dec!(2.5);
        assert_eq!(Rounding::Up.apply(v, 0), dec!(3));
        assert_eq!(Rounding::Down.apply(v, 0), dec!(2));
        assert_eq!(Rounding::HalfEven.apply(v, 0), dec!(2));
        assert_eq!(Rounding::HalfUp.apply(v, 0), dec!(3));
        assert_eq!(
            Money::idr(100).checked_div_qty(3, Rounding::Down).unwrap(),
            Money::idr(33)
        );
    }

    #[test]
    fn serde_round_trip_uses_decimal_strings_and_validates() {
        let m = Money::idr(1_095_000);
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, r#"{"amount":"1095000","currency":"IDR"}"#);
        assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), m);
        assert!(serde_json::from_str::<Money>(r#"{"amount":"1.5","currency":"IDR"}"#).is_err());
        assert!(serde_json::from_str::<Money>(r#"{"amount":"-1","currency":"IDR"}"#).is_err());
        assert!(serde_json::from_str::<Money>(r#"{"amount":"1","currency":"XXX"}"#).is_err());
    }

    #[test]
    fn parse_and_currency_codes() {
        assert_eq!(
            Money::parse(" 12.50 ", Currency::USD).unwrap().amount(),
            dec!(12.5)
        );
        assert_eq!(
            Money::parse("abc", Currency::USD).unwrap_err().code(),
            "money.invalid_amount"
        );
        for c in Currency::ALL {
            assert_eq!(c.code().parse::<Currency>().unwrap(), c);
        }
        assert_eq!(
            "XYZ".parse::<Currency>().unwrap_err().code(),
            "money.unknown_currency"
        );
    }

    #[test]
    fn percentages_name_their_rounding() {
        let m = Money::idr(33_333);
        let bp = BasisPoints::new(300); // 999.99
        assert_eq!(m.percent_of(bp, Rounding::Up).unwrap(), Money::idr(1_000));
        assert_eq!(m.percent_of(bp, Rounding::Down).unwrap(), Money::idr(999));
        assert_eq!(
            m.percent_of(bp, Rounding::HalfEven).unwrap(),
            Money::idr(1_000)
        );
        assert_eq!(
            Money::idr(50)
                .percent_of(BasisPoints::new(5_000), Rounding::HalfEven)
                .unwrap(),
            Money::idr(25)
        );
    }

    #[test]
    fn sums_and_saturating_subtraction() {
        let total = Money::checked_sum(Currency::IDR, [Money::idr(1), Money::idr(2)]).unwrap();
        assert_eq!(total, Money::idr(3));
        assert_eq!(
            Money::checked_sum(Currency::IDR, []).unwrap(),
            Money::idr(0)
        );
        let usd = Money::new(dec!(1), Currency::USD).unwrap();
        assert_eq!(
            Money::checked_sum(Currency::IDR, [usd]).unwrap_err().code(),
            "money.currency_mismatch"
        );
        assert_eq!(
            Money::idr(1).saturating_sub(Money::idr(5)).unwrap(),
            Money::idr(0)
        );
        assert_eq!(Money::idr(1_095_000).to_string(), "IDR 1095000");
    }
}
