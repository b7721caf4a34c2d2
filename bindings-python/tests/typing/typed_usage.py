"""Typed use of the public API; checked with ``mypy --strict`` by test_typing.py."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import List, Optional

import patungan
from patungan import BotPolicy, CostBreakdown, JoinCostInput, Money, Preview, Rounding, TierLadder


def build() -> TierLadder:
    return TierLadder.with_default_thresholds(
        Money.idr(200_000),
        (Money.idr(150_000), Money.idr(135_000), Money.idr(120_000), Money.idr(105_000)),
    )


def amounts(p: Preview) -> List[Decimal]:
    out: List[Decimal] = [p.current_unit_price.amount, p.price_if_closed_now.amount]
    at_next: Optional[Money] = p.saving_per_unit_at_next_rung
    if at_next is not None:
        out.append(at_next.amount)
    return out


def main() -> None:
    ladder = build()
    p = ladder.preview(100, 45, extra=5)
    units: Optional[int] = p.units_to_next_rung
    print(amounts(p), units, p.next_rung.index if p.next_rung else None)
    fee: Money = Money("12.50", "USD").percent_of(300, Rounding.UP)
    check: datetime = BotPolicy().check_at(datetime.now(timezone.utc))
    cost = CostBreakdown.for_join(
        JoinCostInput(
            quantity=1,
            group_price=Money(Decimal("100000"), "IDR"),
            moq=100,
            bulk_shipping_cost=Money.idr(0),
            courier_price=Money.idr(0),
        )
    )
    try:
        TierLadder(Money.idr(1), [])
    except patungan.TierError as e:
        code: str = e.code
        print(code, e.message)
    print(fee, check, cost.total.amount + Decimal(1))


if __name__ == "__main__":
    main()
