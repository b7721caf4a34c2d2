"""The session state machine (docs/domain.md §5): :class:`Session` (native) and its records.

Inputs, events, effects and notifications are frozen records carrying a
``type`` (``kind`` for notifications) discriminator with a ``Literal`` type, so
``if e.type == "create_order": e.cashback`` narrows under mypy. Drained events and
effects come as lazy sequences (:class:`EventList`, :class:`EffectList`) whose items
are built when read. Most records are frozen dataclasses; the two effects a
settlement queues per participant, :class:`CreateOrder` and :class:`CreditCashback`,
are native frozen classes (same fields, equality, ``repr`` and ``match`` patterns) built
without JSON, whose getters convert a field when it is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import List, Literal, Optional, Union
from uuid import UUID

from . import _codec
from ._native import (
    DEFAULT_GATEWAY_FEE_BP,
    DEFAULT_INVOICE_TTL_SECONDS,
    DEFAULT_PENDING_JOINS_PER_USER,
    DEFAULT_PER_JOIN_LIMIT,
    BotPolicy,
    CostBreakdown,
    CreateOrder,
    CreditCashback,
    EffectList,
    EventList,
    GrosirConfig,
    Money,
    RungView,
    Session,
    TierLadder,
)
from .grosir import PurchaseOrder, StockLevel, WarehousePlan

Outcome = Literal["applied", "unchanged"]
"""What an accepted input did: ``"unchanged"`` for a replay or nothing due."""
SessionStatus = Literal["open", "awaiting_stock", "confirmed", "failed", "cancelled"]
ParticipantStatus = Literal["pending", "paid", "payment_failed", "payment_expired", "left", "refunded"]
RefundReason = Literal["session_failed", "session_cancelled", "left", "late_payment"]
FailureReason = Literal["no_paid_participants", "below_success_threshold"]


# ---------------------------------------------------------------- configuration


@dataclass(frozen=True)
class SessionGrosir:
    """The product's factory bundle and the factory price per unit."""

    bundle: GrosirConfig
    factory_unit_cost: Money


@dataclass(frozen=True)
class SessionConfig:
    """Everything that defines a session; fields after ``bulk_shipping_cost`` default
    to the core's defaults."""

    product: UUID
    moq: int
    ladder: TierLadder
    start: datetime
    end: datetime
    bulk_shipping_cost: Money
    grosir: Optional[SessionGrosir] = None
    bot: BotPolicy = BotPolicy()
    renewal: bool = True
    success_threshold: Optional[int] = None
    per_join_limit: int = DEFAULT_PER_JOIN_LIMIT
    gateway_fee_rate: int = DEFAULT_GATEWAY_FEE_BP
    invoice_ttl_seconds: int = DEFAULT_INVOICE_TTL_SECONDS
    pending_joins_per_user: int = DEFAULT_PENDING_JOINS_PER_USER


@dataclass(frozen=True)
class JoinRequest:
    """A shopper's request to join; ids are chosen by the caller."""

    participant: UUID
    user: UUID
    payment: UUID
    quantity: int
    expected_unit_price: Money
    courier_price: Money
    variant: Optional[UUID] = None


@dataclass(frozen=True)
class JoinReceipt:
    """What an accepted join gives back (``outcome`` is ``"unchanged"`` for a retry)."""

    participant: UUID
    payment: UUID
    cost: CostBreakdown
    invoice_expires_at: datetime
    outcome: Outcome


# ---------------------------------------------------------------- inputs


@dataclass(frozen=True)
class JoinInput:
    now: datetime
    request: JoinRequest
    type: Literal["join"] = "join"


@dataclass(frozen=True)
class PaymentConfirmedInput:
    now: datetime
    payment: UUID
    amount: Money
    type: Literal["payment_confirmed"] = "payment_confirmed"


@dataclass(frozen=True)
class PaymentFailedInput:
    now: datetime
    payment: UUID
    type: Literal["payment_failed"] = "payment_failed"


@dataclass(frozen=True)
class PaymentExpiredInput:
    now: datetime
    payment: UUID
    type: Literal["payment_expired"] = "payment_expired"


@dataclass(frozen=True)
class LeaveInput:
    now: datetime
    participant: UUID
    type: Literal["leave"] = "leave"


@dataclass(frozen=True)
class TimeoutInput:
    now: datetime
    stock: List[StockLevel] = field(default_factory=list)
    type: Literal["timeout"] = "timeout"


@dataclass(frozen=True)
class StockReceivedInput:
    now: datetime
    type: Literal["stock_received"] = "stock_received"


@dataclass(frozen=True)
class CancelInput:
    now: datetime
    type: Literal["cancel"] = "cancel"


Input = Union[
    JoinInput,
    PaymentConfirmedInput,
    PaymentFailedInput,
    PaymentExpiredInput,
    LeaveInput,
    TimeoutInput,
    StockReceivedInput,
    CancelInput,
]
"""One input, as :meth:`Session.handle` takes it (its JSON form has a ``type``)."""


# ---------------------------------------------------------------- events


@dataclass(frozen=True)
class Created:
    session: UUID
    config: SessionConfig
    at: datetime
    type: Literal["created"] = "created"


@dataclass(frozen=True)
class Joined:
    participant: UUID
    user: UUID
    variant: Optional[UUID]
    quantity: int
    payment: UUID
    cost: CostBreakdown
    invoice_expires_at: datetime
    at: datetime
    type: Literal["joined"] = "joined"


@dataclass(frozen=True)
class PaymentConfirmed:
    participant: UUID
    payment: UUID
    amount: Money
    at: datetime
    type: Literal["payment_confirmed"] = "payment_confirmed"


@dataclass(frozen=True)
class PaymentFailed:
    participant: UUID
    payment: UUID
    at: datetime
    type: Literal["payment_failed"] = "payment_failed"


@dataclass(frozen=True)
class PaymentExpired:
    participant: UUID
    payment: UUID
    at: datetime
    type: Literal["payment_expired"] = "payment_expired"


@dataclass(frozen=True)
class PaymentWindowClosed:
    participant: UUID
    payment: UUID
    at: datetime
    type: Literal["payment_window_closed"] = "payment_window_closed"


@dataclass(frozen=True)
class LatePaymentRefunded:
    participant: UUID
    payment: UUID
    amount: Money
    at: datetime
    type: Literal["late_payment_refunded"] = "late_payment_refunded"


@dataclass(frozen=True)
class Left:
    participant: UUID
    at: datetime
    type: Literal["left"] = "left"


@dataclass(frozen=True)
class BotChecked:
    paid_real_quantity: int
    previous_bot_quantity: int
    bot_quantity: int
    at_expiry: bool
    at: datetime
    type: Literal["bot_checked"] = "bot_checked"


@dataclass(frozen=True)
class Succeeded:
    at: datetime
    paid_real_quantity: int
    bot_quantity: int
    fill_bp: int
    final_rung: Optional[RungView]
    final_unit_price: Money
    cashback_per_unit: Money
    plan: Optional[WarehousePlan]
    type: Literal["succeeded"] = "succeeded"


@dataclass(frozen=True)
class Failed:
    at: datetime
    reason: FailureReason
    paid_real_quantity: int
    bot_quantity: int
    fill_bp: int
    success_threshold: int
    type: Literal["failed"] = "failed"


@dataclass(frozen=True)
class Confirmed:
    at: datetime
    type: Literal["confirmed"] = "confirmed"


@dataclass(frozen=True)
class Cancelled:
    at: datetime
    type: Literal["cancelled"] = "cancelled"


@dataclass(frozen=True)
class RenewalDue:
    at: datetime
    start: datetime
    end: datetime
    type: Literal["renewal_due"] = "renewal_due"


Event = Union[
    Created,
    Joined,
    PaymentConfirmed,
    PaymentFailed,
    PaymentExpired,
    PaymentWindowClosed,
    LatePaymentRefunded,
    Left,
    BotChecked,
    Succeeded,
    Failed,
    Confirmed,
    Cancelled,
    RenewalDue,
]
"""Something that happened to a session (persist it; :meth:`Session.replay` rebuilds)."""


# ---------------------------------------------------------------- notifications


@dataclass(frozen=True)
class PaymentReceivedNotice:
    participant: UUID
    user: UUID
    kind: Literal["payment_received"] = "payment_received"


@dataclass(frozen=True)
class SessionSucceededNotice:
    final_unit_price: Money
    awaiting_stock: bool
    kind: Literal["session_succeeded"] = "session_succeeded"


@dataclass(frozen=True)
class SessionConfirmedNotice:
    final_unit_price: Money
    kind: Literal["session_confirmed"] = "session_confirmed"


@dataclass(frozen=True)
class SessionFailedNotice:
    reason: FailureReason
    kind: Literal["session_failed"] = "session_failed"


@dataclass(frozen=True)
class SessionCancelledNotice:
    kind: Literal["session_cancelled"] = "session_cancelled"


Notification = Union[
    PaymentReceivedNotice,
    SessionSucceededNotice,
    SessionConfirmedNotice,
    SessionFailedNotice,
    SessionCancelledNotice,
]


# ---------------------------------------------------------------- effects


@dataclass(frozen=True)
class StockReservation:
    variant: Optional[UUID]
    units: int


@dataclass(frozen=True)
class CreateInvoice:
    participant: UUID
    payment: UUID
    user: UUID
    amount: Money
    cost: CostBreakdown
    expires_at: datetime
    type: Literal["create_invoice"] = "create_invoice"


@dataclass(frozen=True)
class ExpireInvoice:
    participant: UUID
    payment: UUID
    type: Literal["expire_invoice"] = "expire_invoice"


@dataclass(frozen=True)
class RefundPayment:
    participant: UUID
    payment: UUID
    user: UUID
    amount: Money
    reason: RefundReason
    type: Literal["refund_payment"] = "refund_payment"


@dataclass(frozen=True)
class ReserveStock:
    lines: List[StockReservation]
    type: Literal["reserve_stock"] = "reserve_stock"


@dataclass(frozen=True)
class IssuePurchaseOrder:
    purchase_order: PurchaseOrder
    type: Literal["issue_purchase_order"] = "issue_purchase_order"


@dataclass(frozen=True)
class CancelPurchaseOrder:
    purchase_order: PurchaseOrder
    type: Literal["cancel_purchase_order"] = "cancel_purchase_order"


@dataclass(frozen=True)
class ReleaseEscrow:
    warehouse: Money
    courier: Money
    platform_fee: Money
    cashback: Money
    escrow_total: Money
    type: Literal["release_escrow"] = "release_escrow"


@dataclass(frozen=True)
class Notify:
    notification: Notification
    type: Literal["notify"] = "notify"


@dataclass(frozen=True)
class RenewSession:
    previous: UUID
    config: SessionConfig
    type: Literal["renew_session"] = "renew_session"


Effect = Union[
    CreateInvoice,
    ExpireInvoice,
    RefundPayment,
    ReserveStock,
    IssuePurchaseOrder,
    CancelPurchaseOrder,
    CreateOrder,
    CreditCashback,
    ReleaseEscrow,
    Notify,
    RenewSession,
]
"""Something the host must do, with its idempotency key in its fields."""


# ---------------------------------------------------------------- state


@dataclass(frozen=True)
class Participant:
    id: UUID
    user: UUID
    variant: Optional[UUID]
    quantity: int
    payment: UUID
    cost: CostBreakdown
    joined_at: datetime
    invoice_expires_at: datetime
    status: ParticipantStatus
    paid_at: Optional[datetime]
    refund: Optional[RefundReason]


@dataclass(frozen=True)
class SucceededSettlement:
    at: datetime
    paid_real_quantity: int
    bot_quantity: int
    fill_bp: int
    final_rung: Optional[RungView]
    final_unit_price: Money
    cashback_per_unit: Money
    plan: Optional[WarehousePlan]
    outcome: Literal["succeeded"] = "succeeded"


@dataclass(frozen=True)
class FailedSettlement:
    at: datetime
    reason: FailureReason
    paid_real_quantity: int
    bot_quantity: int
    fill_bp: int
    success_threshold: int
    outcome: Literal["failed"] = "failed"


Settlement = Union[SucceededSettlement, FailedSettlement]


@dataclass(frozen=True)
class Renewal:
    at: datetime
    start: datetime
    end: datetime


@dataclass(frozen=True)
class SessionState:
    """Everything a session knows (participants in join order)."""

    id: UUID
    config: SessionConfig
    created_at: datetime
    status: SessionStatus
    participants: List[Participant]
    bot_quantity: int
    bot_window_checked: bool
    settlement: Optional[Settlement]
    confirmed_at: Optional[datetime]
    cancelled_at: Optional[datetime]
    renewal: Optional[Renewal]


__all__ = [
    "BotChecked",
    "CancelInput",
    "CancelPurchaseOrder",
    "Cancelled",
    "Confirmed",
    "CreateInvoice",
    "CreateOrder",
    "Created",
    "CreditCashback",
    "Effect",
    "EffectList",
    "Event",
    "EventList",
    "ExpireInvoice",
    "Failed",
    "FailedSettlement",
    "FailureReason",
    "Input",
    "IssuePurchaseOrder",
    "JoinInput",
    "JoinReceipt",
    "JoinRequest",
    "Joined",
    "LatePaymentRefunded",
    "LeaveInput",
    "Left",
    "Notification",
    "Notify",
    "Outcome",
    "Participant",
    "ParticipantStatus",
    "PaymentConfirmed",
    "PaymentConfirmedInput",
    "PaymentExpired",
    "PaymentExpiredInput",
    "PaymentFailed",
    "PaymentFailedInput",
    "PaymentReceivedNotice",
    "PaymentWindowClosed",
    "RefundPayment",
    "RefundReason",
    "ReleaseEscrow",
    "RenewSession",
    "Renewal",
    "RenewalDue",
    "ReserveStock",
    "Session",
    "SessionCancelledNotice",
    "SessionConfig",
    "SessionConfirmedNotice",
    "SessionFailedNotice",
    "SessionGrosir",
    "SessionState",
    "SessionStatus",
    "SessionSucceededNotice",
    "Settlement",
    "StockReceivedInput",
    "StockReservation",
    "Succeeded",
    "SucceededSettlement",
    "TimeoutInput",
]

for _name, _tp in (
    ("SessionConfig", SessionConfig),
    ("JoinRequest", JoinRequest),
    ("JoinReceipt", JoinReceipt),
    ("Input", Input),
    ("Event", Event),
    ("Effect", Effect),
    ("Participant", Participant),
    ("SessionState", SessionState),
):
    _codec.register(_name, _tp)
