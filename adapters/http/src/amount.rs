//! Exact amounts on the wire: the providers want whole rupiah as JSON integers and send
//! amounts back as JSON numbers (sometimes inside strings). Nothing here goes through `f64`.

use std::borrow::Cow;

use patungan_core::{Currency, Money, MoneyError};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

/// The longest amount literal accepted; anything longer is refused before parsing.
const MAX_LITERAL_LEN: usize = 64;
/// The largest decimal exponent (`1e28`) an amount literal may carry.
const MAX_EXPONENT: u32 = 28;

/// An amount could not be built or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AmountError {
    /// The text is not a decimal number.
    #[error("`{input}` is not a decimal amount")]
    Invalid {
        /// The offending text (at most 40 characters of it).
        input: String,
    },
    /// The amount is below zero.
    #[error("amount `{input}` is negative")]
    Negative {
        /// The offending text (at most 40 characters of it).
        input: String,
    },
    /// The amount does not fit the exact decimal or integer type.
    #[error("amount `{input}` is too large")]
    Overflow {
        /// The offending text (at most 40 characters of it).
        input: String,
    },
    /// The amount carries more decimal places than can be represented exactly.
    #[error("amount `{input}` has too many decimal places")]
    TooPrecise {
        /// The offending text (at most 40 characters of it).
        input: String,
    },
    /// The providers take integer amounts only for IDR; the adapters send nothing else.
    #[error("amounts are sent to the provider as whole rupiah; got an amount in {currency}")]
    NotIdr {
        /// The currency that was offered.
        currency: Currency,
    },
    /// A fractional rupiah cannot be sent.
    #[error("amount {amount} IDR is not a whole number of rupiah")]
    Fractional {
        /// The amount that was offered.
        amount: Decimal,
    },
    /// The amount is not valid money (for example a fraction of a rupiah).
    #[error(transparent)]
    Money(#[from] MoneyError),
}

impl AmountError {
    /// A stable machine-readable code for this error.
    pub fn code(&self) -> &'static str {
        match self {
            AmountError::Invalid { .. } => "amount.invalid",
            AmountError::Negative { .. } => "amount.negative",
            AmountError::Overflow { .. } => "amount.overflow",
            AmountError::TooPrecise { .. } => "amount.too_precise",
            AmountError::NotIdr { .. } => "amount.not_idr",
            AmountError::Fractional { .. } => "amount.fractional",
            AmountError::Money(e) => e.code(),
        }
    }
}

fn shown(input: &str) -> String {
    input.chars().take(40).collect()
}

/// A whole-rupiah amount as the providers' APIs want it: a JSON integer.
///
/// ```
/// use patungan_core::{Currency, Money};
/// use patungan_http::IdrAmount;
///
/// let amount = IdrAmount::from_money(&Money::idr(1_095_000))?;
/// assert_eq!(serde_json::to_string(&amount).unwrap(), "1095000");
/// assert!(IdrAmount::from_money(&Money::parse("1.50", Currency::USD)?).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdrAmount(u64);

impl IdrAmount {
    /// Converts money to whole rupiah; a non-IDR currency, a fraction or an overflow is an error.
    pub fn from_money(money: &Money) -> Result<Self, AmountError> {
        if money.currency() != Currency::IDR {
            return Err(AmountError::NotIdr {
                currency: money.currency(),
            });
        }
        let amount = money.amount();
        if !amount.fract().is_zero() {
            return Err(AmountError::Fractional { amount });
        }
        amount
            .to_u64()
            .map(IdrAmount)
            .ok_or_else(|| AmountError::Overflow {
                input: shown(&amount.to_string()),
            })
    }

    /// The number of rupiah.
    pub fn rupiah(self) -> u64 {
        self.0
    }

    /// Back to [`Money`].
    pub fn to_money(self) -> Money {
        Money::idr(self.0)
    }
}

impl Serialize for IdrAmount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(self.0)
    }
}

/// Parses an amount as it appears in a provider's JSON: a number literal such as
/// `50000`, `50000.00` or `5e4`, or the same inside a JSON string (`"50000"`).
///
/// The result is exact; a malformed, negative or oversized literal is an error.
///
/// ```
/// use patungan_http::parse_amount_literal;
/// use rust_decimal::Decimal;
///
/// assert_eq!(parse_amount_literal("50000.00")?, Decimal::from(50_000));
/// assert_eq!(parse_amount_literal("\"1500\"")?, Decimal::from(1_500));
/// assert!(parse_amount_literal("-1").is_err());
/// assert!(parse_amount_literal("NaN").is_err());
/// # Ok::<(), patungan_http::AmountError>(())
/// ```
pub fn parse_amount_literal(text: &str) -> Result<Decimal, AmountError> {
    let trimmed = text.trim();
    if trimmed.len() > MAX_LITERAL_LEN {
        return Err(AmountError::Invalid {
            input: shown(trimmed),
        });
    }
    let body: Cow<'_, str> = if trimmed.starts_with('"') {
        let inner: String = serde_json::from_str(trimmed).map_err(|_| AmountError::Invalid {
            input: shown(trimmed),
        })?;
        Cow::Owned(inner.trim().to_owned())
    } else {
        Cow::Borrowed(trimmed)
    };
    parse_decimal_text(&body)
}

/// Parses an amount literal (see [`parse_amount_literal`]) into whole-rupiah [`Money`].
pub fn parse_idr_amount(text: &str) -> Result<Money, AmountError> {
    let value = parse_amount_literal(text)?;
    Ok(Money::new(value, Currency::IDR)?)
}

fn parse_decimal_text(text: &str) -> Result<Decimal, AmountError> {
    let invalid = || AmountError::Invalid { input: shown(text) };
    if text.starts_with('-') {
        return Err(AmountError::Negative { input: shown(text) });
    }
    let (mantissa, exponent) = match text.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (text, None),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (mantissa, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(whole) || fraction.is_some_and(|f| !all_digits(f)) {
        return Err(invalid());
    }
    let digits = whole.len() + fraction.map_or(0, str::len);
    if digits > 28 {
        // More significant digits than a Decimal holds exactly.
        let significant = whole.trim_start_matches('0').len();
        return Err(if significant > 28 {
            AmountError::Overflow { input: shown(text) }
        } else {
            AmountError::TooPrecise { input: shown(text) }
        });
    }
    let value = Decimal::from_str_exact(mantissa).map_err(|_| invalid())?;
    let Some(exponent) = exponent else {
        return Ok(value);
    };
    let (negative, magnitude) = match exponent.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, exponent.strip_prefix('+').unwrap_or(exponent)),
    };
    if !all_digits(magnitude) || magnitude.len() > 3 {
        return Err(invalid());
    }
    let magnitude: u32 = magnitude.parse().map_err(|_| invalid())?;
    if magnitude > MAX_EXPONENT {
        return Err(if negative {
            AmountError::TooPrecise { input: shown(text) }
        } else {
            AmountError::Overflow { input: shown(text) }
        });
    }
    if negative {
        let scale = value.scale() + magnitude;
        if scale > MAX_EXPONENT {
            return Err(AmountError::TooPrecise { input: shown(text) });
        }
        let mut scaled = value;
        scaled
            .set_scale(scale)
            .map_err(|_| AmountError::TooPrecise { input: shown(text) })?;
        Ok(scaled)
    } else {
        let mut scaled = value;
        for _ in 0..magnitude {
            scaled = scaled
                .checked_mul(Decimal::TEN)
                .ok_or_else(|| AmountError::Overflow { input: shown(text) })?;
        }
        Ok(scaled)
    }
}

/// Serde helpers that read amounts from the raw JSON text, never through `f64`.
///
/// Use them as `#[serde(deserialize_with = "patungan_http::amount::raw::decimal")]`; the
/// field's type must be [`Decimal`] (or `Option<Decimal>` for [`raw::opt_decimal`]), and
/// the deserializer must keep raw values (as `serde_json` does).
///
/// ```
/// use rust_decimal::Decimal;
///
/// #[derive(serde::Deserialize)]
/// struct Price {
///     #[serde(deserialize_with = "patungan_http::amount::raw::decimal")]
///     price: Decimal,
/// }
/// let p: Price = serde_json::from_str(r#"{"price": 12000.50}"#).unwrap();
/// assert_eq!(p.price, Decimal::new(1_200_050, 2));
/// ```
pub mod raw {
    use super::*;

    /// A required amount field.
    pub fn decimal<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        parse_amount_literal(raw.get()).map_err(serde::de::Error::custom)
    }

    /// An optional amount field (`null` or absent is `None`).
    pub fn opt_decimal<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Decimal>, D::Error> {
        let raw = Option::<Box<RawValue>>::deserialize(deserializer)?;
        match raw {
            None => Ok(None),
            Some(raw) if raw.get().trim() == "null" => Ok(None),
            Some(raw) => parse_amount_literal(raw.get())
                .map(Some)
                .map_err(serde::de::Error::custom),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals() {
        let d = |s: &str| parse_amount_literal(s);
        assert_eq!(d("0"), Ok(Decimal::ZERO));
        assert_eq!(d(" 12 "), Ok(Decimal::from(12)));
        assert_eq!(d("12.50"), Ok(Decimal::new(1250, 2)));
        assert_eq!(d("5e4"), Ok(Decimal::from(50_000)));
        assert_eq!(d("5E+4"), Ok(Decimal::from(50_000)));
        assert_eq!(d("125e-2"), Ok(Decimal::new(125, 2)));
        assert_eq!(d("\"7000\""), Ok(Decimal::from(7_000)));
        assert!(matches!(d("-5"), Err(AmountError::Negative { .. })));
        assert!(matches!(d(".5"), Err(AmountError::Invalid { .. })));
        assert!(matches!(d("5."), Err(AmountError::Invalid { .. })));
        assert!(matches!(d(""), Err(AmountError::Invalid { .. })));
        assert!(matches!(d("1e99"), Err(AmountError::Overflow { .. })));
        assert!(matches!(d("1e-99"), Err(AmountError::TooPrecise { .. })));
        assert!(matches!(
            d("99999999999999999999999999999999"),
            Err(AmountError::Overflow { .. })
        ));
        assert!(matches!(
            d("0.00000000000000000000000000000001"),
            Err(AmountError::TooPrecise { .. })
        ));
        assert!(matches!(d("\"abc\""), Err(AmountError::Invalid { .. })));
        assert!(matches!(d("true"), Err(AmountError::Invalid { .. })));
    }

    #[test]
    fn idr_amounts() {
        assert_eq!(parse_idr_amount("1095000"), Ok(Money::idr(1_095_000)));
        assert_eq!(parse_idr_amount("1095000.0"), Ok(Money::idr(1_095_000)));
        let err = parse_idr_amount("10.5").unwrap_err();
        assert_eq!(err.code(), "money.too_many_decimals");
    }

    #[test]
    fn to_wire() {
        let a = IdrAmount::from_money(&Money::idr(30_000)).unwrap();
        assert_eq!(a.rupiah(), 30_000);
        assert_eq!(a.to_money(), Money::idr(30_000));
        let usd = Money::parse("12", Currency::USD).unwrap();
        assert_eq!(
            IdrAmount::from_money(&usd),
            Err(AmountError::NotIdr {
                currency: Currency::USD
            })
        );
        assert_eq!(
            IdrAmount::from_money(&usd).unwrap_err().code(),
            "amount.not_idr"
        );
    }
}
