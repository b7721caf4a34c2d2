//! Pricing hot paths: the tier preview a mobile app runs on every keystroke, the
//! bot top-up and the join cost breakdown.

// criterion_group! and criterion_main! generate undocumented items; benchmark code may
// unwrap, expect, panic and index (the workspace denies these in library code).
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use patungan_core::cost::DEFAULT_GATEWAY_FEE;
use patungan_core::{BotPolicy, CostBreakdown, JoinCostInput, Money, Moq, TierLadder};

fn ladder() -> TierLadder {
    TierLadder::with_default_thresholds(
        Money::idr(200_000),
        [
            Money::idr(180_000),
            Money::idr(165_000),
            Money::idr(155_000),
            Money::idr(150_000),
        ],
    )
    .expect("valid ladder")
}

fn pricing(c: &mut Criterion) {
    let ladder = ladder();
    let moq = Moq::new(100).expect("valid moq");
    c.bench_function("tier_preview", |b| {
        b.iter(|| ladder.preview(black_box(moq), black_box(87), black_box(5)))
    });
    c.bench_function("tier_final_price", |b| {
        b.iter(|| ladder.final_price(black_box(moq), black_box(87)))
    });
    let bot = BotPolicy::default();
    c.bench_function("bot_top_up", |b| {
        b.iter(|| bot.top_up(black_box(moq), black_box(20), black_box(0)))
    });
    let input = JoinCostInput {
        quantity: 10,
        group_price: Money::idr(100_000),
        moq,
        bulk_shipping_cost: Money::idr(500_000),
        courier_price: Money::idr(15_000),
        gateway_fee_rate: DEFAULT_GATEWAY_FEE,
    };
    c.bench_function("join_cost_breakdown", |b| {
        b.iter(|| CostBreakdown::for_join(black_box(&input)))
    });
}

criterion_group!(benches, pricing);
criterion_main!(benches);
