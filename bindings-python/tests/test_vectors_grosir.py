"""availability.json and warehouse_plan.json through the Python binding.

Same semantics as ``core/tests/grosir_vectors.rs``: the bundle is built through the
public constructor from typed records, each query's ``Availability`` record is
encoded back to the core's JSON form and compared exactly, ``join_checks`` ask
``allows``, and ``production`` compares bundles, produced, excess and flags.
"""

from __future__ import annotations

from typing import Any, Dict
from uuid import UUID

import pytest

from conftest import load_cases, record
from patungan import Error, GrosirConfig, Money, VariantBundle, WarehousePlan
from patungan._codec import encode, from_json

AVAILABILITY = load_cases("availability.json")
PLANS = load_cases("warehouse_plan.json")


def bundle(v: Dict[str, Any]) -> GrosirConfig:
    return GrosirConfig([from_json(VariantBundle, b) for b in v["variants"]])


def money(v: Dict[str, str]) -> Money:
    return Money(v["amount"], v["currency"])


@pytest.mark.parametrize("case", AVAILABILITY, ids=[c["name"] for c in AVAILABILITY])
def test_availability(case: Dict[str, Any]) -> None:
    name = case["name"]
    config = bundle(case["bundle"])
    orders = case["orders"]
    for i, query in enumerate(case["queries"]):
        key = f"availability.json#{name}#query{i}"
        variant = UUID(query["variant"])
        if "expect_error" in query:
            with pytest.raises(Error) as raised:
                config.availability(variant, orders)
            assert raised.value.code == query["expect_error"]
            record(key, {"error": raised.value.code})
            continue
        a = config.availability(variant, orders)
        actual = encode(a)
        record(key, actual)
        assert actual == query["expect"]
        assert a.locked == (a.available == 0)
    for i, check in enumerate(case.get("join_checks", [])):
        a = config.availability(UUID(check["variant"]), orders)
        allowed = a.allows(check["quantity"])
        record(f"availability.json#{name}#join{i}", allowed)
        assert allowed == check["allowed"], check
    if "production" in case:
        p = config.production(orders)
        actual = {
            "bundles": p.bundles,
            "produced": [l.produced for l in p.lines],
            "excess": [l.excess for l in p.lines],
            "over_tolerance": [l.over_tolerance for l in p.lines],
        }
        record(f"availability.json#{name}#production", actual)
        assert actual == case["production"]


@pytest.mark.parametrize("case", PLANS, ids=[c["name"] for c in PLANS])
def test_warehouse_plan(case: Dict[str, Any]) -> None:
    config = bundle(case["bundle"])
    plan = WarehousePlan.compute(
        case["demand"], case["stock"], config, money(case["unit_cost"]), money(case["leg1_shipping"])
    )
    actual = encode(plan)
    record(f"warehouse_plan.json#{case['name']}", actual)
    expect = case["expect"]
    assert actual == expect
    assert plan.needs_purchase() == (plan.bundles > 0)
    for line in plan.lines:
        assert line.stock + line.to_receive >= line.demand
    # The expected plan decodes into the same record.
    assert from_json(WarehousePlan, expect) == plan


def test_bad_bundles_raise_grosir_errors() -> None:
    with pytest.raises(Error) as raised:
        GrosirConfig([])
    assert raised.value.code == "grosir.no_variants"
    v = UUID(int=1)
    with pytest.raises(Error) as raised:
        GrosirConfig([VariantBundle(v, 1, 0), VariantBundle(v, 2, 0)])
    assert raised.value.code == "grosir.duplicate_variant"
