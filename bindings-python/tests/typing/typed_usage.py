"""Typed use of the public API; checked with ``mypy --strict`` by test_typing.py."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import List, Optional, Sequence

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
    session_flow()
    ledger_flow()



def session_flow() -> None:
    """A session run with typed records; effects narrow on their ``type``."""
    from uuid import UUID, uuid4

    from patungan import GrosirConfig, Session, SessionConfig, VariantBundle
    from patungan.session import Effect, JoinInput, JoinRequest, SessionGrosir

    start = datetime(2025, 1, 1, 1, tzinfo=timezone.utc)
    size_m = UUID(int=2)
    bundle = GrosirConfig([VariantBundle(UUID(int=1), 2, 20), VariantBundle(size_m, 5, 50)])
    config = SessionConfig(
        product=uuid4(),
        moq=100,
        ladder=build(),
        start=start,
        end=start + timedelta(hours=16),
        bulk_shipping_cost=Money.idr(500_000),
        grosir=SessionGrosir(bundle, Money.idr(60_000)),
    )
    session = Session.create(uuid4(), config, start)
    request = JoinRequest(uuid4(), uuid4(), uuid4(), 20, Money.idr(200_000), Money.idr(15_000), size_m)
    receipt = session.join(request, start)
    total: Decimal = receipt.cost.total.amount
    outcome: str = session.payment_confirmed(request.payment, receipt.cost.total, start)
    session.handle(JoinInput(start, JoinRequest(uuid4(), uuid4(), uuid4(), 5, Money.idr(200_000), Money.idr(0), size_m)))
    deadline: Optional[datetime] = session.poll_timeout()
    for effect in session.drain_effects():
        e: Effect = effect
        if e.type == "create_invoice":
            due: Money = e.amount
            print(due, e.expires_at.isoformat())
        elif e.type == "create_order":
            cashback: Money = e.cashback
            print(cashback, e.cost.total, e.variant)
        elif e.type == "credit_cashback":
            print(e.user, e.amount.amount)
        elif e.type == "notify" and e.notification.kind == "payment_received":
            print(e.notification.user)
    for event in session.drain_events():
        if event.type == "payment_window_closed":
            closed_at: datetime = event.at
            print(event.payment, closed_at)
    a = session.availability(size_m)
    print(total, outcome, deadline, a.available if a else None, session.preview(5).fill_bp)


def ledger_flow() -> None:
    """Ledger, chart recipes, wallets and withdrawals with typed records."""
    from uuid import uuid4

    from patungan import Ledger
    from patungan.ledger import Chart, PaymentReceived, WalletCredit
    from patungan.wallet import BankAccount, Wallets, WithdrawalRequest, Withdrawals

    chart = Chart("IDR")
    ledger = Ledger()
    outcomes: Sequence[str] = ledger.execute(chart.payment_received(PaymentReceived(uuid4(), uuid4(), Money.idr(1_000))))
    user = uuid4()
    Wallets("IDR").credit(ledger, WalletCredit(uuid4(), user, Money.idr(500_000), "deposit"))
    withdrawals = Withdrawals("IDR")
    request = WithdrawalRequest(
        uuid4(), user, Money.idr(100_000), BankAccount("BCA", "1234567890", "Siti"), datetime.now(timezone.utc)
    )
    withdrawals.request(ledger, request)
    for batch in withdrawals.plan(datetime.now(timezone.utc) + timedelta_days(7)):
        print(batch.key, [item.net.amount for item in batch.items])
    print(outcomes, ledger.reconcile().clean)
    suspense_flow()


def suspense_flow() -> None:
    """Money of a payment anomaly: booked to suspense, refunded out of it."""
    from uuid import UUID, uuid4

    from patungan import Ledger
    from patungan.ledger import Chart, Posting, RefundResult, SuspenseRefund

    chart = Chart("IDR")
    ledger = Ledger()
    for spec in chart.platform_accounts():
        ledger.open(spec)
    anomaly, user = uuid4(), uuid4()
    received: Posting = chart.suspense_received(anomaly, Money.idr(10_000))
    ledger.execute(received)
    ledger.execute(chart.suspense_refund(SuspenseRefund(anomaly, 1, user, Money.idr(10_000), "original_method")))
    result: RefundResult = "confirmed"
    ledger.execute(chart.suspense_refund_settled(anomaly, 1, result))
    ids: List[UUID] = [chart.suspense_transfer_id(anomaly), chart.suspense_refund_transfer_id(anomaly, 1)]
    ladder = TierLadder(Money.idr(100), [patungan.Rung(20_000, Money.idr(90))], allow_above_moq=True)
    allowed: bool = ladder.allow_above_moq
    try:
        ledger.verify()
    except (patungan.TextError, patungan.PaymentError, patungan.RefundError) as e:
        print(e.code)
    print(ids, allowed)


def timedelta_days(n: int) -> timedelta:

    return timedelta(days=n)


if __name__ == "__main__":
    main()
