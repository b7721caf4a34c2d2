//! What the simulation itself remembers doing: the inputs the engine accepted, so
//! the final checks can compare the engine's books with an independent account.

use std::collections::{BTreeMap, BTreeSet};

use patungan_core::session::JoinRequest;
use patungan_core::wallet::WithdrawalRequest;
use patungan_core::{
    Money, OrderId, PaymentId, ProductId, SessionId, UserId, VariantId, WithdrawalId,
};
use uuid::Uuid;

/// Counters shown in the run summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Steps run.
    pub steps: u64,
    /// Sessions the simulation created.
    pub sessions_created: u64,
    /// Joins accepted.
    pub joins: u64,
    /// Joins refused (each refusal matched the rules' prediction).
    pub joins_refused: u64,
    /// Joins refused for grosir availability.
    pub joins_unavailable: u64,
    /// Invoices paid by the simulated payers.
    pub payments: u64,
    /// Webhooks delivered (duplicates included).
    pub webhooks: u64,
    /// Webhooks the engine recognised as duplicates.
    pub duplicates: u64,
    /// Webhooks refused and redelivered later.
    pub redeliveries: u64,
    /// Refunds decided at the gateway (succeeded, failed).
    pub refunds: (u64, u64),
    /// Payouts decided (completed, failed, temporary, reversed).
    pub payouts: (u64, u64, u64, u64),
    /// Engine processes restarted after a crash.
    pub crashes: u64,
    /// Store calls failed by a blip.
    pub blips: u64,
    /// Effect-runner results summed: done, retried, given up.
    pub effects: (usize, usize, usize),
    /// Ticks run.
    pub ticks: u64,
    /// Deposits accepted.
    pub deposits: u64,
    /// Withdrawals accepted.
    pub withdrawals: u64,
    /// Terminal sessions at the end: confirmed, failed, cancelled.
    pub outcomes: (u64, u64, u64),
    /// Refusals by error code.
    pub refusals: BTreeMap<String, u64>,
    /// Situations reached at least once, counted (late payments, bot top-ups …).
    pub seen: BTreeMap<String, u64>,
}

impl Stats {
    /// Counts a situation.
    pub fn saw(&mut self, what: &str) {
        *self.seen.entry(what.to_owned()).or_insert(0) += 1;
    }

    /// Adds an effect-runner pass's counts.
    pub fn ran_effects(&mut self, report: &patungan_engine::RunReport) {
        self.effects.0 += report.done;
        self.effects.1 += report.retried;
        self.effects.2 += report.failed;
    }

    /// Counts a refusal.
    pub fn refused(&mut self, code: &str) {
        *self.refusals.entry(code.to_owned()).or_insert(0) += 1;
    }
}

/// The simulation's own record of what it did.
#[derive(Debug, Default)]
pub struct Model {
    /// The next id number.
    pub next_id: u128,
    /// Accepted joins, by participant.
    pub joins: BTreeMap<patungan_core::ParticipantId, (SessionId, JoinRequest)>,
    /// Invoices the payer decided never to pay.
    pub never_pay: BTreeSet<PaymentId>,
    /// Invoices seen at the gateway.
    pub seen_invoices: BTreeSet<PaymentId>,
    /// Failed refund outcomes decided per payment.
    pub refund_failures: BTreeMap<PaymentId, u32>,
    /// Accepted deposits by reference.
    pub deposits: BTreeMap<Uuid, (UserId, Money)>,
    /// Accepted withdrawal requests.
    pub withdrawals: BTreeMap<WithdrawalId, WithdrawalRequest>,
    /// Units added to stock on hand by `add_stock`, per product and variant.
    pub stock_added: BTreeMap<(ProductId, VariantId), u64>,
    /// The couriers' shipments, by the provider's shipment id.
    pub stories: BTreeMap<String, super::courier::Story>,
    /// Orders the operator decided at rest to leave waiting.
    pub left_waiting: BTreeSet<OrderId>,
    /// Operator retries per order.
    pub operator_retries: BTreeMap<OrderId, u32>,
}

impl Model {
    /// A fresh id number (unique within the seed).
    pub fn fresh(&mut self) -> u128 {
        self.next_id += 1;
        0x1_0000 + self.next_id
    }
}
