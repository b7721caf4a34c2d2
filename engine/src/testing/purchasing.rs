//! Purchase orders received in parts: stock, the factory's goods cost and the
//! session's confirmation.

use std::sync::Arc;

use super::{at, config, join, Fixture, World};
use crate::{PurchaseOrderRecord, StockRecord};
use patungan_core::grosir::StockLevel;
use patungan_core::ledger::ChartAccount;
use patungan_core::session::{SessionGrosir, SessionStatus};
use patungan_core::{
    BotPolicy, GrosirConfig, Money, Moq, ProductId, SessionId, VariantBundle, VariantId,
};

pub(super) const PRODUCT: ProductId = ProductId::from_u128(77);
const SIZE: VariantId = VariantId::from_u128(5);
const ID: SessionId = SessionId::from_u128(1);
const UNIT_COST: u64 = 40_000;

/// One session of 6 units of a product with 2 on hand, settled and awaiting its
/// purchase order.
pub(super) async fn awaiting_stock(w: &World) -> PurchaseOrderRecord {
    let mut c = config(BotPolicy::disabled());
    c.product = PRODUCT;
    c.moq = Moq::new(4).unwrap();
    c.grosir = Some(SessionGrosir {
        bundle: GrosirConfig::new(vec![VariantBundle::new(SIZE, 2, 10)]).unwrap(),
        factory_unit_cost: Money::idr(UNIT_COST),
    });
    w.engine
        .add_stock(PRODUCT, &[StockLevel::new(SIZE, 2)])
        .await
        .unwrap();
    w.engine.create_session(ID, c, at(0, 0)).await.unwrap();
    let mut request = join(1, 6);
    request.variant = Some(SIZE);
    w.engine.join(ID, &request, at(1, 0)).await.unwrap();
    w.engine.run_effects(at(1, 0)).await.unwrap();
    w.pay_all(at(1, 10)).await;
    w.engine.tick(at(12, 0)).await.unwrap();
    assert_eq!(status(w).await, SessionStatus::AwaitingStock);
    w.store
        .read::<PurchaseOrderRecord>(ID)
        .await
        .unwrap()
        .unwrap()
}

async fn status(w: &World) -> SessionStatus {
    w.engine.session(ID).await.unwrap().session.status()
}

async fn on_hand(w: &World) -> u64 {
    let stock = w.store.read::<StockRecord>(PRODUCT).await.unwrap().unwrap();
    stock.line(Some(SIZE)).on_hand
}

async fn factory_owed(w: &World) -> Money {
    let ledger = w.engine.ledger().await.unwrap();
    let id = w.engine.chart().id(ChartAccount::FactoryPayable);
    ledger
        .account(id)
        .map_or(Money::idr(0), |a| a.available().unwrap())
}

/// A purchase order received in two parts: the first part joins the stock and is
/// owed to the factory while the session keeps waiting; a receipt beyond what was
/// ordered changes nothing; the last part closes the order and confirms the session;
/// the factory is owed the order's goods cost exactly once, and the books reconcile.
pub async fn a_purchase_order_received_in_parts_owes_the_factory_its_goods_cost_once(
    fixture: Arc<dyn Fixture>,
) {
    let w = World::new(fixture).await;
    let order = awaiting_stock(&w).await;
    let ordered = order.outstanding();
    let units = ordered[0].units;
    assert!(units >= 2, "{ordered:?}");
    let before = on_hand(&w).await;

    let done = w
        .engine
        .receive_stock(ID, &[StockLevel::new(SIZE, 1)], at(13, 0))
        .await
        .unwrap();
    assert!(!done);
    assert_eq!(status(&w).await, SessionStatus::AwaitingStock);
    assert_eq!(on_hand(&w).await, before + 1);
    assert_eq!(factory_owed(&w).await, Money::idr(UNIT_COST));

    let too_many = w
        .engine
        .receive_stock(ID, &[StockLevel::new(SIZE, units)], at(13, 5))
        .await
        .unwrap_err();
    assert_eq!(too_many.code(), "purchase_order.over_receipt");
    assert_eq!(on_hand(&w).await, before + 1);
    assert_eq!(factory_owed(&w).await, Money::idr(UNIT_COST));

    let done = w
        .engine
        .receive_stock(ID, &[StockLevel::new(SIZE, units - 1)], at(13, 10))
        .await
        .unwrap();
    assert!(done);
    assert_eq!(status(&w).await, SessionStatus::Confirmed);
    assert_eq!(on_hand(&w).await, before + units);
    let goods_cost = order.purchase_order().goods_cost;
    assert_eq!(factory_owed(&w).await, goods_cost);

    // A repeated "everything arrived" changes nothing; a receipt under the closed
    // order is refused.
    w.engine.stock_received(ID, at(14, 0)).await.unwrap();
    assert_eq!(on_hand(&w).await, before + units);
    let closed = w
        .engine
        .receive_stock(ID, &[StockLevel::new(SIZE, 1)], at(14, 0))
        .await
        .unwrap_err();
    assert_eq!(closed.code(), "purchase_order.none_open");
    assert_eq!(factory_owed(&w).await, goods_cost);
    assert!(w.engine.reconcile(at(23, 59)).await.unwrap().is_clean());
}
