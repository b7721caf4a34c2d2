//! The tier ladder and its preview.

use patungan_core::tier as core;
use patungan_core::{BasisPoints, Moq};
use pyo3::prelude::*;

use crate::errors::{json_error, IntoPyResult};
use crate::money::Money;

/// Validates a MOQ given as an `int` (`MoqError` below 2 or above 10 000 000).
pub fn moq(units: u64) -> PyResult<Moq> {
    Moq::new(units).py()
}

/// One step of a ladder: reaching `threshold_bp` of the MOQ unlocks `unit_price`.
#[pyclass(module = "patungan", frozen, eq, hash)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Rung(pub core::Rung);

#[pymethods]
impl Rung {
    #[new]
    fn new(threshold_bp: u32, unit_price: &Money) -> Self {
        Rung(core::Rung::new(
            BasisPoints::new(threshold_bp),
            unit_price.0,
        ))
    }

    /// Fill in basis points of the MOQ at which the rung is reached (inclusive).
    #[getter]
    fn threshold_bp(&self) -> u32 {
        self.0.threshold.get()
    }

    /// The unit price once the rung is reached.
    #[getter]
    fn unit_price(&self) -> Money {
        Money(self.0.unit_price)
    }

    pub(crate) fn __repr__(&self) -> String {
        format!(
            "Rung({}, {})",
            self.0.threshold.get(),
            Money(self.0.unit_price).__repr__()
        )
    }
}

/// A rung with its position in the ladder (0 = lowest threshold).
#[pyclass(module = "patungan", frozen, eq, hash)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct RungView(pub core::RungView);

#[pymethods]
impl RungView {
    /// Position in the ladder, 0 for the lowest threshold.
    #[getter]
    fn index(&self) -> u32 {
        self.0.index
    }

    /// Fill in basis points at which the rung is reached.
    #[getter]
    fn threshold_bp(&self) -> u32 {
        self.0.threshold.get()
    }

    /// The rung's unit price.
    #[getter]
    fn unit_price(&self) -> Money {
        Money(self.0.unit_price)
    }

    /// Reads a rung view from its JSON form (text, or the parsed dict).
    #[staticmethod]
    fn from_json(json: &Bound<'_, PyAny>) -> PyResult<Self> {
        crate::json::core_value(json).map(RungView)
    }

    /// The core's JSON form.
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.0).map_err(json_error)
    }

    fn __repr__(&self) -> String {
        format!(
            "RungView(index={}, threshold_bp={}, unit_price={})",
            self.0.index,
            self.0.threshold.get(),
            Money(self.0.unit_price).__repr__()
        )
    }
}

/// A validated tier ladder with its group price (docs/domain.md §3).
#[pyclass(module = "patungan", frozen, eq)]
#[derive(Clone, PartialEq, Eq)]
pub struct TierLadder(pub core::TierLadder);

#[pymethods]
impl TierLadder {
    /// Thresholds are at most 10 000 bp (100 % of the MOQ) unless `allow_above_moq`
    /// (then at most 100 000 bp): rungs beyond the MOQ unlock further discounts.
    #[new]
    #[pyo3(signature = (group_price, rungs, allow_above_moq = false))]
    fn new(
        group_price: &Money,
        rungs: Vec<PyRef<'_, Rung>>,
        allow_above_moq: bool,
    ) -> PyResult<Self> {
        let rungs = rungs.iter().map(|r| r.0).collect();
        let ladder = if allow_above_moq {
            core::TierLadder::allowing_above_moq(group_price.0, rungs)
        } else {
            core::TierLadder::new(group_price.0, rungs)
        };
        ladder.py().map(TierLadder)
    }

    /// A ladder on the default thresholds (25/50/75/100 % of the MOQ).
    #[staticmethod]
    fn with_default_thresholds(
        group_price: &Money,
        prices: (
            PyRef<'_, Money>,
            PyRef<'_, Money>,
            PyRef<'_, Money>,
            PyRef<'_, Money>,
        ),
    ) -> PyResult<Self> {
        let prices = [prices.0 .0, prices.1 .0, prices.2 .0, prices.3 .0];
        core::TierLadder::with_default_thresholds(group_price.0, prices)
            .py()
            .map(TierLadder)
    }

    /// Reads a ladder from its JSON form, text or parsed dict (`Error` with code `json.invalid` if bad).
    #[staticmethod]
    fn from_json(json: &Bound<'_, PyAny>) -> PyResult<Self> {
        crate::json::core_value(json).map(TierLadder)
    }

    /// The ladder's JSON form (the core's serde form, as in the golden vectors).
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.0).map_err(json_error)
    }

    /// The base unit price every joiner pays up front.
    #[getter]
    fn group_price(&self) -> Money {
        Money(self.0.group_price())
    }

    /// The currency of every price in the ladder.
    #[getter]
    fn currency(&self) -> &'static str {
        self.0.currency().code()
    }

    /// The rungs, lowest threshold first.
    #[getter]
    fn rungs(&self) -> Vec<Rung> {
        self.0.rungs().iter().copied().map(Rung).collect()
    }

    /// Whether rungs may lie beyond 100 % of the MOQ (JSON `allow_above_moq`).
    #[getter]
    fn allow_above_moq(&self) -> bool {
        self.0.allows_above_moq()
    }

    /// The highest rung reached at `fill_bp`, if any.
    fn rung_at(&self, fill_bp: u32) -> Option<RungView> {
        self.0.rung_at(BasisPoints::new(fill_bp)).map(RungView)
    }

    /// The final unit price of a session of `moq` holding `filled` units.
    fn final_price(&self, moq: u64, filled: u64) -> PyResult<Money> {
        Ok(Money(self.0.final_price(self::moq(moq)?, filled)))
    }

    /// Cashback for a buyer of `quantity` units at settlement.
    fn cashback(&self, moq: u64, filled: u64, quantity: u64) -> PyResult<Money> {
        self.0
            .cashback(self::moq(moq)?, filled, quantity)
            .py()
            .map(Money)
    }

    /// Where a session of `moq` holding `filled` units stands, and where `extra`
    /// more units would take it.
    #[pyo3(signature = (moq, filled, extra = 0))]
    fn preview(&self, moq: u64, filled: u64, extra: u64) -> PyResult<Preview> {
        self.0
            .preview(self::moq(moq)?, filled, extra)
            .py()
            .map(Preview)
    }

    fn __repr__(&self) -> String {
        let rungs: Vec<String> = self.rungs().iter().map(Rung::__repr__).collect();
        let above = if self.0.allows_above_moq() {
            ", allow_above_moq=True"
        } else {
            ""
        };
        format!(
            "TierLadder({}, [{}]{above})",
            self.group_price().__repr__(),
            rungs.join(", ")
        )
    }
}

/// `floor(10 000 × filled / moq)`: the fill in basis points.
#[pyfunction]
pub fn fill_bp(moq: u64, filled: u64) -> PyResult<u32> {
    Ok(core::TierLadder::fill_bp(self::moq(moq)?, filled).get())
}

/// The answer to "where does this session stand, and what would I pay?".
#[pyclass(module = "patungan", frozen, eq)]
#[derive(Clone, PartialEq, Eq)]
pub struct Preview(pub core::Preview);

#[pymethods]
impl Preview {
    /// The session's MOQ.
    #[getter]
    fn moq(&self) -> u64 {
        self.0.moq
    }

    /// Units already counted toward fill.
    #[getter]
    fn filled_quantity(&self) -> u64 {
        self.0.filled_quantity
    }

    /// The extra units considered.
    #[getter]
    fn extra_quantity(&self) -> u64 {
        self.0.extra_quantity
    }

    /// Fill now, in basis points.
    #[getter]
    fn fill_bp(&self) -> u32 {
        self.0.fill_bp.get()
    }

    /// The highest rung reached now.
    #[getter]
    fn current_rung(&self) -> Option<RungView> {
        self.0.current_rung.map(RungView)
    }

    /// The unit price if the session closed now, without the extra units.
    #[getter]
    fn current_unit_price(&self) -> Money {
        Money(self.0.current_unit_price)
    }

    /// Group price minus the current unit price.
    #[getter]
    fn saving_per_unit_now(&self) -> Money {
        Money(self.0.saving_per_unit_now)
    }

    /// Fill with the extra units, in basis points.
    #[getter]
    fn projected_fill_bp(&self) -> u32 {
        self.0.projected_fill_bp.get()
    }

    /// The unit price if the session closed now with the extra units.
    #[getter]
    fn price_if_closed_now(&self) -> Money {
        Money(self.0.price_if_closed_now)
    }

    /// The lowest rung not reached even with the extra units.
    #[getter]
    fn next_rung(&self) -> Option<RungView> {
        self.0.next_rung.map(RungView)
    }

    /// Units still needed, beyond the extra units, to reach the next rung.
    #[getter]
    fn units_to_next_rung(&self) -> Option<u64> {
        self.0.units_to_next_rung
    }

    /// Group price minus the next rung's unit price.
    #[getter]
    fn saving_per_unit_at_next_rung(&self) -> Option<Money> {
        self.0.saving_per_unit_at_next_rung.map(Money)
    }

    /// The core's JSON form of this preview.
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.0).map_err(json_error)
    }

    fn __repr__(&self) -> String {
        format!(
            "Preview(fill_bp={}, projected_fill_bp={}, price_if_closed_now={}, units_to_next_rung={})",
            self.0.fill_bp.get(),
            self.0.projected_fill_bp.get(),
            Money(self.0.price_if_closed_now).__repr__(),
            self.0
                .units_to_next_rung
                .map_or_else(|| "None".to_owned(), |units| units.to_string())
        )
    }
}
