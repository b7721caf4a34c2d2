//! The persisted state of a session and read-only questions about it.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize, Serializer};

use crate::grosir::Availability;
use crate::ids::{ParticipantId, PaymentId, SessionId, VariantId};
use crate::ledger::hashing::IdMap;
use crate::money::Money;
use crate::session::config::SessionConfig;
use crate::session::error::SessionError;
use crate::session::event::{Failure, Renewal, Success};
use crate::session::participant::Participant;
use crate::session::totals::Totals;
use crate::tier::Preview;

/// Where a session is in its lifecycle (docs/domain.md §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    /// Accepting joins until `end`.
    Open,
    /// Succeeded; waiting for the purchase order's stock.
    AwaitingStock,
    /// Orders created, cashback credited, escrow released.
    Confirmed,
    /// Settled without success; payments refunded.
    Failed,
    /// Cancelled by an admin; payments refunded.
    Cancelled,
}

impl SessionStatus {
    /// The snake_case name used in JSON.
    pub const fn as_str(self) -> &'static str {
        match self {
            SessionStatus::Open => "open",
            SessionStatus::AwaitingStock => "awaiting_stock",
            SessionStatus::Confirmed => "confirmed",
            SessionStatus::Failed => "failed",
            SessionStatus::Cancelled => "cancelled",
        }
    }

    /// Whether no further transition is possible.
    pub const fn is_terminal(self) -> bool {
        matches!(
            self,
            SessionStatus::Confirmed | SessionStatus::Failed | SessionStatus::Cancelled
        )
    }
}

impl fmt::Display for SessionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the session settled at `end`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Settlement {
    /// It succeeded.
    Succeeded(Box<Success>),
    /// It failed.
    Failed(Failure),
}

/// Everything a session knows. Serialises to JSON (participants in join order);
/// the running aggregates and lookup indexes are rebuilt when it is loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(with = "StateRepr")
)]
pub struct SessionState {
    pub(crate) id: SessionId,
    pub(crate) config: SessionConfig,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) status: SessionStatus,
    pub(crate) participants: Vec<Participant>,
    pub(crate) bot_quantity: u64,
    pub(crate) bot_window_checked: bool,
    pub(crate) settlement: Option<Settlement>,
    pub(crate) confirmed_at: Option<DateTime<Utc>>,
    pub(crate) cancelled_at: Option<DateTime<Utc>>,
    pub(crate) renewal: Option<Renewal>,
    pub(crate) by_id: IdMap<ParticipantId>,
    pub(crate) by_payment: IdMap<PaymentId>,
    pub(crate) totals: Totals,
}

impl SessionState {
    /// A fresh open session.
    pub(crate) fn new(id: SessionId, config: SessionConfig, at: DateTime<Utc>) -> Self {
        let totals = Totals::empty(&config);
        SessionState {
            id,
            config,
            created_at: at,
            status: SessionStatus::Open,
            participants: Vec::new(),
            bot_quantity: 0,
            bot_window_checked: false,
            settlement: None,
            confirmed_at: None,
            cancelled_at: None,
            renewal: None,
            by_id: IdMap::default(),
            by_payment: IdMap::default(),
            totals,
        }
    }

    /// The session's id.
    pub fn id(&self) -> SessionId {
        self.id
    }

    /// Its configuration.
    pub fn config(&self) -> &SessionConfig {
        &self.config
    }

    /// When it was created.
    pub fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }

    /// Its lifecycle status.
    pub fn status(&self) -> SessionStatus {
        self.status
    }

    /// Every participant, in join order.
    pub fn participants(&self) -> &[Participant] {
        &self.participants
    }

    /// A participant by id.
    pub fn participant(&self, id: ParticipantId) -> Option<&Participant> {
        self.by_id.get(&id).and_then(|&i| self.participants.get(i))
    }

    /// The participant a payment belongs to.
    pub fn participant_by_payment(&self, payment: PaymentId) -> Option<&Participant> {
        self.by_payment
            .get(&payment)
            .and_then(|&i| self.participants.get(i))
    }

    /// Bot units (fill only).
    pub fn bot_quantity(&self) -> u64 {
        self.bot_quantity
    }

    /// Whether the bot check at `end − window` has run.
    pub fn bot_window_checked(&self) -> bool {
        self.bot_window_checked
    }

    /// Units paid by real participants who still count.
    pub fn paid_real_quantity(&self) -> u64 {
        self.totals.paid_quantity
    }

    /// Paid real participants who still count.
    pub fn paid_count(&self) -> u64 {
        self.totals.paid_count
    }

    /// Participants whose payment is pending.
    pub fn pending_count(&self) -> u64 {
        self.totals.pending.len()
    }

    /// Units counted toward fill: paid real units + bot units.
    pub fn fill_quantity(&self) -> u64 {
        self.totals.paid_quantity.saturating_add(self.bot_quantity)
    }

    /// Units held per variant (pending + paid), in bundle order; empty without a bundle.
    pub fn held_units(&self) -> &[u64] {
        &self.totals.held
    }

    /// Units paid per variant, in bundle order; empty without a bundle.
    pub fn paid_units_by_variant(&self) -> &[u64] {
        &self.totals.paid_by_variant
    }

    /// Money held in escrow for the paid participants who still count.
    pub fn escrow_total(&self) -> Result<Money, SessionError> {
        Ok(self.totals.escrow.total()?)
    }

    /// How the session settled, once it has.
    pub fn settlement(&self) -> Option<&Settlement> {
        self.settlement.as_ref()
    }

    /// When it was confirmed.
    pub fn confirmed_at(&self) -> Option<DateTime<Utc>> {
        self.confirmed_at
    }

    /// When it was cancelled.
    pub fn cancelled_at(&self) -> Option<DateTime<Utc>> {
        self.cancelled_at
    }

    /// The renewal window decided at settlement, if any.
    pub fn renewal(&self) -> Option<&Renewal> {
        self.renewal.as_ref()
    }

    /// The tier preview at the current fill (paid real + bot), optionally with
    /// `extra` units the caller is considering. O(1) in participants.
    pub fn preview(&self, extra: u64) -> Result<Preview, SessionError> {
        Ok(self
            .config
            .ladder
            .preview(self.config.moq, self.fill_quantity(), extra)?)
    }

    /// The grosir availability of `variant` right now (docs/domain.md §6); `None` when the
    /// product has no bundle (no limit). O(variants).
    pub fn availability(&self, variant: VariantId) -> Result<Option<Availability>, SessionError> {
        match self.config.bundle() {
            None => Ok(None),
            Some(bundle) => {
                let index = bundle
                    .position(variant)
                    .ok_or(SessionError::UnknownVariant { variant })?;
                Ok(Some(bundle.availability_at(index, &self.totals.held)?))
            }
        }
    }
}

#[derive(Serialize)]
struct StateRef<'a> {
    id: SessionId,
    config: &'a SessionConfig,
    created_at: DateTime<Utc>,
    status: SessionStatus,
    participants: &'a [Participant],
    bot_quantity: u64,
    bot_window_checked: bool,
    settlement: &'a Option<Settlement>,
    confirmed_at: Option<DateTime<Utc>>,
    cancelled_at: Option<DateTime<Utc>>,
    renewal: Option<Renewal>,
}

#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
struct StateRepr {
    id: SessionId,
    config: SessionConfig,
    created_at: DateTime<Utc>,
    status: SessionStatus,
    participants: Vec<Participant>,
    bot_quantity: u64,
    bot_window_checked: bool,
    settlement: Option<Settlement>,
    confirmed_at: Option<DateTime<Utc>>,
    cancelled_at: Option<DateTime<Utc>>,
    renewal: Option<Renewal>,
}

impl Serialize for SessionState {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        StateRef {
            id: self.id,
            config: &self.config,
            created_at: self.created_at,
            status: self.status,
            participants: &self.participants,
            bot_quantity: self.bot_quantity,
            bot_window_checked: self.bot_window_checked,
            settlement: &self.settlement,
            confirmed_at: self.confirmed_at,
            cancelled_at: self.cancelled_at,
            renewal: self.renewal,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for SessionState {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let repr = StateRepr::deserialize(deserializer)?;
        SessionState::restore(repr).map_err(serde::de::Error::custom)
    }
}

impl SessionState {
    /// Validates a loaded state and rebuilds its indexes and aggregates.
    fn restore(r: StateRepr) -> Result<SessionState, SessionError> {
        r.config.validate()?;
        let mut by_id = IdMap::with_capacity_and_hasher(r.participants.len(), Default::default());
        let mut by_payment =
            IdMap::with_capacity_and_hasher(r.participants.len(), Default::default());
        for (i, p) in r.participants.iter().enumerate() {
            if by_id.insert(p.id, i).is_some() {
                return Err(SessionError::DuplicateParticipant { participant: p.id });
            }
            if by_payment.insert(p.payment, i).is_some() {
                return Err(SessionError::DuplicatePayment { payment: p.payment });
            }
        }
        let totals = Totals::recompute(&r.config, &r.participants)?;
        Ok(SessionState {
            id: r.id,
            config: r.config,
            created_at: r.created_at,
            status: r.status,
            participants: r.participants,
            bot_quantity: r.bot_quantity,
            bot_window_checked: r.bot_window_checked,
            settlement: r.settlement,
            confirmed_at: r.confirmed_at,
            cancelled_at: r.cancelled_at,
            renewal: r.renewal,
            by_id,
            by_payment,
            totals,
        })
    }
}
