"""Quickstart: a session's tier table and what a shopper typing a quantity sees.

Run (after building the binding, e.g. ``./scripts/test-bindings.sh`` or
``maturin develop`` in bindings-python/)::

    python examples/python/quickstart.py
"""

from __future__ import annotations

from decimal import Decimal

import patungan
from patungan import BotPolicy, CostBreakdown, JoinCostInput, Money, TierLadder

MOQ = 100

ladder = TierLadder.with_default_thresholds(
    Money.idr(200_000),  # group price, paid up front by everyone
    (Money.idr(150_000), Money.idr(135_000), Money.idr(120_000), Money.idr(105_000)),
)

print(f"Tier table (MOQ {MOQ}, group price {ladder.group_price}):")
for rung in ladder.rungs:
    units = -(-rung.threshold_bp * MOQ // 10_000)
    print(f"  from {units:>3} units ({rung.threshold_bp / 100:.0f}%): {rung.unit_price}")

# A session holding 45 units; a shopper types 1, 5, 30.
for extra in (1, 5, 30):
    p = ladder.preview(MOQ, filled=45, extra=extra)
    next_info = (
        f"{p.units_to_next_rung} more units unlock {p.next_rung.unit_price}"
        if p.next_rung is not None
        else "top rung reached"
    )
    print(f"  +{extra:>2}: pay {p.price_if_closed_now} per unit if it closed now; {next_info}")

# Amounts are exact Decimals: cashback at settlement for a buyer of 10 units.
cashback = ladder.cashback(MOQ, filled=45, quantity=10)
assert cashback.amount == Decimal("500000")
print(f"Cashback for 10 units at fill 45: {cashback}")

print(f"Bot top-up with 20 units paid: {BotPolicy().top_up(MOQ, paid_real=20)} units")

cost = CostBreakdown.for_join(
    JoinCostInput(
        quantity=10,
        group_price=Money.idr(100_000),
        moq=MOQ,
        bulk_shipping_cost=Money.idr(500_000),
        courier_price=Money.idr(15_000),
    )
)
print(f"Due at join: {cost.total} (gateway fee {cost.gateway_fee})")

try:
    Money("1.5", "IDR")
except patungan.MoneyError as e:
    print(f"Refused: [{e.code}] {e}")

# A whole session: three shoppers join and pay, the bot check, settlement at the end.
from datetime import datetime, timedelta, timezone  # noqa: E402
from uuid import UUID, uuid4  # noqa: E402

from patungan import GrosirConfig, Session, SessionConfig, StockLevel, VariantBundle  # noqa: E402
from patungan.session import CreateOrder, CreditCashback, JoinRequest, SessionGrosir  # noqa: E402

start = datetime(2025, 1, 1, 1, 0, tzinfo=timezone.utc)
size_s, size_m = UUID(int=1), UUID(int=2)
session = Session.create(
    uuid4(),
    SessionConfig(
        product=uuid4(),
        moq=MOQ,
        ladder=ladder,
        start=start,
        end=start + timedelta(hours=16),  # midnight in Jakarta
        bulk_shipping_cost=Money.idr(500_000),
        grosir=SessionGrosir(GrosirConfig([VariantBundle(size_s, 2, 20), VariantBundle(size_m, 5, 50)]), Money.idr(60_000)),
    ),
    start,
)
for quantity, variant in ((20, size_m), (10, size_s), (25, size_m)):
    request = JoinRequest(uuid4(), uuid4(), uuid4(), quantity, ladder.group_price, Money.idr(15_000), variant)
    receipt = session.join(request, start)
    session.payment_confirmed(request.payment, receipt.cost.total, start + timedelta(minutes=5))
session.drain_effects()  # invoices and notifications, performed by the host
m = session.availability(size_m)
print(f"Session: {session.paid_real_quantity} units paid; {m.available if m else '-'} more M available")
while (deadline := session.poll_timeout()) is not None:
    session.handle_timeout(deadline, [StockLevel(size_s, 50), StockLevel(size_m, 100)])
print(f"Settled: {session.status}, final fill {session.preview().fill_bp / 100:.0f}%")
for effect in session.drain_effects():
    if isinstance(effect, CreateOrder):
        print(f"  order for {effect.quantity} units at {effect.final_unit_price}, cashback {effect.cashback}")
    elif isinstance(effect, CreditCashback):
        print(f"  credit {effect.amount} to wallet of {effect.user}")
    else:
        print(f"  effect: {effect.type}")
