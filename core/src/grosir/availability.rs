//! How many more units of a variant may be ordered right now (docs/domain.md §6), and
//! what producing every current order would take.

use serde::{Deserialize, Serialize};

use crate::grosir::config::GrosirConfig;
use crate::grosir::error::GrosirError;
use crate::ids::VariantId;

/// The answer to "how many more units of this variant may be ordered?".
///
/// With `o` the units held by pending and paid real participants, `u` the units
/// per bundle and `t` the tolerance of each variant:
/// `B*(r) = min over every other variant w of floor((o[w] + t[w]) / u[w])`, and
/// `available(r) = max(0, B*(r) × u[r] − o[r])`. Producing enough bundles for
/// every order then never leaves another variant with more excess than its
/// tolerance. A bundle with a single variant puts no bound on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Availability {
    /// The variant asked about.
    pub variant: VariantId,
    /// Units of it already held by pending and paid participants (`o[r]`).
    pub ordered: u64,
    /// `B*(r)`: the most bundles the other variants' orders and tolerances
    /// justify; `None` when there is no other variant (unbounded).
    pub max_bundles: Option<u64>,
    /// Units that may still be ordered; `None` when unbounded.
    pub available: Option<u64>,
    /// True when nothing more may be ordered (`available = 0`).
    pub locked: bool,
    /// The other variant attaining the minimum in `B*(r)` (first in config order
    /// on ties); `None` when unbounded.
    pub constraining_variant: Option<VariantId>,
    /// Bundles needed to produce every current order of every variant:
    /// `max over v of ceil(o[v] / u[v])`.
    pub bundles_needed: u64,
}

impl Availability {
    /// Whether an order of `quantity` more units fits.
    pub fn allows(&self, quantity: u64) -> bool {
        self.available.is_none_or(|a| quantity <= a)
    }
}

/// One variant of a [`Production`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ProductionLine {
    /// The variant.
    pub variant: VariantId,
    /// Units ordered.
    pub ordered: u64,
    /// Units the bundles produce: `bundles × units per bundle`.
    pub produced: u64,
    /// `produced − ordered`.
    pub excess: u64,
    /// Whether the excess exceeds the variant's tolerance.
    pub over_tolerance: bool,
}

/// What producing every current order in whole bundles takes (no stock on hand).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Production {
    /// Bundles needed: `max over v of ceil(o[v] / u[v])`.
    pub bundles: u64,
    /// One line per variant, in config order.
    pub lines: Vec<ProductionLine>,
}

impl GrosirConfig {
    /// The availability of `variant` given `orders`, the units held per variant
    /// in config order. O(number of variants), no allocation.
    ///
    /// ```
    /// use patungan_core::grosir::{GrosirConfig, VariantBundle};
    /// use patungan_core::VariantId;
    ///
    /// let [s, m, l, xl] = [1, 2, 3, 4].map(VariantId::from_u128);
    /// let bundle = GrosirConfig::new(vec![
    ///     VariantBundle::new(s, 2, 20),
    ///     VariantBundle::new(m, 5, 50),
    ///     VariantBundle::new(l, 4, 40),
    ///     VariantBundle::new(xl, 1, 30),
    /// ])?;
    /// let a = bundle.availability(m, &[8, 35, 12, 3])?;
    /// assert_eq!(a.max_bundles, Some(13));
    /// assert_eq!(a.available, Some(30));
    /// assert_eq!(a.constraining_variant, Some(l));
    /// assert!(!a.allows(40));
    /// # Ok::<(), patungan_core::grosir::GrosirError>(())
    /// ```
    pub fn availability(
        &self,
        variant: VariantId,
        orders: &[u64],
    ) -> Result<Availability, GrosirError> {
        let index = self.require(variant)?;
        self.availability_at(index, orders)
    }

    /// [`GrosirConfig::availability`] for the variant at `index` in config order.
    pub fn availability_at(
        &self,
        index: usize,
        orders: &[u64],
    ) -> Result<Availability, GrosirError> {
        self.check_len("orders", orders)?;
        let target = self
            .variants()
            .get(index)
            .ok_or(GrosirError::LengthMismatch {
                what: "variant index",
                given: index,
                expected: self.len(),
            })?;
        let mut min: Option<(u64, VariantId)> = None;
        let mut bundles_needed = 0u64;
        let mut ordered = 0u64;
        for (w, (v, &o)) in self.variants().iter().zip(orders).enumerate() {
            bundles_needed = bundles_needed.max(o.div_ceil(v.units_per_bundle));
            if w == index {
                ordered = o;
                continue;
            }
            // (o + t) / u in 128 bits cannot overflow; the quotient fits in u64
            // because u ≥ 1 and o + t < 2^65.
            let cap = (u128::from(o) + u128::from(v.tolerance)) / u128::from(v.units_per_bundle);
            let cap = u64::try_from(cap).unwrap_or(u64::MAX);
            if min.is_none_or(|(best, _)| cap < best) {
                min = Some((cap, v.variant));
            }
        }
        let (max_bundles, constraining_variant, available) = match min {
            None => (None, None, None),
            Some((b, w)) => {
                let producible = u128::from(b) * u128::from(target.units_per_bundle);
                let free = producible.saturating_sub(u128::from(ordered));
                let free = u64::try_from(free).unwrap_or(u64::MAX);
                (Some(b), Some(w), Some(free))
            }
        };
        Ok(Availability {
            variant: target.variant,
            ordered,
            max_bundles,
            available,
            locked: available == Some(0),
            constraining_variant,
            bundles_needed,
        })
    }

    /// The availability of every variant, in config order.
    pub fn availability_all(&self, orders: &[u64]) -> Result<Vec<Availability>, GrosirError> {
        (0..self.len())
            .map(|i| self.availability_at(i, orders))
            .collect()
    }

    /// What producing `orders` (units per variant in config order) from scratch
    /// takes: the bundle count, and per variant the production and excess.
    ///
    /// ```
    /// use patungan_core::grosir::{GrosirConfig, VariantBundle};
    /// use patungan_core::VariantId;
    ///
    /// let bundle = GrosirConfig::new(
    ///     [(2, 20), (5, 50), (4, 40), (1, 30)]
    ///         .iter()
    ///         .zip(1u128..)
    ///         .map(|(&(u, t), id)| VariantBundle::new(VariantId::from_u128(id), u, t))
    ///         .collect(),
    /// )?;
    /// let p = bundle.production(&[8, 35, 12, 3])?;
    /// assert_eq!(p.bundles, 7);
    /// let excess: Vec<u64> = p.lines.iter().map(|l| l.excess).collect();
    /// assert_eq!(excess, [6, 0, 16, 4]);
    /// # Ok::<(), patungan_core::grosir::GrosirError>(())
    /// ```
    pub fn production(&self, orders: &[u64]) -> Result<Production, GrosirError> {
        self.check_len("orders", orders)?;
        let bundles = self
            .variants()
            .iter()
            .zip(orders)
            .map(|(v, &o)| o.div_ceil(v.units_per_bundle))
            .max()
            .unwrap_or(0);
        let lines = self
            .variants()
            .iter()
            .zip(orders)
            .map(|(v, &o)| {
                let produced = bundles
                    .checked_mul(v.units_per_bundle)
                    .ok_or(GrosirError::QuantityOverflow { what: "production" })?;
                let excess = produced.saturating_sub(o);
                Ok(ProductionLine {
                    variant: v.variant,
                    ordered: o,
                    produced,
                    excess,
                    over_tolerance: excess > v.tolerance,
                })
            })
            .collect::<Result<Vec<_>, GrosirError>>()?;
        Ok(Production { bundles, lines })
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
    fn design_example() {
        let b = bundle();
        let a = b.availability_at(1, &[8, 35, 12, 3]).unwrap();
        assert_eq!(a.max_bundles, Some(13));
        assert_eq!(a.available, Some(30));
        assert_eq!(a.constraining_variant, Some(VariantId::from_u128(3)));
        assert_eq!(a.bundles_needed, 7);
        assert!(a.allows(30) && !a.allows(40));
    }

    #[test]
    fn single_variant_is_unbounded_and_huge_values_do_not_overflow() {
        let one =
            GrosirConfig::new(vec![VariantBundle::new(VariantId::from_u128(1), 3, 0)]).unwrap();
        let a = one.availability_at(0, &[u64::MAX]).unwrap();
        assert_eq!(a.available, None);
        assert!(!a.locked && a.allows(u64::MAX));
        let b = GrosirConfig::new(vec![
            VariantBundle::new(VariantId::from_u128(1), u64::MAX, u64::MAX),
            VariantBundle::new(VariantId::from_u128(2), u64::MAX, u64::MAX),
        ])
        .unwrap();
        let a = b.availability_at(0, &[0, u64::MAX]).unwrap();
        assert_eq!(a.available, Some(u64::MAX));
    }

    #[test]
    fn bad_lengths_and_unknown_variants_are_errors() {
        let b = bundle();
        assert_eq!(
            b.availability_at(0, &[1, 2]).unwrap_err().code(),
            "grosir.length_mismatch"
        );
        assert_eq!(
            b.availability(VariantId::from_u128(9), &[0; 4])
                .unwrap_err()
                .code(),
            "grosir.unknown_variant"
        );
        assert!(b.availability_at(7, &[0; 4]).is_err());
        assert!(b.production(&[0; 3]).is_err());
    }
}
