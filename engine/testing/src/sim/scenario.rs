//! A seed's world: fault rates, engine configuration, products, users and the
//! sessions the simulation creates.

use chrono::{DateTime, Duration, TimeZone, Utc};
use patungan_core::ledger::RefundDestination;
use patungan_core::session::{SessionConfig, SessionGrosir};
use patungan_core::{
    BasisPoints, BotPolicy, GrosirConfig, Money, Moq, ProductId, Rung, TierLadder, UserId,
    VariantBundle, VariantId,
};
use patungan_engine::EngineConfig;
use patungan_memory::FaultConfig;

use super::rng::Rng;

/// A product the sessions sell.
#[derive(Debug, Clone)]
pub struct Product {
    /// Its id (sessions of one product share the warehouse stock).
    pub id: ProductId,
    /// The factory bundle, when it is sold in bundles.
    pub grosir: Option<SessionGrosir>,
}

/// Everything fixed at the start of a seed.
#[derive(Debug, Clone)]
pub struct Setup {
    /// A label for the fault level.
    pub weather: &'static str,
    /// Engine processes sharing the store.
    pub replicas: usize,
    /// The engine configuration.
    pub config: EngineConfig,
    /// Gateway faults.
    pub gateway_faults: FaultConfig,
    /// Disburser faults.
    pub disburser_faults: FaultConfig,
    /// Shipping provider faults (bookings failing, answers lost).
    pub shipping_faults: FaultConfig,
    /// Chance (percent) that a crash/blip step arms or fires.
    pub crash_weight: u64,
    /// Weight of misbehaving-provider steps (mismatching callbacks, batch moods).
    pub provider_faults: u64,
    /// The shoppers.
    pub users: Vec<UserId>,
    /// The products.
    pub products: Vec<Product>,
    /// The simulated clock's start.
    pub start: DateTime<Utc>,
    /// Sessions the simulation creates itself (renewals come on top).
    pub sessions: u64,
    /// How far each replica's clock is off the true time (replica 0 is exact).
    pub skews: Vec<Duration>,
}

fn faults(rng: &mut Rng, error_max: u64, lost_max: u64) -> FaultConfig {
    FaultConfig {
        seed: rng.next_u64(),
        error_ppm: (rng.range(0, error_max) * 10_000) as u32,
        lost_response_ppm: (rng.range(0, lost_max) * 10_000) as u32,
        latency: std::time::Duration::ZERO,
    }
}

/// Draws a seed's setup.
pub fn setup(rng: &mut Rng) -> Setup {
    // Fault rates in percent (the draw is uniform up to the maximum). A hurricane's
    // outages outlast the runner's retry budget.
    let (weather, error_max, lost_max, crash_weight) = match rng.below(20) {
        0..=5 => ("calm", 0, 0, 0),
        6..=15 => ("mild", 8, 8, 3),
        16..=18 => ("stormy", 25, 15, 6),
        _ => ("hurricane", 60, 20, 8),
    };
    // Misbehaving providers in most seeds, at a weight that grows with the weather.
    let provider_faults = if rng.chance(75) {
        1 + crash_weight / 2
    } else {
        0
    };
    let gateway_faults = faults(rng, error_max, lost_max);
    let disburser_faults = faults(rng, error_max, lost_max);
    let shipping_faults = faults(rng, error_max, lost_max);
    let config = EngineConfig {
        refund_destination: if rng.chance(25) {
            RefundDestination::Wallet
        } else {
            RefundDestination::OriginalMethod
        },
        snapshot_every: if rng.chance(50) {
            rng.range(2, 12)
        } else {
            512
        },
        runner_batch: *rng.pick(&[1usize, 3, 16, 256]).unwrap_or(&256),
        // A cache smaller than the sessions in play evicts all the time.
        session_cache: *rng.pick(&[1usize, 2, 1024]).unwrap_or(&1024),
        ..EngineConfig::default()
    };
    let users = (1..=rng.range(4, 12))
        .map(|n| UserId::from_u128(0x5500 + u128::from(n)))
        .collect();
    let products = (1..=rng.range(1, 3))
        .map(|n| Product {
            id: ProductId::from_u128(0x7700 + u128::from(n)),
            grosir: rng.chance(65).then(|| grosir(rng, n)),
        })
        .collect();
    // A Monday 00:00 UTC plus up to a week, so batch instants fall anywhere.
    let monday = Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).single();
    let start =
        monday.unwrap_or(DateTime::UNIX_EPOCH) + Duration::minutes(rng.below(7 * 24 * 60) as i64);
    let replicas = if rng.chance(40) { 2 } else { 1 };
    let mut skews = vec![Duration::zero()];
    if replicas > 1 {
        skews.push(if rng.chance(40) {
            Duration::seconds(rng.range(0, 1200) as i64 - 600)
        } else {
            Duration::zero()
        });
    }
    Setup {
        weather,
        replicas,
        skews,
        config,
        gateway_faults,
        disburser_faults,
        shipping_faults,
        crash_weight,
        provider_faults,
        users,
        products,
        start,
        sessions: rng.range(3, 6),
    }
}

fn grosir(rng: &mut Rng, product: u64) -> SessionGrosir {
    let variants = (1..=rng.range(1, 4))
        .map(|n| {
            let units = rng.range(1, 5);
            // Mostly a tolerance of at least one bundle's worth (else an empty
            // session is locked); sometimes tighter.
            let tolerance = if rng.chance(85) {
                rng.range(units, units * 3)
            } else {
                rng.range(0, units)
            };
            VariantBundle::new(
                VariantId::from_u128(u128::from(product) * 100 + u128::from(n)),
                units,
                tolerance,
            )
        })
        .collect();
    SessionGrosir {
        bundle: GrosirConfig::new(variants).unwrap_or_else(|e| panic!("bundle: {e}")),
        factory_unit_cost: Money::idr(rng.range(5, 60) * 1_000),
    }
}

/// A random session of `product`, open around `now`.
pub fn session(rng: &mut Rng, product: &Product, now: DateTime<Utc>) -> SessionConfig {
    let group = *rng
        .pick(&[20_000u64, 50_000, 99_000, 150_000])
        .unwrap_or(&50_000);
    let mut thresholds: Vec<u32> = vec![1_000, 2_500, 4_000, 5_000, 7_500, 10_000];
    rng.shuffle(&mut thresholds);
    thresholds.truncate(rng.range(1, 4) as usize);
    thresholds.sort_unstable();
    let mut discount = 0;
    let rungs = thresholds
        .iter()
        .map(|t| {
            discount += rng.range(0, 12);
            let price = group - group * discount / 100;
            Rung::new(BasisPoints::new(*t), Money::idr(price))
        })
        .collect();
    let ladder = TierLadder::new(Money::idr(group), rungs).unwrap_or_else(|e| panic!("{e}"));
    let moq = *rng
        .pick(&[2u64, 3, 4, 5, 6, 8, 10, 12, 20, 30])
        .unwrap_or(&5);
    let start = if rng.chance(80) {
        now - Duration::minutes(rng.range(0, 120) as i64)
    } else {
        now + Duration::minutes(rng.range(1, 180) as i64)
    };
    let end =
        (start + Duration::minutes(rng.range(60, 20 * 60) as i64)).max(now + Duration::minutes(30));
    let bulk = *rng.pick(&[0u64, 10_000, 250_000, 1_000_003]).unwrap_or(&0);
    let mut config = SessionConfig::new(
        product.id,
        Moq::new(moq).unwrap_or_else(|e| panic!("{e}")),
        ladder,
        start,
        end,
        Money::idr(bulk),
    );
    config.grosir = product.grosir.clone();
    config.bot = match rng.below(10) {
        0..=3 => BotPolicy::disabled(),
        4..=7 => BotPolicy::default(),
        _ => BotPolicy::new(
            true,
            BasisPoints::new(rng.range(500, 6_000) as u32),
            rng.range(60, 3 * 3600) as u32,
        )
        .unwrap_or_default(),
    };
    config.renewal = rng.chance(50);
    if rng.chance(20) {
        config.per_join_limit = rng.range(2, 8);
    }
    if rng.chance(30) {
        config.invoice_ttl_seconds = rng.range(20 * 60, 6 * 3600) as u32;
    }
    config
}
