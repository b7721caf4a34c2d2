//! The withdrawal schedule and batch planning (docs/domain.md §9).
// Test code may unwrap, expect, panic and index: the workspace denies these in library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc, Weekday};
use patungan_core::ledger::{Chart, CreditReason, Ledger, WalletCredit};
use patungan_core::wallet::{
    plan_batches, BankAccount, BatchKey, BatchLimits, PayoutItemKey, Wallets, WithdrawalPolicy,
    WithdrawalRequest, WithdrawalSchedule, Withdrawals,
};
use patungan_core::{Currency, Money, UserId, WithdrawalId};
use std::num::NonZeroUsize;
use uuid::Uuid;

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

#[test]
fn instants_across_the_utc_wib_day_boundary_and_the_week() {
    let s = WithdrawalSchedule::default();
    // Tuesday 2025-01-07 10:00 WIB = 03:00 UTC; Friday 2025-01-10 10:00 WIB = 03:00 UTC.
    let tue = utc(2025, 1, 7, 3, 0);
    let fri = utc(2025, 1, 10, 3, 0);
    let prev_fri = utc(2025, 1, 3, 3, 0);
    let next_tue = utc(2025, 1, 14, 3, 0);
    let cases = [
        // Exactly at the instant: it is the last, the next is Friday.
        (tue, tue, fri),
        (tue - Duration::seconds(1), prev_fri, tue),
        // Monday 17:00 UTC is Tuesday 00:00 WIB: still before Tuesday's run.
        (utc(2025, 1, 6, 17, 0), prev_fri, tue),
        (utc(2025, 1, 6, 16, 59), prev_fri, tue),
        // Thursday 20:00 UTC = Friday 03:00 WIB.
        (utc(2025, 1, 9, 20, 0), tue, fri),
        // Sunday → the week boundary; Saturday 2025-01-11 23:00 UTC = Sunday 06:00 WIB.
        (utc(2025, 1, 11, 23, 0), fri, next_tue),
        (utc(2025, 1, 13, 23, 59), fri, next_tue),
        // Year boundary: Tuesday 2024-12-31 and Friday 2025-01-03.
        (utc(2025, 1, 1, 0, 0), utc(2024, 12, 31, 3, 0), prev_fri),
    ];
    for (now, last, next) in cases {
        assert_eq!(
            s.last_instant_at_or_before(now),
            Some(last),
            "last at {now}"
        );
        assert_eq!(s.next_after(now), Some(next), "next after {now}");
    }
}

#[test]
fn custom_schedules() {
    let zone = WithdrawalSchedule::parse_zone("Asia/Makassar").unwrap(); // WITA, UTC+8
    let s = WithdrawalSchedule::new(
        [Weekday::Mon, Weekday::Mon],
        NaiveTime::from_hms_opt(23, 30, 0).unwrap(),
        zone,
    )
    .unwrap();
    assert_eq!(s.weekdays(), &[Weekday::Mon]);
    let mon = utc(2025, 1, 6, 15, 30);
    assert_eq!(s.next_after(utc(2025, 1, 6, 15, 29)), Some(mon));
    assert_eq!(
        s.last_instant_at_or_before(utc(2025, 1, 13, 15, 29)),
        Some(mon)
    );
    assert_eq!(
        WithdrawalSchedule::new([], NaiveTime::MIN, zone)
            .unwrap_err()
            .code(),
        "schedule.no_weekdays"
    );
    assert_eq!(
        WithdrawalSchedule::parse_zone("WIB").unwrap_err().code(),
        "schedule.unknown_zone"
    );
}

const USER: UserId = UserId::from_u128(7);

fn world(n: u128, requested_at: impl Fn(u128) -> DateTime<Utc>) -> (Ledger, Withdrawals) {
    let chart = Chart::new(Currency::IDR);
    let mut ledger = Ledger::new();
    Wallets::new(chart)
        .credit(
            &mut ledger,
            &WalletCredit {
                reference: Uuid::from_u128(1),
                user: USER,
                amount: Money::idr(10_000_000_000),
                reason: CreditReason::Deposit,
            },
        )
        .unwrap();
    let mut withdrawals = Withdrawals::new(chart, WithdrawalPolicy::default()).unwrap();
    for i in 0..n {
        withdrawals
            .request(
                &mut ledger,
                WithdrawalRequest {
                    id: WithdrawalId::from_u128(i + 1),
                    user: USER,
                    amount: Money::idr(10_000),
                    destination: BankAccount {
                        bank_code: "BNI".into(),
                        account_number: "0011223344".into(),
                        holder_name: "Budi Santoso".into(),
                    },
                    requested_at: requested_at(i),
                },
            )
            .unwrap();
    }
    (ledger, withdrawals)
}

#[test]
fn cutoff_is_strict_and_order_is_requested_at_then_id() {
    let tue = utc(2025, 1, 7, 3, 0);
    // Ids 1..=4: two at the same time (tie broken by id), one exactly at the cutoff.
    let times = [
        tue - Duration::hours(1),
        tue - Duration::hours(5),
        tue - Duration::hours(5),
        tue,
    ];
    let (_, w) = world(4, |i| times[i as usize]);
    let batches = plan_batches(
        w.iter(),
        tue + Duration::hours(2),
        &WithdrawalSchedule::default(),
        BatchLimits::default(),
    );
    assert_eq!(batches.len(), 1);
    let ids: Vec<u128> = batches[0]
        .items
        .iter()
        .map(|i| i.key.withdrawal.as_uuid().as_u128())
        .collect();
    assert_eq!(ids, vec![2, 3, 1]);
    assert_eq!(
        batches[0].key,
        BatchKey {
            instant: tue,
            index: 0
        }
    );
    assert_eq!(
        batches[0].total_net(Currency::IDR).unwrap(),
        Money::idr(3 * 7_500)
    );
    // Before any scheduled instant of the data nothing is eligible.
    assert!(plan_batches(
        w.iter(),
        tue - Duration::seconds(1),
        &WithdrawalSchedule::default(),
        BatchLimits::default()
    )
    .iter()
    .all(|b| b.items.is_empty()));
}

#[test]
fn splits_into_batches_of_at_most_the_limit_with_deterministic_keys() {
    let tue = utc(2025, 1, 7, 3, 0);
    let (_, mut w) = world(2_500, |i| {
        utc(2025, 1, 6, 0, 0) + Duration::seconds(i as i64)
    });
    let schedule = WithdrawalSchedule::default();
    let pure = plan_batches(w.iter(), tue, &schedule, BatchLimits::default());
    assert_eq!(
        pure.iter().map(|b| b.items.len()).collect::<Vec<_>>(),
        vec![1_000, 1_000, 500]
    );
    let keys: Vec<String> = pure.iter().map(|b| b.key.to_string()).collect();
    assert_eq!(
        keys,
        [
            "wdb-20250107T030000Z-0",
            "wdb-20250107T030000Z-1",
            "wdb-20250107T030000Z-2"
        ]
    );
    // Pure planning is deterministic.
    assert_eq!(
        plan_batches(w.iter(), tue, &schedule, BatchLimits::default()),
        pure
    );
    // Stateful planning gives the same batches, then nothing for the same instant.
    let planned = w.plan(tue + Duration::hours(1), &schedule, BatchLimits::default());
    assert_eq!(planned, pure);
    assert!(w
        .plan(tue + Duration::hours(2), &schedule, BatchLimits::default())
        .is_empty());
    assert!(plan_batches(w.iter(), tue, &schedule, BatchLimits::default()).is_empty());
    // A smaller limit.
    let (_, w) = world(5, |i| utc(2025, 1, 6, 0, i as u32));
    let small = BatchLimits {
        max_items: NonZeroUsize::new(2).unwrap(),
    };
    let sizes: Vec<usize> = plan_batches(w.iter(), tue, &schedule, small)
        .iter()
        .map(|b| b.items.len())
        .collect();
    assert_eq!(sizes, vec![2, 2, 1]);
}

#[test]
fn a_missed_run_is_caught_up_by_the_next() {
    // Requested before Tuesday's run and before Friday's; Tuesday's run never happened.
    let (_, mut w) = world(2, |i| {
        if i == 0 {
            utc(2025, 1, 6, 0, 0)
        } else {
            utc(2025, 1, 8, 0, 0)
        }
    });
    let schedule = WithdrawalSchedule::default();
    let batches = w.plan(utc(2025, 1, 10, 5, 0), &schedule, BatchLimits::default());
    assert_eq!(batches.len(), 1);
    assert_eq!(batches[0].key.instant, utc(2025, 1, 10, 3, 0));
    assert_eq!(batches[0].items.len(), 2);
    // Catching up late (on Wednesday, for Tuesday) takes only Tuesday's share.
    let (_, mut w) = world(2, |i| {
        if i == 0 {
            utc(2025, 1, 6, 0, 0)
        } else {
            utc(2025, 1, 8, 0, 0)
        }
    });
    let batches = w.plan(utc(2025, 1, 8, 12, 0), &schedule, BatchLimits::default());
    assert_eq!(batches[0].key.instant, utc(2025, 1, 7, 3, 0));
    assert_eq!(batches[0].items.len(), 1);
    let next = w.plan(utc(2025, 1, 10, 3, 0), &schedule, BatchLimits::default());
    assert_eq!(
        next[0].items[0].key,
        PayoutItemKey {
            withdrawal: WithdrawalId::from_u128(2),
            attempt: 1
        }
    );
}

#[test]
fn duplicate_input_is_batched_once() {
    let (_, w) = world(3, |i| utc(2025, 1, 6, 0, i as u32));
    let twice: Vec<_> = w.iter().chain(w.iter()).collect();
    let batches = plan_batches(
        twice,
        utc(2025, 1, 7, 3, 0),
        &WithdrawalSchedule::default(),
        BatchLimits::default(),
    );
    assert_eq!(batches[0].items.len(), 3);
}

#[test]
fn keys_parse_back() {
    let key = BatchKey {
        instant: utc(2025, 1, 7, 3, 0),
        index: 12,
    };
    assert_eq!(key.to_string().parse::<BatchKey>().unwrap(), key);
    let item = PayoutItemKey {
        withdrawal: WithdrawalId::from_u128(0xabc),
        attempt: 2,
    };
    assert_eq!(
        item.to_string(),
        "wdi-00000000-0000-0000-0000-000000000abc-2"
    );
    assert_eq!(item.to_string().parse::<PayoutItemKey>().unwrap(), item);
    assert_eq!(serde_json::to_string(&item).unwrap(), format!("\"{item}\""));
    for bad in [
        "",
        "wdb-",
        "wdb-2025-1",
        "wdi-xyz-1",
        "wdi-00000000-0000-0000-0000-000000000abc-x",
    ] {
        assert!(
            bad.parse::<BatchKey>().is_err() && bad.parse::<PayoutItemKey>().is_err(),
            "{bad}"
        );
    }
}
