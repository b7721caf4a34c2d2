//! Part 2b of the quickstart: quotes before joining, then the parcels' way to the
//! buyers' doors once the session is confirmed.

use std::error::Error;

use chrono::{DateTime, Duration, Utc};
use patungan_core::ledger::ChartAccount;
use patungan_core::notices::ProviderNotification;
use patungan_core::quotes::{Destination, QuoteChoice, QuoteRequest, Recipient};
use patungan_core::session::JoinRequest;
use patungan_core::{Money, QuoteId, SessionId, UserId};
use patungan_engine::ports::ShipmentStatus;
use patungan_engine::Engine;
use patungan_memory::MemoryShipping;

use crate::session::wib;

/// Asks for a quote to the buyer's postal code and picks its jne reg offer, with the
/// buyer as recipient.
pub async fn quote_for(
    engine: &Engine,
    session: SessionId,
    join: &JoinRequest,
    name: &str,
    at: DateTime<Utc>,
) -> Result<QuoteChoice, Box<dyn Error>> {
    let request = QuoteRequest {
        id: QuoteId::from_uuid(*join.participant.as_uuid()),
        user: join.user,
        destination: Destination::PostalCode("40115".to_owned()),
        variant: join.variant,
        quantity: join.quantity,
    };
    engine.quote(session, request, at).await?;
    Ok(QuoteChoice {
        quote: QuoteId::from_uuid(*join.participant.as_uuid()),
        courier: "jne".to_owned(),
        service: "reg".to_owned(),
        recipient: Some(Recipient {
            name: name.to_owned(),
            phone: "+6281200000000".to_owned(),
            address: "Jl. Braga 1, Bandung".to_owned(),
        }),
    })
}

/// Books every buyer's parcel, then plays the courier: the first buyer's parcel comes
/// back, every other one is delivered; each delivered or returned parcel pays its
/// courier, a returned one refunds its goods to the wallet.
pub async fn ship(
    engine: &Engine,
    shipping: &MemoryShipping,
    buyers: &[(String, UserId)],
    at: DateTime<Utc>,
) -> Result<(), Box<dyn Error>> {
    engine.run_effects(at).await?;
    println!(
        "{}  {} parcels booked with jne reg from the warehouse",
        wib(at),
        shipping.shipments().len()
    );
    let later = at + Duration::hours(20);
    for (n, (name, user)) in buyers.iter().enumerate() {
        for page in engine.orders_of(*user).await? {
            let id = page.order.id();
            let path = if n == 0 {
                [
                    ShipmentStatus::Picked,
                    ShipmentStatus::DroppingOff,
                    ShipmentStatus::Returned,
                ]
            } else {
                [
                    ShipmentStatus::Picked,
                    ShipmentStatus::DroppingOff,
                    ShipmentStatus::Delivered,
                ]
            };
            for status in path {
                if let Some(report) = shipping.report(id, status) {
                    let report = ProviderNotification::Shipment(report);
                    engine.handle_notification(&report, later).await?;
                }
            }
            let order = engine.order_by_id(id).await?;
            println!(
                "{}  {name:<5} parcel ({} units) → {}",
                wib(later),
                order.request().quantity,
                order.status().as_str()
            );
        }
    }
    let ledger = engine.ledger().await?;
    let paid = ledger
        .account(engine.chart().id(ChartAccount::SupplierPayouts))
        .map_or(Ok(Money::idr(0)), |a| a.available())?;
    println!("          couriers paid {paid} for the parcels they carried");
    Ok(())
}
