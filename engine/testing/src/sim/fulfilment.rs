//! Fulfilment at rest: every paid participant of a confirmed session ends with one
//! order that was delivered, returned (its goods refunded to the wallet), cancelled
//! (goods and courier price refunded) or waits for an operator; each delivered or
//! returned order paid its courier exactly once; and the units of the orders account
//! for the warehouse's stock.

use std::collections::BTreeMap;

use patungan_core::ledger::{ChartAccount, OrderRefund, TransferCode};
use patungan_core::orders::{Order, OrderStatus};
use patungan_core::session::{ParticipantStatus, SessionStatus};
use patungan_core::{Money, ProductId, UserId, VariantId};

use super::check::{add, zero, Books};
use super::driver::{Check, Sim};
use patungan_engine::order_id;

/// Units of one product's variant held by orders, by where the orders stand.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OrderUnits {
    /// Orders not yet shipped (their units are reserved).
    pub unshipped: u64,
    /// Orders whose parcel left and did not come back.
    pub gone: u64,
}

/// Order units per product and variant.
pub type UnitsByLine = BTreeMap<(ProductId, Option<VariantId>), OrderUnits>;

impl Sim {
    /// Every order of the confirmed sessions, checked at rest. Returns what the
    /// order refunds credited to each wallet (for the wallet check).
    pub fn check_orders(
        &mut self,
        books: &Books,
        orders: &[Order],
    ) -> Check<BTreeMap<UserId, Money>> {
        let mut credited: BTreeMap<UserId, Money> = BTreeMap::new();
        let mut couriers_paid = 0;
        for order in orders {
            let (courier_paid, refunded) = self.order_money(books, order)?;
            let leg2 = order.request().cost.leg2;
            let goods = order.goods_amount().map_err(|e| e.to_string())?;
            let (pays_courier, refund) = match order.status() {
                OrderStatus::Delivered => (true, zero()),
                OrderStatus::Returned => (true, goods),
                OrderStatus::Cancelled => {
                    (false, goods.checked_add(leg2).map_err(|e| e.to_string())?)
                }
                _ if order.awaits_operator() => (false, zero()),
                status => {
                    return Err(format!(
                        "order {} is {} at rest",
                        order.id(),
                        status.as_str()
                    ))
                }
            };
            let expected_courier = if pays_courier { leg2 } else { zero() };
            if courier_paid != expected_courier || refunded != refund {
                return Err(format!(
                    "order {} ({}): courier paid {courier_paid}, refunded {refunded}; expected {expected_courier} and {refund}",
                    order.id(),
                    order.status().as_str()
                ));
            }
            if !courier_paid.is_zero() {
                couriers_paid += 1;
            }
            add(credited.entry(order.user()).or_insert_with(zero), refunded)?;
            let ending = match order.shipping().hold {
                Some(hold) if order.awaits_operator() => hold.as_str(),
                _ => order.status().as_str(),
            };
            self.stats.saw(&format!("order ended {ending}"));
        }
        let paid = books
            .ledger
            .transfers()
            .iter()
            .filter(|t| t.transfer.code == TransferCode::CourierPaid)
            .count();
        if paid != couriers_paid {
            return Err(format!(
                "{paid} courier payments in the ledger, {couriers_paid} orders paid their courier"
            ));
        }
        Ok(credited)
    }

    /// What the ledger paid the courier of `order` and refunded its buyer.
    fn order_money(&self, books: &Books, order: &Order) -> Check<(Money, Money)> {
        let chart = self.world.observer.chart();
        let courier_paid = match books.ledger.transfer(chart.courier_paid_id(order.id())) {
            Some(t) if t.credit_account != chart.id(ChartAccount::SupplierPayouts) => {
                return Err(format!(
                    "the courier of order {} was paid to another account",
                    order.id()
                ))
            }
            Some(t) => t.amount,
            None => zero(),
        };
        let ids = OrderRefund {
            order: order.id(),
            user: order.user(),
            goods: zero(),
            courier: zero(),
        }
        .transfer_ids();
        let mut refunded = zero();
        for id in ids {
            if let Some(t) = books.ledger.transfer(id) {
                if t.credit_account != chart.wallet(order.user()) {
                    return Err(format!(
                        "a refund of order {} went to another account",
                        order.id()
                    ));
                }
                add(&mut refunded, t.amount)?;
            }
        }
        Ok((courier_paid, refunded))
    }

    /// The order of every paid participant of a confirmed session (whose existence
    /// `check_participants` checks).
    pub async fn orders(&self, books: &Books) -> Check<Vec<Order>> {
        let mut orders = Vec::new();
        for (_, session) in &books.sessions {
            if session.status() != SessionStatus::Confirmed {
                continue;
            }
            for p in session.state().participants() {
                if p.status != ParticipantStatus::Paid {
                    continue;
                }
                if let Some(order) = self.row::<Order>(order_id(p.id)).await? {
                    orders.push(order);
                }
            }
        }
        Ok(orders)
    }
}

/// The units each product line's orders hold: reserved while unshipped, gone once
/// in transit or delivered (a returned parcel's units are back on hand).
pub fn order_units(books: &Books, orders: &[Order]) -> Check<UnitsByLine> {
    let mut units = UnitsByLine::new();
    for order in orders {
        let product = books
            .sessions
            .iter()
            .find(|(id, _)| *id == order.session())
            .map(|(_, s)| s.state().config().product)
            .ok_or_else(|| format!("order {} of an unknown session", order.id()))?;
        let line = units.entry((product, order.request().variant)).or_default();
        match order.status() {
            OrderStatus::Created | OrderStatus::ReadyToShip | OrderStatus::ShipmentBooked => {
                line.unshipped += order.request().quantity;
            }
            OrderStatus::InTransit | OrderStatus::Delivered => {
                line.gone += order.request().quantity;
            }
            OrderStatus::Returned | OrderStatus::Cancelled => {}
        }
    }
    Ok(units)
}
