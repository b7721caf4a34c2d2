"""Grosir bundles, availability and the warehouse plan (docs/domain.md §6, §7).

:class:`GrosirConfig` (native) holds a validated bundle; its answers are the frozen
records below. Per-variant lists (orders, demand, stock) are in config order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Sequence
from uuid import UUID

from . import _codec
from ._native import GrosirConfig, Money

__all__ = [
    "Availability",
    "GrosirConfig",
    "PlanLine",
    "Production",
    "ProductionLine",
    "PurchaseOrder",
    "PurchaseOrderLine",
    "StockLevel",
    "VariantBundle",
    "WarehousePlan",
]


@dataclass(frozen=True)
class VariantBundle:
    """One variant of a bundle: units per bundle and the excess tolerated."""

    variant: UUID
    units_per_bundle: int
    tolerance: int


@dataclass(frozen=True)
class Availability:
    """How many more units of a variant may be ordered (``None``: unbounded)."""

    variant: UUID
    ordered: int
    max_bundles: Optional[int]
    available: Optional[int]
    locked: bool
    constraining_variant: Optional[UUID]
    bundles_needed: int

    def allows(self, quantity: int) -> bool:
        """Whether an order of ``quantity`` more units fits (the core's rule:
        unbounded, or ``quantity <= available``)."""
        return self.available is None or quantity <= self.available


@dataclass(frozen=True)
class ProductionLine:
    """One variant of a :class:`Production`."""

    variant: UUID
    ordered: int
    produced: int
    excess: int
    over_tolerance: bool


@dataclass(frozen=True)
class Production:
    """What producing every current order in whole bundles takes."""

    bundles: int
    lines: List[ProductionLine]


@dataclass(frozen=True)
class StockLevel:
    """Units of one variant on hand in the warehouse."""

    variant: UUID
    units: int


@dataclass(frozen=True)
class PlanLine:
    """One variant of a :class:`WarehousePlan`."""

    variant: UUID
    demand: int
    stock: int
    stock_used: int
    net: int
    to_receive: int
    leftover: int
    tolerance: int
    over_tolerance: bool


@dataclass(frozen=True)
class PurchaseOrderLine:
    """Units of one variant ordered from the factory."""

    variant: UUID
    units: int


@dataclass(frozen=True)
class PurchaseOrder:
    """What the warehouse buys from the factory."""

    bundles: int
    lines: List[PurchaseOrderLine]
    total_units: int
    unit_cost: Money
    goods_cost: Money
    leg1_shipping: Money
    total_cost: Money


@dataclass(frozen=True)
class WarehousePlan:
    """The warehouse plan computed from paid demand and stock on hand."""

    bundles: int
    total_units: int
    lines: List[PlanLine]
    purchase_order: Optional[PurchaseOrder]
    over_tolerance: bool

    @staticmethod
    def compute(
        demand: Sequence[int],
        stock: Sequence[int],
        config: GrosirConfig,
        unit_cost: Money,
        leg1_shipping: Money,
    ) -> WarehousePlan:
        """The core's plan for ``demand`` and ``stock`` (config order)."""
        plan: WarehousePlan = config.warehouse_plan(
            list(demand), list(stock), unit_cost, leg1_shipping
        )
        return plan

    def needs_purchase(self) -> bool:
        """Whether a purchase order must be fulfilled before the orders can ship."""
        return self.purchase_order is not None


for _name in ("VariantBundle", "Availability", "Production", "StockLevel", "WarehousePlan"):
    _codec.register(_name, globals()[_name])
