//! What a shopper pays at join (docs/domain.md §8).

use patungan_core::cost as core;
use patungan_core::BasisPoints;
use pyo3::prelude::*;

use crate::errors::{json_error, IntoPyResult};
use crate::money::Money;
use crate::tier::moq;

// The literal default above keeps the Python signature readable; it must be the core's.
const _: () = assert!(core::DEFAULT_GATEWAY_FEE.get() == 300);

/// The inputs of a join's cost breakdown.
#[pyclass(module = "patungan", frozen, eq)]
#[derive(Clone, PartialEq, Eq)]
pub struct JoinCostInput(pub core::JoinCostInput);

#[pymethods]
impl JoinCostInput {
    #[new]
    #[pyo3(signature = (*, quantity, group_price, moq, bulk_shipping_cost, courier_price, gateway_fee_rate_bp = 300))]
    fn new(
        quantity: u64,
        group_price: &Money,
        moq: u64,
        bulk_shipping_cost: &Money,
        courier_price: &Money,
        gateway_fee_rate_bp: u32,
    ) -> PyResult<Self> {
        Ok(JoinCostInput(core::JoinCostInput {
            quantity,
            group_price: group_price.0,
            moq: self::moq(moq)?,
            bulk_shipping_cost: bulk_shipping_cost.0,
            courier_price: courier_price.0,
            gateway_fee_rate: BasisPoints::new(gateway_fee_rate_bp),
        }))
    }

    /// Units joined.
    #[getter]
    fn quantity(&self) -> u64 {
        self.0.quantity
    }

    /// The session's group price per unit.
    #[getter]
    fn group_price(&self) -> Money {
        Money(self.0.group_price)
    }

    /// The session's MOQ.
    #[getter]
    fn moq(&self) -> u64 {
        self.0.moq.get()
    }

    /// Factory → warehouse shipping for a whole MOQ.
    #[getter]
    fn bulk_shipping_cost(&self) -> Money {
        Money(self.0.bulk_shipping_cost)
    }

    /// The courier price the shopper chose.
    #[getter]
    fn courier_price(&self) -> Money {
        Money(self.0.courier_price)
    }

    /// The gateway fee rate on the product amount, in basis points.
    #[getter]
    fn gateway_fee_rate_bp(&self) -> u32 {
        self.0.gateway_fee_rate.get()
    }
}

/// The amount due at join, part by part.
#[pyclass(module = "patungan", frozen, eq)]
#[derive(Clone, PartialEq, Eq)]
pub struct CostBreakdown(pub core::CostBreakdown);

#[pymethods]
impl CostBreakdown {
    /// Computes the amount due for a join (`CostError` / `MoneyError` if refused).
    #[staticmethod]
    fn for_join(input: &JoinCostInput) -> PyResult<Self> {
        core::CostBreakdown::for_join(&input.0)
            .py()
            .map(CostBreakdown)
    }

    /// Units joined.
    #[getter]
    fn quantity(&self) -> u64 {
        self.0.quantity
    }

    /// `quantity × group price`.
    #[getter]
    fn product(&self) -> Money {
        Money(self.0.product)
    }

    /// Leg 1 per unit: bulk shipping ÷ MOQ, rounded up.
    #[getter]
    fn leg1_per_unit(&self) -> Money {
        Money(self.0.leg1_per_unit)
    }

    /// `leg1_per_unit × quantity`.
    #[getter]
    fn leg1(&self) -> Money {
        Money(self.0.leg1)
    }

    /// The courier price (leg 2).
    #[getter]
    fn leg2(&self) -> Money {
        Money(self.0.leg2)
    }

    /// Gateway fee rate × product, rounded up.
    #[getter]
    fn gateway_fee(&self) -> Money {
        Money(self.0.gateway_fee)
    }

    /// The amount due.
    #[getter]
    fn total(&self) -> Money {
        Money(self.0.total)
    }

    /// The core's JSON form of this breakdown.
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.0).map_err(json_error)
    }

    /// Reads a breakdown from its JSON form (text, or the parsed dict carried by events and effects).
    #[staticmethod]
    fn from_json(json: &Bound<'_, PyAny>) -> PyResult<Self> {
        crate::json::core_value(json).map(CostBreakdown)
    }

    fn __repr__(&self) -> String {
        format!(
            "CostBreakdown(quantity={}, total={})",
            self.0.quantity,
            Money(self.0.total).__repr__()
        )
    }
}
