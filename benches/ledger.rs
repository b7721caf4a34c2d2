//! Ledger and withdrawal hot paths: in-memory transfers per second (target ≥ 2 000 000/s)
//! and planning payout batches for 100 000 pending withdrawals (target ≤ 50 ms).

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

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use patungan_core::ledger::{
    AccountKind, AccountSpec, BalanceLimit, Chart, CreditReason, Entity, Ledger, Transfer,
    WalletCredit,
};
use patungan_core::wallet::{
    plan_batches, BankAccount, BatchKey, BatchLimits, WithdrawalPolicy, WithdrawalRequest,
    WithdrawalSchedule, Withdrawals,
};
use patungan_core::{AccountId, Currency, Money, TransferId, UserId, WithdrawalId};

const ACCOUNTS: u128 = 1_000;
const TRANSFERS: u64 = 100_000;

/// A ledger with one external source and `ACCOUNTS` guarded wallets of 1 000 000 each.
fn funded_ledger(room: usize) -> Ledger {
    let mut ledger = Ledger::with_capacity(ACCOUNTS as usize + 1, room + ACCOUNTS as usize);
    let source = AccountId::from_u128(0);
    ledger
        .open(AccountSpec::new(
            source,
            Entity::External,
            AccountKind::Clearing,
            Currency::IDR,
        ))
        .expect("open source");
    for i in 1..=ACCOUNTS {
        ledger
            .open(
                AccountSpec::new(
                    AccountId::from_u128(i),
                    Entity::User(UserId::from_u128(i)),
                    AccountKind::Wallet,
                    Currency::IDR,
                )
                .with_limit(BalanceLimit::DebitsMustNotExceedCredits),
            )
            .expect("open wallet");
        ledger
            .apply_one(&Transfer::posted(
                TransferId::from_u128(u128::MAX - i),
                source,
                AccountId::from_u128(i),
                Money::idr(1_000_000),
            ))
            .expect("fund");
    }
    ledger
}

/// Deterministic pseudo-random wallet pairs (an LCG; benches may use entropy, but
/// repeatable inputs make runs comparable).
fn pairs(n: u64) -> impl Iterator<Item = (u64, AccountId, AccountId)> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..n).map(move |i| {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let d = u128::from(x >> 33) % ACCOUNTS + 1;
        let c = (d + u128::from(x >> 13) % (ACCOUNTS - 1)) % ACCOUNTS + 1;
        (i, AccountId::from_u128(d), AccountId::from_u128(c))
    })
}

fn transfers(c: &mut Criterion) {
    let mut group = c.benchmark_group("ledger");
    group.throughput(Throughput::Elements(TRANSFERS));

    let posted: Vec<Transfer> = pairs(TRANSFERS)
        .map(|(i, d, c)| {
            Transfer::posted(
                TransferId::from_u128(u128::from(i) + 1),
                d,
                c,
                Money::idr(1 + i % 7),
            )
        })
        .collect();
    group.bench_function("posted_transfers_100k", |b| {
        b.iter_batched(
            || funded_ledger(posted.len()),
            |mut ledger| {
                for t in &posted {
                    black_box(ledger.apply_one(black_box(t)).expect("transfer"));
                }
                ledger
            },
            BatchSize::PerIteration,
        )
    });

    // Linked batches of 4 (a success split's shape), all-or-nothing.
    let linked: Vec<Transfer> = posted.clone();
    group.bench_function("linked_batches_of_4_100k", |b| {
        b.iter_batched(
            || funded_ledger(linked.len()),
            |mut ledger| {
                for batch in linked.chunks(4) {
                    black_box(ledger.apply(black_box(batch)).expect("batch"));
                }
                ledger
            },
            BatchSize::PerIteration,
        )
    });

    // Two-phase: a hold then its post (counts both transfers).
    let two_phase: Vec<[Transfer; 2]> = pairs(TRANSFERS / 2)
        .map(|(i, d, c)| {
            let hold = TransferId::from_u128(u128::from(i) * 2 + 1);
            [
                Transfer::pending(hold, d, c, Money::idr(1 + i % 7)),
                Transfer::post(TransferId::from_u128(u128::from(i) * 2 + 2), hold, None),
            ]
        })
        .collect();
    group.bench_function("pending_then_post_100k", |b| {
        b.iter_batched(
            || funded_ledger(TRANSFERS as usize),
            |mut ledger| {
                for [hold, post] in &two_phase {
                    black_box(ledger.apply_one(black_box(hold)).expect("hold"));
                    black_box(ledger.apply_one(black_box(post)).expect("post"));
                }
                ledger
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

const PENDING: u64 = 100_000;

fn pending_withdrawals() -> Withdrawals {
    let chart = Chart::new(Currency::IDR);
    let mut ledger = Ledger::with_capacity(PENDING as usize + 8, 3 * PENDING as usize);
    let mut withdrawals = Withdrawals::new(chart, WithdrawalPolicy::default()).expect("policy");
    // This crate has no chrono dependency: instants come from parsed batch keys and
    // durations from their differences.
    let start = at("20250103T040000Z").instant;
    let second = at("20250103T040001Z").instant - start;
    for i in 0..PENDING {
        let user = UserId::from_u128(u128::from(i % 10_000));
        patungan_core::wallet::Wallets::new(chart)
            .credit(
                &mut ledger,
                &WalletCredit {
                    reference: uuid_of(i),
                    user,
                    amount: Money::idr(100_000),
                    reason: CreditReason::Deposit,
                },
            )
            .expect("credit");
        withdrawals
            .request(
                &mut ledger,
                WithdrawalRequest {
                    id: WithdrawalId::from_u128(
                        u128::from(i.wrapping_mul(0x9e37_79b9) % PENDING) << 64 | u128::from(i),
                    ),
                    user,
                    amount: Money::idr(50_000),
                    destination: BankAccount {
                        bank_code: "BCA".into(),
                        account_number: format!("{:010}", i).into(),
                        holder_name: "Budi Santoso".into(),
                    },
                    // Spread over the 3 days before Tuesday 10:00 WIB, with ties.
                    requested_at: start + second * i32::try_from(i % 250_000).expect("small"),
                },
            )
            .expect("request");
    }
    withdrawals
}

fn uuid_of<U: From<TransferId>>(i: u64) -> U {
    TransferId::from_u128(u128::from(i) + 1).into()
}

/// A batch key at the UTC instant written like `20250107T030000Z` (its `instant` field
/// is the `DateTime<Utc>` we need).
fn at(text: &str) -> BatchKey {
    format!("wdb-{text}-0").parse().expect("instant")
}

fn batching(c: &mut Criterion) {
    let withdrawals = pending_withdrawals();
    let schedule = WithdrawalSchedule::default();
    let tuesday = at("20250107T030000Z").instant;
    let mut group = c.benchmark_group("withdrawals");
    group.throughput(Throughput::Elements(PENDING));
    group.sample_size(20);
    group.bench_function("plan_batches_100k", |b| {
        b.iter(|| {
            let batches = plan_batches(
                withdrawals.iter(),
                black_box(tuesday),
                &schedule,
                BatchLimits::default(),
            );
            assert_eq!(batches.len(), 100);
            batches
        })
    });
    group.bench_function("plan_and_mark_100k", |b| {
        b.iter_batched(
            || withdrawals.clone(),
            |mut w| {
                let batches = w.plan(black_box(tuesday), &schedule, BatchLimits::default());
                (w, batches)
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, transfers, batching);
criterion_main!(benches);
