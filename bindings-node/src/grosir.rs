//! Grosir bundles, variant availability, production and the warehouse plan (docs/domain.md §6, §7).

use napi::bindgen_prelude::Unknown;
use napi::Env;
use napi_derive::napi;
use patungan_core::grosir as core;

use crate::errors::{IntoJsResult, Result};
use crate::ids::id;
use crate::json::{core_value, js, parse, text};
use crate::money::Money;
use crate::numbers::quantity;

/// Per-variant quantities (JS numbers) as `u64`s.
pub fn quantities(name: &str, values: Vec<f64>) -> Result<Vec<u64>> {
    values.into_iter().map(|v| quantity(name, v)).collect()
}

/// A product's factory bundle: units per bundle and tolerance of each variant.
/// Per-variant lists (orders, demand, stock) are in this config order.
#[napi]
pub struct GrosirConfig {
    pub(crate) inner: core::GrosirConfig,
}

#[napi]
impl GrosirConfig {
    /// Validates a bundle (`GrosirError` if empty, a zero bundle size or a repeated variant).
    #[napi(constructor, ts_args_type = "variants: VariantBundle[]")]
    pub fn new(env: Env, variants: Unknown<'_>) -> Result<Self> {
        let variants: Vec<core::VariantBundle> = core_value(&env, variants)?;
        let inner = core::GrosirConfig::new(variants).js()?;
        Ok(GrosirConfig { inner })
    }

    /// Reads a bundle from its JSON form (`{"variants": [...]}`).
    #[napi(factory)]
    pub fn from_json(json: String) -> Result<Self> {
        Ok(GrosirConfig {
            inner: parse(&json)?,
        })
    }

    /// The bundle's JSON form.
    #[napi]
    pub fn to_json(&self) -> Result<String> {
        text(&self.inner)
    }

    /// The variants, in config order.
    #[napi(getter, ts_return_type = "VariantBundle[]")]
    pub fn variants<'env>(&self, env: Env) -> Result<Unknown<'env>> {
        js(&env, &self.inner.variants())
    }

    /// The position of `variant` in config order, or `null`.
    #[napi]
    pub fn position(&self, variant: String) -> Result<Option<u32>> {
        Ok(self.inner.position(id(&variant)?).map(|p| p as u32))
    }

    /// How many more units of `variant` may be ordered given `orders` (units held
    /// per variant, in config order).
    #[napi(ts_return_type = "Availability")]
    pub fn availability<'env>(
        &self,
        env: Env,
        variant: String,
        orders: Vec<f64>,
    ) -> Result<Unknown<'env>> {
        let orders = quantities("orders", orders)?;
        let a = self.inner.availability(id(&variant)?, &orders).js()?;
        js(&env, &a)
    }

    /// The availability of every variant, in config order.
    #[napi(ts_return_type = "Availability[]")]
    pub fn availability_all<'env>(&self, env: Env, orders: Vec<f64>) -> Result<Unknown<'env>> {
        let orders = quantities("orders", orders)?;
        js(&env, &self.inner.availability_all(&orders).js()?)
    }

    /// What producing `orders` from scratch takes.
    #[napi(ts_return_type = "Production")]
    pub fn production<'env>(&self, env: Env, orders: Vec<f64>) -> Result<Unknown<'env>> {
        let orders = quantities("orders", orders)?;
        js(&env, &self.inner.production(&orders).js()?)
    }

    /// Lays stock levels out in config order (variants not listed have none).
    #[napi(ts_args_type = "stock: StockLevel[]")]
    pub fn stock_in_config_order(&self, env: Env, stock: Unknown<'_>) -> Result<Vec<f64>> {
        let stock: Vec<core::StockLevel> = core_value(&env, stock)?;
        let laid = self.inner.stock_in_config_order(&stock).js()?;
        Ok(laid.into_iter().map(crate::numbers::number).collect())
    }

    /// The warehouse plan for paid `demand` and `stock` on hand (config order).
    #[napi(ts_return_type = "WarehousePlan")]
    pub fn warehouse_plan<'env>(
        &self,
        env: Env,
        demand: Vec<f64>,
        stock: Vec<f64>,
        unit_cost: Money,
        leg1_shipping: Money,
    ) -> Result<Unknown<'env>> {
        let demand = quantities("demand", demand)?;
        let stock = quantities("stock", stock)?;
        let plan = core::WarehousePlan::compute(
            &demand,
            &stock,
            &self.inner,
            unit_cost.to_core()?,
            leg1_shipping.to_core()?,
        )
        .js()?;
        js(&env, &plan)
    }

    /// Number of variants.
    #[napi(getter)]
    pub fn length(&self) -> u32 {
        self.inner.len() as u32
    }
}
