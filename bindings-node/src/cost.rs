//! What a shopper pays at join (docs/domain.md §8).

use napi_derive::napi;
use patungan_core::cost as core;
use patungan_core::BasisPoints;

use crate::errors::{IntoJsResult, Result};
use crate::money::Money;
use crate::numbers::{number, quantity, small};
use crate::tier::moq;

/// The default gateway fee rate: 300 bp (3 %) of the product amount.
#[napi]
pub const DEFAULT_GATEWAY_FEE_BP: u32 = core::DEFAULT_GATEWAY_FEE.get();

/// The inputs of a join's cost breakdown.
#[napi(object)]
pub struct JoinCostInput {
    /// Units the shopper joins with (≥ 1).
    pub quantity: f64,
    /// The session's group price per unit.
    pub group_price: Money,
    /// The session's MOQ.
    pub moq: f64,
    /// Factory → warehouse shipping for a whole MOQ (leg 1).
    pub bulk_shipping_cost: Money,
    /// Warehouse → buyer courier price (leg 2).
    pub courier_price: Money,
    /// The gateway fee rate on the product amount, in basis points (default 300).
    pub gateway_fee_rate_bp: Option<f64>,
}

/// The amount due at join, part by part.
#[napi(object)]
pub struct CostBreakdown {
    /// Units joined.
    pub quantity: f64,
    /// `quantity × group price`.
    pub product: Money,
    /// Leg 1 per unit: bulk shipping ÷ MOQ, rounded up.
    pub leg1_per_unit: Money,
    /// `leg1PerUnit × quantity`.
    pub leg1: Money,
    /// The courier price (leg 2).
    pub leg2: Money,
    /// Gateway fee rate × product, rounded up.
    pub gateway_fee: Money,
    /// The amount due.
    pub total: Money,
}

impl From<core::CostBreakdown> for CostBreakdown {
    fn from(c: core::CostBreakdown) -> Self {
        CostBreakdown {
            quantity: number(c.quantity),
            product: c.product.into(),
            leg1_per_unit: c.leg1_per_unit.into(),
            leg1: c.leg1.into(),
            leg2: c.leg2.into(),
            gateway_fee: c.gateway_fee.into(),
            total: c.total.into(),
        }
    }
}

/// Computes the amount due for a join (`CostError` / `MoneyError` / `MoqError` if refused).
#[napi]
pub fn cost_breakdown(input: JoinCostInput) -> Result<CostBreakdown> {
    // Same validation order as the core's JoinCostInput fields.
    let input = core::JoinCostInput {
        quantity: quantity("quantity", input.quantity)?,
        group_price: input.group_price.to_core()?,
        moq: moq(input.moq)?,
        bulk_shipping_cost: input.bulk_shipping_cost.to_core()?,
        courier_price: input.courier_price.to_core()?,
        gateway_fee_rate: match input.gateway_fee_rate_bp {
            Some(bp) => BasisPoints::new(small("gatewayFeeRateBp", bp)?),
            None => core::DEFAULT_GATEWAY_FEE,
        },
    };
    core::CostBreakdown::for_join(&input)
        .js()
        .map(CostBreakdown::from)
}
