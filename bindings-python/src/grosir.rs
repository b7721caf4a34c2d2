//! Grosir bundles, variant availability, production and the warehouse plan (docs/domain.md §6, §7).
//!
//! `GrosirConfig` is a native class holding the validated core value; its answers
//! (`Availability`, `Production`, `WarehousePlan`) are records of `patungan.grosir`.

use patungan_core::grosir as core;
use pyo3::prelude::*;
use pyo3::types::PyList;
use uuid::Uuid;

use crate::errors::{json_error, IntoPyResult};
use crate::ids::id;
use crate::json::{core_value, record, records};
use crate::money::Money;

/// A product's factory bundle: units per bundle and tolerance of each variant.
///
/// `GrosirConfig([VariantBundle(variant, units_per_bundle, tolerance), ...])`;
/// per-variant lists (orders, demand, stock) are in this config order.
#[pyclass(module = "patungan", frozen, eq)]
#[derive(Clone, PartialEq, Eq)]
pub struct GrosirConfig(pub core::GrosirConfig);

#[pymethods]
impl GrosirConfig {
    #[new]
    fn new(variants: Vec<Bound<'_, PyAny>>) -> PyResult<Self> {
        let variants = variants
            .iter()
            .map(core_value::<core::VariantBundle>)
            .collect::<PyResult<Vec<_>>>()?;
        core::GrosirConfig::new(variants).py().map(GrosirConfig)
    }

    /// Reads a bundle from its JSON form (`{"variants": [...]}`, text or parsed dict).
    #[staticmethod]
    fn from_json(json: &Bound<'_, PyAny>) -> PyResult<Self> {
        crate::json::core_value(json).map(GrosirConfig)
    }

    /// The bundle's JSON form.
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.0).map_err(json_error)
    }

    /// The variants, in config order (`VariantBundle` records).
    #[getter]
    fn variants<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        records(py, "VariantBundle", self.0.variants())
    }

    fn __len__(&self) -> usize {
        self.0.len()
    }

    /// The position of `variant` in config order, or `None`.
    fn position(&self, variant: Uuid) -> Option<usize> {
        self.0.position(id(variant))
    }

    /// How many more units of `variant` may be ordered given `orders` (units held
    /// per variant, in config order): an `Availability` record.
    fn availability<'py>(
        &self,
        py: Python<'py>,
        variant: Uuid,
        orders: Vec<u64>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let a = self.0.availability(id(variant), &orders).py()?;
        record(py, "Availability", &a)
    }

    /// The availability of every variant, in config order.
    fn availability_all<'py>(
        &self,
        py: Python<'py>,
        orders: Vec<u64>,
    ) -> PyResult<Bound<'py, PyList>> {
        let all = self.0.availability_all(&orders).py()?;
        records(py, "Availability", &all)
    }

    /// What producing `orders` from scratch takes: a `Production` record.
    fn production<'py>(&self, py: Python<'py>, orders: Vec<u64>) -> PyResult<Bound<'py, PyAny>> {
        let p = self.0.production(&orders).py()?;
        record(py, "Production", &p)
    }

    /// Lays `StockLevel`s out in config order (variants not listed have none).
    fn stock_in_config_order(&self, stock: Vec<Bound<'_, PyAny>>) -> PyResult<Vec<u64>> {
        let stock = stock
            .iter()
            .map(core_value::<core::StockLevel>)
            .collect::<PyResult<Vec<_>>>()?;
        self.0.stock_in_config_order(&stock).py()
    }

    /// The warehouse plan for paid `demand` and `stock` on hand (both in config
    /// order), buying whole bundles at `unit_cost` plus `leg1_shipping`.
    fn warehouse_plan<'py>(
        &self,
        py: Python<'py>,
        demand: Vec<u64>,
        stock: Vec<u64>,
        unit_cost: &Money,
        leg1_shipping: &Money,
    ) -> PyResult<Bound<'py, PyAny>> {
        let plan =
            core::WarehousePlan::compute(&demand, &stock, &self.0, unit_cost.0, leg1_shipping.0)
                .py()?;
        record(py, "WarehousePlan", &plan)
    }

    fn __repr__(&self) -> String {
        format!("GrosirConfig({} variants)", self.0.len())
    }
}
