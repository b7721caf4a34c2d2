//! Property tests of the stock and purchase order books: no counter ever goes below
//! zero, free stock never underflows, refused operations change nothing, units are
//! conserved through receive, reserve, pledge and ship, and a purchase order never
//! receives more than it ordered, keeps what arrived pledged until it closes, and
//! owes the factory the goods cost of exactly what arrived.
// Test code may unwrap, expect, panic and index: the workspace denies these in library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use patungan_core::grosir::{
    GrosirConfig, PurchaseOrder, PurchaseOrderLine, StockLevel, VariantBundle,
};
use patungan_core::purchasing::PurchaseOrderRecord;
use patungan_core::session::StockReservation;
use patungan_core::stock::{Stock, StockLine};
use patungan_core::{Money, ProductId, SessionId, VariantId};
use proptest::prelude::*;

const VARIANTS: u128 = 3;

fn variant(n: u8) -> Option<VariantId> {
    (n > 0).then(|| VariantId::from_u128(u128::from(n)))
}

#[derive(Debug, Clone)]
enum Op {
    Receive(u8, u64),
    Reserve(u8, u64),
    Pledge(u8, u64),
    Release(u8, u64),
    Ship(u8, u64),
}

fn units() -> impl Strategy<Value = u64> {
    prop_oneof![9 => 0u64..40, 1 => Just(u64::MAX), 1 => (u64::MAX - 5)..=u64::MAX]
}

fn op() -> impl Strategy<Value = Op> {
    let v = 0u8..=(VARIANTS as u8);
    prop_oneof![
        (v.clone(), units()).prop_map(|(v, n)| Op::Receive(v, n)),
        (v.clone(), units()).prop_map(|(v, n)| Op::Reserve(v, n)),
        (v.clone(), units()).prop_map(|(v, n)| Op::Pledge(v, n)),
        (v.clone(), units()).prop_map(|(v, n)| Op::Release(v, n)),
        (v, units()).prop_map(|(v, n)| Op::Ship(v, n)),
    ]
}

/// What every line should hold, kept with u128 arithmetic beside the book.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Model {
    received: u128,
    reserved: u128,
    pledged: u128,
    released: u128,
    shipped: u128,
    /// Of the shipped units, those taken from on hand (a product without a bundle, the
    /// `None` line, ships its shortfall once on hand is used up).
    shipped_from_hand: u128,
}

fn apply(stock: &mut Stock, op: &Op) -> Result<(), patungan_core::stock::StockError> {
    let level = |v: u8, n: u64| {
        variant(v)
            .map(|v| vec![StockLevel::new(v, n)])
            .unwrap_or_default()
    };
    match *op {
        Op::Receive(v, n) => stock.receive(&level(v, n)),
        Op::Reserve(v, n) => stock.reserve(&[StockReservation {
            variant: variant(v),
            units: n,
        }]),
        Op::Pledge(v, n) => stock.pledge(&level(v, n)),
        Op::Release(v, n) => stock.release_pledge(&level(v, n)),
        Op::Ship(v, n) => stock.ship(variant(v), n),
    }
}

fn record(model: &mut [Model; 4], op: &Op) {
    let (v, n, field): (u8, u64, fn(&mut Model) -> &mut u128) = match *op {
        Op::Receive(v, n) => (v, n, |m| &mut m.received),
        Op::Reserve(v, n) => (v, n, |m| &mut m.reserved),
        Op::Pledge(v, n) => (v, n, |m| &mut m.pledged),
        Op::Release(v, n) => (v, n, |m| &mut m.released),
        Op::Ship(v, n) => (v, n, |m| &mut m.shipped),
    };
    // Levels name a variant; only reservations and shipments reach the `None` line.
    if v == 0 && !matches!(op, Op::Reserve(..) | Op::Ship(..)) {
        return;
    }
    *field(&mut model[usize::from(v)]) += u128::from(n);
}

fn check_line(line: StockLine, m: &Model) -> Result<(), TestCaseError> {
    // Conservation: every counter is what went in minus what went out.
    prop_assert_eq!(u128::from(line.on_hand), m.received - m.shipped_from_hand);
    prop_assert_eq!(u128::from(line.reserved), m.reserved - m.shipped);
    prop_assert_eq!(u128::from(line.pledged), m.pledged - m.released);
    // Free stock and shortfall split on hand against what is promised, exactly.
    let committed = u128::from(line.reserved) + u128::from(line.pledged);
    prop_assert!(committed <= u128::from(u64::MAX));
    prop_assert_eq!(
        u128::from(line.free()) + committed,
        u128::from(line.on_hand) + u128::from(line.shortfall())
    );
    prop_assert!(line.free() == 0 || line.shortfall() == 0);
    prop_assert!(line.free() <= line.on_hand);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn counters_are_conserved_and_refusals_change_nothing(ops in prop::collection::vec(op(), 0..60)) {
        let mut stock = Stock::new(ProductId::from_u128(1));
        let mut model = [Model::default(); 4];
        for op in &ops {
            let before = stock.clone();
            match apply(&mut stock, op) {
                Ok(()) => {
                    record(&mut model, op);
                    if let Op::Ship(v, n) = *op {
                        let on_hand = before.line(variant(v)).on_hand;
                        let from_hand = if v == 0 { n.min(on_hand) } else { n };
                        model[usize::from(v)].shipped_from_hand += u128::from(from_hand);
                    }
                }
                Err(e) => {
                    prop_assert_eq!(&stock, &before);
                    prop_assert!(e.code().starts_with("stock."));
                }
            }
            for v in 0..=(VARIANTS as u8) {
                check_line(stock.line(variant(v)), &model[usize::from(v)])?;
            }
        }
        let json = serde_json::to_value(&stock).unwrap();
        prop_assert_eq!(serde_json::from_value::<Stock>(json).unwrap(), stock.clone());
        let bundle = GrosirConfig::new(
            (1..=VARIANTS)
                .map(|n| VariantBundle::new(VariantId::from_u128(n), 1, 0))
                .collect(),
        )
        .unwrap();
        for level in stock.free_levels(&bundle) {
            prop_assert_eq!(level.units, stock.line(Some(level.variant)).free());
        }
    }

    #[test]
    fn a_purchase_order_receives_at_most_what_it_ordered(
        ordered in prop::collection::vec(1u64..30, 1..4),
        receipts in prop::collection::vec(prop::collection::vec((0usize..4, 0u64..35), 0..3), 0..12),
    ) {
        let lines: Vec<PurchaseOrderLine> = ordered
            .iter()
            .zip(1u128..)
            .map(|(&units, id)| PurchaseOrderLine { variant: VariantId::from_u128(id), units })
            .collect();
        let total: u64 = ordered.iter().sum();
        let order = PurchaseOrder {
            bundles: 1,
            lines: lines.clone(),
            total_units: total,
            unit_cost: Money::idr(7),
            goods_cost: Money::idr(7 * total),
            leg1_shipping: Money::idr(0),
            total_cost: Money::idr(total),
        };
        let pledged = vec![StockLevel::new(lines[0].variant, 2)];
        let mut record = PurchaseOrderRecord::issue(SessionId::from_u128(1), order, pledged.clone()).unwrap();
        let mut stock = Stock::new(ProductId::from_u128(1));
        stock.pledge(&pledged).unwrap();
        let mut releases = 0;
        let mut owed = 0u64;
        let mut receipt_ids = std::collections::BTreeSet::new();
        for receipt in receipts {
            let levels: Vec<StockLevel> = receipt
                .iter()
                .map(|&(i, n)| StockLevel::new(VariantId::from_u128(i as u128 + 1), n))
                .collect();
            let before = record.clone();
            match record.receive(&levels) {
                Ok(done) => {
                    stock.apply(&done.stock).unwrap();
                    releases += usize::from(!done.stock.release_pledge.is_empty());
                    owed += u64::try_from(done.goods.amount.amount()).unwrap();
                    prop_assert!(receipt_ids.insert(done.goods.transfer_ids()));
                    prop_assert_eq!(done.closed, !record.is_open());
                }
                Err(_) => prop_assert_eq!(&record, &before),
            }
            let json = serde_json::to_value(&record).unwrap();
            prop_assert_eq!(serde_json::from_value::<PurchaseOrderRecord>(json).unwrap(), record.clone());
            // On hand is exactly what the order received; received + outstanding = ordered.
            for line in &lines {
                let got = record.received().iter().find(|l| l.variant == line.variant).map_or(0, |l| l.units);
                let missing = record.outstanding().iter().find(|l| l.variant == line.variant).map_or(0, |l| l.units);
                prop_assert_eq!(stock.line(Some(line.variant)).on_hand, got);
                prop_assert_eq!(got + missing, line.units);
                // While the order is open, what it received is pledged with what its
                // plan counted on: none of it is free for another session's plan.
                let pledged = record.pledged().iter().find(|l| l.variant == line.variant).map_or(0, |l| l.units);
                let planned = if line.variant == lines[0].variant { 2 } else { 0 };
                let held = if record.is_open() { planned + got } else { 0 };
                prop_assert_eq!(stock.line(Some(line.variant)).pledged, held);
                if record.is_open() {
                    prop_assert_eq!(pledged, planned + got);
                    prop_assert_eq!(stock.line(Some(line.variant)).free(), 0);
                }
            }
        }
        // The factory is owed the goods cost of exactly what arrived.
        let received: u64 = record.received().iter().map(|l| l.units).sum();
        prop_assert_eq!(owed, 7 * received);
        // The pledge is released once, when the order closes.
        prop_assert_eq!(releases, usize::from(!record.is_open()));
        let got = record.received().iter().find(|l| l.variant == lines[0].variant).map_or(0, |l| l.units);
        prop_assert_eq!(stock.line(Some(lines[0].variant)).pledged, if record.is_open() { 2 + got } else { 0 });
    }
}
