"""Patungan: exact money, tier pricing and group-buying rules, from a Rust core.

Money amounts are :class:`decimal.Decimal` (never ``float``), instants are
timezone-aware :class:`datetime.datetime`, ids are :class:`uuid.UUID`, records are
frozen dataclasses (the per-participant settlement effects are native frozen classes
with the same fields), and every refused input raises a :class:`patungan.Error`
subclass carrying the core's stable ``code``.

Concepts live in submodules, each re-exported here: :mod:`patungan.grosir`,
:mod:`patungan.session`, :mod:`patungan.ledger` and :mod:`patungan.wallet`.

>>> from patungan import Money, TierLadder
>>> ladder = TierLadder.with_default_thresholds(
...     Money.idr(200_000),
...     (Money.idr(150_000), Money.idr(135_000), Money.idr(120_000), Money.idr(105_000)),
... )
>>> p = ladder.preview(moq=100, filled=45, extra=5)
>>> p.price_if_closed_now
Money('135000', 'IDR')
>>> p.units_to_next_rung
25
"""

from __future__ import annotations

from . import grosir, ledger, session, wallet
from ._native import (
    DEFAULT_GATEWAY_FEE_BP,
    BotPolicy,
    CostBreakdown,
    JoinCostInput,
    Money,
    Preview,
    Rounding,
    Rung,
    RungView,
    TierLadder,
    currencies,
    decimal_places,
    fill_bp,
)
from .errors import (
    BotPolicyError,
    CostError,
    Error,
    GrosirError,
    LedgerError,
    MoneyError,
    MoqError,
    PaymentError,
    RecipeError,
    RefundError,
    ScheduleError,
    SessionConfigError,
    SessionError,
    TextError,
    TierError,
    WalletError,
    WithdrawalError,
)
from .grosir import (
    Availability,
    GrosirConfig,
    PlanLine,
    Production,
    ProductionLine,
    PurchaseOrder,
    PurchaseOrderLine,
    StockLevel,
    VariantBundle,
    WarehousePlan,
)
from .ledger import (
    Account,
    AccountSpec,
    Balances,
    Chart,
    Ledger,
    Posting,
    ReconciliationReport,
    Transfer,
    TransferRecord,
)
from .session import (
    Effect,
    EffectList,
    Event,
    EventList,
    Input,
    JoinReceipt,
    JoinRequest,
    Session,
    SessionConfig,
    SessionGrosir,
    SessionState,
)
from .wallet import (
    BankAccount,
    Batch,
    PayoutResult,
    WalletBalance,
    Wallets,
    Withdrawal,
    WithdrawalPolicy,
    WithdrawalRequest,
    WithdrawalSchedule,
    Withdrawals,
    plan_batches,
)

__all__ = [
    "DEFAULT_GATEWAY_FEE_BP",
    "Account",
    "AccountSpec",
    "Availability",
    "Balances",
    "BankAccount",
    "Batch",
    "BotPolicy",
    "BotPolicyError",
    "Chart",
    "CostBreakdown",
    "CostError",
    "Effect",
    "EffectList",
    "Error",
    "Event",
    "EventList",
    "GrosirConfig",
    "GrosirError",
    "Input",
    "JoinCostInput",
    "JoinReceipt",
    "JoinRequest",
    "Ledger",
    "LedgerError",
    "Money",
    "MoneyError",
    "MoqError",
    "PaymentError",
    "PayoutResult",
    "PlanLine",
    "Posting",
    "Preview",
    "Production",
    "ProductionLine",
    "PurchaseOrder",
    "PurchaseOrderLine",
    "RecipeError",
    "ReconciliationReport",
    "RefundError",
    "Rounding",
    "Rung",
    "RungView",
    "ScheduleError",
    "Session",
    "SessionConfig",
    "SessionConfigError",
    "SessionError",
    "SessionGrosir",
    "SessionState",
    "StockLevel",
    "TextError",
    "TierError",
    "TierLadder",
    "Transfer",
    "TransferRecord",
    "VariantBundle",
    "WalletBalance",
    "WalletError",
    "Wallets",
    "WarehousePlan",
    "Withdrawal",
    "WithdrawalError",
    "WithdrawalPolicy",
    "WithdrawalRequest",
    "WithdrawalSchedule",
    "Withdrawals",
    "currencies",
    "decimal_places",
    "fill_bp",
    "grosir",
    "ledger",
    "plan_batches",
    "session",
    "wallet",
]
