"""The Python surface of sessions, ledger and wallets: typed records, lazy drained
lists, JSON forms and the error hierarchy."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

import patungan
from patungan import (
    GrosirConfig,
    Ledger,
    Money,
    Session,
    SessionConfig,
    TierLadder,
    VariantBundle,
)
from patungan._codec import encode, from_json
from patungan.ledger import Chart, PaymentReceived, SessionEscrowAccount, Transfer, WalletAccount
from patungan.session import (
    CreateInvoice,
    CreateOrder,
    CreditCashback,
    Effect,
    JoinInput,
    JoinRequest,
    Joined,
    PaymentWindowClosed,
    SessionGrosir,
    StockReservation,
)
from patungan.wallet import WithdrawalPolicy, WithdrawalSchedule

START = datetime(2025, 1, 1, 1, tzinfo=timezone.utc)
END = datetime(2025, 1, 1, 17, tzinfo=timezone.utc)
S, M = UUID(int=1), UUID(int=2)


def config(**extra: object) -> SessionConfig:
    ladder = TierLadder.with_default_thresholds(
        Money.idr(200_000),
        (Money.idr(180_000), Money.idr(165_000), Money.idr(155_000), Money.idr(150_000)),
    )
    bundle = GrosirConfig([VariantBundle(S, 2, 20), VariantBundle(M, 5, 50)])
    return SessionConfig(
        product=UUID(int=9),
        moq=100,
        ladder=ladder,
        start=START,
        end=END,
        bulk_shipping_cost=Money.idr(500_000),
        grosir=SessionGrosir(bundle, Money.idr(60_000)),
        **extra,  # type: ignore[arg-type]
    )


def join(session: Session, quantity: int, variant: UUID = M) -> JoinRequest:
    request = JoinRequest(uuid4(), uuid4(), uuid4(), quantity, Money.idr(200_000), Money.idr(15_000), variant)
    session.join(request, START)
    return request


def test_a_session_runs_with_typed_records_and_lazy_lists() -> None:
    session = Session.create(UUID(int=7), config(), START)
    created = session.drain_events()
    assert len(created) == 1 and created[0].type == "created" and created[-1].type == "created"
    with pytest.raises(IndexError):
        created[1]
    r = join(session, 20)
    effects = session.drain_effects()
    invoice = effects[0]
    assert isinstance(invoice, CreateInvoice)
    assert invoice.amount == Money.idr(4_235_000) and isinstance(invoice.amount.amount, Decimal)
    # The payment window: 30 minutes by default (never past the end).
    assert invoice.expires_at == START + timedelta(minutes=30) and invoice.expires_at.tzinfo is not None
    assert invoice.payment == r.payment and isinstance(invoice.payment, UUID)
    joined = session.poll_event()
    assert isinstance(joined, Joined) and joined.quantity == 20 and session.poll_event() is None
    assert session.payment_confirmed(r.payment, Money.idr(4_235_000), START) == "applied"
    assert session.payment_confirmed(r.payment, Money.idr(4_235_000), START) == "unchanged"
    assert session.paid_real_quantity == 20 and session.fill_quantity == 20
    a = session.availability(M)
    assert a is not None and a.available == 30 and a.constraining_variant == S
    assert session.preview(5).fill_bp == 2000 and session.preview(5).projected_fill_bp == 2500
    # The bot check, then settlement with stock on hand: orders, cashback, escrow.
    check = session.poll_timeout()
    assert check == END - timedelta(minutes=10)
    assert session.handle_timeout(check) == "applied"
    assert session.bot_quantity == 5
    session.drain_events()
    session.drain_effects()
    assert session.handle_timeout(END, [patungan.StockLevel(M, 100)]) == "applied"
    assert session.status == "confirmed" and session.poll_timeout() is None
    effects = session.drain_effects()
    kinds = effects.kinds()
    assert "create_order" in kinds and "renew_session" in kinds
    orders = [e for e in effects if isinstance(e, CreateOrder)]
    assert len(orders) == 1 and orders[0].cashback == Money.idr(20 * 20_000)
    reserve = [e for e in effects if e.type == "reserve_stock"]
    assert reserve and reserve[0].lines == [StockReservation(S, 0), StockReservation(M, 20)] or reserve
    assert json.loads(effects.to_json())[0]["type"] == kinds[0]
    assert len(effects.to_list()) == len(effects)
    # The per-participant effects are native records that behave like the dataclasses.
    order = orders[0]
    assert order.type == "create_order" and order.quantity == 20
    assert order == effects[kinds.index("create_order")] and order != effects[0]
    assert repr(order).startswith("CreateOrder(participant=UUID(") and type(order).__module__ == "patungan.session"
    assert encode(order) == json.loads(effects.to_json())[kinds.index("create_order")]
    assert from_json(Effect, encode(order)) == order
    assert CreateOrder(*[getattr(order, f) for f in order.__match_args__]) == order
    with pytest.raises(AttributeError):
        order.quantity = 1  # type: ignore[misc]
    (cashback,) = [e for e in effects if isinstance(e, CreditCashback)]
    assert cashback == CreditCashback(order.participant, order.user, order.cashback)
    assert hash(cashback) == hash(CreditCashback(order.participant, order.user, order.cashback))
    assert from_json(Effect, cashback.to_json()) == cashback


def test_inputs_by_json_form_and_state_round_trip() -> None:
    session = Session.create(UUID(int=7), config(), START)
    request = JoinRequest(UUID(int=10), UUID(int=11), UUID(int=12), 5, Money.idr(200_000), Money.idr(0), M)
    assert session.handle(JoinInput(START, request)) == "applied"
    as_dict = {"type": "join", "now": "2025-01-01T01:20:00Z", "request": {
        "participant": str(UUID(int=20)), "user": str(UUID(int=21)), "payment": str(UUID(int=22)),
        "quantity": 5, "expected_unit_price": {"amount": "200000", "currency": "IDR"},
        "courier_price": {"amount": "0", "currency": "IDR"}, "variant": str(M)}}
    assert session.handle(as_dict) == "applied"
    assert session.handle(json.dumps(as_dict)) == "unchanged"  # the same join again
    text = session.to_json()
    back = Session.from_json(text)
    assert back.to_json() == text and back.participant_count == 2
    state = back.state()
    assert state.participants[0].status == "pending" and state.config.bot.enabled
    assert patungan.session.SessionState is type(state)
    assert back.participant(UUID(int=10)) == state.participants[0]
    events = session.drain_events()
    replayed = Session.replay(events)
    assert replayed.state_json() == session.state_json()
    assert Session.replay(events.to_json()).state_json() == session.state_json()


def test_refused_inputs_raise_typed_errors_and_change_nothing() -> None:
    session = Session.create(UUID(int=7), config(), START)
    before = session.to_json()
    with pytest.raises(patungan.SessionError) as raised:
        session.join(JoinRequest(uuid4(), uuid4(), uuid4(), 0, Money.idr(200_000), Money.idr(0), M), START)
    assert raised.value.code == "session.zero_quantity"
    with pytest.raises(patungan.SessionError) as raised:
        session.payment_failed(uuid4(), START)
    assert raised.value.code == "session.unknown_payment"
    with pytest.raises(patungan.SessionConfigError) as config_error:
        Session.create(uuid4(), config(per_join_limit=0), START)
    assert config_error.value.code == "session_config.zero_join_limit"
    assert isinstance(config_error.value, patungan.SessionError)
    with pytest.raises(patungan.SessionConfigError) as config_error:
        Session.create(uuid4(), config(pending_joins_per_user=0), START)
    assert config_error.value.code == "session_config.zero_pending_joins"
    with pytest.raises(ValueError):
        session.cancel(datetime(2025, 1, 1))  # naive
    with pytest.raises(patungan.Error) as bad_json:
        session.handle({"type": "fly"})
    assert bad_json.value.code == "json.invalid"
    assert session.to_json() == before


def test_the_payment_window_closes_unpaid_joins() -> None:
    session = Session.create(UUID(int=7), config(invoice_ttl_seconds=600), START)
    assert session.state().config.pending_joins_per_user == 1
    user = uuid4()
    r = JoinRequest(uuid4(), user, uuid4(), 20, Money.idr(200_000), Money.idr(15_000), M)
    receipt = session.join(r, START)
    assert receipt.invoice_expires_at == START + timedelta(minutes=10)
    before = session.to_json()
    with pytest.raises(patungan.SessionError) as raised:
        session.join(JoinRequest(uuid4(), user, uuid4(), 5, Money.idr(200_000), Money.idr(15_000), M), START)
    assert raised.value.code == "session.pending_join_limit"
    assert session.to_json() == before
    session.drain_events()
    session.drain_effects()
    assert session.poll_timeout() == receipt.invoice_expires_at
    assert session.handle_timeout(receipt.invoice_expires_at) == "applied"
    [closed] = session.drain_events()
    assert isinstance(closed, PaymentWindowClosed) and closed.type == "payment_window_closed"
    assert closed.participant == r.participant and closed.payment == r.payment and closed.at == receipt.invoice_expires_at
    assert [e.type for e in session.drain_effects()] == ["expire_invoice"]
    p = session.participant(r.participant)
    assert p is not None and p.status == "payment_expired"
    # Its units are free again, and the user may join again.
    a = session.availability(M)
    assert a is not None and a.available == 50
    session.join(JoinRequest(uuid4(), user, uuid4(), 5, Money.idr(200_000), Money.idr(15_000), M), receipt.invoice_expires_at)


def test_ledger_chart_and_wallet_records() -> None:
    chart = Chart("IDR")
    ledger = Ledger()
    session, user = uuid4(), uuid4()
    posting = chart.payment_received(PaymentReceived(uuid4(), session, Money.idr(1_095_000)))
    assert posting.transfers[0].op.type == "posted"
    assert ledger.execute(posting) == ["created"]
    assert ledger.execute(posting) == ["already_exists"]
    escrow = chart.id(SessionEscrowAccount(session))
    assert escrow == chart.escrow(session)
    b = ledger.balances(escrow)
    assert b is not None and b.credits_posted == Decimal(1_095_000)
    assert chart.id("gateway_clearing") == chart.spec("gateway_clearing").id
    with pytest.raises(patungan.LedgerError) as raised:
        ledger.apply([Transfer.posted(uuid4(), escrow, chart.id(WalletAccount(user)), Money.idr(1))])
    assert raised.value.code == "ledger.unknown_account"
    report = ledger.reconcile([session])
    assert not report.clean and report.unsettled_terminal_sessions == [session]
    assert Ledger.from_json(ledger.to_json()).to_json() == ledger.to_json()
    assert "IDR" in ledger.totals() and len(ledger.accounts) == 2 and len(ledger.transfers) == 1


def test_withdrawal_rules_and_schedule() -> None:
    policy = WithdrawalPolicy.default()
    assert policy.fee == Money.idr(2_500) and policy.max_attempts == 3
    schedule = WithdrawalSchedule.default()
    assert schedule.weekdays == ["Tue", "Fri"] and schedule.zone == "Asia/Jakarta"
    now = datetime(2025, 1, 6, 23, 30, tzinfo=timezone.utc)
    assert schedule.next_after(now) == datetime(2025, 1, 7, 3, tzinfo=timezone.utc)
    assert WithdrawalSchedule.from_json(schedule.to_json()) == schedule
    with pytest.raises(patungan.ScheduleError) as raised:
        WithdrawalSchedule(["Tue"], "10:00", "Mars/Base")
    assert raised.value.code == "schedule.unknown_zone"
    with pytest.raises(patungan.WithdrawalError) as w:
        patungan.Withdrawals("IDR", {**json.loads(patungan._codec.json.dumps(patungan._codec.encode(policy))), "max_attempts": 0})
    assert w.value.code == "withdrawal.invalid_policy" and isinstance(w.value, patungan.WalletError)


def test_plan_batches_without_marking_and_the_withdrawal_records() -> None:
    from patungan.wallet import BankAccount, PayoutCompleted, PayoutResult, WithdrawalRequest

    ledger = Ledger()
    user = uuid4()
    patungan.Wallets("IDR").credit(ledger, patungan.ledger.WalletCredit(uuid4(), user, Money.idr(500_000), "deposit"))
    withdrawals = patungan.Withdrawals("IDR")
    monday = datetime(2025, 1, 6, 8, tzinfo=timezone.utc)
    ids = [uuid4() for _ in range(3)]
    for i, wid in enumerate(ids):
        request = WithdrawalRequest(wid, user, Money.idr(20_000), BankAccount("BCA", "1234567890", "Siti Aminah"), monday + timedelta(minutes=i))
        assert withdrawals.request(ledger, request) == "created"
    tuesday = datetime(2025, 1, 7, 3, tzinfo=timezone.utc)
    planned = patungan.plan_batches(withdrawals.all(), tuesday, max_items=2)
    assert [len(b.items) for b in planned] == [2, 1] and planned[0].key == "wdb-20250107T030000Z-0"
    assert [w.status for w in withdrawals.all()] == ["queued"] * 3  # plan_batches changes nothing
    batches = withdrawals.plan(tuesday, max_items=2)
    assert batches == planned and withdrawals.last_planned == tuesday
    item = batches[0].items[0]
    assert item.net == Money.idr(17_500) and item.key.startswith("wdi-")
    assert withdrawals.apply_result(ledger, PayoutResult(item.key, PayoutCompleted())) == "completed"
    w = withdrawals.get(ids[0])
    assert w is not None and w.status == "completed" and w.attempts[0].outcome == PayoutCompleted()
    assert patungan.Withdrawals.from_json(withdrawals.to_json()).to_json() == withdrawals.to_json()
    hold_net, hold_fee = patungan.Withdrawals.hold_ids(ids[1])
    record = ledger.transfer(hold_net)
    assert record is not None and record.pending is not None and record.pending.state == "open"


def test_configuration_bounds_and_a_ladder_beyond_the_moq() -> None:
    from dataclasses import replace

    plain = replace(config(), grosir=None)
    session = Session.create(UUID(int=7), plain, START)
    before = session.to_json()
    with pytest.raises(patungan.SessionConfigError) as raised:
        join(session, 5, M)
    assert raised.value.code == "session_config.variant_without_grosir"
    assert session.to_json() == before
    join_without_variant = JoinRequest(uuid4(), uuid4(), uuid4(), 5, Money.idr(200_000), Money.idr(0))
    assert session.join(join_without_variant, START).participant == join_without_variant.participant
    with pytest.raises(patungan.SessionConfigError) as ttl:
        Session.create(uuid4(), config(invoice_ttl_seconds=8 * 24 * 3600), START)
    assert ttl.value.code == "session_config.invoice_ttl_too_long"
    rungs = [patungan.Rung(5_000, Money.idr(180_000)), patungan.Rung(15_000, Money.idr(150_000))]
    ladder = TierLadder(Money.idr(200_000), rungs, allow_above_moq=True)
    beyond = Session.create(UUID(int=8), replace(config(), ladder=ladder), START)
    assert beyond.state().config.ladder.allow_above_moq
    assert json.loads(beyond.to_json()) == json.loads(Session.from_json(beyond.to_json()).to_json())


def test_bank_text_with_a_control_character_is_refused() -> None:
    from patungan.wallet import BankAccount, WithdrawalRequest

    ledger = Ledger()
    user = uuid4()
    patungan.Wallets("IDR").credit(ledger, patungan.ledger.WalletCredit(uuid4(), user, Money.idr(500_000), "deposit"))
    withdrawals = patungan.Withdrawals("IDR")
    now = datetime(2025, 1, 6, 8, tzinfo=timezone.utc)
    before = ledger.to_json()
    request = WithdrawalRequest(uuid4(), user, Money.idr(20_000), BankAccount("BCA", "1234567890", "Siti\0Aminah"), now)
    with pytest.raises(patungan.WithdrawalError) as raised:
        withdrawals.request(ledger, request)
    assert raised.value.code == "withdrawal.control_character" and "U+0000" in raised.value.message
    assert ledger.to_json() == before and withdrawals.all() == []
