"""The core's golden vectors, run through the Python binding.

Same semantics as ``core/tests/pricing_vectors.rs``: inputs go through the public
constructors; ``op=preview`` compares the listed subset of the Preview, other cases
the whole result; an ``error`` case must raise a ``patungan.Error`` with that code.
Decimal strings are compared exactly.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable, Dict

import pytest

from conftest import cost_json, load_cases, money_json, preview_json, record
from patungan import BotPolicy, CostBreakdown, Error, JoinCostInput, Money, Rung, TierLadder

TIER = load_cases("tier.json")
BOT = load_cases("bot.json")
COST = load_cases("cost.json")


def money(v: Dict[str, str]) -> Money:
    m = Money(v["amount"], v["currency"])
    assert isinstance(m.amount, Decimal)
    return m


def ladder(v: Dict[str, Any]) -> TierLadder:
    group = money(v["group_price"])
    rungs = [Rung(r["threshold"], money(r["unit_price"])) for r in v["rungs"]]
    return TierLadder(group, rungs)


def check(case: Dict[str, Any], run: Callable[[], Any], key: str, subset: bool = False) -> None:
    if "error" in case:
        with pytest.raises(Error) as raised:
            run()
        assert raised.value.code == case["error"]
        assert str(raised.value), "errors carry the core's message"
        record(key, {"error": raised.value.code})
        return
    actual = run()
    record(key, actual)
    if subset:
        for key, want in case["expect"].items():
            assert actual[key] == want, key
    else:
        assert actual == case["expect"]


@pytest.mark.parametrize("case", TIER, ids=[c["name"] for c in TIER])
def test_tier(case: Dict[str, Any]) -> None:
    if case["op"] == "preview":
        check(
            case,
            lambda: preview_json(
                ladder(case["ladder"]).preview(case["moq"], case["filled"], case["extra"])
            ),
            f"tier.json#{case['name']}",
            subset=True,
        )
    elif case["op"] == "cashback":
        check(
            case,
            lambda: money_json(
                ladder(case["ladder"]).cashback(case["moq"], case["filled"], case["quantity"])
            ),
            f"tier.json#{case['name']}",
        )
    else:
        pytest.fail(f"unknown op {case['op']}")


@pytest.mark.parametrize("case", BOT, ids=[c["name"] for c in BOT])
def test_bot(case: Dict[str, Any]) -> None:
    p = case["policy"]

    def run() -> int:
        policy = BotPolicy(p["enabled"], p["target_bp"], p["window_seconds"])
        return policy.top_up(case["moq"], case["paid_real"], case["existing_bot"])

    check(case, run, f"bot.json#{case['name']}")


@pytest.mark.parametrize("case", COST, ids=[c["name"] for c in COST])
def test_cost(case: Dict[str, Any]) -> None:
    i = case["input"]

    def run() -> Dict[str, Any]:
        group_price = money(i["group_price"])
        bulk = money(i["bulk_shipping_cost"])
        courier = money(i["courier_price"])
        join = JoinCostInput(
            quantity=i["quantity"],
            group_price=group_price,
            moq=i["moq"],
            bulk_shipping_cost=bulk,
            courier_price=courier,
            gateway_fee_rate_bp=i["gateway_fee_rate"],
        )
        return cost_json(CostBreakdown.for_join(join))

    check(case, run, f"cost.json#{case['name']}")


def test_every_vector_file_of_this_surface_is_run() -> None:
    assert len(TIER) >= 30 and len(BOT) >= 10 and len(COST) >= 5
