//! Grosir bundles and variant availability (docs/domain.md §6) for offline apps.

use std::sync::Arc;

use patungan_core::grosir as core;

use crate::errors::{IntoFfiResult, PatunganError};
use crate::json::{id, parse, text};
use crate::Money;

/// One variant of a bundle: units per bundle and the excess tolerated.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VariantBundle {
    /// The variant's id (a UUID string).
    pub variant: String,
    /// Units of it in one factory bundle.
    pub units_per_bundle: u64,
    /// Excess units the warehouse accepts.
    pub tolerance: u64,
}

/// How many more units of a variant may be ordered (`None`: unbounded).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Availability {
    /// The variant asked about.
    pub variant: String,
    /// Units of it held by pending and paid participants.
    pub ordered: u64,
    /// The most bundles the other variants' orders and tolerances justify.
    pub max_bundles: Option<u64>,
    /// Units that may still be ordered.
    pub available: Option<u64>,
    /// Whether nothing more may be ordered.
    pub locked: bool,
    /// The other variant that limits it.
    pub constraining_variant: Option<String>,
    /// Bundles needed to produce every current order.
    pub bundles_needed: u64,
}

impl From<core::Availability> for Availability {
    fn from(a: core::Availability) -> Self {
        Availability {
            variant: a.variant.to_string(),
            ordered: a.ordered,
            max_bundles: a.max_bundles,
            available: a.available,
            locked: a.locked,
            constraining_variant: a.constraining_variant.map(|v| v.to_string()),
            bundles_needed: a.bundles_needed,
        }
    }
}

/// A product's factory bundle; per-variant lists are in this config order.
#[derive(Debug, uniffi::Object)]
pub struct GrosirConfig {
    inner: core::GrosirConfig,
}

#[uniffi::export]
impl GrosirConfig {
    /// Validates a bundle.
    #[uniffi::constructor]
    pub fn new(variants: Vec<VariantBundle>) -> Result<Arc<Self>, PatunganError> {
        let variants = variants
            .iter()
            .map(|v| {
                Ok(core::VariantBundle::new(
                    id(&v.variant)?,
                    v.units_per_bundle,
                    v.tolerance,
                ))
            })
            .collect::<Result<Vec<_>, PatunganError>>()?;
        let inner = core::GrosirConfig::new(variants).ffi()?;
        Ok(Arc::new(GrosirConfig { inner }))
    }

    /// Reads a bundle from its JSON form.
    #[uniffi::constructor]
    pub fn from_json(json: String) -> Result<Arc<Self>, PatunganError> {
        Ok(Arc::new(GrosirConfig {
            inner: parse(&json)?,
        }))
    }

    /// The bundle's JSON form.
    pub fn to_json(&self) -> Result<String, PatunganError> {
        text(&self.inner)
    }

    /// How many more units of `variant` may be ordered given `orders` (config order).
    pub fn availability(
        &self,
        variant: String,
        orders: Vec<u64>,
    ) -> Result<Availability, PatunganError> {
        let a = self.inner.availability(id(&variant)?, &orders).ffi()?;
        Ok(a.into())
    }

    /// What producing `orders` from scratch takes (JSON of the core's `Production`).
    pub fn production_json(&self, orders: Vec<u64>) -> Result<String, PatunganError> {
        text(&self.inner.production(&orders).ffi()?)
    }

    /// The warehouse plan for paid `demand` and `stock` (config order), as JSON.
    pub fn warehouse_plan_json(
        &self,
        demand: Vec<u64>,
        stock: Vec<u64>,
        unit_cost: Money,
        leg1_shipping: Money,
    ) -> Result<String, PatunganError> {
        let plan = core::WarehousePlan::compute(
            &demand,
            &stock,
            &self.inner,
            unit_cost.to_core()?,
            leg1_shipping.to_core()?,
        )
        .ffi()?;
        text(&plan)
    }
}
