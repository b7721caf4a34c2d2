"""Patungan: exact money, tier pricing and group-buying rules, from a Rust core.

Money amounts are :class:`decimal.Decimal` (never ``float``), instants are
timezone-aware :class:`datetime.datetime`, and every refused input raises a
:class:`patungan.Error` subclass carrying the core's stable ``code``.

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
from .errors import BotPolicyError, CostError, Error, MoneyError, MoqError, TierError

__all__ = [
    "DEFAULT_GATEWAY_FEE_BP",
    "BotPolicy",
    "BotPolicyError",
    "CostBreakdown",
    "CostError",
    "Error",
    "JoinCostInput",
    "Money",
    "MoneyError",
    "MoqError",
    "Preview",
    "Rounding",
    "Rung",
    "RungView",
    "TierError",
    "TierLadder",
    "currencies",
    "decimal_places",
    "fill_bp",
]
