//! The warehouse plan at a session's success (docs/domain.md §7): what to take from
//! stock, how many factory bundles to buy, and what is left over afterwards.

use serde::{Deserialize, Serialize};

use crate::grosir::config::GrosirConfig;
use crate::grosir::error::GrosirError;
use crate::ids::VariantId;
use crate::money::Money;

/// Units of one variant on hand in the warehouse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StockLevel {
    /// The variant.
    pub variant: VariantId,
    /// Units on hand.
    pub units: u64,
}

impl StockLevel {
    /// `units` of `variant` on hand.
    pub const fn new(variant: VariantId, units: u64) -> Self {
        StockLevel { variant, units }
    }
}

impl GrosirConfig {
    /// Lays `stock` out in config order; variants not listed have no stock.
    /// A variant outside the bundle, or listed twice, is an error.
    pub fn stock_in_config_order(&self, stock: &[StockLevel]) -> Result<Vec<u64>, GrosirError> {
        let mut out = vec![0u64; self.len()];
        let mut seen = vec![false; self.len()];
        for level in stock {
            let i = self.require(level.variant)?;
            if let (Some(slot), Some(was_seen)) = (out.get_mut(i), seen.get_mut(i)) {
                if *was_seen {
                    return Err(GrosirError::DuplicateVariant {
                        variant: level.variant,
                    });
                }
                *was_seen = true;
                *slot = level.units;
            }
        }
        Ok(out)
    }
}

/// One variant of a [`WarehousePlan`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PlanLine {
    /// The variant.
    pub variant: VariantId,
    /// Paid real demand `d[v]`.
    pub demand: u64,
    /// Units on hand before the plan `s[v]`.
    pub stock: u64,
    /// Units of the demand served from stock: `min(d, s)`.
    pub stock_used: u64,
    /// Demand not covered by stock: `max(0, d − s)`.
    pub net: u64,
    /// Units arriving from the factory: `bundles × units per bundle`.
    pub to_receive: u64,
    /// What the warehouse holds afterwards: `s + to_receive − d`.
    pub leftover: u64,
    /// The variant's tolerance.
    pub tolerance: u64,
    /// True when a purchase is made and the leftover exceeds the tolerance.
    /// Without a purchase nothing is added to stock, so nothing is flagged.
    pub over_tolerance: bool,
}

/// One variant of a purchase order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PurchaseOrderLine {
    /// The variant.
    pub variant: VariantId,
    /// Units ordered from the factory.
    pub units: u64,
}

/// What the warehouse buys from the factory.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PurchaseOrder {
    /// Whole bundles bought.
    pub bundles: u64,
    /// Units per variant, in config order.
    pub lines: Vec<PurchaseOrderLine>,
    /// All units bought: `bundles × units per bundle`.
    pub total_units: u64,
    /// Factory price per unit.
    pub unit_cost: Money,
    /// `total_units × unit_cost`.
    pub goods_cost: Money,
    /// Factory → warehouse shipping (leg 1).
    pub leg1_shipping: Money,
    /// `goods_cost + leg1_shipping`.
    pub total_cost: Money,
}

/// The warehouse plan computed from paid real demand and stock on hand.
///
/// ```
/// use patungan_core::grosir::{GrosirConfig, VariantBundle, WarehousePlan};
/// use patungan_core::{Money, VariantId};
///
/// let bundle = GrosirConfig::new(
///     [(2, 20), (5, 50), (4, 40), (1, 30)]
///         .iter()
///         .zip(1u128..)
///         .map(|(&(u, t), id)| VariantBundle::new(VariantId::from_u128(id), u, t))
///         .collect(),
/// )?;
/// let plan = WarehousePlan::compute(
///     &[20, 38, 25, 5],
///     &[0, 10, 0, 2],
///     &bundle,
///     Money::idr(60_000),
///     Money::idr(500_000),
/// )?;
/// assert_eq!(plan.bundles, 10);
/// let leftover: Vec<u64> = plan.lines.iter().map(|l| l.leftover).collect();
/// assert_eq!(leftover, [0, 22, 15, 7]);
/// let po = plan.purchase_order.as_ref().expect("stock is short");
/// assert_eq!(po.total_units, 120);
/// assert_eq!(po.total_cost, Money::idr(7_700_000));
/// # Ok::<(), patungan_core::grosir::GrosirError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WarehousePlan {
    /// Bundles to buy: `max over v of ceil(net[v] / u[v])`; 0 when stock covers everything.
    pub bundles: u64,
    /// Units arriving from the factory, all variants together.
    pub total_units: u64,
    /// One line per variant, in config order.
    pub lines: Vec<PlanLine>,
    /// The purchase order, present iff `bundles > 0`.
    pub purchase_order: Option<PurchaseOrder>,
    /// True when any line is over its tolerance (the policy decides whether to proceed).
    pub over_tolerance: bool,
}

impl WarehousePlan {
    /// Computes the plan. `demand` and `stock` list units per variant in config
    /// order; `unit_cost` is the factory price per unit and `leg1_shipping` the
    /// factory → warehouse shipping added to a purchase order.
    pub fn compute(
        demand: &[u64],
        stock: &[u64],
        config: &GrosirConfig,
        unit_cost: Money,
        leg1_shipping: Money,
    ) -> Result<WarehousePlan, GrosirError> {
        config.check_len("demand", demand)?;
        config.check_len("stock", stock)?;
        leg1_shipping.ensure_currency(unit_cost.currency())?;
        let rows = || config.variants().iter().zip(demand.iter().zip(stock));
        let bundles = rows()
            .map(|(v, (&d, &s))| d.saturating_sub(s).div_ceil(v.units_per_bundle))
            .max()
            .unwrap_or(0);
        let overflow = |what| GrosirError::QuantityOverflow { what };
        let mut lines = Vec::with_capacity(config.len());
        let mut total_units = 0u64;
        for (v, (&d, &s)) in rows() {
            let to_receive = bundles
                .checked_mul(v.units_per_bundle)
                .ok_or(overflow("units to receive"))?;
            total_units = total_units
                .checked_add(to_receive)
                .ok_or(overflow("total units"))?;
            let leftover = s
                .checked_add(to_receive)
                .ok_or(overflow("leftover"))?
                .saturating_sub(d);
            lines.push(PlanLine {
                variant: v.variant,
                demand: d,
                stock: s,
                stock_used: d.min(s),
                net: d.saturating_sub(s),
                to_receive,
                leftover,
                tolerance: v.tolerance,
                over_tolerance: bundles > 0 && leftover > v.tolerance,
            });
        }
        let purchase_order = if bundles == 0 {
            None
        } else {
            let goods_cost = unit_cost.checked_mul_qty(total_units)?;
            Some(PurchaseOrder {
                bundles,
                lines: lines
                    .iter()
                    .map(|l| PurchaseOrderLine {
                        variant: l.variant,
                        units: l.to_receive,
                    })
                    .collect(),
                total_units,
                unit_cost,
                goods_cost,
                leg1_shipping,
                total_cost: goods_cost.checked_add(leg1_shipping)?,
            })
        };
        let over_tolerance = lines.iter().any(|l| l.over_tolerance);
        Ok(WarehousePlan {
            bundles,
            total_units,
            lines,
            purchase_order,
            over_tolerance,
        })
    }

    /// Whether a purchase order must be fulfilled before the orders can ship.
    pub fn needs_purchase(&self) -> bool {
        self.purchase_order.is_some()
    }

    /// The units on hand this plan counts on while its purchase order is on its way
    /// (`stock_used` of each variant that uses any): pledged so that no other session
    /// plans with them (docs/domain.md §11). Nothing when no purchase is needed: the
    /// session then reserves its units at once.
    pub fn pledge(&self) -> Vec<StockLevel> {
        if !self.needs_purchase() {
            return Vec::new();
        }
        self.lines
            .iter()
            .filter(|line| line.stock_used > 0)
            .map(|line| StockLevel::new(line.variant, line.stock_used))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grosir::config::VariantBundle;

    fn bundle() -> GrosirConfig {
        GrosirConfig::new(
            [(2, 20), (5, 50), (4, 40), (1, 30)]
                .iter()
                .zip(1u128..)
                .map(|(&(u, t), id)| VariantBundle::new(VariantId::from_u128(id), u, t))
                .collect(),
        )
        .unwrap()
    }

    #[test]
    fn stock_covering_demand_needs_no_purchase() {
        let plan = WarehousePlan::compute(
            &[2, 5, 0, 1],
            &[3, 5, 9, 1],
            &bundle(),
            Money::idr(1),
            Money::idr(1),
        )
        .unwrap();
        assert_eq!(plan.bundles, 0);
        assert!(plan.purchase_order.is_none() && !plan.over_tolerance);
        let used: Vec<u64> = plan.lines.iter().map(|l| l.stock_used).collect();
        assert_eq!(used, [2, 5, 0, 1]);
        let left: Vec<u64> = plan.lines.iter().map(|l| l.leftover).collect();
        assert_eq!(left, [1, 0, 9, 0]);
    }

    #[test]
    fn only_a_plan_with_a_purchase_pledges_the_stock_it_uses() {
        let v = VariantId::from_u128;
        let with_purchase = WarehousePlan::compute(
            &[20, 38, 25, 5],
            &[0, 10, 0, 2],
            &bundle(),
            Money::idr(1),
            Money::idr(1),
        )
        .unwrap();
        assert_eq!(
            with_purchase.pledge(),
            [StockLevel::new(v(2), 10), StockLevel::new(v(4), 2)]
        );
        let from_stock = WarehousePlan::compute(
            &[2, 5, 0, 1],
            &[3, 5, 9, 1],
            &bundle(),
            Money::idr(1),
            Money::idr(1),
        )
        .unwrap();
        assert!(from_stock.pledge().is_empty());
    }

    #[test]
    fn currency_mismatch_and_lengths_are_errors() {
        let usd = Money::parse("1.5", crate::money::Currency::USD).unwrap();
        let b = bundle();
        assert_eq!(
            WarehousePlan::compute(&[0; 4], &[0; 4], &b, Money::idr(1), usd)
                .unwrap_err()
                .code(),
            "money.currency_mismatch"
        );
        assert_eq!(
            WarehousePlan::compute(&[0; 4], &[0; 2], &b, Money::idr(1), Money::idr(1))
                .unwrap_err()
                .code(),
            "grosir.length_mismatch"
        );
    }

    #[test]
    fn stock_levels_are_laid_out_in_config_order() {
        let b = bundle();
        let v = VariantId::from_u128;
        assert_eq!(
            b.stock_in_config_order(&[StockLevel::new(v(4), 2), StockLevel::new(v(2), 10)])
                .unwrap(),
            [0, 10, 0, 2]
        );
        assert_eq!(
            b.stock_in_config_order(&[StockLevel::new(v(9), 1)])
                .unwrap_err()
                .code(),
            "grosir.unknown_variant"
        );
        assert_eq!(
            b.stock_in_config_order(&[StockLevel::new(v(1), 1), StockLevel::new(v(1), 1)])
                .unwrap_err()
                .code(),
            "grosir.duplicate_variant"
        );
    }
}
