"""Settling a 100 000-participant session from Python: the binding against a
straightforward pure-Python implementation of the same settlement rule (targets: the
binding at least 30x faster; settling and reading every effect as a typed record at
least 2x faster than the lean pure-Python settlement).

One command (builds the release wheel into target/bindings/venv first)::

    BINDINGS_RELEASE=1 ./scripts/test-bindings.sh python && target/bindings/venv/bin/python bindings-python/bench/bench_settle.py

The session mirrors ``benches/session.rs``: MOQ 50 000, 8 variants, 100 000 paid
joins of 1-3 units, enough stock, so settlement succeeds and confirms at once. The
timed step is the settlement: ``handle_timeout(end, stock)`` plus draining every
event and effect (200 000+ effects: an order and a cashback credit per participant,
the stock reservation, the escrow release, notifications, the renewal). The binding
drains into lazy lists; a second figure adds reading every effect as a typed record
(``list(effects)``: the per-participant effects are native records whose fields
convert when read), and a third also reads every field of every record.

Two pure-Python settlements apply the same rule to the same participants (bot check,
fill and final price from the ladder, the warehouse plan, then expiring invoices,
reserving stock, one order and one cashback credit per paid participant, the escrow
split and the renewal window): a lean one on plain dicts with bare ``Decimal``
amounts, and a typed one written like the core (money as a currency-tagged value with
checked arithmetic, frozen dataclasses for participants and effects). Both are timed.
"""

from __future__ import annotations

import gc
import statistics
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Dict, List, Tuple
from uuid import UUID

from patungan import GrosirConfig, Money, Session, SessionConfig, StockLevel, TierLadder, VariantBundle
from patungan.session import JoinRequest, SessionGrosir

PARTICIPANTS = 100_000
VARIANTS = 8
MOQ = 50_000
START = datetime(2025, 1, 1, 17, tzinfo=timezone.utc)  # midnight in Jakarta
END = START + timedelta(days=1)
GROUP = 200_000
RUNGS = [(2500, 180_000), (5000, 165_000), (7500, 155_000), (10000, 150_000)]
BULK_SHIPPING = 25_000_000
COURIER = 15_000
FEE_BP = 300
UNITS = [1 + (i % 3) for i in range(VARIANTS)]
REPEATS = 5


def variant(i: int) -> UUID:
    return UUID(int=1_000 + i)


def build_session() -> Session:
    ladder = TierLadder.with_default_thresholds(Money.idr(GROUP), tuple(Money.idr(p) for _, p in RUNGS))  # type: ignore[arg-type]
    bundle = GrosirConfig([VariantBundle(variant(i), UNITS[i], 10_000_000) for i in range(VARIANTS)])
    config = SessionConfig(
        product=UUID(int=1),
        moq=MOQ,
        ladder=ladder,
        start=START,
        end=END,
        bulk_shipping_cost=Money.idr(BULK_SHIPPING),
        grosir=SessionGrosir(bundle, Money.idr(90_000)),
    )
    session = Session.create(UUID(int=1), config, START)
    session.reserve(PARTICIPANTS)
    price, courier = Money.idr(GROUP), Money.idr(COURIER)
    for n in range(1, PARTICIPANTS + 1):
        request = JoinRequest(UUID(int=n), UUID(int=n), UUID(int=n), 1 + n % 3, price, courier, variant(n % VARIANTS))
        receipt = session.join(request, START)
        session.payment_confirmed(request.payment, receipt.cost.total, START)
    session.drain_events()
    session.drain_effects()
    return session


# ---------------------------------------------------------------- pure Python


def pure_participants() -> List[Dict[str, Any]]:
    """The same participants as plain dicts, cost parts as exact Decimals."""
    leg1_per_unit = -(-Decimal(BULK_SHIPPING) // MOQ)
    out = []
    for n in range(1, PARTICIPANTS + 1):
        q = 1 + n % 3
        product = Decimal(GROUP) * q
        fee = -(-(product * FEE_BP) // 10_000)
        cost = {
            "quantity": q,
            "product": product,
            "leg1_per_unit": leg1_per_unit,
            "leg1": leg1_per_unit * q,
            "leg2": Decimal(COURIER),
            "gateway_fee": fee,
            "total": product + leg1_per_unit * q + COURIER + fee,
        }
        out.append(
            {"id": UUID(int=n), "user": UUID(int=n), "payment": UUID(int=n), "variant": variant(n % VARIANTS),
             "quantity": q, "status": "paid", "cost": cost}
        )
    return out


def jakarta_midnight_after(t: datetime) -> datetime:
    local = t + timedelta(hours=7)
    return datetime(local.year, local.month, local.day, tzinfo=timezone.utc) + timedelta(days=1) - timedelta(hours=7)


def settle_pure(participants: List[Dict[str, Any]], now: datetime, stock: Dict[UUID, int]) -> Tuple[list, list]:
    events: List[Dict[str, Any]] = []
    effects: List[Dict[str, Any]] = []
    paid = [p for p in participants if p["status"] == "paid"]
    paid_qty = sum(p["quantity"] for p in paid)
    target = -(-MOQ * 2500 // 10_000)
    bot = max(0, target - paid_qty)
    events.append({"type": "bot_checked", "paid_real_quantity": paid_qty, "previous_bot_quantity": 0,
                   "bot_quantity": bot, "at_expiry": True, "at": now})
    fill_bp = 10_000 * (paid_qty + bot) // MOQ
    if not paid or fill_bp < RUNGS[0][0]:
        raise NotImplementedError("the benchmark settles a successful session")
    final = Decimal(GROUP)
    for threshold, price in RUNGS:
        if fill_bp >= threshold:
            final = Decimal(price)
    saving = Decimal(GROUP) - final
    # Warehouse plan from paid demand and stock, in config order.
    variants = [variant(i) for i in range(VARIANTS)]
    demand = {v: 0 for v in variants}
    for p in paid:
        demand[p["variant"]] += p["quantity"]
    bundles = max(-(-max(0, demand[v] - stock.get(v, 0)) // UNITS[i]) for i, v in enumerate(variants))
    lines = []
    for i, v in enumerate(variants):
        d, s = demand[v], stock.get(v, 0)
        receive = bundles * UNITS[i]
        lines.append({"variant": v, "demand": d, "stock": s, "stock_used": min(d, s), "net": max(0, d - s),
                      "to_receive": receive, "leftover": s + receive - d, "over_tolerance": False})
    plan = {"bundles": bundles, "lines": lines, "purchase_order": None}
    events.append({"type": "succeeded", "at": now, "paid_real_quantity": paid_qty, "bot_quantity": bot,
                   "fill_bp": fill_bp, "final_unit_price": final, "cashback_per_unit": saving, "plan": plan})
    events.append({"type": "confirmed", "at": now})
    for p in participants:
        if p["status"] == "pending":
            effects.append({"type": "expire_invoice", "participant": p["id"], "payment": p["payment"]})
    effects.append({"type": "notify", "notification": {"kind": "session_succeeded", "final_unit_price": final,
                                                       "awaiting_stock": False}})
    effects.append({"type": "reserve_stock", "lines": [{"variant": v, "units": demand[v]} for v in variants]})
    leg1 = leg2 = fee = total = Decimal(0)
    for p in paid:
        cost = p["cost"]
        cashback = saving * p["quantity"]
        effects.append({"type": "create_order", "participant": p["id"], "user": p["user"], "variant": p["variant"],
                        "quantity": p["quantity"], "paid_unit_price": Decimal(GROUP), "final_unit_price": final,
                        "cashback": cashback, "payment": p["payment"], "cost": dict(cost)})
        if cashback:
            effects.append({"type": "credit_cashback", "participant": p["id"], "user": p["user"], "amount": cashback})
        leg1 += cost["leg1"]
        leg2 += cost["leg2"]
        fee += cost["gateway_fee"]
        total += cost["total"]
    effects.append({"type": "release_escrow", "warehouse": final * paid_qty + leg1, "courier": leg2,
                    "platform_fee": fee, "cashback": saving * paid_qty, "escrow_total": total})
    effects.append({"type": "notify", "notification": {"kind": "session_confirmed", "final_unit_price": final}})
    start = END if END > now else now
    renewal_end = jakarta_midnight_after(start)
    events.append({"type": "renewal_due", "at": now, "start": start, "end": renewal_end})
    effects.append({"type": "renew_session", "previous": UUID(int=1), "start": start, "end": renewal_end})
    return events, effects


# ---------------------------------------------------------------- pure Python, typed
#
# The same rule written the way the core is: money as a small value type tagged with
# its currency and checked arithmetic (no mixing currencies, never below zero), and
# frozen dataclasses for participants and effects.


@dataclass(frozen=True)
class PyMoney:
    amount: Decimal
    currency: str

    def add(self, other: "PyMoney") -> "PyMoney":
        if other.currency != self.currency:
            raise ValueError("currency mismatch")
        return PyMoney(self.amount + other.amount, self.currency)

    def sub(self, other: "PyMoney") -> "PyMoney":
        if other.currency != self.currency:
            raise ValueError("currency mismatch")
        if other.amount > self.amount:
            raise ValueError("below zero")
        return PyMoney(self.amount - other.amount, self.currency)

    def mul_qty(self, quantity: int) -> "PyMoney":
        return PyMoney(self.amount * quantity, self.currency)


@dataclass(frozen=True)
class PyCost:
    quantity: int
    product: PyMoney
    leg1_per_unit: PyMoney
    leg1: PyMoney
    leg2: PyMoney
    gateway_fee: PyMoney
    total: PyMoney


@dataclass(frozen=True)
class PyParticipant:
    id: UUID
    user: UUID
    payment: UUID
    variant: UUID
    quantity: int
    status: str
    cost: PyCost


@dataclass(frozen=True)
class PyCreateOrder:
    participant: UUID
    user: UUID
    variant: UUID
    quantity: int
    paid_unit_price: PyMoney
    final_unit_price: PyMoney
    cashback: PyMoney
    payment: UUID
    cost: PyCost
    type: str = "create_order"


@dataclass(frozen=True)
class PyCreditCashback:
    participant: UUID
    user: UUID
    amount: PyMoney
    type: str = "credit_cashback"


@dataclass(frozen=True)
class PyReleaseEscrow:
    warehouse: PyMoney
    courier: PyMoney
    platform_fee: PyMoney
    cashback: PyMoney
    escrow_total: PyMoney
    type: str = "release_escrow"


def typed_participants() -> List[PyParticipant]:
    def idr(v: Decimal) -> PyMoney:
        return PyMoney(v, "IDR")

    out = []
    for p in pure_participants():
        c = p["cost"]
        cost = PyCost(c["quantity"], idr(c["product"]), idr(c["leg1_per_unit"]), idr(c["leg1"]), idr(c["leg2"]),
                      idr(c["gateway_fee"]), idr(c["total"]))
        out.append(PyParticipant(p["id"], p["user"], p["payment"], p["variant"], p["quantity"], p["status"], cost))
    return out


def settle_typed(participants: List[PyParticipant], now: datetime, stock: Dict[UUID, int]) -> Tuple[list, list]:
    """The lean rule of settle_pure, with checked PyMoney and dataclass effects."""
    events: List[Any] = []
    effects: List[Any] = []
    paid = [p for p in participants if p.status == "paid"]
    paid_qty = sum(p.quantity for p in paid)
    target = -(-MOQ * 2500 // 10_000)
    bot = max(0, target - paid_qty)
    events.append(("bot_checked", paid_qty, bot, now))
    fill_bp = 10_000 * (paid_qty + bot) // MOQ
    if not paid or fill_bp < RUNGS[0][0]:
        raise NotImplementedError("the benchmark settles a successful session")
    group = PyMoney(Decimal(GROUP), "IDR")
    final = group
    for threshold, price in RUNGS:
        if fill_bp >= threshold:
            final = PyMoney(Decimal(price), "IDR")
    saving = group.sub(final)
    variants = [variant(i) for i in range(VARIANTS)]
    demand = {v: 0 for v in variants}
    for p in paid:
        demand[p.variant] += p.quantity
    bundles = max(-(-max(0, demand[v] - stock.get(v, 0)) // UNITS[i]) for i, v in enumerate(variants))
    lines = [(v, demand[v], stock.get(v, 0), bundles * UNITS[i]) for i, v in enumerate(variants)]
    events.append(("succeeded", now, paid_qty, bot, fill_bp, final, saving, bundles, lines))
    events.append(("confirmed", now))
    for p in participants:
        if p.status == "pending":
            effects.append(("expire_invoice", p.id, p.payment))
    effects.append(("notify", "session_succeeded", final, False))
    effects.append(("reserve_stock", [(v, demand[v]) for v in variants]))
    zero = PyMoney(Decimal(0), "IDR")
    leg1 = leg2 = fee = total = zero
    for p in paid:
        cashback = saving.mul_qty(p.quantity)
        effects.append(PyCreateOrder(p.id, p.user, p.variant, p.quantity, group, final, cashback, p.payment, p.cost))
        if cashback.amount:
            effects.append(PyCreditCashback(p.id, p.user, cashback))
        leg1 = leg1.add(p.cost.leg1)
        leg2 = leg2.add(p.cost.leg2)
        fee = fee.add(p.cost.gateway_fee)
        total = total.add(p.cost.total)
    effects.append(PyReleaseEscrow(final.mul_qty(paid_qty).add(leg1), leg2, fee, saving.mul_qty(paid_qty), total))
    effects.append(("notify", "session_confirmed", final))
    start = END if END > now else now
    renewal_end = jakarta_midnight_after(start)
    events.append(("renewal_due", now, start, renewal_end))
    effects.append(("renew_session", UUID(int=1), start, renewal_end))
    return events, effects


def median_ms(samples: List[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> None:
    t0 = time.perf_counter()
    base = build_session().to_json()
    print(f"setup: 100 000 joins and payments through the binding in {time.perf_counter() - t0:.1f} s")
    stock = [StockLevel(variant(i), 1_000_000) for i in range(VARIANTS)]
    binding, binding_read, binding_fields = [], [], []
    release = None
    effects = events = records = None  # type: ignore[assignment]
    for _ in range(REPEATS):
        # Free the previous run's output before the clock starts.
        del effects, events, records
        session = Session.from_json(base)
        gc.collect()
        started = time.perf_counter()
        session.handle_timeout(END, stock)
        effects = session.drain_effects()
        events = session.drain_events()
        binding.append(time.perf_counter() - started)
        assert session.status == "confirmed" and len(events) == 4
        started = time.perf_counter()
        records = list(effects)
        binding_read.append(binding[-1] + time.perf_counter() - started)
        release = records[-3]
        started = time.perf_counter()
        for r in records:
            for name in r.__match_args__:
                getattr(r, name)
        binding_fields.append(binding_read[-1] + time.perf_counter() - started)
    n_effects = len(effects)
    del effects, events, records, session
    participants = pure_participants()
    pure = []
    pure_effects: list = []
    for _ in range(REPEATS):
        del pure_effects
        gc.collect()
        started = time.perf_counter()
        _, pure_effects = settle_pure(participants, END, {variant(i): 1_000_000 for i in range(VARIANTS)})
        pure.append(time.perf_counter() - started)
    del participants
    typed_list = typed_participants()
    typed: List[float] = []
    typed_effects: list = []
    for _ in range(REPEATS):
        del typed_effects
        gc.collect()
        started = time.perf_counter()
        _, typed_effects = settle_typed(typed_list, END, {variant(i): 1_000_000 for i in range(VARIANTS)})
        typed.append(time.perf_counter() - started)
    # All three computed the same settlement.
    assert len(pure_effects) == n_effects == len(typed_effects), (len(pure_effects), n_effects)
    assert typed_effects[-3].escrow_total.amount == pure_effects[-3]["escrow_total"]
    assert release is not None and release.type == "release_escrow"
    assert release.escrow_total.amount == pure_effects[-3]["escrow_total"]
    assert release.warehouse.amount == pure_effects[-3]["warehouse"]
    b, br, p, t = median_ms(binding), median_ms(binding_read), median_ms(pure), median_ms(typed)
    bf = median_ms(binding_fields)
    print(f"settle 100 000 participants, {n_effects} effects (median of {REPEATS}):")
    print(f"  binding (handle_timeout + drain):                 {b:8.1f} ms")
    print(f"  binding, then every effect read as a record:      {br:8.1f} ms")
    print(f"  binding, then every field of every record read:   {bf:8.1f} ms")
    print(f"  pure Python, lean (dicts, bare Decimal money):    {p:8.1f} ms   binding {p / b:5.1f}x faster")
    print(f"  pure Python, typed (checked Money, dataclasses):  {t:8.1f} ms   binding {t / b:5.1f}x faster")
    print(f"  (target: the binding >= 30x faster than lean: {p / b:.1f}x)")
    print(f"  settle + read every effect as a record vs lean pure Python: {p / br:.2f}x (target >= 2x),"
          f" vs typed: {t / br:.2f}x")
    print(f"  settle + read every field of every record vs lean pure Python: {p / bf:.2f}x (no target)")


if __name__ == "__main__":
    main()
