//! Shipping quotes and participants' deliveries (migration `0005_quotes`).

use patungan_core::quotes::{CourierOffer, Delivery, Destination, Quote, QuoteRequest, Recipient};
use patungan_core::{Currency, Money, ParticipantId, QuoteId, SessionId, UserId, VariantId};
use rust_decimal::Decimal;
use tokio_postgres::Row;
use uuid::Uuid;

use super::Table;
use crate::codec::{currency, get, money, to_i64, to_u64, Param};
use patungan_ports::store::StoreError;

pub(crate) const QUOTES: Table = Table {
    name: "quotes",
    columns: "id, session_id, user_id, destination_kind, destination, variant_id, quantity, \
        currency, couriers, services, prices, durations, created_at, expires_at",
    key: "id",
};

pub(crate) const DELIVERIES: Table = Table {
    name: "deliveries",
    columns: "participant_id, session_id, user_id, quote_id, destination_kind, destination, \
        courier, service, price, currency, duration, recipient_name, recipient_phone, \
        recipient_address",
    key: "participant_id",
};

fn destination_parts(d: &Destination) -> (&'static str, String) {
    match d {
        Destination::PostalCode(c) => ("postal_code", c.clone()),
        Destination::AreaId(c) => ("area_id", c.clone()),
    }
}

fn destination(kind: &str, code: String) -> Result<Destination, StoreError> {
    match kind {
        "postal_code" => Ok(Destination::PostalCode(code)),
        "area_id" => Ok(Destination::AreaId(code)),
        other => Err(StoreError::Corrupt(format!(
            "unknown destination kind {other:?}"
        ))),
    }
}

fn amount(m: Money, cur: Currency) -> Result<Decimal, StoreError> {
    if m.currency() == cur {
        Ok(m.amount())
    } else {
        Err(StoreError::Corrupt(format!(
            "a quote mixes {} and {}",
            m.currency().code(),
            cur.code()
        )))
    }
}

pub(crate) fn encode_quote(q: &Quote) -> Result<Vec<Param>, StoreError> {
    let cur = q
        .offers
        .first()
        .map_or(Currency::IDR, |o| o.price.currency());
    let (kind, dest) = destination_parts(&q.request.destination);
    let prices = q
        .offers
        .iter()
        .map(|o| amount(o.price, cur))
        .collect::<Result<Vec<Decimal>, _>>()?;
    let texts = |f: fn(&CourierOffer) -> &String| -> Vec<String> {
        q.offers.iter().map(|o| f(o).clone()).collect()
    };
    Ok(vec![
        Box::new(*q.id.as_uuid()),
        Box::new(*q.session.as_uuid()),
        Box::new(*q.request.user.as_uuid()),
        Box::new(kind.to_owned()),
        Box::new(dest),
        Box::new(q.request.variant.map(|v| *v.as_uuid())),
        Box::new(to_i64(q.request.quantity, "quote quantity")?),
        Box::new(cur.code().to_owned()),
        Box::new(texts(|o| &o.courier)),
        Box::new(texts(|o| &o.service)),
        Box::new(prices),
        Box::new(texts(|o| &o.duration)),
        Box::new(q.created_at),
        Box::new(q.expires_at),
    ])
}

pub(crate) fn decode_quote(row: &Row) -> Result<Quote, StoreError> {
    const W: &str = "quote";
    let cur = currency(get(row, 7, W)?)?;
    let couriers: Vec<String> = get(row, 8, W)?;
    let services: Vec<String> = get(row, 9, W)?;
    let prices: Vec<Decimal> = get(row, 10, W)?;
    let durations: Vec<String> = get(row, 11, W)?;
    if [services.len(), prices.len(), durations.len()] != [couriers.len(); 3] {
        return Err(StoreError::Corrupt(
            "a quote's offer arrays differ in length".to_owned(),
        ));
    }
    let offers = couriers
        .into_iter()
        .zip(services)
        .zip(prices)
        .zip(durations)
        .map(|(((courier, service), price), duration)| {
            Ok(CourierOffer {
                courier,
                service,
                price: money(price, cur, W)?,
                duration,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let id = QuoteId::from_uuid(get(row, 0, W)?);
    Ok(Quote {
        id,
        session: SessionId::from_uuid(get(row, 1, W)?),
        request: QuoteRequest {
            id,
            user: UserId::from_uuid(get(row, 2, W)?),
            destination: destination(get(row, 3, W)?, get(row, 4, W)?)?,
            variant: get::<Option<Uuid>>(row, 5, W)?.map(VariantId::from_uuid),
            quantity: to_u64(get(row, 6, W)?, "quote quantity")?,
        },
        offers,
        created_at: get(row, 12, W)?,
        expires_at: get(row, 13, W)?,
    })
}

pub(crate) fn encode_delivery(d: &Delivery) -> Result<Vec<Param>, StoreError> {
    let (kind, dest) = destination_parts(&d.destination);
    Ok(vec![
        Box::new(*d.participant.as_uuid()),
        Box::new(*d.session.as_uuid()),
        Box::new(*d.user.as_uuid()),
        Box::new(*d.quote.as_uuid()),
        Box::new(kind.to_owned()),
        Box::new(dest),
        Box::new(d.offer.courier.clone()),
        Box::new(d.offer.service.clone()),
        Box::new(d.offer.price.amount()),
        Box::new(d.offer.price.currency().code().to_owned()),
        Box::new(d.offer.duration.clone()),
        Box::new(d.recipient.as_ref().map(|r| r.name.clone())),
        Box::new(d.recipient.as_ref().map(|r| r.phone.clone())),
        Box::new(d.recipient.as_ref().map(|r| r.address.clone())),
    ])
}

pub(crate) fn decode_delivery(row: &Row) -> Result<Delivery, StoreError> {
    const W: &str = "delivery";
    let cur = currency(get(row, 9, W)?)?;
    Ok(Delivery {
        participant: ParticipantId::from_uuid(get(row, 0, W)?),
        session: SessionId::from_uuid(get(row, 1, W)?),
        user: UserId::from_uuid(get(row, 2, W)?),
        quote: QuoteId::from_uuid(get(row, 3, W)?),
        destination: destination(get(row, 4, W)?, get(row, 5, W)?)?,
        offer: CourierOffer {
            courier: get(row, 6, W)?,
            service: get(row, 7, W)?,
            price: money(get(row, 8, W)?, cur, W)?,
            duration: get(row, 10, W)?,
        },
        recipient: decode_recipient(row)?,
    })
}

/// Columns 11–13 of a delivery row: all set, or none.
fn decode_recipient(row: &Row) -> Result<Option<Recipient>, StoreError> {
    const W: &str = "delivery recipient";
    let name: Option<String> = get(row, 11, W)?;
    let phone: Option<String> = get(row, 12, W)?;
    let address: Option<String> = get(row, 13, W)?;
    Ok(match (name, phone, address) {
        (Some(name), Some(phone), Some(address)) => Some(Recipient {
            name,
            phone,
            address,
        }),
        (None, None, None) => None,
        _ => return Err(StoreError::Corrupt(format!("{W} is partly set"))),
    })
}
