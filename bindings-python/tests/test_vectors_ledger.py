"""ledger.json through the Python binding.

Same semantics as ``core/tests/ledger_vectors.rs``: each case runs its steps against
one ``Ledger`` and the ``Chart`` of its currency. Inputs are decoded into typed
records (money through ``Money``, so bad amounts raise their ``money.*`` code as the
Rust runner's ``check_money`` does); a refused step must leave the ledger's JSON
unchanged; balances compare numerically, everything else exactly; the ledger's
invariants are re-checked after every step.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, Callable, Dict, List, Optional
from uuid import UUID

import pytest

from conftest import VECTORS, record
from patungan import CostBreakdown, Error, JoinCostInput, Ledger, Money
from patungan._codec import encode, from_json
from patungan.ledger import (
    AccountSpec,
    Chart,
    ChartAccount,
    LatePayment,
    PaymentReceived,
    Posting,
    Refund,
    RefundSettlement,
    SuccessSplit,
    Transfer,
    WalletCredit,
    WalletDebit,
    derive_uuid,
)

DOC = json.loads((VECTORS / "ledger.json").read_text("utf-8"))
CASES: List[Dict[str, Any]] = DOC["cases"]

RECIPES: Dict[str, Callable[[Chart, Any], Posting]] = {
    "payment_received": lambda c, v: c.payment_received(from_json(PaymentReceived, v)),
    "success_split": lambda c, v: c.success_split(from_json(SuccessSplit, v)),
    "refund": lambda c, v: c.refund(from_json(Refund, v)),
    "refund_settled": lambda c, v: c.refund_settled(from_json(RefundSettlement, v)),
    "late_payment_refund": lambda c, v: c.late_payment_refund(from_json(LatePayment, v)),
    "wallet_credit": lambda c, v: c.wallet_credit(from_json(WalletCredit, v)),
    "wallet_debit": lambda c, v: c.wallet_debit(from_json(WalletDebit, v)),
}


def money(v: Dict[str, str]) -> Money:
    return Money(v["amount"], v["currency"])


def account_id(chart: Chart, v: Any) -> UUID:
    """An account named by uuid or by its place in the chart (untagged, uuid first)."""
    if isinstance(v, str):
        try:
            return UUID(v)
        except ValueError:
            pass
    account: ChartAccount = from_json(ChartAccount, v)
    return chart.id(account)


def run_step(chart: Chart, ledger: Ledger, step: Dict[str, Any]) -> Any:
    op = step["op"]
    if op == "open":
        return ledger.open(from_json(AccountSpec, step["account"]))
    if op == "apply":
        transfers = [from_json(Transfer, t) for t in step["transfers"]]
        return ledger.apply(transfers)
    if op == "recipe":
        posting = RECIPES[step["recipe"]](chart, step["input"])
        return ledger.execute(posting)
    if op == "split_from_cost":
        c = step["cost"]
        cost = CostBreakdown.for_join(
            JoinCostInput(
                quantity=c["quantity"],
                group_price=money(c["group_price"]),
                moq=c["moq"],
                bulk_shipping_cost=money(c["bulk_shipping_cost"]),
                courier_price=money(c["courier_price"]),
                gateway_fee_rate_bp=c["gateway_fee_rate"],
            )
        )
        split = SuccessSplit.from_cost(
            UUID(step["participant"]), UUID(step["session"]), UUID(step["user"]), cost, money(step["final_unit_price"])
        )
        return encode(split)
    if op == "balances":
        out = []
        for line in step["expect"]:
            b = ledger.balances(account_id(chart, line["account"]))
            out.append({"account": line["account"], "balances": encode(b)})
        return out
    if op == "reconcile":
        report = ledger.reconcile([UUID(s) for s in step["terminal_sessions"]])
        return {
            "clean": report.clean,
            "unsettled_terminal_sessions": [str(s) for s in report.unsettled_terminal_sessions],
            "sessions": [
                {
                    "session": str(s.session),
                    "paid_in": encode(s.paid_in),
                    "paid_out": encode(s.paid_out),
                    "pending_out": encode(s.pending_out),
                    "balance": encode(s.balance),
                    "settled": s.settled,
                }
                for s in report.sessions
            ],
        }
    raise AssertionError(f"unknown op {op}")


def numeric(lines: Any) -> List[Optional[Dict[str, Decimal]]]:
    return [
        None if l["balances"] is None else {k: Decimal(v) for k, v in l["balances"].items()} for l in lines
    ]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_ledger_case(case: Dict[str, Any]) -> None:
    name = case["name"]
    chart = Chart(case["currency"])
    ledger = Ledger()
    for i, step in enumerate(case["steps"]):
        at = f"{name} step {i} ({step['op']})"
        key = f"ledger.json#{name}#{i}"
        before = ledger.to_json()
        if "error" in step:
            with pytest.raises(Error) as raised:
                run_step(chart, ledger, step)
            assert raised.value.code == step["error"], at
            assert ledger.to_json() == before, f"{at}: refused step changed state"
            record(key, {"error": raised.value.code})
        else:
            actual = run_step(chart, ledger, step)
            record(key, actual)
            if step["op"] == "balances":
                assert numeric(actual) == numeric(step["expect"]), at
            else:
                assert actual == step["expect"], at
        ledger.verify()


def test_derived_chart_and_transfer_ids() -> None:
    for i, v in enumerate(DOC["derived_ids"]):
        got = derive_uuid(UUID(v["base"]), v["purpose"])
        record(f"ledger.json#derived_ids#{i}", str(got))
        assert str(got) == v["expect"]
    for i, v in enumerate(DOC["chart_ids"]):
        got = Chart(v["currency"]).id(from_json(ChartAccount, v["account"]))
        record(f"ledger.json#chart_ids#{i}", str(got))
        assert str(got) == v["expect"]
    for i, v in enumerate(DOC["transfer_ids"]):
        posting = RECIPES[v["recipe"]](Chart(v["currency"]), v["input"])
        ids = [str(t.id) for t in posting.transfers]
        record(f"ledger.json#transfer_ids#{i}", ids)
        assert ids == v["expect"]
    assert sum(len(c["steps"]) for c in CASES) > 50
