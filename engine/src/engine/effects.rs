//! The core's effects, carried out inside the operation's transaction: ledger
//! postings and records are written at once; calls to providers go to the outbox.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use patungan_core::ledger::{derive_uuid, SuccessSplit};
use patungan_core::refunds::RefundSource;
use patungan_core::session::{Effect, OrderRequest, RefundReason, Session, Settlement};
use patungan_core::{CostBreakdown, OrderId, SessionId};
use serde::{Deserialize, Serialize};

use super::records::{self, InvoiceRecord, OrderRecord};
use super::refunds::NewRefund;
use super::Engine;
use crate::error::EngineError;
use crate::ledger_ws;
use crate::ports::{InvoiceItem, InvoiceRequest, Payer, RefundReason as GatewayReason};
use crate::store::{EffectId, OutboxEntry, RecordKind, StoreTx};
use crate::task::Task;

const EFFECT: u64 = 0xE001 << 48;
const ORDER: u64 = 0xE002 << 48;
const RENEWAL: u64 = 0xE003 << 48;

/// The outbox id of effect `index` of the operation that brought `session` to `version`.
fn effect_id(session: SessionId, version: u64, index: usize) -> EffectId {
    let purpose = EFFECT | (version & 0xFFFF_FFFF) << 16 | (index as u64 & 0xFFFF);
    EffectId(derive_uuid(*session.as_uuid(), purpose))
}

/// The order id of a participant's order.
pub fn order_id(participant: patungan_core::ParticipantId) -> OrderId {
    OrderId::from_uuid(derive_uuid(*participant.as_uuid(), ORDER))
}

/// The id of the session that renews `previous`.
pub fn renewal_id(previous: SessionId) -> SessionId {
    SessionId::from_uuid(derive_uuid(*previous.as_uuid(), RENEWAL))
}

/// A purchase order issued for a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchaseOrderRecord {
    /// The session.
    pub session: SessionId,
    /// The order to the factory.
    pub purchase_order: patungan_core::grosir::PurchaseOrder,
    /// Where it stands.
    pub status: PurchaseOrderStatus,
}

/// Where a purchase order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PurchaseOrderStatus {
    /// Sent to the factory.
    Issued,
    /// The units arrived at the warehouse.
    Received,
    /// Cancelled with its session.
    Cancelled,
}

/// Units reserved per variant for a product (key: product id).
pub type StockRecord = BTreeMap<String, u64>;

impl Engine {
    pub(crate) async fn apply_effects(
        &self,
        tx: &mut dyn StoreTx,
        session: &Session,
        version: u64,
        effects: Vec<Effect>,
        now: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        let id = session.id();
        for (index, effect) in effects.into_iter().enumerate() {
            let effect_id = effect_id(id, version, index);
            match effect {
                Effect::CreateInvoice(invoice) => {
                    let patungan_core::session::InvoiceRequest {
                        participant,
                        payment,
                        user,
                        amount,
                        cost,
                        expires_at,
                    } = *invoice;
                    let record = InvoiceRecord {
                        session: id,
                        participant,
                        payment,
                        user,
                        amount,
                        expires_at,
                        provider_invoice_id: None,
                        url: None,
                        abandoned: false,
                    };
                    tx.put(record.clone()).await?;
                    let request = invoice_request(session, &record, &cost);
                    let task = Task::CreateInvoice {
                        session: id,
                        participant,
                        request,
                    };
                    tx.enqueue(&[OutboxEntry::new(effect_id, task, now)])
                        .await?;
                }
                Effect::ExpireInvoice { payment, .. } => {
                    let task = Task::ExpireInvoice {
                        session: id,
                        payment,
                    };
                    tx.enqueue(&[OutboxEntry::new(effect_id, task, now)])
                        .await?;
                }
                Effect::RefundPayment {
                    payment,
                    user,
                    amount,
                    reason,
                    ..
                } => {
                    let refund = NewRefund {
                        source: RefundSource::Escrow {
                            session: id,
                            payment,
                        },
                        user,
                        amount,
                        destination: self.config.refund_destination,
                        reason: gateway_reason(reason),
                    };
                    self.start_refund(tx, refund, now).await?;
                }
                Effect::CreateOrder(order) => {
                    self.create_order(tx, session, &order).await?;
                }
                Effect::CreditCashback { .. } | Effect::ReleaseEscrow(_) => {
                    // Both are postings of each order's success split (create_order):
                    // the split moves the escrow to the warehouse, the courier payable,
                    // fee revenue and the buyer's wallet (cashback) in one linked batch.
                }
                Effect::ReserveStock { lines } => {
                    let key = session.state().config().product.to_string();
                    let mut stock: StockRecord = records::get(tx, RecordKind::Stock, &key)
                        .await?
                        .unwrap_or_default();
                    for line in lines {
                        let variant = line.variant.map_or_else(String::new, |v| v.to_string());
                        let held = stock.entry(format!("reserved:{variant}")).or_insert(0);
                        *held = held.saturating_add(line.units);
                    }
                    // The reservation now covers the units pledged at settlement.
                    unpledge(&mut stock, session);
                    records::put(tx, RecordKind::Stock, &key, &stock).await?;
                }
                Effect::IssuePurchaseOrder { purchase_order } => {
                    let record = PurchaseOrderRecord {
                        session: id,
                        purchase_order: *purchase_order,
                        status: PurchaseOrderStatus::Issued,
                    };
                    records::put(tx, RecordKind::PurchaseOrder, &id.to_string(), &record).await?;
                    // While the order is on its way, the stock on hand the plan counted
                    // on is pledged to this session: no other session may plan with it.
                    let key = session.state().config().product.to_string();
                    let mut stock: StockRecord = records::get(tx, RecordKind::Stock, &key)
                        .await?
                        .unwrap_or_default();
                    for (variant, units) in stock_used(session) {
                        let pledged = stock.entry(format!("pledged:{variant}")).or_insert(0);
                        *pledged = pledged.saturating_add(units);
                    }
                    records::put(tx, RecordKind::Stock, &key, &stock).await?;
                }
                Effect::CancelPurchaseOrder { purchase_order } => {
                    let record = PurchaseOrderRecord {
                        session: id,
                        purchase_order: *purchase_order,
                        status: PurchaseOrderStatus::Cancelled,
                    };
                    records::put(tx, RecordKind::PurchaseOrder, &id.to_string(), &record).await?;
                    let key = session.state().config().product.to_string();
                    let mut stock: StockRecord = records::get(tx, RecordKind::Stock, &key)
                        .await?
                        .unwrap_or_default();
                    unpledge(&mut stock, session);
                    records::put(tx, RecordKind::Stock, &key, &stock).await?;
                }
                Effect::Notify { notification } => {
                    records::put(
                        tx,
                        RecordKind::Notification,
                        &effect_id.to_string(),
                        &notification,
                    )
                    .await?;
                }
                Effect::RenewSession(renewal) => {
                    let next = renewal_id(renewal.previous);
                    if tx.lock_session(next).await?.is_none() {
                        self.create_in(tx, next, renewal.config, now).await?;
                    }
                }
            }
        }
        Ok(())
    }

    async fn create_order(
        &self,
        tx: &mut dyn StoreTx,
        session: &Session,
        order: &OrderRequest,
    ) -> Result<(), EngineError> {
        let id = session.id();
        let participant = session
            .state()
            .participant(order.participant)
            .ok_or_else(|| {
                EngineError::Inconsistent(format!(
                    "order for unknown participant {}",
                    order.participant
                ))
            })?;
        let split = SuccessSplit::from_cost(
            order.participant,
            id,
            order.user,
            &participant.cost,
            order.final_unit_price,
        )
        .map_err(|e| EngineError::Inconsistent(e.to_string()))?;
        ledger_ws::execute(tx, &self.chart.success_split(&split), &[]).await?;
        let record = OrderRecord {
            order: order_id(order.participant),
            session: id,
            request: order.clone(),
            shipment: None,
        };
        records::put(
            tx,
            RecordKind::Order,
            &order.participant.to_string(),
            &record,
        )
        .await
    }
}

/// Units of stock on hand that the plan of a session awaiting its purchase order
/// counted on, per variant (nothing for a session that confirmed from stock).
fn stock_used(session: &Session) -> Vec<(String, u64)> {
    match session.state().settlement() {
        Some(Settlement::Succeeded(success)) => success
            .plan
            .iter()
            .filter(|plan| plan.needs_purchase())
            .flat_map(|plan| &plan.lines)
            .filter(|line| line.stock_used > 0)
            .map(|line| (line.variant.to_string(), line.stock_used))
            .collect(),
        _ => Vec::new(),
    }
}

/// Releases a session's pledge (its order arrived and was reserved, or it was cancelled).
fn unpledge(stock: &mut StockRecord, session: &Session) {
    for (variant, units) in stock_used(session) {
        if let Some(pledged) = stock.get_mut(&format!("pledged:{variant}")) {
            *pledged = pledged.saturating_sub(units);
        }
    }
}

fn gateway_reason(reason: RefundReason) -> GatewayReason {
    match reason {
        RefundReason::SessionFailed | RefundReason::SessionCancelled => GatewayReason::Cancellation,
        RefundReason::Left => GatewayReason::RequestedByCustomer,
        RefundReason::LatePayment => GatewayReason::Others,
    }
}

fn invoice_request(
    session: &Session,
    record: &InvoiceRecord,
    cost: &CostBreakdown,
) -> InvoiceRequest {
    let config = session.state().config();
    let mut items = vec![InvoiceItem {
        name: format!("Group buy {}", config.product),
        quantity: cost.quantity,
        unit_price: config.group_price(),
    }];
    for (name, amount) in [
        ("Shipping to warehouse (leg 1)", cost.leg1),
        ("Courier to you (leg 2)", cost.leg2),
        ("Payment fee", cost.gateway_fee),
    ] {
        if !amount.is_zero() {
            items.push(InvoiceItem {
                name: name.to_owned(),
                quantity: 1,
                unit_price: amount,
            });
        }
    }
    InvoiceRequest {
        payment_id: record.payment,
        amount: record.amount,
        description: format!(
            "Patungan session {}: {} unit(s)",
            session.id(),
            cost.quantity
        ),
        expires_at: record.expires_at,
        payer: Payer {
            user_id: record.user,
            email: None,
            name: None,
        },
        items,
        metadata: BTreeMap::from([
            ("session".to_owned(), session.id().to_string()),
            ("participant".to_owned(), record.participant.to_string()),
        ]),
    }
}
