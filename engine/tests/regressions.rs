//! Regressions found by the seeded simulation (engine/tests/simulation.rs); each
//! names the seed that found it.

mod common;

use common::{at, config, join, World};
use patungan_core::grosir::StockLevel;
use patungan_core::session::{SessionGrosir, SessionStatus};
use patungan_core::{
    BotPolicy, GrosirConfig, Money, Moq, ProductId, SessionId, VariantBundle, VariantId,
};
use patungan_engine::store::{RecordKind, Store};
use patungan_engine::StockRecord;

const PRODUCT: ProductId = ProductId::from_u128(77);
const SIZE: VariantId = VariantId::from_u128(5);

async fn stock(w: &World) -> StockRecord {
    let mut tx = w.store.begin().await.unwrap();
    let value = tx
        .record(RecordKind::Stock, &PRODUCT.to_string())
        .await
        .unwrap();
    serde_json::from_value(value.unwrap()).unwrap()
}

fn grosir_config() -> patungan_core::session::SessionConfig {
    let mut c = config(BotPolicy::disabled());
    c.moq = Moq::new(4).unwrap();
    c.grosir = Some(SessionGrosir {
        bundle: GrosirConfig::new(vec![VariantBundle::new(SIZE, 2, 10)]).unwrap(),
        factory_unit_cost: Money::idr(40_000),
    });
    c
}

/// Two sessions of the product, each with one paid buyer of 6 units, settled at 12:00.
async fn two_settled_sessions(w: &World) {
    for n in [1u128, 2] {
        let session = SessionId::from_u128(n);
        w.engine
            .create_session(session, grosir_config(), at(0, 0))
            .await
            .unwrap();
        let mut request = join(n, 6);
        request.variant = Some(SIZE);
        w.engine.join(session, &request, at(1, 0)).await.unwrap();
    }
    w.engine.run_effects(at(1, 0)).await.unwrap();
    w.pay_all(at(2, 0)).await;
    w.engine.tick(at(12, 0)).await.unwrap();
}

async fn status(w: &World, n: u128) -> SessionStatus {
    w.engine
        .session(SessionId::from_u128(n))
        .await
        .unwrap()
        .session
        .status()
}

/// Simulation seeds 20 and 36: a second session of the same product was planned
/// against stock already reserved for the first one's orders, confirmed at once,
/// and the warehouse ended up promising more units than it held.
#[tokio::test]
async fn stock_reserved_by_one_session_is_not_planned_again_for_the_next() {
    let w = World::new();
    w.engine
        .add_stock(PRODUCT, &[StockLevel::new(SIZE, 10)])
        .await
        .unwrap();
    two_settled_sessions(&w).await;
    // The first (by id) takes 6 of the 10 units on hand; only 4 are left, so the
    // second must wait for a purchase order.
    assert_eq!(status(&w, 1).await, SessionStatus::Confirmed);
    assert_eq!(status(&w, 2).await, SessionStatus::AwaitingStock);
    w.engine
        .stock_received(SessionId::from_u128(2), at(13, 0))
        .await
        .unwrap();
    let stock = stock(&w).await;
    let (on_hand, reserved) = (
        stock[&format!("onhand:{SIZE}")],
        stock[&format!("reserved:{SIZE}")],
    );
    assert_eq!(reserved, 12);
    assert!(
        reserved <= on_hand,
        "{reserved} reserved, {on_hand} on hand"
    );
}

/// Simulation seed 175: two sessions awaiting their purchase orders both counted
/// on the same units on hand; once both orders arrived, more units were reserved
/// than the warehouse held.
#[tokio::test]
async fn stock_counted_on_by_a_session_awaiting_its_order_is_not_planned_twice() {
    let w = World::new();
    w.engine
        .add_stock(PRODUCT, &[StockLevel::new(SIZE, 4)])
        .await
        .unwrap();
    two_settled_sessions(&w).await;
    assert_eq!(status(&w, 1).await, SessionStatus::AwaitingStock);
    assert_eq!(status(&w, 2).await, SessionStatus::AwaitingStock);
    for n in [1u128, 2] {
        w.engine
            .stock_received(SessionId::from_u128(n), at(13, 0))
            .await
            .unwrap();
        assert_eq!(status(&w, n).await, SessionStatus::Confirmed);
    }
    let stock = stock(&w).await;
    let (on_hand, reserved) = (
        stock[&format!("onhand:{SIZE}")],
        stock[&format!("reserved:{SIZE}")],
    );
    assert_eq!(reserved, 12);
    assert!(
        reserved <= on_hand,
        "{reserved} reserved, {on_hand} on hand"
    );
    assert_eq!(
        stock.get(&format!("pledged:{SIZE}")).copied().unwrap_or(0),
        0
    );
}

/// A session cancelled while awaiting its purchase order gives back the units its
/// plan counted on.
#[tokio::test]
async fn cancelling_a_session_awaiting_stock_frees_the_units_it_counted_on() {
    let w = World::new();
    w.engine
        .add_stock(PRODUCT, &[StockLevel::new(SIZE, 4)])
        .await
        .unwrap();
    let first = SessionId::from_u128(1);
    w.engine
        .create_session(first, grosir_config(), at(0, 0))
        .await
        .unwrap();
    let mut request = join(1, 6);
    request.variant = Some(SIZE);
    w.engine.join(first, &request, at(1, 0)).await.unwrap();
    w.engine.run_effects(at(1, 0)).await.unwrap();
    w.pay_all(at(2, 0)).await;
    w.engine.tick(at(12, 0)).await.unwrap();
    assert_eq!(status(&w, 1).await, SessionStatus::AwaitingStock);
    assert_eq!(stock(&w).await[&format!("pledged:{SIZE}")], 4);
    w.engine.cancel(first, at(13, 0)).await.unwrap();
    assert_eq!(stock(&w).await[&format!("pledged:{SIZE}")], 0);
}
