//! Part 2 of the quickstart: one whole session through the engine, as a timeline.

use std::error::Error;
use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Asia::Jakarta;
use patungan_core::grosir::{GrosirConfig, VariantBundle};
use patungan_core::ledger::ChartAccount;
use patungan_core::notices::ProviderNotification;
use patungan_core::session::{JoinRequest, SessionConfig, SessionGrosir, Settlement};
use patungan_core::{
    Money, Moq, ParticipantId, PaymentId, ProductId, SessionId, TierLadder, UserId, VariantId,
};
use patungan_engine::store::Store;
use patungan_engine::{Engine, EngineConfig, Ports};
use patungan_memory::MemoryStore;
use patungan_memory::{MemoryDisburser, MemoryGateway, MemoryShipping};
use patungan_postgres::{PostgresOptions, PostgresStore};

use crate::fulfilment;

/// The engine with a handle on the simulated disburser, to play the bank.
pub struct World {
    pub engine: Engine,
    pub disburser: Arc<MemoryDisburser>,
    pub buyers: Vec<(String, UserId)>,
}

const SIZES: [(&str, u128, u64, u64); 4] = [
    ("S", 1, 2, 20),
    ("M", 2, 5, 50),
    ("L", 3, 4, 40),
    ("XL", 4, 1, 30),
];

fn variant(size: &str) -> VariantId {
    let n = SIZES.iter().find(|s| s.0 == size).map_or(0, |s| s.1);
    VariantId::from_u128(n)
}

fn size_name(id: VariantId) -> &'static str {
    SIZES
        .iter()
        .find(|s| VariantId::from_u128(s.1) == id)
        .map_or("?", |s| s.0)
}

/// Western Indonesia Time, for printing.
pub fn wib(t: DateTime<Utc>) -> String {
    t.with_timezone(&Jakarta)
        .format("%a %d %b %H:%M WIB")
        .to_string()
}

pub fn utc(day: u32, h: u32, m: u32) -> Result<DateTime<Utc>, Box<dyn Error>> {
    Utc.with_ymd_and_hms(2026, 11, day, h, m, 0)
        .single()
        .ok_or_else(|| "invalid time".into())
}

/// The in-memory store, or PostgreSQL when `DATABASE_URL` is set (in a schema of
/// this run's own, so that runs never see each other's sessions).
async fn store() -> Result<Arc<dyn Store>, Box<dyn Error>> {
    match std::env::var("DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            let stamp = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0);
            let schema = format!("quickstart_{stamp}_{}", std::process::id());
            let store =
                PostgresStore::connect_with(PostgresOptions::new(url).schema(&schema)).await?;
            println!("(store: PostgreSQL, schema {schema})");
            Ok(Arc::new(store))
        }
        _ => {
            println!("(store: in memory; set DATABASE_URL to run on PostgreSQL)");
            Ok(Arc::new(MemoryStore::new()))
        }
    }
}

/// Runs the session and returns the world for part 3.
pub async fn run() -> Result<World, Box<dyn Error>> {
    println!("\n== 2. A whole session through the engine ==");
    let gateway = Arc::new(MemoryGateway::default());
    let disburser = Arc::new(MemoryDisburser::default());
    let shipping = Arc::new(MemoryShipping::default());
    let engine = Engine::new(
        store().await?,
        Ports {
            gateway: gateway.clone(),
            disburser: disburser.clone(),
            shipping: shipping.clone(),
            notifier: Arc::new(patungan_memory::MemoryNotifier::default()),
            factory: Arc::new(patungan_memory::MemoryFactory::default()),
        },
        EngineConfig::default(),
    );

    let bundle = GrosirConfig::new(
        SIZES
            .iter()
            .map(|(_, id, units, tolerance)| {
                VariantBundle::new(VariantId::from_u128(*id), *units, *tolerance)
            })
            .collect(),
    )?;
    let ladder = TierLadder::with_default_thresholds(
        Money::idr(200_000),
        [
            Money::idr(150_000),
            Money::idr(135_000),
            Money::idr(120_000),
            Money::idr(105_000),
        ],
    )?;
    // Sunday 22 Nov 2026, 07:00–19:00 WIB.
    let (start, end) = (utc(22, 0, 0)?, utc(22, 12, 0)?);
    let mut config = SessionConfig::new(
        ProductId::from_u128(1),
        Moq::new(100)?,
        ladder,
        start,
        end,
        Money::idr(500_000),
    );
    config.grosir = Some(SessionGrosir {
        bundle,
        factory_unit_cost: Money::idr(80_000),
    });
    config.invoice_ttl_seconds = 2 * 60 * 60;
    let id = SessionId::from_u128(1);
    engine.create_session(id, config, start).await?;
    println!(
        "{}  session opens: T-shirt, MOQ 100, bundle 2S+5M+4L+1XL, ends {}",
        wib(start),
        wib(end)
    );

    let joins = [
        ("Ayu", "M", 4u64),
        ("Budi", "L", 6),
        ("Citra", "S", 2),
        ("Dewi", "M", 5),
        ("Eka", "XL", 3),
        ("Fajar", "M", 50),
    ];
    let mut buyers = Vec::new();
    for (n, (name, size, quantity)) in joins.iter().enumerate() {
        let n = n as u128 + 1;
        let at = utc(22, 1, n as u32 * 7)?;
        let user = UserId::from_u128(100 + n);
        let request = JoinRequest {
            participant: ParticipantId::from_u128(200 + n),
            user,
            payment: PaymentId::from_u128(300 + n),
            variant: Some(variant(size)),
            quantity: *quantity,
            expected_unit_price: Money::idr(200_000),
            courier_price: Money::idr(0), // the quote's price is charged
        };
        let choice = fulfilment::quote_for(&engine, id, &request, name, at).await?;
        match engine.join_quoted(id, &request, &choice, at).await {
            Ok(receipt) => {
                buyers.push((name.to_string(), user));
                println!(
                    "{}  {name:<5} joins: {quantity} × {size:<2} → pays {} (product {}, shipping {} + {}, fee {})",
                    wib(at),
                    receipt.cost.total,
                    receipt.cost.product,
                    receipt.cost.leg1,
                    receipt.cost.leg2,
                    receipt.cost.gateway_fee
                );
            }
            Err(refused) => println!(
                "{}  {name:<5} asks for {quantity} × {size}: refused ({}): more M would leave too many other sizes over tolerance",
                wib(at),
                refused.code()
            ),
        }
    }
    let available = engine
        .session(id)
        .await?
        .session
        .availability(variant("M"))?;
    if let Some(a) = available {
        println!(
            "          availability of M now: {} units (constrained by {})",
            a.available
                .map_or("unbounded".to_owned(), |u| u.to_string()),
            a.constraining_variant.map_or("nothing", size_name)
        );
    }

    engine.run_effects(utc(22, 2, 0)?).await?;
    let pay_at = utc(22, 3, 0)?;
    for invoice in gateway.invoices() {
        // Dewi never pays: her invoice will expire.
        if invoice.request.payer.user_id == UserId::from_u128(104) {
            continue;
        }
        if let Some(paid) = gateway.pay(invoice.request.payment_id, pay_at) {
            engine
                .handle_notification(&ProviderNotification::Payment(paid), pay_at)
                .await?;
        }
    }
    let view = engine.session(id).await?;
    println!(
        "{}  {} buyers paid {} units; fill {} → price if it closed now {}",
        wib(pay_at),
        view.session.state().paid_count(),
        view.session.state().paid_real_quantity(),
        view.session.preview(0)?.fill_bp,
        view.session.preview(0)?.current_unit_price
    );

    let expiry = utc(22, 4, 0)?;
    for expired in gateway.expire_due(expiry) {
        engine
            .handle_notification(&ProviderNotification::Payment(expired), expiry)
            .await?;
        println!(
            "{}  Dewi's invoice expires unpaid: her 5 M no longer hold availability",
            wib(expiry)
        );
    }

    let bot_check = utc(22, 11, 50)?;
    engine.tick(bot_check).await?;
    let view = engine.session(id).await?;
    println!(
        "{}  bot check: {} paid units < 25 units → the platform bot adds {} (fill {})",
        wib(bot_check),
        view.session.state().paid_real_quantity(),
        view.session.state().bot_quantity(),
        view.session.preview(0)?.fill_bp
    );

    engine.tick(end).await?;
    let view = engine.session(id).await?;
    if let Some(Settlement::Succeeded(success)) = view.session.state().settlement() {
        println!(
            "{}  session succeeds at {}: final price {} (cashback {} per unit) → {}",
            wib(end),
            success.fill_bp,
            success.final_unit_price,
            success.cashback_per_unit,
            view.session.status()
        );
        if let Some(plan) = &success.plan {
            println!(
                "          warehouse plan: {} bundles, {} units",
                plan.bundles, plan.total_units
            );
            println!(
                "            {:<4} {:>6} {:>6} {:>8} {:>9}",
                "size", "demand", "stock", "receive", "leftover"
            );
            for line in &plan.lines {
                println!(
                    "            {:<4} {:>6} {:>6} {:>8} {:>9}{}",
                    size_name(line.variant),
                    line.demand,
                    line.stock,
                    line.to_receive,
                    line.leftover,
                    if line.over_tolerance {
                        "  over tolerance!"
                    } else {
                        ""
                    }
                );
            }
            if let Some(po) = &plan.purchase_order {
                println!(
                    "          purchase order: {} bundles = {} units, cost {}",
                    po.bundles, po.total_units, po.total_cost
                );
            }
        }
    }

    let received = utc(23, 2, 0)?;
    receive_in_two_parts(&engine, id, received).await?;
    fulfilment::ship(&engine, &shipping, &buyers, utc(23, 3, 0)?).await?;
    for (name, user) in &buyers {
        let balance = engine.wallet_balance(*user).await?;
        if !balance.available.is_zero() {
            println!(
                "          {name:<5} wallet: {} (cashback, and the goods of a returned parcel)",
                balance.available
            );
        }
    }
    let renewal = patungan_engine::renewal_id(id);
    let next = engine.session(renewal).await?;
    println!(
        "          renewal opened for the next Jakarta day: {} → {}",
        wib(next.session.state().config().start),
        wib(next.session.state().config().end)
    );
    Ok(World {
        engine,
        disburser,
        buyers,
    })
}

/// The warehouse receives the purchase order in two deliveries: the first variant's
/// units, then the rest; the factory is owed the goods cost of each as it arrives.
async fn receive_in_two_parts(
    engine: &Engine,
    id: SessionId,
    at: DateTime<Utc>,
) -> Result<(), Box<dyn std::error::Error>> {
    let order = engine.purchase_order(id).await?;
    let first = order.and_then(|o| o.outstanding().into_iter().next());
    if let Some(first) = first {
        engine.receive_stock(id, &[first], at).await?;
        println!(
            "{}  {} units of {} arrive → {}; the factory is owed {}",
            wib(at),
            first.units,
            size_name(first.variant),
            engine.session(id).await?.session.status(),
            factory_owed(engine).await?
        );
    }
    engine.stock_received(id, at).await?;
    println!(
        "{}  the rest of the factory's bundles arrive → {}; the factory is owed {}",
        wib(at),
        engine.session(id).await?.session.status(),
        factory_owed(engine).await?
    );
    Ok(())
}

/// What the factory payable holds.
async fn factory_owed(engine: &Engine) -> Result<Money, Box<dyn std::error::Error>> {
    let ledger = engine.ledger().await?;
    let id = engine.chart().id(ChartAccount::FactoryPayable);
    let currency = engine.chart().currency();
    Ok(match ledger.account(id) {
        Some(account) => account.available()?,
        None => Money::zero(currency),
    })
}
