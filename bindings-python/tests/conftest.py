"""Shared helpers: where the golden vectors live and how typed results become JSON."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Dict, List, Optional

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
