//! Property tests of grosir availability (docs/domain.md §6): taking exactly the available
//! units keeps every other variant within its tolerance; one more unit would not.
// Test code may unwrap, expect, panic and index: the workspace denies these in library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use patungan_core::grosir::{GrosirConfig, VariantBundle};
use patungan_core::VariantId;
use proptest::prelude::*;

fn bundle_and_orders() -> impl Strategy<Value = (GrosirConfig, Vec<u64>)> {
    prop::collection::vec((1u64..8, 0u64..40, 0u64..200), 2..7).prop_map(|rows| {
        let variants = rows
            .iter()
            .zip(1u128..)
            .map(|(&(u, t, _), id)| VariantBundle::new(VariantId::from_u128(id), u, t))
            .collect();
        let orders = rows.iter().map(|&(_, _, o)| o).collect();
        (GrosirConfig::new(variants).unwrap(), orders)
    })
}

proptest! {
    #[test]
    fn available_units_are_exactly_the_safe_amount((bundle, orders) in bundle_and_orders(), pick in 0usize..7) {
        let r = pick % bundle.len();
        let a = bundle.availability_at(r, &orders).unwrap();
        let available = a.available.unwrap();
        prop_assert_eq!(a.locked, available == 0);
        let max_bundles = a.max_bundles.unwrap();
        // B* is the tightest of the other variants' caps.
        let caps: Vec<u64> = bundle.variants().iter().zip(&orders).enumerate()
            .filter(|&(w, _)| w != r)
            .map(|(_, (v, &o))| (o + v.tolerance) / v.units_per_bundle)
            .collect();
        prop_assert_eq!(Some(&max_bundles), caps.iter().min());
        let constraining = a.constraining_variant.unwrap();
        let w = bundle.position(constraining).unwrap();
        prop_assert!(w != r);
        // Taking every available unit of r: r alone never needs more than B* bundles,
        // so producing r's orders leaves every other variant within its tolerance.
        let mut after = orders.clone();
        after[r] += available;
        let r_bundles = after[r].div_ceil(bundle.variants()[r].units_per_bundle);
        if available > 0 {
            prop_assert_eq!(r_bundles, max_bundles);
            for (w, (v, &o)) in bundle.variants().iter().zip(&orders).enumerate() {
                if w != r {
                    prop_assert!(r_bundles * v.units_per_bundle <= o + v.tolerance);
                }
            }
        }
        // One unit more would need bundle B* + 1, breaking the constraining variant's tolerance.
        after[r] += 1;
        let r_bundles = after[r].div_ceil(bundle.variants()[r].units_per_bundle);
        let cv = bundle.variants()[w];
        prop_assert!(r_bundles * cv.units_per_bundle > orders[w] + cv.tolerance);
    }
}
