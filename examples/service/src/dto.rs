//! Request and response bodies. Money is the core's serde form
//! (`{"amount":"123","currency":"IDR"}`), ids are UUID strings, times RFC 3339 UTC.

use chrono::{DateTime, Utc};
use patungan_core::cost::CostBreakdown;
use patungan_core::grosir::Availability;
use patungan_core::session::{
    JoinReceipt, Outcome, Participant, SessionConfig, SessionStatus, Settlement,
};
use patungan_core::wallet::{PayoutAttempt, Withdrawal, WithdrawalStatus};
use patungan_core::{
    BotPolicy, Money, ParticipantId, PaymentId, Preview, ProductId, SessionId, TierLadder, UserId,
    VariantId, WithdrawalId,
};
use patungan_engine::{EngineError, Handled, InvoiceRecord, SessionView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::openapi::MoneySchema;

/// `POST /admin/sessions`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSession {
    /// The session id, chosen by the caller (creating it again is a no-op).
    #[schema(value_type = String, format = Uuid)]
    pub id: SessionId,
    /// The session's configuration (core serde form).
    #[schema(schema_with = crate::openapi::core::session_config)]
    pub config: SessionConfig,
}

/// `POST /sessions/{id}/join`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JoinBody {
    /// The join's id, chosen by the client: retrying with it returns the same join.
    #[schema(value_type = String, format = Uuid)]
    pub participant: ParticipantId,
    /// The shopper.
    #[schema(value_type = String, format = Uuid)]
    pub user: UserId,
    /// The payment id; derived from the participant id when omitted.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub payment: Option<PaymentId>,
    /// The variant, required when the product has a grosir bundle.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub variant: Option<VariantId>,
    /// Units.
    pub quantity: u64,
    /// The group price the shopper saw (protects against stale screens).
    #[schema(value_type = MoneySchema)]
    pub expected_unit_price: Money,
    /// The courier price the shopper chose (leg 2); ignored, and may be omitted, when
    /// the join names a `quote` (the quoted price is charged).
    #[serde(default)]
    #[schema(value_type = Option<MoneySchema>)]
    pub courier_price: Option<Money>,
    /// The shipping quote and courier service chosen (`POST /sessions/{id}/quotes`).
    #[serde(default)]
    pub quote: Option<QuoteChoiceBody>,
}

/// `POST /wallets/{user}/withdrawals`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawalBody {
    /// The withdrawal id, chosen by the client: retrying with it is a no-op.
    #[schema(value_type = String, format = Uuid)]
    pub id: WithdrawalId,
    /// The amount taken from the wallet, fee included.
    #[schema(value_type = MoneySchema)]
    pub amount: Money,
    /// The bank's code, e.g. `BCA`.
    pub bank_code: String,
    /// Digits only.
    pub account_number: String,
    /// The account holder's name.
    pub holder_name: String,
}

/// `GET /sessions/{id}/preview?extra=N`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct PreviewQuery {
    /// Extra units the shopper considers (default 0).
    #[serde(default)]
    pub extra: Option<String>,
}

/// Where a payment can be made.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InvoiceView {
    /// The payment id.
    #[schema(value_type = String, format = Uuid)]
    pub payment: PaymentId,
    /// The amount due.
    #[schema(value_type = MoneySchema)]
    pub amount: Money,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
    /// The payment page, once the gateway created the invoice.
    pub url: Option<String>,
    /// The gateway's invoice id, once created.
    pub provider_invoice_id: Option<String>,
}

impl From<InvoiceRecord> for InvoiceView {
    fn from(record: InvoiceRecord) -> Self {
        InvoiceView {
            payment: record.payment,
            amount: record.amount,
            expires_at: record.expires_at,
            url: record.url,
            provider_invoice_id: record.provider_invoice_id,
        }
    }
}

/// The answer to a join.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct JoinView {
    /// The session.
    #[schema(value_type = String, format = Uuid)]
    pub session: SessionId,
    /// The participant.
    #[schema(value_type = String, format = Uuid)]
    pub participant: ParticipantId,
    /// The payment.
    #[schema(value_type = String, format = Uuid)]
    pub payment: PaymentId,
    /// `applied`, or `unchanged` for a retried join.
    #[schema(schema_with = crate::openapi::core::session_outcome)]
    pub outcome: Outcome,
    /// The amount due, part by part (`cost.total` is the invoice amount).
    #[schema(schema_with = crate::openapi::core::cost_breakdown)]
    pub cost: CostBreakdown,
    /// When the invoice expires.
    pub invoice_expires_at: DateTime<Utc>,
    /// The invoice; its `url` is null if the gateway has not answered yet (poll
    /// `GET /sessions/{id}/participants/{participant}`).
    pub invoice: Option<InvoiceView>,
}

impl JoinView {
    /// The view of a receipt and the invoice as far as it exists.
    pub fn new(session: SessionId, receipt: JoinReceipt, invoice: Option<InvoiceRecord>) -> Self {
        JoinView {
            session,
            participant: receipt.participant,
            payment: receipt.payment,
            outcome: receipt.outcome,
            cost: receipt.cost,
            invoice_expires_at: receipt.invoice_expires_at,
            invoice: invoice.map(InvoiceView::from),
        }
    }
}

/// `GET /sessions/{id}/participants/{participant}`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ParticipantView {
    /// The participant as the session keeps it.
    #[schema(schema_with = crate::openapi::core::participant)]
    pub participant: Participant,
    /// Its invoice.
    pub invoice: Option<InvoiceView>,
}

/// `GET /sessions/{id}`: where a session stands, and what an app needs to compute
/// previews and join prices offline with the core (the preview takes `moq`,
/// `fill_quantity` and `ladder`; a join's price also the rest of `config`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SessionStatusView {
    /// The session.
    #[schema(value_type = String, format = Uuid)]
    pub id: SessionId,
    /// Where it is in its lifecycle.
    #[schema(schema_with = crate::openapi::core::session_status)]
    pub status: SessionStatus,
    /// Events so far.
    pub version: u64,
    /// The product.
    #[schema(value_type = String, format = Uuid)]
    pub product: ProductId,
    /// Minimum order quantity.
    pub moq: u64,
    /// Opening instant.
    pub start: DateTime<Utc>,
    /// Closing instant.
    pub end: DateTime<Utc>,
    /// The price every joiner pays per unit.
    #[schema(value_type = MoneySchema)]
    pub group_price: Money,
    /// Participants in any state.
    pub participants: usize,
    /// Participants who paid.
    pub paid_participants: u64,
    /// Participants whose invoice is open.
    pub pending_participants: u64,
    /// Units paid by real participants.
    pub paid_real_quantity: u64,
    /// Bot units.
    pub bot_quantity: u64,
    /// Units counted toward fill: paid real units and bot units (what the preview
    /// starts from).
    pub fill_quantity: u64,
    /// The tier picture now.
    #[schema(value_type = Object)]
    pub preview: Preview,
    /// The tier ladder: the group price and its rungs.
    #[schema(schema_with = crate::openapi::core::tier_ladder)]
    pub ladder: TierLadder,
    /// The bot top-up policy.
    #[schema(schema_with = crate::openapi::core::bot_policy)]
    pub bot: BotPolicy,
    /// How many more units of each variant may be ordered now, in bundle order;
    /// empty when the product has no grosir bundle (no limit).
    #[schema(schema_with = crate::openapi::core::availability_list)]
    pub availability: Vec<Availability>,
    /// The whole configuration (the core's form): ladder, MOQ, bot policy, per-join
    /// limit, gateway fee rate, bulk shipping cost, grosir bundle, success threshold,
    /// payment window.
    #[schema(schema_with = crate::openapi::core::session_config)]
    pub config: SessionConfig,
    /// How it settled, once it did.
    #[schema(schema_with = crate::openapi::core::settlement)]
    pub settlement: Option<Settlement>,
    /// The session that renews it, once due.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub renewed_by: Option<SessionId>,
}

impl SessionStatusView {
    /// The view of a committed session: its preview with no extra units and the
    /// availability of each variant computed now.
    pub fn new(view: &SessionView) -> Result<Self, EngineError> {
        let session = &view.session;
        let state = session.state();
        let config = state.config();
        Ok(SessionStatusView {
            id: state.id(),
            status: state.status(),
            version: view.version,
            product: config.product,
            moq: config.moq.get(),
            start: config.start,
            end: config.end,
            group_price: config.group_price(),
            participants: state.participants().len(),
            paid_participants: state.paid_count(),
            pending_participants: state.pending_count(),
            paid_real_quantity: state.paid_real_quantity(),
            bot_quantity: state.bot_quantity(),
            fill_quantity: state.fill_quantity(),
            preview: session.preview(0)?,
            ladder: config.ladder.clone(),
            bot: config.bot,
            availability: availability(view)?,
            config: config.clone(),
            settlement: state.settlement().cloned(),
            renewed_by: state
                .renewal()
                .map(|_| patungan_engine::renewal_id(state.id())),
        })
    }
}

/// The availability of every variant of the session's bundle, in bundle order.
fn availability(view: &SessionView) -> Result<Vec<Availability>, EngineError> {
    let session = &view.session;
    let Some(bundle) = session.state().config().bundle() else {
        return Ok(Vec::new());
    };
    let mut all = Vec::with_capacity(bundle.len());
    for variant in bundle.variants() {
        if let Some(found) = session.availability(variant.variant)? {
            all.push(found);
        }
    }
    Ok(all)
}

/// A withdrawal as clients see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WithdrawalView {
    /// The withdrawal.
    #[schema(value_type = String, format = Uuid)]
    pub id: WithdrawalId,
    /// The wallet owner.
    #[schema(value_type = String, format = Uuid)]
    pub user: UserId,
    /// Taken from the wallet, fee included.
    #[schema(value_type = MoneySchema)]
    pub amount: Money,
    /// The platform's fee.
    #[schema(value_type = MoneySchema)]
    pub fee: Money,
    /// What the bank account receives.
    #[schema(value_type = MoneySchema)]
    pub net: Money,
    /// Where it stands.
    #[schema(value_type = String)]
    pub status: WithdrawalStatus,
    /// The gateway's failure code, when it failed.
    pub failure_code: Option<String>,
    /// When it was requested.
    pub requested_at: DateTime<Utc>,
    /// Payout attempts so far.
    #[schema(value_type = Vec<Object>)]
    pub attempts: Vec<PayoutAttempt>,
}

impl From<&Withdrawal> for WithdrawalView {
    fn from(w: &Withdrawal) -> Self {
        WithdrawalView {
            id: w.id(),
            user: w.user(),
            amount: w.amount(),
            fee: w.fee(),
            net: w.net(),
            status: w.status(),
            failure_code: w.failure_code().map(str::to_owned),
            requested_at: w.requested_at(),
            attempts: w.attempts().to_vec(),
        }
    }
}

/// The answer to a webhook.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookAck {
    /// `applied`, `duplicate`, `ignored`, `anomaly` or `probe`.
    #[schema(value_type = String)]
    pub result: &'static str,
    /// Why it was ignored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl WebhookAck {
    /// The acknowledgement of one handled notification.
    pub fn of(handled: Handled) -> Self {
        match handled {
            Handled::Applied => WebhookAck {
                result: "applied",
                reason: None,
            },
            Handled::Duplicate => WebhookAck {
                result: "duplicate",
                reason: None,
            },
            Handled::Ignored(reason) => WebhookAck {
                result: "ignored",
                reason: Some(reason),
            },
            Handled::Deferred => WebhookAck {
                result: "deferred",
                reason: Some("kept until what it is about is recorded, then applied".to_owned()),
            },
            Handled::Anomaly(id) => WebhookAck {
                result: "anomaly",
                reason: Some(format!(
                    "the callback does not match its invoice: recorded as anomaly {id}, its money refunded"
                )),
            },
        }
    }

    /// The acknowledgement of several (a batch callback): the first applied one wins,
    /// then duplicate, then ignored.
    pub fn of_all(handled: Vec<Handled>) -> Self {
        let rank = |h: &Handled| match h {
            Handled::Applied => 0,
            Handled::Duplicate => 1,
            Handled::Anomaly(_) => 2,
            Handled::Deferred => 3,
            Handled::Ignored(_) => 4,
        };
        handled.into_iter().min_by_key(rank).map_or(
            WebhookAck {
                result: "ignored",
                reason: Some("no items".to_owned()),
            },
            WebhookAck::of,
        )
    }
}

/// A quote or a join names where the parcel goes: a postal code or an area id.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuoteBody {
    /// The quote's id, chosen by the client: asking again with it returns the quote.
    #[schema(value_type = String, format = Uuid)]
    pub quote: patungan_core::QuoteId,
    /// The shopper.
    #[schema(value_type = String, format = Uuid)]
    pub user: UserId,
    /// Destination postal code (this or `area_id`).
    #[serde(default)]
    pub postal_code: Option<String>,
    /// The shipping provider's destination area id (this or `postal_code`).
    #[serde(default)]
    pub area_id: Option<String>,
    /// The variant, when the product has a grosir bundle.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub variant: Option<VariantId>,
    /// Units to ship.
    pub quantity: u64,
}

/// The quote and courier service a join picks.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuoteChoiceBody {
    /// The quote's id.
    #[schema(value_type = String, format = Uuid)]
    pub id: patungan_core::QuoteId,
    /// Courier code of the chosen offer, e.g. `jne`.
    pub courier: String,
    /// Service code of the chosen offer, e.g. `reg`.
    pub service: String,
    /// Who receives the parcel. Without one, the order waits for an operator
    /// before its shipment is booked.
    pub recipient: Option<RecipientBody>,
}

/// Who receives a parcel.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecipientBody {
    /// The receiver's name (at most 100 characters).
    pub name: String,
    /// A phone number the courier can call (at most 100 characters).
    pub phone: String,
    /// The street address (at most 500 characters).
    pub address: String,
}

/// `POST /warehouse/sessions/{id}/receipts`: units that arrived, per variant.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptBody {
    /// What arrived.
    pub lines: Vec<ReceiptLine>,
}

/// Units of one variant that arrived.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptLine {
    /// The variant.
    #[schema(value_type = String, format = Uuid)]
    pub variant: VariantId,
    /// Units.
    pub units: u64,
}

/// What a receipt did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReceiptView {
    /// Whether the purchase order is now complete (the session confirmed).
    pub complete: bool,
    /// The session's status after the receipt.
    pub status: String,
}
