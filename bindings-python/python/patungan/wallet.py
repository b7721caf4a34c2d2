"""Wallets, withdrawals, the payout schedule and batch planning (docs/domain.md §9).

:class:`Wallets`, :class:`Withdrawals` and :class:`WithdrawalSchedule` are native;
requests, results, withdrawals and batches are the records below. Batch and item
keys are the core's strings (``"wdb-20250107T030000Z-0"``, ``"wdi-<uuid>-1"``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import List, Literal, Optional, Union
from uuid import UUID

from . import _codec
from ._native import Money, Wallets, WithdrawalSchedule, Withdrawals, default_withdrawal_policy, plan_batches

WithdrawalStatus = Literal["queued", "in_batch", "completed", "failed", "reversed"]
PayoutEffect = Literal["completed", "failed", "requeued", "unchanged"]


@dataclass(frozen=True)
class WalletBalance:
    """A wallet's balance: ``available = posted - held``."""

    user: UUID
    posted: Money
    held: Money
    available: Money


@dataclass(frozen=True)
class WithdrawalPolicy:
    """Withdrawal rules; :meth:`default` gives docs/domain.md §9."""

    minimum: Money
    fee: Money
    max_attempts: int
    min_account_digits: int
    max_account_digits: int
    min_holder_name_chars: int
    temporary_code_prefixes: List[str]
    temporary_codes: List[str]

    @staticmethod
    def default() -> WithdrawalPolicy:
        """The core's default policy."""
        policy: WithdrawalPolicy = default_withdrawal_policy()
        return policy


@dataclass(frozen=True)
class BankAccount:
    bank_code: str
    account_number: str
    holder_name: str


@dataclass(frozen=True)
class WithdrawalRequest:
    """A user's request to withdraw; the id makes it idempotent."""

    id: UUID
    user: UUID
    amount: Money
    destination: BankAccount
    requested_at: datetime


@dataclass(frozen=True)
class PayoutCompleted:
    status: Literal["completed"] = "completed"


@dataclass(frozen=True)
class PayoutFailed:
    failure_code: str
    status: Literal["failed"] = "failed"


PayoutOutcome = Union[PayoutCompleted, PayoutFailed]


@dataclass(frozen=True)
class PayoutAttempt:
    attempt: int
    batch: str
    outcome: Optional[PayoutOutcome] = None


@dataclass(frozen=True)
class Withdrawal:
    """A withdrawal as the state machine keeps it."""

    request: WithdrawalRequest
    fee: Money
    net: Money
    status: WithdrawalStatus
    attempts: List[PayoutAttempt]
    failure_code: Optional[str] = None


@dataclass(frozen=True)
class PayoutResult:
    """The gateway's result for one payout item (``item`` is its key)."""

    item: str
    outcome: PayoutOutcome


@dataclass(frozen=True)
class BatchItem:
    key: str
    user: UUID
    net: Money
    fee: Money
    destination: BankAccount
    requested_at: datetime


@dataclass(frozen=True)
class Batch:
    key: str
    items: List[BatchItem]


__all__ = [
    "BankAccount",
    "Batch",
    "BatchItem",
    "PayoutAttempt",
    "PayoutCompleted",
    "PayoutEffect",
    "PayoutFailed",
    "PayoutOutcome",
    "PayoutResult",
    "WalletBalance",
    "Wallets",
    "Withdrawal",
    "WithdrawalPolicy",
    "WithdrawalRequest",
    "WithdrawalSchedule",
    "WithdrawalStatus",
    "Withdrawals",
    "plan_batches",
]

for _name in ("WalletBalance", "WithdrawalPolicy", "Withdrawal", "Batch"):
    _codec.register(_name, globals()[_name])
