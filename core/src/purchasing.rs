//! Purchase orders from the warehouse to the factory (docs/domain.md §11) as a sans-IO
//! book: `issued` → `received` (partly: an operator enters what arrived, per variant,
//! and the order stays open while units are missing) → `closed`, or `cancelled` while
//! nothing has arrived. Each transition returns the [`StockChange`] the product's
//! [`Stock`](crate::stock::Stock) must apply; a refused one changes nothing.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::grosir::{PurchaseOrder, StockLevel};
use crate::ids::{SessionId, VariantId};
use crate::ledger::FactoryGoods;
use crate::money::MoneyError;
use crate::stock::StockChange;

/// Where a purchase order stands.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum PurchaseOrderStatus {
    /// Its plan leaves more excess than a variant tolerates and the policy holds such
    /// orders: not sent to the factory until an operator approves it.
    AwaitingApproval,
    /// Sent to the factory; nothing arrived yet.
    Issued,
    /// Part of it arrived; more is expected.
    Received {
        /// Units received so far per variant, in the order's line order (variants
        /// with nothing received left out).
        #[serde(rename = "received_units")]
        units: Vec<StockLevel>,
    },
    /// Every unit arrived.
    Closed,
    /// Cancelled before anything arrived.
    Cancelled,
}

impl PurchaseOrderStatus {
    /// The snake_case name used in JSON.
    pub const fn as_str(&self) -> &'static str {
        match self {
            PurchaseOrderStatus::AwaitingApproval => "awaiting_approval",
            PurchaseOrderStatus::Issued => "issued",
            PurchaseOrderStatus::Received { .. } => "received",
            PurchaseOrderStatus::Closed => "closed",
            PurchaseOrderStatus::Cancelled => "cancelled",
        }
    }

    /// Whether more units may still arrive.
    pub const fn is_open(&self) -> bool {
        matches!(
            self,
            PurchaseOrderStatus::Issued | PurchaseOrderStatus::Received { .. }
        )
    }
}

/// Why a purchase order transition was refused; nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PurchasingError {
    /// The order waits for an operator's approval: nothing can arrive under it yet.
    #[error("the purchase order of session {session} awaits approval: it has not been sent to the factory")]
    AwaitingApproval {
        /// The session.
        session: SessionId,
    },
    /// An approval of an order that does not await one.
    #[error("the purchase order of session {session} is {status}, not awaiting approval")]
    NotAwaitingApproval {
        /// The session.
        session: SessionId,
        /// Its status.
        status: &'static str,
    },
    /// The order is closed or cancelled: nothing more can arrive under it.
    #[error("the purchase order of session {session} is {status}: nothing more can be received")]
    NotOpen {
        /// The session.
        session: SessionId,
        /// `"closed"` or `"cancelled"`.
        status: &'static str,
    },
    /// Goods already arrived under the order: it can no longer be cancelled.
    #[error("the purchase order of session {session} has received goods and cannot be cancelled")]
    AlreadyReceived {
        /// The session.
        session: SessionId,
    },
    /// The session has no purchase order that is still open.
    #[error("session {session} has no open purchase order")]
    NoOpenOrder {
        /// The session.
        session: SessionId,
    },
    /// A receipt names a variant the order does not buy.
    #[error("variant {variant} is not on the purchase order")]
    UnknownVariant {
        /// The variant.
        variant: VariantId,
    },
    /// A receipt names a variant twice.
    #[error("the receipt lists variant {variant} more than once")]
    DuplicateVariant {
        /// The variant.
        variant: VariantId,
    },
    /// A receipt with no units.
    #[error("the receipt has no units")]
    EmptyReceipt,
    /// More units would have arrived than were ordered.
    #[error("variant {variant}: {ordered} ordered, {received} received, {arriving} more arriving")]
    OverReceipt {
        /// The variant.
        variant: VariantId,
        /// Units ordered.
        ordered: u64,
        /// Units received before this receipt.
        received: u64,
        /// Units in this receipt.
        arriving: u64,
    },
    /// A stored record contradicts itself.
    #[error("invalid purchase order record: {reason}")]
    InvalidRecord {
        /// What is wrong.
        reason: &'static str,
    },
    /// The goods cost of a receipt could not be computed (overflow).
    #[error(transparent)]
    Money(#[from] MoneyError),
}

impl PurchasingError {
    /// A stable machine-readable code.
    pub const fn code(&self) -> &'static str {
        match self {
            PurchasingError::AwaitingApproval { .. } => "purchase_order.awaiting_approval",
            PurchasingError::NotAwaitingApproval { .. } => "purchase_order.not_awaiting_approval",
            PurchasingError::NotOpen { .. } => "purchase_order.not_open",
            PurchasingError::AlreadyReceived { .. } => "purchase_order.already_received",
            PurchasingError::NoOpenOrder { .. } => "purchase_order.none_open",
            PurchasingError::UnknownVariant { .. } => "purchase_order.unknown_variant",
            PurchasingError::DuplicateVariant { .. } => "purchase_order.duplicate_variant",
            PurchasingError::EmptyReceipt => "purchase_order.empty_receipt",
            PurchasingError::OverReceipt { .. } => "purchase_order.over_receipt",
            PurchasingError::InvalidRecord { .. } => "purchase_order.invalid_record",
            PurchasingError::Money(e) => e.code(),
        }
    }
}

/// What happens to a purchase order whose plan leaves a variant with more excess
/// than it tolerates (stock on hand can cause it; availability rules make it rare).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OverTolerancePolicy {
    /// Issue it to the factory as any other (the default).
    #[default]
    Proceed,
    /// Hold it until an operator approves it ([`PurchaseOrderRecord::approve`]) or
    /// cancels the session.
    HoldForApproval,
}

/// What a receipt did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// What the product's stock must apply: the units received, and on closing
    /// the order's pledge.
    pub stock: StockChange,
    /// Whether the order is now closed (every unit arrived).
    pub closed: bool,
    /// The goods cost of the units received, now owed to the factory
    /// ([`crate::ledger::Chart::factory_goods`] books it).
    pub goods: FactoryGoods,
}

/// All units of a per-variant tally.
fn units_in(tally: &BTreeMap<VariantId, u64>) -> Result<u64, MoneyError> {
    tally
        .values()
        .try_fold(0_u64, |sum, &n| sum.checked_add(n))
        .ok_or(MoneyError::Overflow {
            operation: "units received",
        })
}

/// The purchase order issued for a session, with the stock its plan pledged and
/// where it stands. Kept per session (one order per session at most).
///
/// ```
/// use patungan_core::grosir::{PurchaseOrder, PurchaseOrderLine, StockLevel};
/// use patungan_core::purchasing::{PurchaseOrderRecord, PurchaseOrderStatus};
/// use patungan_core::{Money, SessionId, VariantId};
///
/// let m = VariantId::from_u128(2);
/// let order = PurchaseOrder {
///     bundles: 2,
///     lines: vec![PurchaseOrderLine { variant: m, units: 10 }],
///     total_units: 10,
///     unit_cost: Money::idr(1_000),
///     goods_cost: Money::idr(10_000),
///     leg1_shipping: Money::idr(0),
///     total_cost: Money::idr(10_000),
/// };
/// let mut record = PurchaseOrderRecord::issue(SessionId::from_u128(1), order, vec![StockLevel::new(m, 3)])?;
/// let first = record.receive(&[StockLevel::new(m, 4)])?;
/// assert!(!first.closed && first.stock.release_pledge.is_empty());
/// // What arrived while units are missing is held for the session until the order closes.
/// assert_eq!(first.stock.pledge, [StockLevel::new(m, 4)]);
/// assert_eq!(record.pledged(), [StockLevel::new(m, 7)]);
/// let last = record.receive(&record.outstanding())?;
/// assert!(last.closed);
/// assert_eq!(last.stock.receive, [StockLevel::new(m, 6)]);
/// assert_eq!(last.stock.release_pledge, [StockLevel::new(m, 7)]);
/// // The factory is owed the goods cost of each receipt: 4 + 6 units at 1 000.
/// assert_eq!((first.goods.amount, last.goods.amount), (Money::idr(4_000), Money::idr(6_000)));
/// assert_eq!(last.goods.received_before, 4);
/// assert_eq!(*record.status(), PurchaseOrderStatus::Closed);
/// assert_eq!(record.receive(&[StockLevel::new(m, 1)]).unwrap_err().code(), "purchase_order.not_open");
/// # Ok::<(), patungan_core::purchasing::PurchasingError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RecordState", into = "RecordState")]
pub struct PurchaseOrderRecord {
    session: SessionId,
    purchase_order: PurchaseOrder,
    pledged: Vec<StockLevel>,
    status: PurchaseOrderStatus,
}

#[derive(Serialize, Deserialize)]
struct RecordState {
    session: SessionId,
    purchase_order: PurchaseOrder,
    #[serde(default)]
    pledged: Vec<StockLevel>,
    #[serde(flatten)]
    status: PurchaseOrderStatus,
}

impl TryFrom<RecordState> for PurchaseOrderRecord {
    type Error = PurchasingError;

    fn try_from(state: RecordState) -> Result<Self, Self::Error> {
        PurchaseOrderRecord::restore(
            state.session,
            state.purchase_order,
            state.pledged,
            state.status,
        )
    }
}

impl From<PurchaseOrderRecord> for RecordState {
    fn from(record: PurchaseOrderRecord) -> Self {
        RecordState {
            session: record.session,
            purchase_order: record.purchase_order,
            pledged: record.pledged,
            status: record.status,
        }
    }
}

impl PurchaseOrderRecord {
    /// The order `purchase_order` issued for `session`, pledging `pledged` (the stock
    /// on hand its plan counts on, [`crate::WarehousePlan::pledge`]). Refused when the
    /// order lists a variant twice.
    pub fn issue(
        session: SessionId,
        purchase_order: PurchaseOrder,
        pledged: Vec<StockLevel>,
    ) -> Result<Self, PurchasingError> {
        let mut seen = BTreeMap::new();
        for line in &purchase_order.lines {
            if seen.insert(line.variant, ()).is_some() {
                return Err(PurchasingError::DuplicateVariant {
                    variant: line.variant,
                });
            }
        }
        Ok(PurchaseOrderRecord {
            session,
            purchase_order,
            pledged,
            status: PurchaseOrderStatus::Issued,
        })
    }

    /// A record as a store kept it; refused when its parts contradict each other (a
    /// variant listed twice, a partial receipt of nothing, of everything or of more
    /// than was ordered).
    pub fn restore(
        session: SessionId,
        purchase_order: PurchaseOrder,
        pledged: Vec<StockLevel>,
        status: PurchaseOrderStatus,
    ) -> Result<Self, PurchasingError> {
        let mut record = PurchaseOrderRecord::issue(session, purchase_order, pledged)?;
        if let PurchaseOrderStatus::Received { units } = &status {
            let received = record.tally(units)?;
            let within = record
                .purchase_order
                .lines
                .iter()
                .all(|l| received.get(&l.variant).is_none_or(|&n| n <= l.units));
            if !within {
                return Err(PurchasingError::InvalidRecord {
                    reason: "more units received than ordered",
                });
            }
            let outstanding = record.outstanding_after(&received);
            if received.values().all(|&n| n == 0) || outstanding.is_empty() {
                return Err(PurchasingError::InvalidRecord {
                    reason: "a partly received order must have received some units and miss some",
                });
            }
        }
        record.status = status;
        Ok(record)
    }

    /// The session.
    pub const fn session(&self) -> SessionId {
        self.session
    }

    /// The order to the factory.
    pub const fn purchase_order(&self) -> &PurchaseOrder {
        &self.purchase_order
    }

    /// The stock on hand pledged to the order until it closes or is cancelled: what
    /// its plan counted on, and every unit received under it while it stays open.
    pub fn pledged(&self) -> &[StockLevel] {
        &self.pledged
    }

    /// Where it stands.
    pub const fn status(&self) -> &PurchaseOrderStatus {
        &self.status
    }

    /// Whether more units may still arrive.
    pub const fn is_open(&self) -> bool {
        self.status.is_open()
    }

    /// Units received so far per variant, in line order (all of them once closed,
    /// none while issued or once cancelled).
    pub fn received(&self) -> Vec<StockLevel> {
        match &self.status {
            PurchaseOrderStatus::AwaitingApproval
            | PurchaseOrderStatus::Issued
            | PurchaseOrderStatus::Cancelled => Vec::new(),
            PurchaseOrderStatus::Received { units } => units.clone(),
            PurchaseOrderStatus::Closed => self.ordered(),
        }
    }

    /// Units still expected per variant, in line order (nothing once closed or cancelled).
    pub fn outstanding(&self) -> Vec<StockLevel> {
        if !self.is_open() {
            return Vec::new();
        }
        // The received units were validated when they were recorded.
        let received = self.tally(&self.received()).unwrap_or_default();
        self.outstanding_after(&received)
    }

    /// Records units that arrived. While units are still missing, what arrived is
    /// pledged to the order with the rest (its session counts on it); a receipt that
    /// completes the order closes it and releases the whole pledge. Refused (nothing changes) for a closed or cancelled
    /// order, an empty receipt, a variant not on the order or listed twice, and more
    /// units than were ordered.
    pub fn receive(&mut self, receipt: &[StockLevel]) -> Result<Receipt, PurchasingError> {
        self.ensure_open()?;
        if receipt.iter().all(|l| l.units == 0) {
            return Err(PurchasingError::EmptyReceipt);
        }
        let arriving = self.tally(receipt)?;
        let mut received = self.tally(&self.received())?;
        let goods = FactoryGoods {
            purchase_order: self.session,
            received_before: units_in(&received)?,
            amount: self
                .purchase_order
                .unit_cost
                .checked_mul_qty(units_in(&arriving)?)?,
        };
        for line in &self.purchase_order.lines {
            let so_far = received.get(&line.variant).copied().unwrap_or(0);
            let more = arriving.get(&line.variant).copied().unwrap_or(0);
            let total = so_far
                .checked_add(more)
                .filter(|&total| total <= line.units)
                .ok_or(PurchasingError::OverReceipt {
                    variant: line.variant,
                    ordered: line.units,
                    received: so_far,
                    arriving: more,
                })?;
            received.insert(line.variant, total);
        }
        let closed = self.outstanding_after(&received).is_empty();
        let arrived = self.in_line_order(&arriving);
        // Units that arrive while the order stays open are the session's: they are
        // pledged with the rest until the order closes, so no other session's plan
        // counts on them (docs/domain.md §11). Closing releases the whole pledge and
        // the session's reservation takes its place.
        let (stock, pledged) = if closed {
            let stock = StockChange {
                receive: arrived,
                pledge: Vec::new(),
                release_pledge: self.pledged.clone(),
            };
            (stock, self.pledged.clone())
        } else {
            let pledged = self.pledged_with(&arriving)?;
            let stock = StockChange {
                receive: arrived.clone(),
                pledge: arrived,
                release_pledge: Vec::new(),
            };
            (stock, pledged)
        };
        self.pledged = pledged;
        self.status = if closed {
            PurchaseOrderStatus::Closed
        } else {
            PurchaseOrderStatus::Received {
                units: self.in_line_order(&received),
            }
        };
        Ok(Receipt {
            stock,
            closed,
            goods,
        })
    }

    /// Cancels the order while nothing has arrived, releasing its pledge. Cancelling
    /// it again changes nothing (an empty change); once goods arrived it is refused.
    pub fn cancel(&mut self) -> Result<StockChange, PurchasingError> {
        match self.status {
            PurchaseOrderStatus::Cancelled => Ok(StockChange::default()),
            PurchaseOrderStatus::Issued | PurchaseOrderStatus::AwaitingApproval => {
                self.status = PurchaseOrderStatus::Cancelled;
                Ok(StockChange {
                    receive: Vec::new(),
                    pledge: Vec::new(),
                    release_pledge: self.pledged.clone(),
                })
            }
            PurchaseOrderStatus::Received { .. } | PurchaseOrderStatus::Closed => {
                Err(PurchasingError::AlreadyReceived {
                    session: self.session,
                })
            }
        }
    }

    /// Whether the order holds its pledge of stock on hand (until it closes or is
    /// cancelled; an order awaiting approval holds it too).
    pub const fn holds_pledge(&self) -> bool {
        self.is_open() || matches!(self.status, PurchaseOrderStatus::AwaitingApproval)
    }

    /// Whether the order waits for an operator's approval.
    pub const fn awaits_approval(&self) -> bool {
        matches!(self.status, PurchaseOrderStatus::AwaitingApproval)
    }

    /// Holds a just-issued order for an operator's approval (what
    /// [`OverTolerancePolicy::HoldForApproval`] does with an over-tolerance plan).
    pub fn hold_for_approval(&mut self) -> Result<(), PurchasingError> {
        match self.status {
            PurchaseOrderStatus::Issued | PurchaseOrderStatus::AwaitingApproval => {
                self.status = PurchaseOrderStatus::AwaitingApproval;
                Ok(())
            }
            _ => Err(PurchasingError::NotOpen {
                session: self.session,
                status: self.status.as_str(),
            }),
        }
    }

    /// An operator approves a held order: it is issued (and goes to the factory).
    pub fn approve(&mut self) -> Result<(), PurchasingError> {
        if !self.awaits_approval() {
            return Err(PurchasingError::NotAwaitingApproval {
                session: self.session,
                status: self.status.as_str(),
            });
        }
        self.status = PurchaseOrderStatus::Issued;
        Ok(())
    }

    /// The pledge once `arriving` joins it: per variant, in the order's line order
    /// (a pledged variant not on the order, which a stored record might hold, keeps
    /// its place after them).
    fn pledged_with(
        &self,
        arriving: &BTreeMap<VariantId, u64>,
    ) -> Result<Vec<StockLevel>, PurchasingError> {
        let mut units: BTreeMap<VariantId, u64> = BTreeMap::new();
        let levels = self
            .pledged
            .iter()
            .map(|l| (l.variant, l.units))
            .chain(arriving.iter().map(|(&variant, &n)| (variant, n)));
        for (variant, n) in levels {
            let slot = units.entry(variant).or_insert(0);
            *slot = slot.checked_add(n).ok_or(MoneyError::Overflow {
                operation: "units pledged",
            })?;
        }
        let mut pledged: Vec<StockLevel> = self
            .purchase_order
            .lines
            .iter()
            .filter_map(|l| {
                units
                    .remove(&l.variant)
                    .map(|n| StockLevel::new(l.variant, n))
            })
            .filter(|l| l.units > 0)
            .collect();
        pledged.extend(self.pledged.iter().filter_map(|l| {
            units
                .remove(&l.variant)
                .map(|n| StockLevel::new(l.variant, n))
        }));
        Ok(pledged)
    }

    fn ensure_open(&self) -> Result<(), PurchasingError> {
        if self.awaits_approval() {
            return Err(PurchasingError::AwaitingApproval {
                session: self.session,
            });
        }
        match self.status {
            PurchaseOrderStatus::Closed | PurchaseOrderStatus::Cancelled => {
                Err(PurchasingError::NotOpen {
                    session: self.session,
                    status: self.status.as_str(),
                })
            }
            _ => Ok(()),
        }
    }

    fn ordered(&self) -> Vec<StockLevel> {
        self.purchase_order
            .lines
            .iter()
            .map(|l| StockLevel::new(l.variant, l.units))
            .collect()
    }

    /// Units per variant; each must be on the order and listed once.
    fn tally(&self, levels: &[StockLevel]) -> Result<BTreeMap<VariantId, u64>, PurchasingError> {
        let mut units = BTreeMap::new();
        for level in levels {
            if !self
                .purchase_order
                .lines
                .iter()
                .any(|l| l.variant == level.variant)
            {
                return Err(PurchasingError::UnknownVariant {
                    variant: level.variant,
                });
            }
            if units.insert(level.variant, level.units).is_some() {
                return Err(PurchasingError::DuplicateVariant {
                    variant: level.variant,
                });
            }
        }
        Ok(units)
    }

    fn outstanding_after(&self, received: &BTreeMap<VariantId, u64>) -> Vec<StockLevel> {
        self.purchase_order
            .lines
            .iter()
            .map(|l| {
                let got = received.get(&l.variant).copied().unwrap_or(0);
                StockLevel::new(l.variant, l.units.saturating_sub(got))
            })
            .filter(|l| l.units > 0)
            .collect()
    }

    fn in_line_order(&self, units: &BTreeMap<VariantId, u64>) -> Vec<StockLevel> {
        self.purchase_order
            .lines
            .iter()
            .filter_map(|l| {
                let n = units.get(&l.variant).copied().unwrap_or(0);
                (n > 0).then_some(StockLevel::new(l.variant, n))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grosir::PurchaseOrderLine;
    use crate::money::Money;

    const S: SessionId = SessionId::from_u128(9);

    fn v(n: u128) -> VariantId {
        VariantId::from_u128(n)
    }

    fn order(units: &[(u128, u64)]) -> PurchaseOrder {
        let total: u64 = units.iter().map(|&(_, n)| n).sum();
        PurchaseOrder {
            bundles: 1,
            lines: units
                .iter()
                .map(|&(id, n)| PurchaseOrderLine {
                    variant: v(id),
                    units: n,
                })
                .collect(),
            total_units: total,
            unit_cost: Money::idr(1),
            goods_cost: Money::idr(total),
            leg1_shipping: Money::idr(0),
            total_cost: Money::idr(total),
        }
    }

    fn record() -> PurchaseOrderRecord {
        PurchaseOrderRecord::issue(S, order(&[(1, 4), (2, 10)]), vec![StockLevel::new(v(2), 3)])
            .unwrap()
    }

    #[test]
    fn partial_receipts_keep_it_open_and_the_last_closes_it() {
        let mut r = record();
        let first = r.receive(&[StockLevel::new(v(2), 6)]).unwrap();
        assert!(!first.closed);
        assert_eq!(first.stock.receive, [StockLevel::new(v(2), 6)]);
        assert!(first.stock.release_pledge.is_empty());
        assert_eq!(r.status().as_str(), "received");
        assert_eq!(r.received(), [StockLevel::new(v(2), 6)]);
        assert_eq!(
            r.outstanding(),
            [StockLevel::new(v(1), 4), StockLevel::new(v(2), 4)]
        );
        let second = r.receive(&[StockLevel::new(v(1), 1)]).unwrap();
        assert!(!second.closed);
        let last = r
            .receive(&[StockLevel::new(v(2), 4), StockLevel::new(v(1), 3)])
            .unwrap();
        assert!(last.closed);
        assert_eq!(
            last.stock.receive,
            [StockLevel::new(v(1), 3), StockLevel::new(v(2), 4)]
        );
        assert!(last.stock.pledge.is_empty());
        // The whole pledge goes: what the plan counted on and what arrived before.
        assert_eq!(
            last.stock.release_pledge,
            [StockLevel::new(v(1), 1), StockLevel::new(v(2), 9)]
        );
        assert_eq!(r.received(), r.ordered());
        assert!(r.outstanding().is_empty());
    }

    /// Simulation seed 4757: units received under an order still open were free
    /// stock, so another session's plan counted on them as well.
    #[test]
    fn units_received_while_the_order_is_open_are_pledged_to_it() {
        let mut r = record();
        let first = r.receive(&[StockLevel::new(v(2), 6)]).unwrap();
        assert_eq!(first.stock.pledge, [StockLevel::new(v(2), 6)]);
        assert_eq!(r.pledged(), [StockLevel::new(v(2), 9)]);
        let second = r.receive(&[StockLevel::new(v(1), 1)]).unwrap();
        assert_eq!(second.stock.pledge, [StockLevel::new(v(1), 1)]);
        // In the order's line order.
        assert_eq!(
            r.pledged(),
            [StockLevel::new(v(1), 1), StockLevel::new(v(2), 9)]
        );
        let mut stock = crate::stock::Stock::new(crate::ids::ProductId::from_u128(1));
        stock.pledge(&[StockLevel::new(v(2), 3)]).unwrap();
        stock.receive(&[StockLevel::new(v(2), 3)]).unwrap();
        stock.apply(&first.stock).unwrap();
        stock.apply(&second.stock).unwrap();
        assert_eq!(stock.line(Some(v(1))).free(), 0);
        assert_eq!(stock.line(Some(v(2))).free(), 0);
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(
            serde_json::from_value::<PurchaseOrderRecord>(json).unwrap(),
            r
        );
    }

    #[test]
    fn refused_receipts_change_nothing() {
        let mut r = record();
        r.receive(&[StockLevel::new(v(1), 1)]).unwrap();
        let before = r.clone();
        let cases: [(&[StockLevel], &str); 4] = [
            (&[StockLevel::new(v(1), 4)], "purchase_order.over_receipt"),
            (
                &[StockLevel::new(v(7), 1)],
                "purchase_order.unknown_variant",
            ),
            (
                &[StockLevel::new(v(2), 1), StockLevel::new(v(2), 1)],
                "purchase_order.duplicate_variant",
            ),
            (&[StockLevel::new(v(2), 0)], "purchase_order.empty_receipt"),
        ];
        for (receipt, code) in cases {
            assert_eq!(r.receive(receipt).unwrap_err().code(), code);
            assert_eq!(r, before);
        }
        assert_eq!(
            r.receive(&[StockLevel::new(v(1), u64::MAX)])
                .unwrap_err()
                .code(),
            "purchase_order.over_receipt"
        );
    }

    #[test]
    fn cancel_only_while_nothing_arrived() {
        let mut r = record();
        let change = r.cancel().unwrap();
        assert_eq!(change.release_pledge, [StockLevel::new(v(2), 3)]);
        assert!(r.cancel().unwrap().is_empty());
        assert_eq!(
            r.receive(&[StockLevel::new(v(1), 1)]).unwrap_err().code(),
            "purchase_order.not_open"
        );
        let mut partly = record();
        partly.receive(&[StockLevel::new(v(1), 1)]).unwrap();
        assert_eq!(
            partly.cancel().unwrap_err().code(),
            "purchase_order.already_received"
        );
    }

    #[test]
    fn serde_round_trip_and_validation() {
        let mut r = record();
        r.receive(&[StockLevel::new(v(2), 2)]).unwrap();
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["status"], "received");
        assert_eq!(json["received_units"][0]["units"], 2);
        assert_eq!(
            serde_json::from_value::<PurchaseOrderRecord>(json.clone()).unwrap(),
            r
        );
        let mut over = json.clone();
        over["received_units"][0]["units"] = serde_json::json!(11);
        assert!(serde_json::from_value::<PurchaseOrderRecord>(over).is_err());
        let mut full = json;
        full["received_units"] = serde_json::json!([
            {"variant": v(1), "units": 4},
            {"variant": v(2), "units": 10}
        ]);
        assert!(serde_json::from_value::<PurchaseOrderRecord>(full).is_err());
        let doubled = PurchaseOrderRecord::issue(S, order(&[(1, 1), (1, 1)]), Vec::new());
        assert_eq!(
            doubled.unwrap_err().code(),
            "purchase_order.duplicate_variant"
        );
    }
}
