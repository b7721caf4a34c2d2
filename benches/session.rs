//! Session hot paths: grosir availability with 8 variants, a join on a session
//! already holding 100 000 participants, and settling a 100 000-participant
//! session with every effect (orders, cashback credits, escrow release).
//!
//! `benches` does not depend on chrono, so instants are built from the Unix epoch
//! (`DateTime::default()`) plus multiples of the default 10-minute bot window.

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
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use patungan_core::grosir::{GrosirConfig, StockLevel, VariantBundle};
use patungan_core::session::{JoinRequest, Session, SessionConfig, SessionGrosir, SessionStatus};
use patungan_core::{
    BotPolicy, Money, Moq, ParticipantId, PaymentId, ProductId, SessionId, TierLadder, UserId,
    VariantId,
};

const PARTICIPANTS: u128 = 100_000;
const VARIANTS: u128 = 8;

fn variant(i: u128) -> VariantId {
    VariantId::from_u128(1_000 + i)
}

fn bundle(tolerance: u64) -> GrosirConfig {
    GrosirConfig::new(
        (0..VARIANTS)
            .map(|i| VariantBundle::new(variant(i), 1 + (i as u64 % 3), tolerance))
            .collect(),
    )
    .expect("valid bundle")
}

fn config() -> SessionConfig {
    let ladder = TierLadder::with_default_thresholds(
        Money::idr(200_000),
        [
            Money::idr(180_000),
            Money::idr(165_000),
            Money::idr(155_000),
            Money::idr(150_000),
        ],
    )
    .expect("valid ladder");
    let mut config = SessionConfig::new(
        ProductId::from_u128(1),
        Moq::new(50_000).expect("valid moq"),
        ladder,
        Default::default(),
        Default::default(),
        Money::idr(25_000_000),
    );
    // A one-day session (144 bot windows of 10 minutes) starting at the epoch.
    config.end = config.start + BotPolicy::default().window() * 144;
    config.grosir = Some(SessionGrosir {
        // Tolerances wide enough that no join of the benchmark is refused.
        bundle: bundle(10_000_000),
        factory_unit_cost: Money::idr(90_000),
    });
    config
}

fn request(n: u128) -> JoinRequest {
    JoinRequest {
        participant: ParticipantId::from_u128(n),
        user: UserId::from_u128(n),
        payment: PaymentId::from_u128(n),
        variant: Some(variant(n % VARIANTS)),
        quantity: 1 + (n % 3) as u64,
        expected_unit_price: Money::idr(200_000),
        courier_price: Money::idr(15_000),
    }
}

/// A session holding `PARTICIPANTS` joins, all paid when `paid` is set, queues drained.
fn big_session(paid: bool) -> Session {
    let config = config();
    let now = config.start;
    let mut session = Session::create(SessionId::from_u128(1), config, now).expect("session");
    for n in 1..=PARTICIPANTS {
        let receipt = session.join(&request(n), now).expect("join");
        if paid {
            session
                .payment_confirmed(receipt.payment, receipt.cost.total, now)
                .expect("payment");
        }
    }
    session.drain_events();
    session.drain_effects();
    session
}

fn availability(c: &mut Criterion) {
    let bundle = bundle(40);
    let orders = [8, 35, 12, 3, 21, 17, 40, 9];
    c.bench_function("availability_8_variants", |b| {
        b.iter(|| bundle.availability_at(black_box(5), black_box(&orders)))
    });
    c.bench_function("availability_8_variants_by_id", |b| {
        b.iter(|| bundle.availability(black_box(variant(7)), black_box(&orders)))
    });
}

/// Times `iters` joins on copies of `base`, a fresh copy every 100 000 joins (so
/// the session holds 100 000 to 200 000 participants). Clones are not timed.
fn time_joins(base: &Session, iters: u64, reserve: bool) -> Duration {
    let now = base.state().config().start;
    let mut total = Duration::ZERO;
    let mut done = 0u64;
    let mut next = PARTICIPANTS + 1;
    while done < iters {
        let mut session = base.clone();
        let chunk = (iters - done).min(100_000);
        if reserve {
            session.reserve(usize::try_from(chunk).expect("small chunk"));
        }
        let requests: Vec<JoinRequest> =
            (0..u128::from(chunk)).map(|i| request(next + i)).collect();
        let started = Instant::now();
        for r in &requests {
            black_box(session.join(r, now).expect("join"));
            while let Some(e) = session.poll_event() {
                black_box(e);
            }
            while let Some(e) = session.poll_effect() {
                black_box(e);
            }
        }
        total += started.elapsed();
        done += chunk;
        next += u128::from(chunk);
        drop(black_box(session));
    }
    total
}

fn join(c: &mut Criterion) {
    let base = big_session(false);
    let mut group = c.benchmark_group("session");
    group.sample_size(20);
    // Storage reserved up front (`Session::reserve`): the cost of a join itself.
    group.bench_function("join_with_100k_participants", |b| {
        b.iter_custom(|iters| time_joins(&base, iters, true))
    });
    // Storage grown on demand: includes the amortised cost of growing the
    // participant list and rehashing both id indexes past 100 000 entries.
    group.bench_function("join_with_100k_participants_growing", |b| {
        b.iter_custom(|iters| time_joins(&base, iters, false))
    });
    let preview_session = big_session(true);
    group.bench_function("preview_with_100k_participants", |b| {
        b.iter(|| preview_session.preview(black_box(7)))
    });
    group.finish();
}

fn settlement(c: &mut Criterion) {
    let base = big_session(true);
    let end = base.state().config().end;
    let stock: Vec<StockLevel> = (0..VARIANTS)
        .map(|i| StockLevel::new(variant(i), 1_000_000))
        .collect();
    let mut group = c.benchmark_group("session");
    group.sample_size(10);
    group.bench_function("settle_100k_participants_with_effects", |b| {
        b.iter_batched(
            || base.clone(),
            |mut session| {
                session.handle_timeout(end, &stock).expect("settle");
                assert_eq!(session.status(), SessionStatus::Confirmed);
                let effects = session.drain_effects();
                let events = session.drain_events();
                (session, events, effects)
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, availability, join, settlement);
criterion_main!(benches);
