//! The tier ladder and its preview.

use napi::bindgen_prelude::{BufferSlice, External, Null};
use napi::Either;
use napi_derive::napi;
use patungan_core::tier as core;
use patungan_core::{BasisPoints, Moq};

use crate::errors::{json_error, IntoJsResult, Result};
use crate::money::Money;
use crate::numbers::{number, quantity, small};

/// Validates a MOQ given as a JS number (`MoqError` below 2 or above 10 000 000).
pub fn moq(units: f64) -> Result<Moq> {
    Moq::new(quantity("moq", units)?).js()
}

/// One step of a ladder: reaching `thresholdBp` of the MOQ unlocks `unitPrice`.
#[napi(object)]
pub struct Rung {
    /// Fill in basis points of the MOQ at which the rung is reached (inclusive).
    pub threshold_bp: f64,
    /// The unit price once the rung is reached.
    pub unit_price: Money,
}

impl Rung {
    fn to_core(&self) -> Result<core::Rung> {
        Ok(core::Rung::new(
            BasisPoints::new(small("thresholdBp", self.threshold_bp)?),
            self.unit_price.to_core()?,
        ))
    }
}

impl From<core::Rung> for Rung {
    fn from(r: core::Rung) -> Self {
        Rung {
            threshold_bp: f64::from(r.threshold.get()),
            unit_price: r.unit_price.into(),
        }
    }
}

/// A rung with its position in the ladder (0 = lowest threshold).
#[napi(object)]
pub struct RungView {
    /// Position in the ladder, 0 for the lowest threshold.
    pub index: u32,
    /// Fill in basis points at which the rung is reached.
    pub threshold_bp: u32,
    /// The rung's unit price.
    pub unit_price: Money,
}

impl From<core::RungView> for RungView {
    fn from(r: core::RungView) -> Self {
        RungView {
            index: r.index,
            threshold_bp: r.threshold.get(),
            unit_price: r.unit_price.into(),
        }
    }
}

/// `Some(v)` → `v`, `None` → `null`: outputs keep every key (a stable shape).
pub fn nullable<T>(value: Option<T>) -> Either<T, Null> {
    value.map_or(Either::B(Null), Either::A)
}

/// Where a session stands and what a buyer would pay (docs/domain.md §3).
///
/// A class whose getters convert on access, so that a preview on every keystroke
/// costs one small allocation; `toJSON()` gives every field at once (absent values
/// are `null`).
#[napi]
pub struct Preview {
    inner: core::Preview,
}

impl From<core::Preview> for Preview {
    fn from(inner: core::Preview) -> Self {
        Preview { inner }
    }
}

#[napi]
impl Preview {
    /// The session's MOQ.
    #[napi(getter)]
    pub fn moq(&self) -> f64 {
        number(self.inner.moq)
    }

    /// Units already counted toward fill (paid real participants + bot).
    #[napi(getter)]
    pub fn filled_quantity(&self) -> f64 {
        number(self.inner.filled_quantity)
    }

    /// The extra units considered.
    #[napi(getter)]
    pub fn extra_quantity(&self) -> f64 {
        number(self.inner.extra_quantity)
    }

    /// Fill now, in basis points of the MOQ.
    #[napi(getter)]
    pub fn fill_bp(&self) -> u32 {
        self.inner.fill_bp.get()
    }

    /// The highest rung reached now, or `null`.
    #[napi(getter)]
    pub fn current_rung(&self) -> Either<RungView, Null> {
        nullable(self.inner.current_rung.map(RungView::from))
    }

    /// The unit price if the session closed now, without the extra units.
    #[napi(getter)]
    pub fn current_unit_price(&self) -> Money {
        self.inner.current_unit_price.into()
    }

    /// Group price minus the current unit price.
    #[napi(getter)]
    pub fn saving_per_unit_now(&self) -> Money {
        self.inner.saving_per_unit_now.into()
    }

    /// Fill with the extra units, in basis points.
    #[napi(getter)]
    pub fn projected_fill_bp(&self) -> u32 {
        self.inner.projected_fill_bp.get()
    }

    /// The unit price if the session closed now with the extra units.
    #[napi(getter)]
    pub fn price_if_closed_now(&self) -> Money {
        self.inner.price_if_closed_now.into()
    }

    /// The lowest rung not reached even with the extra units, or `null`.
    #[napi(getter)]
    pub fn next_rung(&self) -> Either<RungView, Null> {
        nullable(self.inner.next_rung.map(RungView::from))
    }

    /// Units still needed, beyond the extra units, to reach the next rung, or `null`.
    #[napi(getter)]
    pub fn units_to_next_rung(&self) -> Either<f64, Null> {
        nullable(self.inner.units_to_next_rung.map(number))
    }

    /// Group price minus the next rung's unit price, or `null`.
    #[napi(getter)]
    pub fn saving_per_unit_at_next_rung(&self) -> Either<Money, Null> {
        nullable(self.inner.saving_per_unit_at_next_rung.map(Money::from))
    }

    /// Every field as a plain object (what `JSON.stringify` and `console.log` show).
    #[napi(js_name = "toJSON")]
    pub fn to_json_object(&self) -> PreviewObject {
        PreviewObject {
            moq: self.moq(),
            filled_quantity: self.filled_quantity(),
            extra_quantity: self.extra_quantity(),
            fill_bp: self.fill_bp(),
            current_rung: self.current_rung(),
            current_unit_price: self.current_unit_price(),
            saving_per_unit_now: self.saving_per_unit_now(),
            projected_fill_bp: self.projected_fill_bp(),
            price_if_closed_now: self.price_if_closed_now(),
            next_rung: self.next_rung(),
            units_to_next_rung: self.units_to_next_rung(),
            saving_per_unit_at_next_rung: self.saving_per_unit_at_next_rung(),
        }
    }
}

/// Every field of a [`Preview`] at once (camelCase keys, absent values `null`).
#[napi(object)]
pub struct PreviewObject {
    /// The session's MOQ.
    pub moq: f64,
    /// Units already counted toward fill.
    pub filled_quantity: f64,
    /// The extra units considered.
    pub extra_quantity: f64,
    /// Fill now, in basis points of the MOQ.
    pub fill_bp: u32,
    /// The highest rung reached now.
    pub current_rung: Either<RungView, Null>,
    /// The unit price if the session closed now, without the extra units.
    pub current_unit_price: Money,
    /// Group price minus the current unit price.
    pub saving_per_unit_now: Money,
    /// Fill with the extra units, in basis points.
    pub projected_fill_bp: u32,
    /// The unit price if the session closed now with the extra units.
    pub price_if_closed_now: Money,
    /// The lowest rung not reached even with the extra units.
    pub next_rung: Either<RungView, Null>,
    /// Units still needed, beyond the extra units, to reach the next rung.
    pub units_to_next_rung: Either<f64, Null>,
    /// Group price minus the next rung's unit price.
    pub saving_per_unit_at_next_rung: Either<Money, Null>,
}

/// A validated tier ladder with its group price.
#[napi]
pub struct TierLadder {
    inner: core::TierLadder,
}

#[napi]
impl TierLadder {
    /// Validates and builds a ladder (`TierError` / `MoneyError` if invalid).
    /// Thresholds are at most 10 000 bp (100 % of the MOQ) unless `allowAboveMoq`
    /// (then at most 100 000 bp): rungs beyond the MOQ unlock further discounts.
    #[napi(constructor)]
    pub fn new(
        group_price: Money,
        rungs: Vec<Rung>,
        allow_above_moq: Option<bool>,
    ) -> Result<Self> {
        let rungs = rungs
            .iter()
            .map(Rung::to_core)
            .collect::<Result<Vec<_>>>()?;
        let group_price = group_price.to_core()?;
        let inner = if allow_above_moq.unwrap_or(false) {
            core::TierLadder::allowing_above_moq(group_price, rungs)
        } else {
            core::TierLadder::new(group_price, rungs)
        };
        Ok(TierLadder { inner: inner.js()? })
    }

    /// A ladder on the default thresholds (25/50/75/100 % of the MOQ); `prices` has 4 entries.
    #[napi(factory)]
    pub fn with_default_thresholds(group_price: Money, prices: Vec<Money>) -> Result<Self> {
        let prices = prices
            .iter()
            .map(Money::to_core)
            .collect::<Result<Vec<_>>>()?;
        let prices: [patungan_core::Money; 4] = prices.try_into().map_err(|p: Vec<_>| {
            crate::errors::invalid_arg(format!("prices must hold 4 amounts, got {}", p.len()))
        })?;
        let inner =
            core::TierLadder::with_default_thresholds(group_price.to_core()?, prices).js()?;
        Ok(TierLadder { inner })
    }

    /// Reads a ladder from its JSON form (code `json.invalid` if bad).
    #[napi(factory)]
    pub fn from_json(json: String) -> Result<Self> {
        let inner = serde_json::from_str(&json).map_err(json_error)?;
        Ok(TierLadder { inner })
    }

    /// The ladder's JSON form (the core's serde form, as in the golden vectors).
    #[napi]
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string(&self.inner).map_err(json_error)
    }

    /// The base unit price every joiner pays up front.
    #[napi(getter)]
    pub fn group_price(&self) -> Money {
        self.inner.group_price().into()
    }

    /// The currency of every price in the ladder.
    #[napi(getter)]
    pub fn currency(&self) -> &'static str {
        self.inner.currency().code()
    }

    /// The rungs, lowest threshold first.
    #[napi(getter)]
    pub fn rungs(&self) -> Vec<Rung> {
        self.inner.rungs().iter().copied().map(Rung::from).collect()
    }

    /// Whether rungs may lie beyond 100 % of the MOQ (JSON `allow_above_moq`).
    #[napi(getter)]
    pub fn allow_above_moq(&self) -> bool {
        self.inner.allows_above_moq()
    }

    /// The highest rung reached at `fillBp`, or `null`.
    #[napi]
    pub fn rung_at(&self, fill_bp: f64) -> Result<Option<RungView>> {
        let fill = BasisPoints::new(small("fillBp", fill_bp)?);
        Ok(self.inner.rung_at(fill).map(RungView::from))
    }

    /// The final unit price of a session of `moq` holding `filled` units.
    #[napi]
    pub fn final_price(&self, moq: f64, filled: f64) -> Result<Money> {
        let moq = self::moq(moq)?;
        Ok(self
            .inner
            .final_price(moq, quantity("filled", filled)?)
            .into())
    }

    /// Cashback for a buyer of `quantity` units at settlement.
    #[napi]
    pub fn cashback(&self, moq: f64, filled: f64, quantity: f64) -> Result<Money> {
        let moq = self::moq(moq)?;
        let filled = self::quantity("filled", filled)?;
        let qty = self::quantity("quantity", quantity)?;
        self.inner.cashback(moq, filled, qty).js().map(Money::from)
    }

    /// Where a session of `moq` holding `filled` units stands, and where `extra`
    /// (default 0) more units would take it.
    #[napi]
    pub fn preview(&self, moq: f64, filled: f64, extra: Option<f64>) -> Result<Preview> {
        let moq = self::moq(moq)?;
        let filled = quantity("filled", filled)?;
        let extra = quantity("extra", extra.unwrap_or(0.0))?;
        let inner = self.inner.preview(moq, filled, extra).js()?;
        Ok(Preview { inner })
    }

    /// A handle on this ladder for `tierPreviewNumbers` (what `index.js`'s
    /// `preview()` calls: a plain function costs less than a method).
    #[napi(ts_return_type = "ExternalObject<'TierLadder'>")]
    pub fn preview_handle(&self) -> External<core::TierLadder> {
        External::new(self.inner.clone())
    }
}

/// Writes the numeric fields of `ladder.preview(moq, filled, extra)` into `out` as
/// native-endian `f64`s, in order: moq, filled quantity, extra quantity, fill,
/// projected fill, units to the next rung (`-1` for none). `index.js` reads them
/// through a `Float64Array` over the same memory to build `preview()`'s object (no
/// native object per call); the money and rung fields are read on demand.
#[napi(
    ts_args_type = "ladder: ExternalObject<'TierLadder'>, moq: number, filled: number, extra: number, out: Buffer"
)]
pub fn tier_preview_numbers(
    ladder: &External<core::TierLadder>,
    moq: f64,
    filled: f64,
    extra: f64,
    mut out: BufferSlice<'_>,
) -> Result<()> {
    let moq = self::moq(moq)?;
    let filled = quantity("filled", filled)?;
    let extra = quantity("extra", extra)?;
    let p = ladder.as_ref().preview(moq, filled, extra).js()?;
    let values = [
        number(p.moq),
        number(p.filled_quantity),
        number(p.extra_quantity),
        f64::from(p.fill_bp.get()),
        f64::from(p.projected_fill_bp.get()),
        p.units_to_next_rung.map_or(-1.0, number),
    ];
    for (slot, value) in out.chunks_exact_mut(8).zip(values) {
        slot.copy_from_slice(&value.to_ne_bytes());
    }
    Ok(())
}

/// `floor(10 000 × filled / moq)`: the fill in basis points.
#[napi]
pub fn fill_bp(moq: f64, filled: f64) -> Result<u32> {
    let moq = self::moq(moq)?;
    Ok(core::TierLadder::fill_bp(moq, quantity("filled", filled)?).get())
}
