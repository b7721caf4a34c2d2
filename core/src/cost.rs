//! What a shopper pays at join (docs/domain.md §8): product, both shipping legs and the gateway fee.

use serde::{Deserialize, Serialize};

use crate::bp::BasisPoints;
use crate::money::{Money, MoneyError, Rounding};
use crate::moq::Moq;

/// Leg 1 per unit is the bulk shipping cost shared over the MOQ, rounded up.
pub const LEG1_ROUNDING: Rounding = Rounding::Up;
/// The gateway fee is a share of the product amount, rounded up.
pub const GATEWAY_FEE_ROUNDING: Rounding = Rounding::Up;
/// The default gateway fee: 3 % of the product amount.
pub const DEFAULT_GATEWAY_FEE: BasisPoints = BasisPoints::new(300);

/// The inputs of [`CostBreakdown::for_join`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinCostInput {
    /// Units the shopper joins with (≥ 1).
    pub quantity: u64,
    /// The session's group price per unit.
    pub group_price: Money,
    /// The session's MOQ.
    pub moq: Moq,
    /// Factory → warehouse shipping for a whole MOQ (leg 1).
    pub bulk_shipping_cost: Money,
    /// Warehouse → buyer courier price the shopper chose (leg 2).
    pub courier_price: Money,
    /// The gateway fee rate on the product amount.
    pub gateway_fee_rate: BasisPoints,
}

/// The amount due at join, part by part.
///
/// ```
/// use patungan_core::{CostBreakdown, JoinCostInput, Money, Moq, cost::DEFAULT_GATEWAY_FEE};
/// let cost = CostBreakdown::for_join(&JoinCostInput {
///     quantity: 10,
///     group_price: Money::idr(100_000),
///     moq: Moq::new(100)?,
///     bulk_shipping_cost: Money::idr(500_000),
///     courier_price: Money::idr(15_000),
///     gateway_fee_rate: DEFAULT_GATEWAY_FEE,
/// })?;
/// assert_eq!(cost.total, Money::idr(1_095_000));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CostBreakdown {
    /// Units joined.
    pub quantity: u64,
    /// `quantity × group price`.
    pub product: Money,
    /// Leg 1 per unit: `bulk shipping cost ÷ MOQ`, rounded up.
    pub leg1_per_unit: Money,
    /// `leg1_per_unit × quantity`.
    pub leg1: Money,
    /// The courier price (leg 2).
    pub leg2: Money,
    /// `gateway fee rate × product`, rounded up.
    pub gateway_fee: Money,
    /// The amount due: product + leg 1 + leg 2 + gateway fee.
    pub total: Money,
}

/// Why a cost breakdown was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CostError {
    /// A join needs at least one unit.
    #[error("quantity must be at least 1")]
    ZeroQuantity,
    /// A money rule failed (currency mismatch, overflow …).
    #[error(transparent)]
    Money(#[from] MoneyError),
}

impl CostError {
    /// A stable machine-readable code for this error, shared by every binding.
    pub fn code(&self) -> &'static str {
        match self {
            CostError::ZeroQuantity => "cost.zero_quantity",
            CostError::Money(e) => e.code(),
        }
    }
}

impl CostBreakdown {
    /// Computes the amount due for a join with the roundings of docs/domain.md §8.
    pub fn for_join(input: &JoinCostInput) -> Result<CostBreakdown, CostError> {
        if input.quantity == 0 {
            return Err(CostError::ZeroQuantity);
        }
        let currency = input.group_price.currency();
        input.bulk_shipping_cost.ensure_currency(currency)?;
        input.courier_price.ensure_currency(currency)?;
        let product = input.group_price.checked_mul_qty(input.quantity)?;
        let leg1_per_unit = input
            .bulk_shipping_cost
            .checked_div_qty(input.moq.get(), LEG1_ROUNDING)?;
        let leg1 = leg1_per_unit.checked_mul_qty(input.quantity)?;
        let gateway_fee = product.percent_of(input.gateway_fee_rate, GATEWAY_FEE_ROUNDING)?;
        let total =
            Money::checked_sum(currency, [product, leg1, input.courier_price, gateway_fee])?;
        Ok(CostBreakdown {
            quantity: input.quantity,
            product,
            leg1_per_unit,
            leg1,
            leg2: input.courier_price,
            gateway_fee,
            total,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    fn input() -> JoinCostInput {
        JoinCostInput {
            quantity: 10,
            group_price: Money::idr(100_000),
            moq: Moq::new(100).unwrap(),
            bulk_shipping_cost: Money::idr(500_000),
            courier_price: Money::idr(15_000),
            gateway_fee_rate: DEFAULT_GATEWAY_FEE,
        }
    }

    #[test]
    fn design_example_part_by_part() {
        let c = CostBreakdown::for_join(&input()).unwrap();
        assert_eq!(c.product, Money::idr(1_000_000));
        assert_eq!(c.leg1_per_unit, Money::idr(5_000));
        assert_eq!(c.leg1, Money::idr(50_000));
        assert_eq!(c.leg2, Money::idr(15_000));
        assert_eq!(c.gateway_fee, Money::idr(30_000));
        assert_eq!(c.total, Money::idr(1_095_000));
    }

    #[test]
    fn bad_inputs_are_typed_errors() {
        let zero = JoinCostInput {
            quantity: 0,
            ..input()
        };
        assert_eq!(
            CostBreakdown::for_join(&zero).unwrap_err(),
            CostError::ZeroQuantity
        );
        let usd = JoinCostInput {
            bulk_shipping_cost: Money::zero(Currency::USD),
            ..input()
        };
        assert_eq!(
            CostBreakdown::for_join(&usd).unwrap_err().code(),
            "money.currency_mismatch"
        );
        let huge = JoinCostInput {
            quantity: u64::MAX,
            group_price: Money::new(rust_decimal::Decimal::MAX, Currency::IDR).unwrap(),
            ..input()
        };
        assert_eq!(
            CostBreakdown::for_join(&huge).unwrap_err().code(),
            "money.overflow"
        );
    }
}
