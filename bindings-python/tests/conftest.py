"""Shared helpers: where the golden vectors live and how typed results become JSON."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest

from patungan import CostBreakdown, Money, Preview, RungView

VECTORS = Path(
    os.environ.get(
        "PATUNGAN_VECTORS",
        Path(__file__).resolve().parents[2] / "core" / "tests" / "vectors",
    )
)


def load_cases(name: str) -> List[Dict[str, Any]]:
    """The ``cases`` of one golden vector file."""
    cases: List[Dict[str, Any]] = json.loads((VECTORS / name).read_text("utf-8"))["cases"]
    assert cases, f"{name} has no cases"
    return cases


def money_json(m: Money) -> Dict[str, str]:
    """The core's serde form of money, built from the Python object (a Decimal)."""
    return {"amount": str(m.amount), "currency": m.currency}


def rung_json(r: Optional[RungView]) -> Optional[Dict[str, Any]]:
    if r is None:
        return None
    return {"index": r.index, "threshold": r.threshold_bp, "unit_price": money_json(r.unit_price)}


def preview_json(p: Preview) -> Dict[str, Any]:
    """Every field of a Preview, read through the typed Python properties."""
    at_next = p.saving_per_unit_at_next_rung
    return {
        "moq": p.moq,
        "filled_quantity": p.filled_quantity,
        "extra_quantity": p.extra_quantity,
        "fill_bp": p.fill_bp,
        "current_rung": rung_json(p.current_rung),
        "current_unit_price": money_json(p.current_unit_price),
        "saving_per_unit_now": money_json(p.saving_per_unit_now),
        "projected_fill_bp": p.projected_fill_bp,
        "price_if_closed_now": money_json(p.price_if_closed_now),
        "next_rung": rung_json(p.next_rung),
        "units_to_next_rung": p.units_to_next_rung,
        "saving_per_unit_at_next_rung": None if at_next is None else money_json(at_next),
    }


def cost_json(c: CostBreakdown) -> Dict[str, Any]:
    return {
        "quantity": c.quantity,
        "product": money_json(c.product),
        "leg1_per_unit": money_json(c.leg1_per_unit),
        "leg1": money_json(c.leg1),
        "leg2": money_json(c.leg2),
        "gateway_fee": money_json(c.gateway_fee),
        "total": money_json(c.total),
    }


# ---------------------------------------------------------------- parity dump
#
# Every vector runner records what the binding computed for each case or step
# (the full result in the core's JSON form, or {"error": code}). With
# PATUNGAN_PARITY_OUT set, the records are written as canonical JSON to
# $PATUNGAN_PARITY_OUT/python.json; bindings-python/tests/parity.py then checks that
# the Python, Node and Kotlin runs computed exactly the same values.

PARITY: Dict[str, Any] = {}


def record(key: str, value: Any) -> None:
    """Remembers what the binding computed for one vector case or step."""
    assert key not in PARITY, f"duplicate parity key {key}"
    PARITY[key] = value


@pytest.fixture(scope="session", autouse=True)
def _write_parity() -> Iterator[None]:
    yield
    out = os.environ.get("PATUNGAN_PARITY_OUT")
    if out:
        Path(out).mkdir(parents=True, exist_ok=True)
        (Path(out) / "python.json").write_text(
            json.dumps(PARITY, sort_keys=True, indent=1), "utf-8"
        )


def subset(expected: Any, actual: Any, path: str = "$") -> None:
    """``expected`` is a subset of ``actual`` (the Rust runners' rule): objects key
    by key, arrays element-wise with the same length, anything else equal."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{path}: expected an object, got {actual!r}"
        for k, v in expected.items():
            assert k in actual, f"{path}.{k}: missing in {actual!r}"
            subset(v, actual[k], f"{path}.{k}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), f"{path}: expected an array, got {actual!r}"
        assert len(expected) == len(actual), f"{path}: expected {len(expected)} items, got {len(actual)}: {actual!r}"
        for i, (e, a) in enumerate(zip(expected, actual)):
            subset(e, a, f"{path}[{i}]")
    else:
        assert expected == actual and type(expected) is type(actual), f"{path}: expected {expected!r}, got {actual!r}"
