//! The factory bundle: how many units of each variant one bundle holds, and how
//! much excess of each variant the warehouse accepts to hold.

use serde::{Deserialize, Serialize};

use crate::grosir::error::GrosirError;
use crate::ids::VariantId;

/// One variant's place in the bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct VariantBundle {
    /// The variant (size, colour …).
    pub variant: VariantId,
    /// Units of this variant in one factory bundle (≥ 1).
    pub units_per_bundle: u64,
    /// The most excess units of this variant the warehouse accepts to hold.
    pub tolerance: u64,
}

impl VariantBundle {
    /// A variant with `units_per_bundle` units per bundle and `tolerance` units of accepted excess.
    pub const fn new(variant: VariantId, units_per_bundle: u64, tolerance: u64) -> Self {
        VariantBundle {
            variant,
            units_per_bundle,
            tolerance,
        }
    }
}

/// A validated grosir bundle (docs/domain.md §1, §6): at least one variant, each with
/// ≥ 1 unit per bundle, no variant twice. The order of the variants is the
/// *config order* used to break ties and to lay out per-variant lists.
///
/// ```
/// use patungan_core::grosir::{GrosirConfig, VariantBundle};
/// use patungan_core::VariantId;
///
/// let s = VariantId::from_u128(1);
/// let m = VariantId::from_u128(2);
/// let bundle = GrosirConfig::new(vec![
///     VariantBundle::new(s, 2, 20),
///     VariantBundle::new(m, 5, 50),
/// ])?;
/// assert_eq!(bundle.units_per_bundle_total(), 7);
/// assert_eq!(bundle.position(m), Some(1));
/// # Ok::<(), patungan_core::grosir::GrosirError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "GrosirRepr", into = "GrosirRepr")]
pub struct GrosirConfig {
    variants: Vec<VariantBundle>,
}

#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
struct GrosirRepr {
    variants: Vec<VariantBundle>,
}

impl TryFrom<GrosirRepr> for GrosirConfig {
    type Error = GrosirError;

    fn try_from(repr: GrosirRepr) -> Result<Self, Self::Error> {
        GrosirConfig::new(repr.variants)
    }
}

impl From<GrosirConfig> for GrosirRepr {
    fn from(config: GrosirConfig) -> Self {
        GrosirRepr {
            variants: config.variants,
        }
    }
}

impl GrosirConfig {
    /// Validates and builds a bundle configuration.
    pub fn new(variants: Vec<VariantBundle>) -> Result<Self, GrosirError> {
        if variants.is_empty() {
            return Err(GrosirError::NoVariants);
        }
        for (index, v) in variants.iter().enumerate() {
            if v.units_per_bundle == 0 {
                return Err(GrosirError::ZeroUnitsPerBundle { variant: v.variant });
            }
            if variants
                .iter()
                .take(index)
                .any(|other| other.variant == v.variant)
            {
                return Err(GrosirError::DuplicateVariant { variant: v.variant });
            }
        }
        Ok(GrosirConfig { variants })
    }

    /// The variants in config order.
    pub fn variants(&self) -> &[VariantBundle] {
        &self.variants
    }

    /// The number of variants.
    pub fn len(&self) -> usize {
        self.variants.len()
    }

    /// Always false: a validated bundle has at least one variant.
    pub fn is_empty(&self) -> bool {
        self.variants.is_empty()
    }

    /// The position of `variant` in config order, if it is part of the bundle.
    pub fn position(&self, variant: VariantId) -> Option<usize> {
        self.variants.iter().position(|v| v.variant == variant)
    }

    /// The position of `variant`, or [`GrosirError::UnknownVariant`].
    pub fn require(&self, variant: VariantId) -> Result<usize, GrosirError> {
        self.position(variant)
            .ok_or(GrosirError::UnknownVariant { variant })
    }

    /// Units in one whole bundle, all variants together (saturating).
    pub fn units_per_bundle_total(&self) -> u64 {
        self.variants
            .iter()
            .fold(0u64, |acc, v| acc.saturating_add(v.units_per_bundle))
    }

    /// Errors unless `list` has exactly one entry per variant.
    pub(crate) fn check_len(&self, what: &'static str, list: &[u64]) -> Result<(), GrosirError> {
        if list.len() == self.variants.len() {
            Ok(())
        } else {
            Err(GrosirError::LengthMismatch {
                what,
                given: list.len(),
                expected: self.variants.len(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(n: u128) -> VariantId {
        VariantId::from_u128(n)
    }

    #[test]
    fn validation() {
        assert_eq!(
            GrosirConfig::new(vec![]).unwrap_err().code(),
            "grosir.no_variants"
        );
        assert_eq!(
            GrosirConfig::new(vec![VariantBundle::new(v(1), 0, 3)])
                .unwrap_err()
                .code(),
            "grosir.zero_units_per_bundle"
        );
        assert_eq!(
            GrosirConfig::new(vec![
                VariantBundle::new(v(1), 1, 3),
                VariantBundle::new(v(1), 2, 3)
            ])
            .unwrap_err()
            .code(),
            "grosir.duplicate_variant"
        );
        let ok = GrosirConfig::new(vec![VariantBundle::new(v(1), 1, 0)]).unwrap();
        assert_eq!(ok.len(), 1);
        assert!(!ok.is_empty());
    }

    #[test]
    fn serde_validates() {
        let json = format!(
            r#"{{"variants":[{{"variant":"{}","units_per_bundle":0,"tolerance":1}}]}}"#,
            v(1)
        );
        assert!(serde_json::from_str::<GrosirConfig>(&json).is_err());
        let c = GrosirConfig::new(vec![VariantBundle::new(v(1), 2, 5)]).unwrap();
        let back: GrosirConfig = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
        assert_eq!(back, c);
    }
}
