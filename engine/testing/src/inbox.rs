//! Users' inboxes: each notification lands in the inbox of each user it concerns and
//! is delivered through the notification port once; only its owner reads it.

use std::sync::Arc;

use patungan_core::inbox::InboxEntry;
use patungan_core::session::SessionStatus;
use patungan_core::{BotPolicy, UserId};

use super::{at, Fixture, World, SESSION};

fn kinds(entries: &[InboxEntry]) -> Vec<&'static str> {
    let mut kinds: Vec<&'static str> = entries.iter().map(|e| e.notification.kind()).collect();
    kinds.sort_unstable();
    kinds
}

/// A session that succeeds: each payer's inbox holds their payment, the session's
/// success and its confirmation; every entry is delivered once, however often the
/// runner runs; another user cannot mark an entry read, and reading it again keeps
/// the first time.
pub async fn each_user_is_told_once_in_their_own_inbox(fixture: Arc<dyn Fixture>) {
    let w = World::new(fixture).await;
    w.open_session(BotPolicy::default()).await;
    for (n, qty) in [(1, 30), (2, 40), (3, 40)] {
        w.join(n, qty).await;
    }
    w.engine.run_effects(at(1, 0)).await.unwrap();
    w.pay_all(at(1, 10)).await;
    w.engine.tick(at(12, 0)).await.unwrap();
    let status = w.engine.session(SESSION).await.unwrap().session.status();
    assert_eq!(status, SessionStatus::Confirmed);
    for minute in 1..4 {
        w.engine.run_effects(at(12, minute)).await.unwrap();
    }

    let alice = UserId::from_u128(1);
    let inbox = w.engine.inbox(alice).await.unwrap();
    assert_eq!(
        kinds(&inbox),
        ["payment_received", "session_confirmed", "session_succeeded"]
    );
    for entry in &inbox {
        assert_eq!((entry.user, entry.session), (alice, SESSION));
        assert!(entry.delivered_at.is_some(), "{entry:?} was not delivered");
        assert_eq!(entry.read_at, None);
    }
    for n in [2u128, 3] {
        assert_eq!(w.engine.inbox(UserId::from_u128(n)).await.unwrap().len(), 3);
    }
    // Each payer's orders page lists their one order (no quote: no delivery).
    let orders = w.engine.orders_of(alice).await.unwrap();
    assert_eq!(orders.len(), 1);
    assert_eq!(
        (orders[0].order.user(), orders[0].delivery.is_none()),
        (alice, true)
    );
    // Delivered once: a later pass finds nothing to deliver.
    let later = w.engine.run_effects(at(13, 0)).await.unwrap();
    assert_eq!(later.done, 0);

    let first = &inbox[0];
    let bob = UserId::from_u128(2);
    let refused = w.engine.mark_read(bob, first.id, at(14, 0)).await;
    assert_eq!(refused.unwrap_err().code(), "engine.unknown_reference");
    let read = w
        .engine
        .mark_read(alice, first.id, at(14, 0))
        .await
        .unwrap();
    assert_eq!(read.read_at, Some(at(14, 0)));
    let again = w
        .engine
        .mark_read(alice, first.id, at(15, 0))
        .await
        .unwrap();
    assert_eq!(again.read_at, Some(at(14, 0)));
    let stored = w.engine.inbox(alice).await.unwrap();
    let unread = stored.iter().filter(|e| e.read_at.is_none()).count();
    assert_eq!(unread, 2);
}
