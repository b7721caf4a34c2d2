//! The steps that carry out a session's effects: keys, stock, purchase orders,
//! orders and success splits, and the checks of cashback and escrow release.
// Test code may unwrap, expect, panic and index: the workspace denies these in library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::{DateTime, TimeZone, Utc};
use patungan_core::grosir::StockLevel;
use patungan_core::ledger::{derive_uuid, Chart};
use patungan_core::orders::order_id;
use patungan_core::session::{
    Effect, JoinRequest, SessionConfig, SessionGrosir, SessionStatus, StockReservation,
};
use patungan_core::steps::{effect_key, plan, renewal_id, Covered, Step, StepError};
use patungan_core::stock::Stock;
use patungan_core::{
    BotPolicy, Currency, GrosirConfig, Money, Moq, ParticipantId, PaymentId, ProductId, Session,
    SessionId, TierLadder, UserId, VariantBundle, VariantId,
};

const SESSION: SessionId = SessionId::from_u128(7);
const PRODUCT: ProductId = ProductId::from_u128(1);
const SIZE: VariantId = VariantId::from_u128(5);

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, 1, h, m, 0).unwrap()
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
    .unwrap();
    let mut config = SessionConfig::new(
        PRODUCT,
        Moq::new(100).unwrap(),
        ladder,
        at(1, 0),
        at(13, 0),
        Money::idr(1_000_000),
    );
    config.bot = BotPolicy::disabled();
    config.grosir = Some(SessionGrosir {
        bundle: GrosirConfig::new(vec![VariantBundle::new(SIZE, 10, 50)]).unwrap(),
        factory_unit_cost: Money::idr(50_000),
    });
    config
}

fn join(n: u128, quantity: u64) -> JoinRequest {
    JoinRequest {
        participant: ParticipantId::from_u128(n),
        user: UserId::from_u128(n),
        payment: PaymentId::from_u128(n),
        variant: Some(SIZE),
        quantity,
        expected_unit_price: Money::idr(200_000),
        courier_price: Money::idr(15_000),
    }
}

/// A session with two paid buyers (20 and 15 units), settled at `end` with 4 units
/// free in stock: it buys bundles and awaits its purchase order.
fn settled() -> (Session, Vec<Effect>) {
    let mut s = Session::create(SESSION, config(), at(0, 0)).unwrap();
    for (n, q) in [(1, 20), (2, 15)] {
        let receipt = s.join(&join(n, q), at(2, 0)).unwrap();
        s.payment_confirmed(PaymentId::from_u128(n), receipt.cost.total, at(2, 5))
            .unwrap();
    }
    s.drain_effects();
    s.handle_timeout(at(13, 0), &[StockLevel::new(SIZE, 4)])
        .unwrap();
    assert_eq!(s.status(), SessionStatus::AwaitingStock);
    let effects = s.drain_effects();
    (s, effects)
}

fn confirmed() -> (Session, Vec<Effect>) {
    let (mut s, _) = settled();
    s.stock_received(at(14, 0)).unwrap();
    let effects = s.drain_effects();
    (s, effects)
}

fn chart() -> Chart {
    Chart::new(Currency::IDR)
}

#[test]
fn keys_derive_from_the_session_version_and_index() {
    let key = effect_key(SESSION, 3, 2);
    let purpose = (0xE001u64 << 48) | (3 << 16) | 2;
    assert_eq!(key, derive_uuid(*SESSION.as_uuid(), purpose));
    assert_ne!(key, effect_key(SESSION, 3, 1));
    assert_ne!(key, effect_key(SESSION, 4, 2));
    assert_eq!(
        renewal_id(SESSION),
        SessionId::from_uuid(derive_uuid(*SESSION.as_uuid(), 0xE003 << 48))
    );
}

#[test]
fn a_join_records_its_invoice_and_queues_its_creation() {
    let mut s = Session::create(SESSION, config(), at(0, 0)).unwrap();
    s.join(&join(1, 2), at(2, 0)).unwrap();
    let effects = s.drain_effects();
    let steps = plan(&s, 2, effects, &chart()).unwrap();
    let [Step::CreateInvoice {
        outbox,
        invoice,
        details,
    }] = steps.as_slice()
    else {
        panic!("{steps:?}");
    };
    assert_eq!(*outbox, effect_key(SESSION, 2, 0));
    assert_eq!(invoice.payment, PaymentId::from_u128(1));
    assert!(invoice.provider_invoice_id.is_none());
    let names: Vec<&str> = details.items.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(
        names,
        [
            &*format!("Group buy {PRODUCT}"),
            "Shipping to warehouse (leg 1)",
            "Courier to you (leg 2)",
            "Payment fee"
        ]
    );
    assert_eq!(details.metadata["session"], SESSION.to_string());
}

#[test]
fn a_purchase_order_pledges_the_stock_its_plan_counts_on() {
    let (s, effects) = settled();
    let steps = plan(&s, 9, effects, &chart()).unwrap();
    let record = steps
        .iter()
        .find_map(|step| match step {
            Step::RecordPurchaseOrder { record } => Some(record),
            _ => None,
        })
        .unwrap();
    assert_eq!(record.session(), SESSION);
    assert_eq!(record.pledged(), [StockLevel::new(SIZE, 4)]);
    assert_eq!(record.outstanding(), [StockLevel::new(SIZE, 40)]);
    assert!(steps.contains(&Step::PledgeStock {
        product: PRODUCT,
        levels: vec![StockLevel::new(SIZE, 4)],
    }));
}

#[test]
fn confirmation_reserves_orders_splits_and_checks_cashback_and_escrow() {
    let (s, effects) = confirmed();
    let steps = plan(&s, 12, effects, &chart()).unwrap();
    assert_eq!(
        steps.first(),
        Some(&Step::ReserveStock {
            product: PRODUCT,
            lines: vec![StockReservation {
                variant: Some(SIZE),
                units: 35
            }],
        })
    );
    let orders: Vec<_> = steps
        .iter()
        .filter_map(|step| match step {
            Step::RecordOrder { order } => Some(order),
            _ => None,
        })
        .collect();
    assert_eq!(orders.len(), 2);
    assert_eq!(orders[0].id(), order_id(ParticipantId::from_u128(1)));
    assert!(orders
        .iter()
        .all(|o| o.status() == patungan_core::orders::OrderStatus::ReadyToShip));
    let bookings = steps
        .iter()
        .filter(|step| matches!(step, Step::BookShipment { .. }))
        .count();
    assert_eq!(bookings, 2);
    let splits = steps
        .iter()
        .filter(|step| matches!(step, Step::PostSuccessSplit { .. }))
        .count();
    assert_eq!(splits, 2);
    let covered: Vec<&Covered> = steps
        .iter()
        .filter_map(|step| match step {
            Step::Covered(c) => Some(c),
            _ => None,
        })
        .collect();
    assert!(matches!(
        covered.last(),
        Some(Covered::EscrowRelease { escrow_total }) if *escrow_total == s.state().escrow_total().unwrap()
    ));
    assert!(matches!(
        steps.last(),
        Some(Step::Notify { key, .. }) if *key == effect_key(SESSION, 12, notify_index(&steps))
    ));
}

/// The index of the last effect (the notification) in a confirmation's effects.
fn notify_index(steps: &[Step]) -> usize {
    // One step per effect, except `create_order` (three steps: split, record, book).
    let orders = steps
        .iter()
        .filter(|s| matches!(s, Step::RecordOrder { .. }))
        .count();
    steps.len() - 2 * orders - 1
}

#[test]
fn a_cashback_that_differs_from_its_split_is_an_inconsistency() {
    let (s, mut effects) = confirmed();
    for effect in &mut effects {
        if let Effect::CreditCashback { amount, .. } = effect {
            *amount = amount.checked_add(Money::idr(1)).unwrap();
        }
    }
    let e = plan(&s, 12, effects, &chart()).unwrap_err();
    assert_eq!(e.code(), "step.cashback_mismatch");

    let (s, effects) = confirmed();
    let alone: Vec<Effect> = effects
        .into_iter()
        .filter(|e| matches!(e, Effect::CreditCashback { .. }))
        .collect();
    assert!(!alone.is_empty());
    assert!(matches!(
        plan(&s, 12, alone, &chart()).unwrap_err(),
        StepError::CashbackWithoutOrder { .. }
    ));
}

#[test]
fn an_escrow_release_that_differs_from_the_splits_is_an_inconsistency() {
    let (s, mut effects) = confirmed();
    for effect in &mut effects {
        if let Effect::ReleaseEscrow(release) = effect {
            release.courier = release.courier.checked_add(Money::idr(1)).unwrap();
        }
    }
    let e = plan(&s, 12, effects, &chart()).unwrap_err();
    assert_eq!(
        (e.code(), e.to_string().contains("courier")),
        ("step.escrow_mismatch", true)
    );
}

#[test]
fn cancelling_while_awaiting_stock_cancels_the_purchase_order_and_refunds() {
    let (mut s, _) = settled();
    s.cancel(at(14, 0)).unwrap();
    let effects = s.drain_effects();
    let steps = plan(&s, 12, effects, &chart()).unwrap();
    assert!(steps.contains(&Step::CancelPurchaseOrder {
        session: SESSION,
        product: PRODUCT
    }));
    let refunds = steps
        .iter()
        .filter(|step| matches!(step, Step::StartRefund { .. }))
        .count();
    assert_eq!(refunds, 2);
}

#[test]
fn the_steps_move_stock_as_the_warehouse_expects() {
    // Settled with 4 free units pledged; the order arrives; confirmation reserves.
    let (s, effects) = settled();
    let mut stock = Stock::new(PRODUCT);
    stock.receive(&[StockLevel::new(SIZE, 4)]).unwrap();
    let mut record = None;
    for step in plan(&s, 9, effects, &chart()).unwrap() {
        match step {
            Step::PledgeStock { levels, .. } => stock.pledge(&levels).unwrap(),
            Step::RecordPurchaseOrder { record: r } => record = Some(r),
            _ => {}
        }
    }
    let mut record = record.unwrap();
    let bundle = s.state().config().bundle().unwrap().clone();
    assert_eq!(stock.free_levels(&bundle), [StockLevel::new(SIZE, 0)]);
    let receipt = record.receive(&record.outstanding()).unwrap();
    assert!(receipt.closed);
    stock.apply(&receipt.stock).unwrap();
    let (s, effects) = confirmed();
    for step in plan(&s, 12, effects, &chart()).unwrap() {
        if let Step::ReserveStock { lines, .. } = step {
            stock.reserve(&lines).unwrap();
        }
    }
    let line = stock.line(Some(SIZE));
    assert_eq!((line.on_hand, line.reserved, line.pledged), (44, 35, 0));
    assert_eq!(stock.free_levels(&bundle), [StockLevel::new(SIZE, 9)]);
}
