//! Shipping quotes behind courier prices: a quoted join pays the quoted price and
//! keeps its delivery; a join with an unknown, expired, other user's or mismatched
//! quote is refused and changes nothing.

use std::sync::Arc;

use patungan_core::quotes::{Delivery, Destination, QuoteChoice, QuoteRequest, Recipient};
use patungan_core::{BotPolicy, Money, ParticipantId, QuoteId, UserId};

use super::{at, join, Fixture, World, SESSION};

fn request(id: u128, user: u128, quantity: u64) -> QuoteRequest {
    QuoteRequest {
        id: QuoteId::from_u128(id),
        user: UserId::from_u128(user),
        destination: Destination::PostalCode("12440".to_owned()),
        variant: None,
        quantity,
    }
}

fn choice(quote: u128, service: &str) -> QuoteChoice {
    QuoteChoice {
        quote: QuoteId::from_u128(quote),
        courier: "jne".to_owned(),
        service: service.to_owned(),
        recipient: Some(recipient()),
    }
}

/// A recipient the courier can find.
pub(super) fn recipient() -> Recipient {
    Recipient {
        name: "Sari".to_owned(),
        phone: "+6281234567890".to_owned(),
        address: "Jl. Melati 7, Jakarta".to_owned(),
    }
}

/// Quote, join with it, and every way to misuse a quote.
pub async fn a_join_pays_the_quoted_courier_price_and_misused_quotes_are_refused(
    fixture: Arc<dyn Fixture>,
) {
    let w = World::new(fixture).await;
    w.open_session(BotPolicy::default()).await;
    let quote = w
        .engine
        .quote(SESSION, request(1, 1, 3), at(1, 0))
        .await
        .unwrap();
    // 3 units of the default 1 kg parcel at the in-memory provider's 9 000 a kilogram.
    let offer = quote.offers.iter().find(|o| o.courier == "jne").unwrap();
    assert_eq!(offer.price, Money::idr(27_000));
    assert_eq!(quote.expires_at, at(1, 15));
    let again = w.engine.quote(SESSION, request(1, 1, 3), at(1, 1)).await;
    assert_eq!(
        again.unwrap(),
        quote,
        "the same request returns the stored quote"
    );
    let reused = w.engine.quote(SESSION, request(1, 2, 3), at(1, 1)).await;
    assert_eq!(reused.unwrap_err().code(), "quote.exists");

    let version = w.engine.session(SESSION).await.unwrap().version;
    let refusals = [
        (join(9, 3), choice(7, "reg"), at(1, 5), "quote.unknown"),
        (join(2, 3), choice(1, "reg"), at(1, 5), "quote.mismatch"),
        (join(1, 4), choice(1, "reg"), at(1, 5), "quote.mismatch"),
        (
            join(1, 3),
            choice(1, "yes"),
            at(1, 5),
            "quote.unknown_service",
        ),
        (join(1, 3), choice(1, "reg"), at(1, 16), "quote.expired"),
    ];
    for (joining, choice, now, code) in refusals {
        let refused = w.engine.join_quoted(SESSION, &joining, &choice, now).await;
        assert_eq!(refused.unwrap_err().code(), code);
    }
    assert_eq!(w.engine.session(SESSION).await.unwrap().version, version);

    // The client's courier price is ignored: the quote's is charged.
    let mut joining = join(1, 3);
    joining.courier_price = Money::idr(0);
    let receipt = w
        .engine
        .join_quoted(SESSION, &joining, &choice(1, "reg"), at(1, 10))
        .await
        .unwrap();
    assert_eq!(receipt.cost.leg2, Money::idr(27_000));
    let delivery = w
        .store
        .read::<Delivery>(ParticipantId::from_u128(1001))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(delivery.quote, quote.id);
    assert_eq!(delivery.offer, *offer);
    assert_eq!(
        delivery.destination,
        Destination::PostalCode("12440".into())
    );
}
