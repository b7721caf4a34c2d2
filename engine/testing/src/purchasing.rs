//! Purchase orders received in parts: stock, the factory's goods cost and the
//! session's confirmation.

use std::sync::Arc;

use super::{at, config, join, Fixture, World};
use patungan_core::factory_payouts::FactoryPayoutStatus;
use patungan_core::grosir::StockLevel;
use patungan_core::ledger::ChartAccount;
use patungan_core::notices::{PayoutEvent, ProviderNotification};
use patungan_core::purchasing::OverTolerancePolicy;
use patungan_core::session::{SessionGrosir, SessionStatus};
use patungan_core::{
    BotPolicy, GrosirConfig, Money, Moq, ProductId, SessionId, VariantBundle, VariantId,
};
use patungan_engine::ports::FactoryMessage;
use patungan_engine::{Engine, Handled, PurchaseOrderRecord, PurchaseOrderStatus, StockRecord};

pub(super) const PRODUCT: ProductId = ProductId::from_u128(77);
const SIZE: VariantId = VariantId::from_u128(5);
const OTHER: VariantId = VariantId::from_u128(6);
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

/// The disburser's webhook for the payout `external_id`, resolved as `outcome`,
/// applied; returns it.
async fn resolve_payout(
    w: &World,
    external_id: &str,
    outcome: PayoutEvent,
    code: Option<&str>,
) -> ProviderNotification {
    let note = w.disburser.resolve(external_id, outcome, code).unwrap();
    let note = ProviderNotification::Payout(note);
    let handled = w
        .engine
        .handle_notification(&note, at(15, 0))
        .await
        .unwrap();
    assert_eq!(handled, Handled::Applied);
    note
}

/// The disburser's payouts to the factory, by external id.
fn factory_payouts_sent(w: &World) -> Vec<String> {
    let mut ids: Vec<String> = w
        .disburser
        .payouts()
        .into_iter()
        .filter(|p| p.item.external_id.starts_with("fpo-"))
        .map(|p| p.item.external_id)
        .collect();
    ids.sort();
    ids
}

/// Each receipt's goods cost goes to the factory's bank account as a payout of its
/// own: a failed one keeps the money owed until an operator retries it under a new
/// attempt; a late result for an old attempt and a repeated webhook change nothing;
/// a payout that never reports is asked about after the silence limit; once every
/// payout is paid, nothing is owed to the factory and the books reconcile.
pub async fn received_goods_are_paid_to_the_factory_once_and_a_failed_payout_is_retried(
    fixture: Arc<dyn Fixture>,
) {
    let w = World::new(fixture).await;
    let order = awaiting_stock(&w).await;
    let units = order.outstanding()[0].units;
    w.engine.run_effects(at(12, 0)).await.unwrap();
    let told = w.factory.messages();
    let [FactoryMessage::PurchaseOrderIssued {
        session,
        purchase_order,
        ..
    }] = told.as_slice()
    else {
        panic!("the factory was told {told:?}");
    };
    assert_eq!((*session, purchase_order), (ID, order.purchase_order()));
    w.engine
        .receive_stock(ID, &[StockLevel::new(SIZE, 1)], at(13, 0))
        .await
        .unwrap();
    w.engine.run_effects(at(13, 0)).await.unwrap();
    let sent = factory_payouts_sent(&w);
    assert_eq!(sent.len(), 1, "{sent:?}");
    let first = &w.disburser.payouts()[0];
    assert_eq!(first.item.amount, Money::idr(UNIT_COST));
    assert_eq!(first.item.bank_account, w.engine.config().factory_account);

    resolve_payout(
        &w,
        &sent[0],
        PayoutEvent::Failed,
        Some("INVALID_DESTINATION"),
    )
    .await;
    let payouts = w.engine.factory_payouts().await.unwrap();
    assert_eq!(payouts[0].status, FactoryPayoutStatus::Failed);
    assert_eq!(
        payouts[0].failure_code.as_deref(),
        Some("INVALID_DESTINATION")
    );
    assert_eq!(factory_owed(&w).await, Money::idr(UNIT_COST));

    let retried = w
        .engine
        .retry_factory_payout(&payouts[0].id(), at(14, 0))
        .await
        .unwrap();
    assert_eq!(
        (retried.status, retried.attempt),
        (FactoryPayoutStatus::Submitted, 2)
    );
    w.engine.run_effects(at(14, 0)).await.unwrap();
    let sent = factory_payouts_sent(&w);
    assert_eq!(sent.len(), 2, "{sent:?}");
    let paid = resolve_payout(&w, &sent[1], PayoutEvent::Completed, None).await;
    assert_eq!(factory_owed(&w).await, Money::idr(0));
    let repeated = w
        .engine
        .handle_notification(&paid, at(15, 1))
        .await
        .unwrap();
    assert_eq!(repeated, Handled::Duplicate);
    let mut late = paid.clone();
    if let ProviderNotification::Payout(n) = &mut late {
        n.provider_event_id = "late-attempt-1".to_owned();
        n.external_id.clone_from(&sent[0]);
    }
    let late = w
        .engine
        .handle_notification(&late, at(15, 2))
        .await
        .unwrap();
    assert!(matches!(late, Handled::Ignored(_)), "{late:?}");
    let again = w
        .engine
        .retry_factory_payout(&payouts[0].id(), at(14, 5))
        .await
        .unwrap_err();
    assert_eq!(again.code(), "factory_payout.not_failed");

    // The last receipt's payout goes silent: after the silence limit the disburser
    // is asked, once per period, and its answer settles the payout.
    w.disburser.go_silent(true);
    w.engine
        .receive_stock(ID, &[StockLevel::new(SIZE, units - 1)], at(14, 10))
        .await
        .unwrap();
    w.engine.run_effects(at(14, 10)).await.unwrap();
    let sent = factory_payouts_sent(&w);
    assert_eq!(sent.len(), 3, "{sent:?}");
    let rest = sent.iter().find(|id| !id.contains("-0-")).unwrap().clone();
    assert_eq!(factory_owed(&w).await, Money::idr(UNIT_COST * (units - 1)));
    assert!(w
        .disburser
        .resolve(&rest, PayoutEvent::Completed, None)
        .is_none());
    let silence = w.engine.config().payout_silence;
    let early = at(14, 10) + silence - chrono::TimeDelta::minutes(1);
    assert_eq!(w.engine.tick(early).await.unwrap().payout_queries, 0);
    let asked = at(14, 11) + silence;
    assert_eq!(w.engine.tick(asked).await.unwrap().payout_queries, 1);
    assert_eq!(w.engine.tick(asked).await.unwrap().payout_queries, 0);
    w.engine.run_effects(asked).await.unwrap();
    assert_eq!(factory_owed(&w).await, Money::idr(0));
    let paid = w.engine.factory_payouts().await.unwrap();
    assert_eq!(paid.len(), 2);
    assert!(paid.iter().all(|p| p.status == FactoryPayoutStatus::Paid));
    assert!(w.engine.reconcile(at(23, 59)).await.unwrap().is_clean());
}

/// Under the hold policy, a purchase order whose plan leaves a variant over its
/// tolerance (stock on hand of another variant) waits for an operator: nothing goes
/// to the factory and no receipt is taken; once approved it is issued to the factory
/// and received as any other.
pub async fn an_over_tolerance_purchase_order_waits_for_approval_under_the_hold_policy(
    fixture: Arc<dyn Fixture>,
) {
    let mut w = World::new(fixture).await;
    let mut settings = w.engine.config().clone();
    settings.over_tolerance = OverTolerancePolicy::HoldForApproval;
    w.engine = Engine::new(w.store.clone(), w.engine.ports().clone(), settings);
    let mut c = config(BotPolicy::disabled());
    c.product = PRODUCT;
    c.moq = Moq::new(4).unwrap();
    c.grosir = Some(SessionGrosir {
        bundle: GrosirConfig::new(vec![
            VariantBundle::new(SIZE, 2, 10),
            VariantBundle::new(OTHER, 1, 2),
        ])
        .unwrap(),
        factory_unit_cost: Money::idr(UNIT_COST),
    });
    w.engine
        .add_stock(PRODUCT, &[StockLevel::new(OTHER, 5)])
        .await
        .unwrap();
    w.engine.create_session(ID, c, at(0, 0)).await.unwrap();
    let mut request = join(1, 4);
    request.variant = Some(SIZE);
    w.engine.join(ID, &request, at(1, 0)).await.unwrap();
    w.engine.run_effects(at(1, 0)).await.unwrap();
    w.pay_all(at(1, 10)).await;
    w.engine.tick(at(12, 0)).await.unwrap();
    w.engine.run_effects(at(12, 0)).await.unwrap();
    assert_eq!(status(&w).await, SessionStatus::AwaitingStock);
    let held = w
        .store
        .read::<PurchaseOrderRecord>(ID)
        .await
        .unwrap()
        .unwrap();
    assert!(held.awaits_approval(), "{held:?}");
    assert!(w.factory.messages().is_empty(), "a held order is not sent");

    let refused = w
        .engine
        .receive_stock(ID, &[StockLevel::new(SIZE, 1)], at(13, 0))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "purchase_order.awaiting_approval");
    let refused = w.engine.stock_received(ID, at(13, 0)).await.unwrap_err();
    assert_eq!(refused.code(), "purchase_order.awaiting_approval");
    assert_eq!(status(&w).await, SessionStatus::AwaitingStock);

    let approved = w
        .engine
        .approve_purchase_order(ID, at(14, 0))
        .await
        .unwrap();
    assert_eq!(*approved.status(), PurchaseOrderStatus::Issued);
    let again = w
        .engine
        .approve_purchase_order(ID, at(14, 1))
        .await
        .unwrap_err();
    assert_eq!(again.code(), "purchase_order.not_awaiting_approval");
    w.engine.run_effects(at(14, 0)).await.unwrap();
    let told: Vec<&str> = w.factory.messages().iter().map(|m| m.event()).collect();
    assert_eq!(told, ["purchase_order.issued"]);
    w.engine.stock_received(ID, at(15, 0)).await.unwrap();
    assert_eq!(status(&w).await, SessionStatus::Confirmed);
    assert!(w.engine.reconcile(at(23, 59)).await.unwrap().is_clean());
}

/// The bank reverses a factory payout after it completed: the goods cost is owed to
/// the factory again and the payout failed (`REVERSED`) until an operator sends it
/// again, which pays it under a new attempt; the books reconcile throughout.
pub async fn a_reversed_factory_payout_is_owed_again_until_it_is_sent_again(
    fixture: Arc<dyn Fixture>,
) {
    let w = World::new(fixture).await;
    awaiting_stock(&w).await;
    w.engine.stock_received(ID, at(13, 0)).await.unwrap();
    w.engine.run_effects(at(13, 0)).await.unwrap();
    let sent = factory_payouts_sent(&w);
    assert_eq!(sent.len(), 1, "{sent:?}");
    let owed = factory_owed(&w).await;
    assert!(!owed.is_zero());
    resolve_payout(&w, &sent[0], PayoutEvent::Completed, None).await;
    assert_eq!(factory_owed(&w).await, Money::idr(0));
    resolve_payout(&w, &sent[0], PayoutEvent::Reversed, None).await;
    assert_eq!(factory_owed(&w).await, owed, "owed again");
    let payout = w.engine.factory_payouts().await.unwrap().remove(0);
    assert_eq!(
        (payout.status, payout.failure_code.as_deref()),
        (FactoryPayoutStatus::Failed, Some("REVERSED"))
    );
    assert!(w.engine.reconcile(at(15, 0)).await.unwrap().is_clean());
    w.engine
        .retry_factory_payout(&payout.id(), at(16, 0))
        .await
        .unwrap();
    w.engine.run_effects(at(16, 0)).await.unwrap();
    let sent = factory_payouts_sent(&w);
    assert_eq!(sent.len(), 2, "{sent:?}");
    resolve_payout(&w, &sent[1], PayoutEvent::Completed, None).await;
    assert_eq!(factory_owed(&w).await, Money::idr(0));
    assert!(w.engine.reconcile(at(23, 59)).await.unwrap().is_clean());
}
