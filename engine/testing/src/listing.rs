//! The list reads: sessions in keyset pages filtered by status and product, a
//! product's stock, and purchase orders open or all.

use std::sync::Arc;

use super::purchasing::{awaiting_stock, PRODUCT};
use super::{at, config, Fixture, World};
use patungan_core::session::SessionStatus;
use patungan_core::{BotPolicy, ProductId, SessionId};
use patungan_engine::{renewal_id, SessionFilter, SessionPage};

const OTHER_PRODUCT: ProductId = ProductId::from_u128(88);

fn ids(page: &SessionPage) -> Vec<u128> {
    page.sessions
        .iter()
        .map(|s| s.id.as_uuid().as_u128())
        .collect()
}

async fn list(w: &World, filter: SessionFilter) -> SessionPage {
    w.engine.list_sessions(&filter).await.unwrap()
}

/// Session 1 (awaiting its purchase order, renewed by an open session of the same
/// product whose id sorts last) and sessions 2–4 of another product, open: pages follow the ids, `next` is set exactly when more follow, the status
/// and product filters select; the purchase order is listed while open and, once
/// received in full, only among all.
pub async fn sessions_list_in_pages_and_purchase_orders_by_whether_open(fixture: Arc<dyn Fixture>) {
    let w = World::new(fixture).await;
    let order = awaiting_stock(&w).await;
    for n in [4, 2, 3] {
        let mut c = config(BotPolicy::disabled());
        c.product = OTHER_PRODUCT;
        let id = SessionId::from_u128(n);
        w.engine.create_session(id, c, at(0, 0)).await.unwrap();
    }

    let renewal = renewal_id(order.session()).as_uuid().as_u128();
    let all = list(&w, SessionFilter::default()).await;
    assert_eq!((ids(&all), all.next), (vec![1, 2, 3, 4, renewal], None));
    assert_eq!(all.sessions[0].status, SessionStatus::AwaitingStock);
    assert_eq!(all.sessions[0].product, PRODUCT);
    let first = SessionFilter {
        limit: 2,
        ..SessionFilter::default()
    };
    let page = list(&w, first).await;
    assert_eq!(ids(&page), [1, 2]);
    assert_eq!(page.next, Some(SessionId::from_u128(2)));
    let second = list(
        &w,
        SessionFilter {
            after: page.next,
            ..first
        },
    )
    .await;
    assert_eq!(ids(&second), [3, 4]);
    assert_eq!(second.next, Some(SessionId::from_u128(4)));
    let last = list(
        &w,
        SessionFilter {
            after: second.next,
            ..first
        },
    )
    .await;
    assert_eq!((ids(&last), last.next), (vec![renewal], None));

    let open = SessionFilter {
        status: Some(SessionStatus::Open),
        ..SessionFilter::default()
    };
    assert_eq!(ids(&list(&w, open).await), [2, 3, 4, renewal]);
    let other = SessionFilter {
        product: Some(OTHER_PRODUCT),
        limit: 2,
        ..SessionFilter::default()
    };
    let page = list(&w, other).await;
    assert_eq!(ids(&page), [2, 3]);
    assert_eq!(page.next, Some(SessionId::from_u128(3)));
    // The renewal, of the first product, is scanned past: no further page.
    let last = list(
        &w,
        SessionFilter {
            after: page.next,
            ..other
        },
    )
    .await;
    assert_eq!((ids(&last), last.next), (vec![4], None));
    let mine = SessionFilter {
        product: Some(PRODUCT),
        status: Some(SessionStatus::AwaitingStock),
        ..SessionFilter::default()
    };
    assert_eq!(ids(&list(&w, mine).await), [1]);

    assert_eq!(
        w.engine.purchase_orders(true).await.unwrap(),
        std::slice::from_ref(&order)
    );
    assert_eq!(
        w.engine.purchase_orders(false).await.unwrap(),
        std::slice::from_ref(&order)
    );
    let before = w.engine.stock(PRODUCT).await.unwrap();
    let done = w
        .engine
        .receive_stock(order.session(), &order.outstanding(), at(13, 0))
        .await
        .unwrap();
    assert!(done);
    assert!(w.engine.purchase_orders(true).await.unwrap().is_empty());
    let closed = w.engine.purchase_orders(false).await.unwrap();
    assert_eq!(closed.len(), 1);
    assert!(!closed[0].is_open());
    assert!(closed[0].outstanding().is_empty());

    let after = w.engine.stock(PRODUCT).await.unwrap();
    let units: u64 = order.outstanding().iter().map(|l| l.units).sum();
    let variant = Some(order.outstanding()[0].variant);
    assert_eq!(
        after.line(variant).on_hand,
        before.line(variant).on_hand + units
    );
    let none = w.engine.stock(OTHER_PRODUCT).await.unwrap();
    assert_eq!(none.lines().count(), 0);
}
