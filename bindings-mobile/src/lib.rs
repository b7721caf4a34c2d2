//! Kotlin and Swift bindings of `patungan-core` (uniffi, proc-macro mode), for
//! offline mobile apps: money, the tier ladder and its preview, the bot policy,
//! the join cost, grosir availability ([`grosir`]) and a session loaded from its JSON
//! state ([`session::SessionHandle`]: preview, availability, inputs as JSON, events
//! and effects as JSON). JSON-level entry points to the ledger ([`ledger`]),
//! wallets, withdrawals and the payout schedule ([`wallet`]) let the Kotlin test run
//! every golden vector file through the same library.
//!
//! Generate the foreign sources in library mode:
//! `cargo run -p patungan-mobile --features cli --bin uniffi-bindgen -- generate
//! --library <libpatungan_mobile.so> --language kotlin --out-dir <dir>` (and
//! `--language swift`). `uniffi.toml` maps [`DecimalString`] to
//! `java.math.BigDecimal` in Kotlin and `Decimal` in Swift.
//!
//! Thin wrapper records (not derives on the core types): each mirrors a core
//! type field by field and converts with `From` / `to_core`; every rule runs in
//! the core. Conventions to follow for the session, ledger and wallet surface:
//! money is [`Money`] (exact decimal + ISO code), quantities are `u64`, basis
//! points `u32`, ids will be UUID strings, instants RFC 3339 strings or epoch
//! milliseconds, and every core error becomes a [`PatunganError`] variant chosen by
//! the code's prefix, carrying `code` and the core's message as `reason`.

use std::sync::Arc;

use patungan_core::{BasisPoints, Currency, Moq};

uniffi::setup_scaffolding!("patungan");

mod errors;
pub mod grosir;
pub mod json;
pub mod ledger;
pub mod session;
pub mod wallet;
use errors::IntoFfiResult;
pub use errors::PatunganError;

/// An exact decimal number crossing the boundary as its text (e.g. `"12.5"`);
/// a `BigDecimal` in Kotlin and a `Decimal` in Swift (see `uniffi.toml`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecimalString(pub String);

uniffi::custom_type!(DecimalString, String, {
    lower: |d| d.0,
    try_lift: |s| Ok(DecimalString(s)),
});

/// An exact, non-negative amount of one currency.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Money {
    /// The exact amount.
    pub amount: DecimalString,
    /// The ISO 4217 code, e.g. `"IDR"`.
    pub currency: String,
}

impl Money {
    /// Validates through the core (negative, too many decimals, unknown currency …).
    pub fn to_core(&self) -> Result<patungan_core::Money, PatunganError> {
        let currency = self.currency.parse::<Currency>().ffi()?;
        patungan_core::Money::parse(&self.amount.0, currency).ffi()
    }
}

impl From<patungan_core::Money> for Money {
    fn from(m: patungan_core::Money) -> Self {
        Money {
            amount: DecimalString(m.amount().to_string()),
            currency: m.currency().code().to_owned(),
        }
    }
}

/// Validated, normalised money (`money("100.00", "IDR")` has amount `100`).
#[uniffi::export]
pub fn money(amount: DecimalString, currency: String) -> Result<Money, PatunganError> {
    Money { amount, currency }.to_core().map(Money::from)
}

fn moq(units: u64) -> Result<Moq, PatunganError> {
    Moq::new(units).ffi()
}

/// One step of a ladder: reaching `threshold_bp` of the MOQ unlocks `unit_price`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Rung {
    /// Fill in basis points of the MOQ at which the rung is reached (inclusive).
    pub threshold_bp: u32,
    /// The unit price once the rung is reached.
    pub unit_price: Money,
}

/// A rung with its position in the ladder (0 = lowest threshold).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RungView {
    /// Position in the ladder, 0 for the lowest threshold.
    pub index: u32,
    /// Fill in basis points at which the rung is reached.
    pub threshold_bp: u32,
    /// The rung's unit price.
    pub unit_price: Money,
}

impl From<patungan_core::RungView> for RungView {
    fn from(r: patungan_core::RungView) -> Self {
        RungView {
            index: r.index,
            threshold_bp: r.threshold.get(),
            unit_price: r.unit_price.into(),
        }
    }
}

/// Where a session stands and what a buyer would pay (docs/domain.md §3).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Preview {
    /// The session's MOQ.
    pub moq: u64,
    /// Units already counted toward fill (paid real participants + bot).
    pub filled_quantity: u64,
    /// The extra units considered.
    pub extra_quantity: u64,
    /// Fill now, in basis points of the MOQ.
    pub fill_bp: u32,
    /// The highest rung reached now.
    pub current_rung: Option<RungView>,
    /// The unit price if the session closed now, without the extra units.
    pub current_unit_price: Money,
    /// Group price minus the current unit price.
    pub saving_per_unit_now: Money,
    /// Fill with the extra units, in basis points.
    pub projected_fill_bp: u32,
    /// The unit price if the session closed now with the extra units.
    pub price_if_closed_now: Money,
    /// The lowest rung not reached even with the extra units.
    pub next_rung: Option<RungView>,
    /// Units still needed, beyond the extra units, to reach the next rung.
    pub units_to_next_rung: Option<u64>,
    /// Group price minus the next rung's unit price.
    pub saving_per_unit_at_next_rung: Option<Money>,
}

impl From<patungan_core::Preview> for Preview {
    fn from(p: patungan_core::Preview) -> Self {
        Preview {
            moq: p.moq,
            filled_quantity: p.filled_quantity,
            extra_quantity: p.extra_quantity,
            fill_bp: p.fill_bp.get(),
            current_rung: p.current_rung.map(RungView::from),
            current_unit_price: p.current_unit_price.into(),
            saving_per_unit_now: p.saving_per_unit_now.into(),
            projected_fill_bp: p.projected_fill_bp.get(),
            price_if_closed_now: p.price_if_closed_now.into(),
            next_rung: p.next_rung.map(RungView::from),
            units_to_next_rung: p.units_to_next_rung,
            saving_per_unit_at_next_rung: p.saving_per_unit_at_next_rung.map(Money::from),
        }
    }
}

/// A validated tier ladder with its group price. Immutable; share it freely.
#[derive(Debug, uniffi::Object)]
pub struct TierLadder {
    inner: patungan_core::TierLadder,
}

#[uniffi::export]
impl TierLadder {
    /// Validates and builds a ladder; thresholds at most 10 000 bp (100 % of the MOQ).
    #[uniffi::constructor]
    pub fn new(group_price: Money, rungs: Vec<Rung>) -> Result<Arc<Self>, PatunganError> {
        let rungs = core_rungs(&rungs)?;
        let inner = patungan_core::TierLadder::new(group_price.to_core()?, rungs).ffi()?;
        Ok(Arc::new(TierLadder { inner }))
    }

    /// Like the constructor, but rungs may lie beyond the MOQ (up to 100 000 bp):
    /// a session that sells past its MOQ unlocks further discounts.
    #[uniffi::constructor]
    pub fn allowing_above_moq(
        group_price: Money,
        rungs: Vec<Rung>,
    ) -> Result<Arc<Self>, PatunganError> {
        let rungs = core_rungs(&rungs)?;
        let inner =
            patungan_core::TierLadder::allowing_above_moq(group_price.to_core()?, rungs).ffi()?;
        Ok(Arc::new(TierLadder { inner }))
    }

    /// A ladder on the default thresholds (25/50/75/100 % of the MOQ); `prices` has 4 entries.
    #[uniffi::constructor]
    pub fn with_default_thresholds(
        group_price: Money,
        prices: Vec<Money>,
    ) -> Result<Arc<Self>, PatunganError> {
        let prices = prices
            .iter()
            .map(Money::to_core)
            .collect::<Result<Vec<_>, _>>()?;
        let prices: [patungan_core::Money; 4] = prices.try_into().map_err(|p: Vec<_>| {
            PatunganError::invalid_argument(format!("prices must hold 4 amounts, got {}", p.len()))
        })?;
        let inner =
            patungan_core::TierLadder::with_default_thresholds(group_price.to_core()?, prices)
                .ffi()?;
        Ok(Arc::new(TierLadder { inner }))
    }

    /// Reads a ladder from its JSON form (the core's serde form).
    #[uniffi::constructor]
    pub fn from_json(json: String) -> Result<Arc<Self>, PatunganError> {
        let inner = serde_json::from_str(&json).map_err(PatunganError::from_json)?;
        Ok(Arc::new(TierLadder { inner }))
    }

    /// The ladder's JSON form.
    pub fn to_json(&self) -> Result<String, PatunganError> {
        serde_json::to_string(&self.inner).map_err(PatunganError::from_json)
    }

    /// The base unit price every joiner pays up front.
    pub fn group_price(&self) -> Money {
        self.inner.group_price().into()
    }

    /// Whether rungs may lie beyond 100 % of the MOQ (JSON `allow_above_moq`).
    pub fn allows_above_moq(&self) -> bool {
        self.inner.allows_above_moq()
    }

    /// The rungs, lowest threshold first.
    pub fn rungs(&self) -> Vec<Rung> {
        self.inner
            .rungs()
            .iter()
            .map(|r| Rung {
                threshold_bp: r.threshold.get(),
                unit_price: r.unit_price.into(),
            })
            .collect()
    }

    /// The final unit price of a session of `moq` holding `filled` units.
    pub fn final_price(&self, moq: u64, filled: u64) -> Result<Money, PatunganError> {
        Ok(self.inner.final_price(self::moq(moq)?, filled).into())
    }

    /// Cashback for a buyer of `quantity` units at settlement.
    pub fn cashback(&self, moq: u64, filled: u64, quantity: u64) -> Result<Money, PatunganError> {
        self.inner
            .cashback(self::moq(moq)?, filled, quantity)
            .ffi()
            .map(Money::from)
    }

    /// Where a session of `moq` holding `filled` units stands, and where `extra`
    /// more units would take it. Cheap enough to call on every keystroke.
    pub fn preview(&self, moq: u64, filled: u64, extra: u64) -> Result<Preview, PatunganError> {
        self.inner
            .preview(self::moq(moq)?, filled, extra)
            .ffi()
            .map(Preview::from)
    }
}

fn core_rungs(rungs: &[Rung]) -> Result<Vec<patungan_core::Rung>, PatunganError> {
    rungs
        .iter()
        .map(|r| {
            let price = r.unit_price.to_core()?;
            Ok(patungan_core::Rung::new(
                BasisPoints::new(r.threshold_bp),
                price,
            ))
        })
        .collect()
}

/// When and how far the platform bot tops a weak session up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct BotPolicy {
    /// Whether the bot may top up at all.
    pub enabled: bool,
    /// The fill, in basis points of the MOQ, the bot tops up to.
    pub target_bp: u32,
    /// How long before the end the bot check runs, in seconds.
    pub window_seconds: u32,
}

impl BotPolicy {
    fn to_core(self) -> Result<patungan_core::BotPolicy, PatunganError> {
        patungan_core::BotPolicy::new(
            self.enabled,
            BasisPoints::new(self.target_bp),
            self.window_seconds,
        )
        .ffi()
    }
}

/// The default bot policy: enabled, 2 500 bp, 600 s.
#[uniffi::export]
pub fn default_bot_policy() -> BotPolicy {
    let p = patungan_core::BotPolicy::default();
    BotPolicy {
        enabled: p.enabled(),
        target_bp: p.target().get(),
        window_seconds: p.window_seconds(),
    }
}

/// The bot quantity after a check (validates the policy first); never shrinks.
#[uniffi::export]
pub fn bot_top_up(
    policy: BotPolicy,
    moq: u64,
    paid_real: u64,
    existing_bot: u64,
) -> Result<u64, PatunganError> {
    let policy = policy.to_core()?;
    Ok(policy.top_up(self::moq(moq)?, paid_real, existing_bot))
}

/// The inputs of a join's cost breakdown.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct JoinCostInput {
    /// Units the shopper joins with (≥ 1).
    pub quantity: u64,
    /// The session's group price per unit.
    pub group_price: Money,
    /// The session's MOQ.
    pub moq: u64,
    /// Factory → warehouse shipping for a whole MOQ (leg 1).
    pub bulk_shipping_cost: Money,
    /// Warehouse → buyer courier price (leg 2).
    pub courier_price: Money,
    /// The gateway fee rate on the product amount, in basis points (3 % is 300).
    pub gateway_fee_rate_bp: u32,
}

/// The amount due at join, part by part.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CostBreakdown {
    /// Units joined.
    pub quantity: u64,
    /// `quantity × group price`.
    pub product: Money,
    /// Leg 1 per unit: bulk shipping ÷ MOQ, rounded up.
    pub leg1_per_unit: Money,
    /// `leg1_per_unit × quantity`.
    pub leg1: Money,
    /// The courier price (leg 2).
    pub leg2: Money,
    /// Gateway fee rate × product, rounded up.
    pub gateway_fee: Money,
    /// The amount due.
    pub total: Money,
}

/// Computes the amount due for a join.
#[uniffi::export]
pub fn cost_breakdown(input: JoinCostInput) -> Result<CostBreakdown, PatunganError> {
    // Same validation order as the core's JoinCostInput fields.
    let input = patungan_core::JoinCostInput {
        quantity: input.quantity,
        group_price: input.group_price.to_core()?,
        moq: moq(input.moq)?,
        bulk_shipping_cost: input.bulk_shipping_cost.to_core()?,
        courier_price: input.courier_price.to_core()?,
        gateway_fee_rate: BasisPoints::new(input.gateway_fee_rate_bp),
    };
    let c = patungan_core::CostBreakdown::for_join(&input).ffi()?;
    Ok(CostBreakdown {
        quantity: c.quantity,
        product: c.product.into(),
        leg1_per_unit: c.leg1_per_unit.into(),
        leg1: c.leg1.into(),
        leg2: c.leg2.into(),
        gateway_fee: c.gateway_fee.into(),
        total: c.total.into(),
    })
}

impl CostBreakdown {
    /// The core value (amounts validated through the core).
    pub fn to_core(&self) -> Result<patungan_core::CostBreakdown, PatunganError> {
        Ok(patungan_core::CostBreakdown {
            quantity: self.quantity,
            product: self.product.to_core()?,
            leg1_per_unit: self.leg1_per_unit.to_core()?,
            leg1: self.leg1.to_core()?,
            leg2: self.leg2.to_core()?,
            gateway_fee: self.gateway_fee.to_core()?,
            total: self.total.to_core()?,
        })
    }
}

/// The default gateway fee rate in basis points (3 %).
#[uniffi::export]
pub fn default_gateway_fee_bp() -> u32 {
    patungan_core::cost::DEFAULT_GATEWAY_FEE.get()
}
