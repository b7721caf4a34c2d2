"""The Python surface of the chart's suspense account: money collected under a payment
anomaly is booked to suspense and refunded out of it (the core's recipes)."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

import pytest

import patungan
from patungan import Ledger, Money
from patungan.ledger import Chart, SuspenseRefund, derive_uuid

ANOMALY = UUID("5f0c2a4e-8f1d-4c1b-9a57-2d8e3b6c7a10")
USER = UUID(int=7)
# Pinned: transfer ids are idempotency keys and must never change. The Node test
# (api-ledger.test.mjs) expects the same ids; every binding derives them in the core.
SUSPENSE_RECEIVED_ID = UUID("7653c90f-f468-89d4-901e-c4094a62fcd8")
SUSPENSE_REFUND_1_ID = UUID("d8f18a9a-0d6d-86c7-8d34-33199069bec6")


def opened() -> tuple[Chart, Ledger]:
    chart, ledger = Chart("IDR"), Ledger()
    for spec in chart.platform_accounts():
        assert ledger.open(spec) == "created"
    return chart, ledger


def test_platform_accounts_end_with_suspense() -> None:
    accounts = Chart("IDR").platform_accounts()
    assert len(accounts) == 10
    suspense = accounts[-1]
    assert suspense.kind == "suspense" and suspense.entity == "platform"
    assert suspense.limit == "debits_must_not_exceed_credits"
    assert suspense.id == Chart("IDR").id("suspense") == Chart("IDR").spec("suspense").id
    factory = Chart("IDR").spec("factory_payable")
    assert factory in accounts and factory.kind == "payable" and factory.entity == "external"
    supplier = Chart("IDR").spec("supplier_payouts")
    assert supplier in accounts and supplier.entity == "external"


def test_suspense_transfer_ids_are_the_core_derivation() -> None:
    chart = Chart("IDR")
    assert chart.suspense_transfer_id(ANOMALY) == derive_uuid(ANOMALY, 0xB401 << 32)
    assert chart.suspense_refund_transfer_id(ANOMALY, 1) == derive_uuid(ANOMALY, 0xB402 << 32 | 1)
    assert chart.suspense_refund_transfer_id(ANOMALY, 2) != chart.suspense_refund_transfer_id(ANOMALY, 1)
    assert chart.suspense_transfer_id(ANOMALY) == SUSPENSE_RECEIVED_ID
    assert chart.suspense_refund_transfer_id(ANOMALY, 1) == SUSPENSE_REFUND_1_ID


def test_suspense_received_books_clearing_to_suspense_once() -> None:
    chart, ledger = opened()
    posting = chart.suspense_received(ANOMALY, Money.idr(150_000))
    assert [a.kind for a in posting.accounts] == ["clearing", "suspense"]
    (transfer,) = posting.transfers
    assert transfer.id == chart.suspense_transfer_id(ANOMALY) and transfer.code == "suspense_received"
    assert transfer.op.type == "posted" and transfer.op.amount == Money.idr(150_000)
    assert transfer.op.debit_account == chart.id("gateway_clearing")
    assert transfer.op.credit_account == chart.id("suspense")
    assert ledger.execute(posting) == ["created"]
    assert ledger.execute(posting) == ["already_exists"]  # a replayed callback
    balances = ledger.balances(chart.id("suspense"))
    assert balances is not None and balances.credits_posted == Decimal(150_000)


def test_suspense_refund_to_the_original_method_and_its_settlement() -> None:
    chart, ledger = opened()
    ledger.execute(chart.suspense_received(ANOMALY, Money.idr(150_000)))
    first = chart.suspense_refund(SuspenseRefund(ANOMALY, 1, USER, Money.idr(150_000), "original_method"))
    (hold,) = first.transfers
    assert hold.id == chart.suspense_refund_transfer_id(ANOMALY, 1) and hold.code == "refund"
    assert hold.op.type == "pending" and hold.op.debit_account == chart.id("suspense")
    ledger.execute(first)
    failed = chart.suspense_refund_settled(ANOMALY, 1, "failed")
    assert failed.accounts == [] and failed.transfers[0].op.type == "void_pending"
    ledger.execute(failed)
    suspense = chart.id("suspense")
    b = ledger.balances(suspense)
    assert b is not None and b.debits_pending == 0 and b.credits_posted - b.debits_posted == 150_000
    # The second attempt, given as plain JSON-form data, is confirmed: suspense is empty.
    second = {"anomaly": str(ANOMALY), "attempt": 2, "user": str(USER), "amount": {"amount": "150000", "currency": "IDR"}, "destination": "original_method"}
    ledger.execute(chart.suspense_refund(second))
    confirmed = chart.suspense_refund_settled(ANOMALY, 2, "confirmed")
    assert confirmed.transfers[0].op.type == "post_pending"
    assert confirmed.transfers[0].op.pending_id == chart.suspense_refund_transfer_id(ANOMALY, 2)
    ledger.execute(confirmed)
    b = ledger.balances(suspense)
    assert b is not None and b.credits_posted == b.debits_posted == 150_000 and b.debits_pending == 0
    ledger.verify()


def test_suspense_refund_to_the_wallet_is_posted_at_once() -> None:
    chart, ledger = opened()
    ledger.execute(chart.suspense_received(ANOMALY, Money.idr(40_000)))
    posting = chart.suspense_refund(SuspenseRefund(ANOMALY, 1, USER, Money.idr(40_000), "wallet"))
    assert posting.transfers[0].op.type == "posted"
    assert posting.transfers[0].op.credit_account == chart.wallet(USER)
    assert ledger.execute(posting) == ["created"]
    wallet = ledger.balances(chart.wallet(USER))
    assert wallet is not None and wallet.credits_posted == 40_000


def test_suspense_refund_is_refused_beyond_what_suspense_holds() -> None:
    chart, ledger = opened()
    ledger.execute(chart.suspense_received(ANOMALY, Money.idr(10_000)))
    before = ledger.to_json()
    with pytest.raises(patungan.LedgerError) as raised:
        ledger.execute(chart.suspense_refund(SuspenseRefund(ANOMALY, 1, USER, Money.idr(10_001), "wallet")))
    assert raised.value.code.startswith("ledger.")
    assert ledger.to_json() == before


def test_suspense_recipe_inputs_are_validated() -> None:
    chart = Chart("IDR")
    with pytest.raises(patungan.Error) as raised:
        chart.suspense_refund_settled(ANOMALY, 1, "maybe")  # type: ignore[arg-type]
    assert raised.value.code == "json.invalid"
    with pytest.raises(patungan.Error) as bad:
        chart.suspense_refund({"anomaly": str(ANOMALY), "attempt": 1})
    assert bad.value.code == "json.invalid"
    with pytest.raises(TypeError):
        chart.suspense_received(ANOMALY, 150_000)  # type: ignore[arg-type]
