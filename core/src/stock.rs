//! Warehouse stock of one product (docs/domain.md §11) as a sans-IO book: three
//! counters per variant — *on hand*, *reserved* for orders that have not shipped,
//! *pledged* to a purchase order that has not arrived — and the free stock a
//! session's warehouse plan may count on (§7).
//!
//! No counter ever goes below zero or past `u64::MAX`: an operation that would take
//! one there is refused with a [`StockError`] and changes nothing (every operation
//! is all-or-nothing over its lines). Reserving and pledging do not require free
//! stock: a confirmed session's orders are a promise already made, and a product
//! sold without a grosir bundle keeps no stock on hand at all. Units promised beyond
//! what is on hand show as [`StockLine::shortfall`], and free stock is then zero.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::grosir::{GrosirConfig, StockLevel};
use crate::ids::{ProductId, VariantId};
use crate::session::StockReservation;

/// One of a stock line's three counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Counter {
    /// Units in the warehouse.
    OnHand,
    /// Units held for orders that have not shipped.
    Reserved,
    /// Units on hand counted on by a session awaiting its purchase order.
    Pledged,
}

/// Why a stock operation was refused; nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StockError {
    /// A counter (or reserved + pledged together) would exceed `u64::MAX`.
    #[error("stock of variant {variant:?}: the {counter:?} units would overflow")]
    Overflow {
        /// The line's variant (`None`: the product has no variants).
        variant: Option<VariantId>,
        /// The counter.
        counter: Counter,
    },
    /// A counter would go below zero.
    #[error("stock of variant {variant:?}: {requested} {counter:?} units asked for, {held} held")]
    Insufficient {
        /// The line's variant.
        variant: Option<VariantId>,
        /// The counter.
        counter: Counter,
        /// Units the counter holds.
        held: u64,
        /// Units the operation takes from it.
        requested: u64,
    },
    /// A stored stock lists the same variant twice.
    #[error("stock lists variant {variant:?} more than once")]
    DuplicateLine {
        /// The repeated variant.
        variant: Option<VariantId>,
    },
}

impl StockError {
    /// A stable machine-readable code.
    pub const fn code(&self) -> &'static str {
        match self {
            StockError::Overflow { .. } => "stock.overflow",
            StockError::Insufficient { .. } => "stock.insufficient",
            StockError::DuplicateLine { .. } => "stock.duplicate_line",
        }
    }
}

/// The counters of one variant of a product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StockLine {
    /// The variant; `None` for a product sold without variants.
    pub variant: Option<VariantId>,
    /// Units in the warehouse.
    pub on_hand: u64,
    /// Units held for orders that have not shipped.
    pub reserved: u64,
    /// Units on hand counted on by sessions awaiting their purchase orders.
    pub pledged: u64,
}

impl StockLine {
    /// An empty line of `variant`.
    pub const fn empty(variant: Option<VariantId>) -> Self {
        StockLine {
            variant,
            on_hand: 0,
            reserved: 0,
            pledged: 0,
        }
    }

    /// Units promised: reserved + pledged (never above `u64::MAX`, see [`Stock`]).
    pub const fn committed(&self) -> u64 {
        self.reserved.saturating_add(self.pledged)
    }

    /// Units a warehouse plan may count on: on hand − reserved − pledged, or zero
    /// when more is promised than is on hand.
    pub const fn free(&self) -> u64 {
        self.on_hand.saturating_sub(self.committed())
    }

    /// Units promised beyond what is on hand (zero when free stock is positive).
    pub const fn shortfall(&self) -> u64 {
        self.committed().saturating_sub(self.on_hand)
    }

    fn is_empty(&self) -> bool {
        self.on_hand == 0 && self.reserved == 0 && self.pledged == 0
    }

    fn counter(&mut self, counter: Counter) -> &mut u64 {
        match counter {
            Counter::OnHand => &mut self.on_hand,
            Counter::Reserved => &mut self.reserved,
            Counter::Pledged => &mut self.pledged,
        }
    }

    fn add(&mut self, counter: Counter, units: u64) -> Result<(), StockError> {
        let variant = self.variant;
        let slot = self.counter(counter);
        *slot = slot
            .checked_add(units)
            .ok_or(StockError::Overflow { variant, counter })?;
        if self.reserved.checked_add(self.pledged).is_none() {
            return Err(StockError::Overflow { variant, counter });
        }
        Ok(())
    }

    fn take(&mut self, counter: Counter, units: u64) -> Result<(), StockError> {
        let variant = self.variant;
        let slot = self.counter(counter);
        *slot = slot.checked_sub(units).ok_or(StockError::Insufficient {
            variant,
            counter,
            held: *slot,
            requested: units,
        })?;
        Ok(())
    }
}

/// What the stock of a product must do after a purchase order changed: units that
/// arrived (added on hand), units pledged to the order (what arrived while it stays
/// open: its session counts on them) and the pledge to release.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct StockChange {
    /// Units arrived, added on hand.
    pub receive: Vec<StockLevel>,
    /// Units added to pledged: what arrived under an order that is still open, held
    /// for its session until the order closes.
    #[serde(default)]
    pub pledge: Vec<StockLevel>,
    /// Units no longer pledged.
    pub release_pledge: Vec<StockLevel>,
}

impl StockChange {
    /// Whether it changes nothing.
    pub fn is_empty(&self) -> bool {
        self.receive.iter().all(|l| l.units == 0)
            && self.pledge.iter().all(|l| l.units == 0)
            && self.release_pledge.iter().all(|l| l.units == 0)
    }
}

/// How an order's units move in its product's stock (docs/domain.md §11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "movement", rename_all = "snake_case")]
pub enum OrderStock {
    /// The parcel left the warehouse: taken from on hand and reserved together.
    Ship {
        /// The variant.
        variant: Option<VariantId>,
        /// Units.
        units: u64,
    },
    /// The parcel came back: added on hand (no longer promised to anyone).
    Return {
        /// The variant.
        variant: Option<VariantId>,
        /// Units.
        units: u64,
    },
    /// The order was cancelled before it shipped: its reservation is released.
    Unreserve {
        /// The variant.
        variant: Option<VariantId>,
        /// Units.
        units: u64,
    },
}

/// The stock of one product: a line per variant. Lines never touched read as empty.
///
/// ```
/// use patungan_core::grosir::{GrosirConfig, StockLevel, VariantBundle};
/// use patungan_core::session::StockReservation;
/// use patungan_core::stock::Stock;
/// use patungan_core::{ProductId, VariantId};
///
/// let m = VariantId::from_u128(2);
/// let bundle = GrosirConfig::new(vec![VariantBundle::new(m, 5, 50)])?;
/// let mut stock = Stock::new(ProductId::from_u128(1));
/// stock.receive(&[StockLevel::new(m, 10)])?;
/// stock.reserve(&[StockReservation { variant: Some(m), units: 6 }])?;
/// stock.pledge(&[StockLevel::new(m, 3)])?;
/// assert_eq!(stock.free_levels(&bundle), [StockLevel::new(m, 1)]);
/// stock.ship(Some(m), 6)?;
/// assert_eq!(stock.line(Some(m)).on_hand, 4);
/// assert_eq!(stock.ship(Some(m), 1).unwrap_err().code(), "stock.insufficient");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "StockState", into = "StockState")]
pub struct Stock {
    product: ProductId,
    lines: BTreeMap<Option<VariantId>, StockLine>,
}

/// The stored form: the product and its non-empty lines, by variant.
#[derive(Serialize, Deserialize)]
struct StockState {
    product: ProductId,
    lines: Vec<StockLine>,
}

impl TryFrom<StockState> for Stock {
    type Error = StockError;

    fn try_from(state: StockState) -> Result<Self, Self::Error> {
        Stock::from_lines(state.product, state.lines)
    }
}

impl From<Stock> for StockState {
    fn from(stock: Stock) -> Self {
        StockState {
            product: stock.product,
            lines: stock.lines.into_values().collect(),
        }
    }
}

impl Stock {
    /// No stock of `product` yet.
    pub const fn new(product: ProductId) -> Self {
        Stock {
            product,
            lines: BTreeMap::new(),
        }
    }

    /// The stock of `product` as a store kept it, line by line; refused when a variant
    /// has two lines or a line's reserved and pledged units overflow.
    pub fn from_lines(
        product: ProductId,
        stored: impl IntoIterator<Item = StockLine>,
    ) -> Result<Self, StockError> {
        let mut lines = BTreeMap::new();
        for line in stored {
            if line.reserved.checked_add(line.pledged).is_none() {
                return Err(StockError::Overflow {
                    variant: line.variant,
                    counter: Counter::Pledged,
                });
            }
            if lines.insert(line.variant, line).is_some() {
                return Err(StockError::DuplicateLine {
                    variant: line.variant,
                });
            }
        }
        Ok(Stock { product, lines })
    }

    /// The product.
    pub const fn product(&self) -> ProductId {
        self.product
    }

    /// The line of `variant` (empty if never touched).
    pub fn line(&self, variant: Option<VariantId>) -> StockLine {
        self.lines
            .get(&variant)
            .copied()
            .unwrap_or(StockLine::empty(variant))
    }

    /// Every non-empty line, by variant (`None` first).
    pub fn lines(&self) -> impl Iterator<Item = &StockLine> {
        self.lines.values()
    }

    /// Units arrived at the warehouse: added on hand.
    pub fn receive(&mut self, levels: &[StockLevel]) -> Result<(), StockError> {
        self.change(Counter::OnHand, levels.iter().map(some), StockLine::add)
    }

    /// Units held for a confirmed session's orders: added to reserved.
    pub fn reserve(&mut self, lines: &[StockReservation]) -> Result<(), StockError> {
        let items = lines.iter().map(|l| (l.variant, l.units));
        self.change(Counter::Reserved, items, StockLine::add)
    }

    /// Units on hand a session awaiting its purchase order counts on: added to pledged.
    pub fn pledge(&mut self, levels: &[StockLevel]) -> Result<(), StockError> {
        self.change(Counter::Pledged, levels.iter().map(some), StockLine::add)
    }

    /// A pledge ends (its order arrived, or it was cancelled): taken from pledged.
    /// Refused when more is released than is pledged.
    pub fn release_pledge(&mut self, levels: &[StockLevel]) -> Result<(), StockError> {
        self.change(Counter::Pledged, levels.iter().map(some), StockLine::take)
    }

    /// A parcel left the warehouse: reserved goes down by `units`, and on hand too.
    /// Refused when either holds fewer, except on the line of a product without a
    /// bundle (no variant): such a product's orders are promised beyond on hand (its
    /// goods are not bought through purchase orders), so a parcel takes what is on
    /// hand first and the rest of the shortfall.
    pub fn ship(&mut self, variant: Option<VariantId>, units: u64) -> Result<(), StockError> {
        let mut line = self.line(variant);
        line.take(Counter::Reserved, units)?;
        let from_hand = match variant {
            None => units.min(line.on_hand),
            Some(_) => units,
        };
        line.take(Counter::OnHand, from_hand)?;
        self.store(line);
        Ok(())
    }

    /// Moves an order's units as its shipment requires ([`OrderStock`]): a parcel
    /// leaving takes them from on hand and reserved, a returned one puts them back on
    /// hand, a cancelled order releases its reservation. Refused when a counter
    /// holds fewer; nothing changes then.
    pub fn move_order_units(&mut self, movement: OrderStock) -> Result<(), StockError> {
        match movement {
            OrderStock::Ship { variant, units } => self.ship(variant, units),
            OrderStock::Return { variant, units } => {
                let mut line = self.line(variant);
                line.add(Counter::OnHand, units)?;
                self.store(line);
                Ok(())
            }
            OrderStock::Unreserve { variant, units } => {
                let mut line = self.line(variant);
                line.take(Counter::Reserved, units)?;
                self.store(line);
                Ok(())
            }
        }
    }

    /// Applies a purchase order's change: receives its units, pledges what it
    /// pledges, then releases its pledge; all or nothing.
    pub fn apply(&mut self, change: &StockChange) -> Result<(), StockError> {
        let mut next = self.clone();
        next.receive(&change.receive)?;
        next.pledge(&change.pledge)?;
        next.release_pledge(&change.release_pledge)?;
        *self = next;
        Ok(())
    }

    /// The free stock of each variant of `bundle`, in config order: what the
    /// session passes to its warehouse plan.
    pub fn free_levels(&self, bundle: &GrosirConfig) -> Vec<StockLevel> {
        bundle
            .variants()
            .iter()
            .map(|v| StockLevel::new(v.variant, self.line(Some(v.variant)).free()))
            .collect()
    }

    /// Applies `op` to `counter` of each listed line, on a copy: either every line
    /// changes or none does.
    fn change(
        &mut self,
        counter: Counter,
        items: impl Iterator<Item = (Option<VariantId>, u64)>,
        op: fn(&mut StockLine, Counter, u64) -> Result<(), StockError>,
    ) -> Result<(), StockError> {
        let mut lines = self.lines.clone();
        for (variant, units) in items {
            let line = lines.entry(variant).or_insert(StockLine::empty(variant));
            op(line, counter, units)?;
        }
        lines.retain(|_, line| !line.is_empty());
        self.lines = lines;
        Ok(())
    }

    fn store(&mut self, line: StockLine) {
        if line.is_empty() {
            self.lines.remove(&line.variant);
        } else {
            self.lines.insert(line.variant, line);
        }
    }
}

fn some(level: &StockLevel) -> (Option<VariantId>, u64) {
    (Some(level.variant), level.units)
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: ProductId = ProductId::from_u128(1);

    fn v(n: u128) -> VariantId {
        VariantId::from_u128(n)
    }

    fn level(n: u128, units: u64) -> StockLevel {
        StockLevel::new(v(n), units)
    }

    #[test]
    fn receive_reserve_pledge_and_free() {
        let mut stock = Stock::new(P);
        stock.receive(&[level(1, 10), level(2, 4)]).unwrap();
        stock
            .reserve(&[StockReservation {
                variant: Some(v(1)),
                units: 6,
            }])
            .unwrap();
        stock.pledge(&[level(1, 3), level(2, 4)]).unwrap();
        let line = stock.line(Some(v(1)));
        assert_eq!((line.on_hand, line.reserved, line.pledged), (10, 6, 3));
        assert_eq!(line.free(), 1);
        assert_eq!(stock.line(Some(v(2))).free(), 0);
        assert_eq!(stock.line(Some(v(3))), StockLine::empty(Some(v(3))));
    }

    #[test]
    fn a_refused_operation_changes_nothing() {
        let mut stock = Stock::new(P);
        stock.pledge(&[level(1, 2)]).unwrap();
        let before = stock.clone();
        let e = stock
            .release_pledge(&[level(1, 1), level(1, 2)])
            .unwrap_err();
        assert_eq!(e.code(), "stock.insufficient");
        assert_eq!(
            e,
            StockError::Insufficient {
                variant: Some(v(1)),
                counter: Counter::Pledged,
                held: 1,
                requested: 2
            }
        );
        assert_eq!(stock, before);
        let e = stock.receive(&[level(2, 1), level(1, u64::MAX), level(1, 1)]);
        assert_eq!(e.unwrap_err().code(), "stock.overflow");
        assert_eq!(stock, before);
    }

    #[test]
    fn shipping_needs_units_reserved_and_on_hand_but_a_product_without_bundle_ships_its_shortfall()
    {
        let mut stock = Stock::new(P);
        stock
            .reserve(&[StockReservation {
                variant: None,
                units: 3,
            }])
            .unwrap();
        // Reserved without stock on hand (a product without a bundle): a shortfall,
        // which its parcels ship out of once on hand is used up.
        assert_eq!(stock.line(None).shortfall(), 3);
        stock
            .move_order_units(OrderStock::Return {
                variant: None,
                units: 1,
            })
            .unwrap();
        stock.ship(None, 2).unwrap();
        let line = stock.line(None);
        assert_eq!((line.on_hand, line.reserved, line.shortfall()), (0, 1, 1));
        let e = stock.ship(None, 2).unwrap_err();
        assert!(matches!(
            e,
            StockError::Insufficient {
                counter: Counter::Reserved,
                ..
            }
        ));
        // A variant's line needs its units on hand.
        let mut short = Stock::new(P);
        short
            .reserve(&[StockReservation {
                variant: Some(v(1)),
                units: 2,
            }])
            .unwrap();
        assert!(matches!(
            short.ship(Some(v(1)), 1).unwrap_err(),
            StockError::Insufficient {
                counter: Counter::OnHand,
                ..
            }
        ));
        let mut with_hand = Stock::new(P);
        with_hand.receive(&[level(1, 5)]).unwrap();
        assert!(matches!(
            with_hand.ship(Some(v(1)), 1).unwrap_err(),
            StockError::Insufficient {
                counter: Counter::Reserved,
                ..
            }
        ));
    }

    #[test]
    fn reserved_and_pledged_together_fit_in_u64() {
        let mut stock = Stock::new(P);
        stock.pledge(&[level(1, u64::MAX)]).unwrap();
        let e = stock.reserve(&[StockReservation {
            variant: Some(v(1)),
            units: 1,
        }]);
        assert_eq!(e.unwrap_err().code(), "stock.overflow");
        assert_eq!(stock.line(Some(v(1))).committed(), u64::MAX);
    }

    #[test]
    fn apply_is_all_or_nothing() {
        let mut stock = Stock::new(P);
        stock.pledge(&[level(1, 2)]).unwrap();
        let before = stock.clone();
        let change = StockChange {
            receive: vec![level(1, 5)],
            pledge: Vec::new(),
            release_pledge: vec![level(1, 3)],
        };
        assert!(stock.apply(&change).is_err());
        assert_eq!(stock, before);
        // Units that arrive under an order still open are received and pledged.
        let partial = StockChange {
            receive: vec![level(1, 4)],
            pledge: vec![level(1, 4)],
            release_pledge: Vec::new(),
        };
        stock.apply(&partial).unwrap();
        assert_eq!(stock.line(Some(v(1))).free(), 0);
        let change = StockChange {
            receive: vec![level(1, 1)],
            pledge: Vec::new(),
            release_pledge: vec![level(1, 6)],
        };
        stock.apply(&change).unwrap();
        assert_eq!(stock.line(Some(v(1))).free(), 5);
        assert!(StockChange::default().is_empty());
    }

    #[test]
    fn serde_round_trip_and_duplicate_lines() {
        let mut stock = Stock::new(P);
        stock.receive(&[level(2, 1), level(1, 7)]).unwrap();
        stock
            .reserve(&[StockReservation {
                variant: None,
                units: 2,
            }])
            .unwrap();
        let json = serde_json::to_value(&stock).unwrap();
        assert_eq!(json["lines"][0]["variant"], serde_json::Value::Null);
        assert_eq!(serde_json::from_value::<Stock>(json).unwrap(), stock);
        let twice = serde_json::json!({
            "product": P,
            "lines": [
                {"variant": null, "on_hand": 1, "reserved": 0, "pledged": 0},
                {"variant": null, "on_hand": 2, "reserved": 0, "pledged": 0}
            ]
        });
        assert!(serde_json::from_value::<Stock>(twice).is_err());
    }

    #[test]
    fn free_levels_follow_the_bundle() {
        use crate::grosir::VariantBundle;
        let bundle = GrosirConfig::new(vec![
            VariantBundle::new(v(2), 1, 0),
            VariantBundle::new(v(1), 1, 0),
        ])
        .unwrap();
        let mut stock = Stock::new(P);
        stock.receive(&[level(1, 4), level(3, 9)]).unwrap();
        stock.pledge(&[level(2, 1)]).unwrap();
        assert_eq!(stock.free_levels(&bundle), [level(2, 0), level(1, 4)]);
    }
}
