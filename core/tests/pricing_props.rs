//! Property tests of the pricing foundation: tier ladder, bot top-up and join cost.
// Test code may unwrap, expect, panic and index: the workspace denies these in library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use patungan_core::{
    BasisPoints, BotPolicy, CostBreakdown, Currency, JoinCostInput, Money, Moq, Rounding, Rung,
    TierLadder,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// A valid ladder: strictly increasing thresholds, non-increasing positive prices ≤ group price;
/// rungs may lie beyond the MOQ (up to 200 %), so the ladder opts in to that.
fn ladder() -> impl Strategy<Value = TierLadder> {
    (
        1u64..=1_000_000_000_000,
        prop::collection::btree_set(1u32..=20_000, 1..6),
    )
        .prop_flat_map(|(group, thresholds)| {
            let n = thresholds.len();
            (
                Just(group),
                Just(thresholds),
                prop::collection::vec(1u64..=group, n),
            )
        })
        .prop_map(|(group, thresholds, mut prices)| {
            prices.sort_unstable_by(|a, b| b.cmp(a));
            let rungs = thresholds
                .into_iter()
                .zip(prices)
                .map(|(t, p)| Rung::new(BasisPoints::new(t), Money::idr(p)))
                .collect();
            TierLadder::allowing_above_moq(Money::idr(group), rungs).unwrap()
        })
}

fn moq() -> impl Strategy<Value = Moq> {
    (2u64..=1_000_000).prop_map(|m| Moq::new(m).unwrap())
}

proptest! {
    #[test]
    fn fill_and_price_are_monotone(l in ladder(), m in moq(), a in 0u64..3_000_000, b in 0u64..3_000_000) {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        prop_assert!(TierLadder::fill_bp(m, lo) <= TierLadder::fill_bp(m, hi));
        prop_assert!(l.final_price(m, lo) >= l.final_price(m, hi));
        prop_assert!(l.final_price(m, hi) <= l.group_price());
    }

    #[test]
    fn cashback_is_group_minus_final_times_quantity(l in ladder(), m in moq(), filled in 0u64..3_000_000, qty in 0u64..10_000) {
        let cashback = l.cashback(m, filled, qty).unwrap();
        let expected = (l.group_price().amount() - l.final_price(m, filled).amount()) * Decimal::from(qty);
        prop_assert!(cashback.amount() >= Decimal::ZERO);
        prop_assert_eq!(cashback.amount(), expected);
    }

    #[test]
    fn preview_agrees_with_final_price(l in ladder(), m in moq(), filled in 0u64..3_000_000, extra in 0u64..10_000) {
        let p = l.preview(m, filled, extra).unwrap();
        prop_assert_eq!(p.current_unit_price, l.final_price(m, filled));
        prop_assert_eq!(p.price_if_closed_now, l.final_price(m, filled + extra));
        if let (Some(next), Some(units)) = (p.next_rung, p.units_to_next_rung) {
            // Exactly `units` more reach the next rung; one fewer does not.
            let reach = filled + extra + units;
            prop_assert!(TierLadder::fill_bp(m, reach) >= next.threshold);
            if units > 0 {
                prop_assert!(TierLadder::fill_bp(m, reach - 1) < next.threshold);
            }
            prop_assert_eq!(l.final_price(m, reach), next.unit_price);
        } else {
            prop_assert!(p.next_rung.is_none() && p.units_to_next_rung.is_none());
        }
    }

    #[test]
    fn bot_reaches_exactly_the_target_and_never_shrinks(
        target in 1u32..=10_000, m in moq(), paid in 0u64..2_000_000, existing in 0u64..2_000_000,
    ) {
        let policy = BotPolicy::new(true, BasisPoints::new(target), 600).unwrap();
        let bot = policy.top_up(m, paid, existing);
        prop_assert!(bot >= existing);
        let target_qty = policy.target_quantity(m);
        if paid == 0 {
            prop_assert_eq!(bot, existing);
        } else if paid + existing < target_qty {
            prop_assert_eq!(paid + bot, target_qty);
            prop_assert!(TierLadder::fill_bp(m, paid + bot) >= BasisPoints::new(target));
            prop_assert!(TierLadder::fill_bp(m, paid + bot - 1) < BasisPoints::new(target));
        } else {
            prop_assert_eq!(bot, existing);
        }
        // A second check with the same inputs changes nothing (idempotent).
        prop_assert_eq!(policy.top_up(m, paid, bot), bot);
    }

    #[test]
    fn cost_total_is_the_sum_of_its_parts(
        qty in 1u64..=1_000, group in 1u64..=100_000_000, m in moq(),
        bulk in 0u64..=1_000_000_000, courier in 0u64..=10_000_000, fee in 0u32..=10_000,
    ) {
        let c = CostBreakdown::for_join(&JoinCostInput {
            quantity: qty,
            group_price: Money::idr(group),
            moq: m,
            bulk_shipping_cost: Money::idr(bulk),
            courier_price: Money::idr(courier),
            gateway_fee_rate: BasisPoints::new(fee),
        }).unwrap();
        let sum = c.product.amount() + c.leg1.amount() + c.leg2.amount() + c.gateway_fee.amount();
        prop_assert_eq!(c.total.amount(), sum);
        // Leg 1 per unit never under-collects the bulk shipping share.
        prop_assert!(c.leg1_per_unit.amount() * Decimal::from(m.get()) >= Decimal::from(bulk));
        prop_assert!(c.leg1_per_unit.amount() * Decimal::from(m.get()) < Decimal::from(bulk) + Decimal::from(m.get()));
        // Every part is a whole rupiah.
        for part in [c.product, c.leg1_per_unit, c.leg1, c.leg2, c.gateway_fee, c.total] {
            prop_assert_eq!(part.amount().fract(), Decimal::ZERO);
        }
    }

    #[test]
    fn no_panic_on_arbitrary_input(
        mantissa in any::<i64>(), scale in 0u32..=28, qty in any::<u64>(), m in any::<u64>(),
        fee in any::<u32>(), threshold in any::<u32>(), filled in any::<u64>(), extra in any::<u64>(),
        rounding in prop::sample::select(vec![Rounding::Up, Rounding::Down, Rounding::HalfEven, Rounding::HalfUp]),
    ) {
        let amount = Decimal::new(mantissa, scale);
        for currency in Currency::ALL {
            let _ = Money::new(amount, currency);
            let _ = Money::from_rounded(amount, currency, rounding);
        }
        let price = Money::from_rounded(amount.abs(), Currency::IDR, rounding).unwrap();
        let _ = price.checked_mul_qty(qty);
        let _ = price.checked_div_qty(qty, rounding);
        let _ = price.percent_of(BasisPoints::new(fee), rounding);
        if let Ok(m) = Moq::new(m) {
            let _ = CostBreakdown::for_join(&JoinCostInput {
                quantity: qty, group_price: price, moq: m, bulk_shipping_cost: price,
                courier_price: price, gateway_fee_rate: BasisPoints::new(fee),
            });
            if let Ok(l) = TierLadder::new(price, vec![Rung::new(BasisPoints::new(threshold), price)]) {
                let _ = l.preview(m, filled, extra);
                let _ = l.cashback(m, filled, qty);
            }
            if let Ok(bot) = BotPolicy::new(true, BasisPoints::new(threshold), fee) {
                let _ = bot.top_up(m, filled, extra);
            }
        }
    }
}
