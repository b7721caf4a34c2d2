"""withdrawal.json and schedule.json through the Python binding.

Same semantics as ``core/tests/withdrawal_vectors.rs``: each withdrawal case runs
its steps against one ``Ledger`` and one ``Withdrawals`` (policy, schedule and batch
size from the case); inputs are typed records; a refused step must leave the ledger
and the withdrawals unchanged; the ledger's invariants are re-checked after every
step. Schedules are built through the public constructor so that bad ones raise
their ``schedule.*`` code; ``last_at_or_before`` / ``next_after`` compare exactly.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, Dict, List, Optional

import pytest

from conftest import VECTORS, record
from patungan import Error, Ledger
from patungan._codec import encode, from_json
from patungan._native import parse_instant
from patungan.ledger import Chart, ChartAccount, WalletCredit
from patungan.wallet import (
    PayoutResult,
    Wallets,
    WithdrawalPolicy,
    WithdrawalRequest,
    WithdrawalSchedule,
    Withdrawals,
)
from uuid import UUID

WITHDRAWALS: List[Dict[str, Any]] = json.loads((VECTORS / "withdrawal.json").read_text("utf-8"))["cases"]
SCHEDULES: List[Dict[str, Any]] = json.loads((VECTORS / "schedule.json").read_text("utf-8"))["cases"]


def schedule(v: Optional[Dict[str, Any]]) -> WithdrawalSchedule:
    if v is None:
        return WithdrawalSchedule.default()
    return WithdrawalSchedule(v["weekdays"], v["local_time"], v["zone"])


class Run:
    def __init__(self, case: Dict[str, Any]) -> None:
        self.currency = case["currency"]
        self.chart = Chart(self.currency)
        self.ledger = Ledger()
        policy = from_json(WithdrawalPolicy, case["policy"]) if "policy" in case else None
        self.withdrawals = Withdrawals(self.currency, policy)
        self.wallets = Wallets(self.currency)
        self.schedule = schedule(case.get("schedule"))
        self.max_items: int = case.get("max_items", 1000)

    def snapshot(self) -> str:
        return self.ledger.to_json() + self.withdrawals.to_json()

    def step(self, step: Dict[str, Any]) -> Any:
        op = step["op"]
        if op == "credit":
            return self.wallets.credit(self.ledger, from_json(WalletCredit, step["credit"]))
        if op == "request":
            request = from_json(WithdrawalRequest, step["request"])
            outcome = self.withdrawals.request(self.ledger, request)
            w = self.withdrawals.get(request.id)
            assert w is not None
            return {"outcome": outcome, "fee": encode(w.fee), "net": encode(w.net)}
        if op == "plan":
            batches = self.withdrawals.plan(parse_instant(step["now"]), self.schedule, self.max_items)
            return [{"key": b.key, "items": [{"key": i.key, "net": encode(i.net)} for i in b.items]} for b in batches]
        if op == "result":
            return self.withdrawals.apply_result(self.ledger, from_json(PayoutResult, step["result"]))
        if op == "reverse":
            return self.withdrawals.reverse(self.ledger, UUID(step["withdrawal"]))
        if op == "wallet":
            b = self.wallets.balance(self.ledger, UUID(step["user"]))
            return {"posted": encode(b.posted), "held": encode(b.held), "available": encode(b.available)}
        if op == "withdrawal":
            w = self.withdrawals.get(UUID(step["withdrawal"]))
            assert w is not None
            return {"status": w.status, "attempts": len(w.attempts), "failure_code": w.failure_code}
        if op == "balances":
            out = []
            for line in step["expect"]:
                account: ChartAccount = from_json(ChartAccount, line["account"])
                out.append({"account": line["account"], "balances": encode(self.ledger.balances(self.chart.id(account)))})
            return out
        raise AssertionError(f"unknown op {op}")


def numeric(lines: Any) -> List[Optional[Dict[str, Decimal]]]:
    return [None if l["balances"] is None else {k: Decimal(v) for k, v in l["balances"].items()} for l in lines]


@pytest.mark.parametrize("case", WITHDRAWALS, ids=[c["name"] for c in WITHDRAWALS])
def test_withdrawal_case(case: Dict[str, Any]) -> None:
    run = Run(case)
    for i, step in enumerate(case["steps"]):
        at = f"{case['name']} step {i} ({step['op']})"
        key = f"withdrawal.json#{case['name']}#{i}"
        before = run.snapshot()
        if "error" in step:
            with pytest.raises(Error) as raised:
                run.step(step)
            assert raised.value.code == step["error"], at
            assert run.snapshot() == before, f"{at}: refused step changed state"
            record(key, {"error": raised.value.code})
        else:
            actual = run.step(step)
            record(key, actual)
            if step["op"] == "balances":
                assert numeric(actual) == numeric(step["expect"]), at
            else:
                assert actual == step["expect"], at
        run.ledger.verify()


@pytest.mark.parametrize("case", SCHEDULES, ids=[c["name"] for c in SCHEDULES])
def test_schedule_case(case: Dict[str, Any]) -> None:
    key = f"schedule.json#{case['name']}"
    if "error" in case:
        with pytest.raises(Error) as raised:
            schedule(case.get("schedule"))
        assert raised.value.code == case["error"]
        record(key, {"error": raised.value.code})
        return
    s = schedule(case.get("schedule"))
    now = parse_instant(case["now"])
    actual = {
        "last_at_or_before": encode(s.last_instant_at_or_before(now)),
        "next_after": encode(s.next_after(now)),
    }
    record(key, actual)
    assert actual == {"last_at_or_before": case["last_at_or_before"], "next_after": case["next_after"]}


def test_enough_steps() -> None:
    assert sum(len(c["steps"]) for c in WITHDRAWALS) > 50 and len(SCHEDULES) >= 10
