"""The double-entry escrow ledger (docs/domain.md §8): :class:`Ledger` and :class:`Chart`
(native) and their records: account specs, balances, transfers, postings, recipe
inputs and the reconciliation report.

Transfer operations and pending statuses are tagged unions (``type`` / ``state``);
account owners and chart accounts are names (``"platform"``, ``"gateway_clearing"``)
or small records (:class:`UserEntity`, :class:`SessionEscrowAccount`, :class:`WalletAccount`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar, List, Literal, Optional, Union
from uuid import UUID

from . import _codec
from ._native import Chart, CostBreakdown, Ledger, Money, derive_uuid, success_split_from_cost

Outcome = Literal["created", "already_exists"]
"""The result of a create: ``"already_exists"`` for the identical item (a no-op)."""
AccountKind = Literal[
    "clearing", "escrow", "payable", "revenue", "wallet", "bank", "funding", "suspense"
]
BalanceLimit = Literal["none", "debits_must_not_exceed_credits", "credits_must_not_exceed_debits"]
TransferCode = Literal[
    "unspecified",
    "payment_received",
    "warehouse_release",
    "courier_payable",
    "gateway_fee",
    "cashback",
    "refund",
    "deposit",
    "purchase",
    "withdrawal_payout",
    "withdrawal_fee",
    "withdrawal_reversal",
    "suspense_received",
    "factory_goods",
    "factory_paid",
    "courier_paid",
    "factory_paid_reversal",
]
RefundDestination = Literal["original_method", "wallet"]
RefundResult = Literal["confirmed", "failed"]
PlatformAccount = Literal[
    "gateway_clearing",
    "warehouse",
    "courier_payable",
    "gateway_fee_revenue",
    "withdrawal_fee_revenue",
    "bank_payouts",
    "platform_funding",
    "suspense",
    "factory_payable",
    "supplier_payouts",
]


@dataclass(frozen=True)
class UserEntity:
    """A shopper as an account owner (``{"user": "<uuid>"}``)."""

    user: UUID
    _tag: ClassVar[str] = "user"
    _newtype: ClassVar[bool] = True


Entity = Union[Literal["platform", "warehouse", "external"], UserEntity]


@dataclass(frozen=True)
class SessionEscrowAccount:
    """The chart's escrow account of a session."""

    session: UUID
    _tag: ClassVar[str] = "session_escrow"
    _newtype: ClassVar[bool] = True


@dataclass(frozen=True)
class WalletAccount:
    """The chart's wallet account of a user."""

    user: UUID
    _tag: ClassVar[str] = "wallet"
    _newtype: ClassVar[bool] = True


ChartAccount = Union[PlatformAccount, SessionEscrowAccount, WalletAccount]


@dataclass(frozen=True)
class Balances:
    """The four running totals of an account (exact decimals)."""

    debits_pending: Decimal
    debits_posted: Decimal
    credits_pending: Decimal
    credits_posted: Decimal


@dataclass(frozen=True)
class AccountSpec:
    """The definition of an account, its id chosen by the caller."""

    id: UUID
    entity: Entity
    kind: AccountKind
    currency: str
    limit: BalanceLimit = "none"
    session: Optional[UUID] = None


@dataclass(frozen=True)
class Account:
    """An open account: its definition and its balances."""

    spec: AccountSpec
    balances: Balances


@dataclass(frozen=True)
class PostedOp:
    debit_account: UUID
    credit_account: UUID
    amount: Money
    type: Literal["posted"] = "posted"


@dataclass(frozen=True)
class PendingOp:
    debit_account: UUID
    credit_account: UUID
    amount: Money
    type: Literal["pending"] = "pending"


@dataclass(frozen=True)
class PostPendingOp:
    pending_id: UUID
    amount: Optional[Money] = None
    type: Literal["post_pending"] = "post_pending"


@dataclass(frozen=True)
class VoidPendingOp:
    pending_id: UUID
    type: Literal["void_pending"] = "void_pending"


TransferOp = Union[PostedOp, PendingOp, PostPendingOp, VoidPendingOp]


@dataclass(frozen=True)
class Transfer:
    """A transfer request; its id is its idempotency key."""

    id: UUID
    op: TransferOp
    code: TransferCode = "unspecified"

    @staticmethod
    def posted(id: UUID, debit_account: UUID, credit_account: UUID, amount: Money) -> Transfer:
        return Transfer(id, PostedOp(debit_account, credit_account, amount))

    @staticmethod
    def pending(id: UUID, debit_account: UUID, credit_account: UUID, amount: Money) -> Transfer:
        return Transfer(id, PendingOp(debit_account, credit_account, amount))

    @staticmethod
    def post(id: UUID, pending_id: UUID, amount: Optional[Money] = None) -> Transfer:
        return Transfer(id, PostPendingOp(pending_id, amount))

    @staticmethod
    def void(id: UUID, pending_id: UUID) -> Transfer:
        return Transfer(id, VoidPendingOp(pending_id))


@dataclass(frozen=True)
class PendingOpen:
    state: Literal["open"] = "open"


@dataclass(frozen=True)
class PendingPosted:
    by: UUID
    amount: Money
    state: Literal["posted"] = "posted"


@dataclass(frozen=True)
class PendingVoided:
    by: UUID
    state: Literal["voided"] = "voided"


PendingStatus = Union[PendingOpen, PendingPosted, PendingVoided]


@dataclass(frozen=True)
class TransferRecord:
    """A committed transfer: the request and what it resolved to."""

    transfer: Transfer
    debit_account: UUID
    credit_account: UUID
    amount: Money
    pending: Optional[PendingStatus] = None


@dataclass(frozen=True)
class Posting:
    """A linked batch for :meth:`Ledger.execute`: accounts to open, transfers to commit."""

    accounts: List[AccountSpec]
    transfers: List[Transfer]


# ---------------------------------------------------------------- recipe inputs


@dataclass(frozen=True)
class PaymentReceived:
    payment: UUID
    session: UUID
    amount: Money


@dataclass(frozen=True)
class SuccessSplit:
    participant: UUID
    session: UUID
    user: UUID
    warehouse: Money
    courier: Money
    gateway_fee: Money
    cashback: Money

    @staticmethod
    def from_cost(
        participant: UUID, session: UUID, user: UUID, cost: CostBreakdown, final_unit_price: Money
    ) -> SuccessSplit:
        """Splits what the participant paid at ``final_unit_price`` (the core's rule)."""
        split: SuccessSplit = success_split_from_cost(participant, session, user, cost, final_unit_price)
        return split


@dataclass(frozen=True)
class Refund:
    payment: UUID
    attempt: int
    session: UUID
    user: UUID
    amount: Money
    destination: RefundDestination


@dataclass(frozen=True)
class RefundSettlement:
    payment: UUID
    attempt: int
    result: RefundResult


@dataclass(frozen=True)
class LatePayment:
    payment: UUID
    session: UUID
    user: UUID
    amount: Money
    destination: RefundDestination


@dataclass(frozen=True)
class SuspenseRefund:
    """A full refund of money held in suspense (a payment anomaly) back to its payer."""

    anomaly: UUID
    attempt: int
    user: UUID
    amount: Money
    destination: RefundDestination


@dataclass(frozen=True)
class CashbackCredit:
    session: UUID
    _tag: ClassVar[str] = "cashback"
    _newtype: ClassVar[bool] = False


@dataclass(frozen=True)
class RefundCredit:
    session: UUID
    _tag: ClassVar[str] = "refund"
    _newtype: ClassVar[bool] = False


CreditReason = Union[CashbackCredit, RefundCredit, Literal["deposit"]]


@dataclass(frozen=True)
class WalletCredit:
    reference: UUID
    user: UUID
    amount: Money
    reason: CreditReason


@dataclass(frozen=True)
class WalletDebit:
    reference: UUID
    user: UUID
    session: UUID
    amount: Money


# ---------------------------------------------------------------- reconciliation


@dataclass(frozen=True)
class BalanceLine:
    entity: Entity
    kind: AccountKind
    currency: str
    accounts: int
    balances: Balances
    net: Decimal


@dataclass(frozen=True)
class SessionEscrow:
    session: UUID
    account: UUID
    currency: str
    paid_in: Decimal
    paid_out: Decimal
    pending_out: Decimal
    pending_in: Decimal
    balance: Decimal
    terminal: bool
    settled: bool


@dataclass(frozen=True)
class CurrencyTotals:
    currency: str
    balances: Balances
    balanced: bool


@dataclass(frozen=True)
class ReconciliationReport:
    """What :meth:`Ledger.reconcile` found; ``clean`` is the core's verdict."""

    lines: List[BalanceLine]
    currencies: List[CurrencyTotals]
    sessions: List[SessionEscrow]
    unsettled_terminal_sessions: List[UUID]
    clean: bool


__all__ = [
    "Account",
    "AccountKind",
    "AccountSpec",
    "BalanceLimit",
    "BalanceLine",
    "Balances",
    "CashbackCredit",
    "Chart",
    "ChartAccount",
    "CreditReason",
    "CurrencyTotals",
    "Entity",
    "LatePayment",
    "Ledger",
    "Outcome",
    "PaymentReceived",
    "PendingOp",
    "PendingOpen",
    "PendingPosted",
    "PendingStatus",
    "PendingVoided",
    "PlatformAccount",
    "PostPendingOp",
    "PostedOp",
    "Posting",
    "ReconciliationReport",
    "Refund",
    "RefundCredit",
    "RefundDestination",
    "RefundResult",
    "RefundSettlement",
    "SessionEscrow",
    "SessionEscrowAccount",
    "SuccessSplit",
    "SuspenseRefund",
    "Transfer",
    "TransferCode",
    "TransferOp",
    "TransferRecord",
    "UserEntity",
    "VoidPendingOp",
    "WalletAccount",
    "WalletCredit",
    "WalletDebit",
    "derive_uuid",
]

for _name in (
    "AccountSpec",
    "Account",
    "Balances",
    "TransferRecord",
    "Posting",
    "SuccessSplit",
    "ReconciliationReport",
):
    _codec.register(_name, globals()[_name])
