"""Records ↔ the core's JSON form.

Records are frozen dataclasses (or native classes with a ``to_json``/``from_json``
pair, listed in ``_NATIVE_JSON``) whose fields are typed with native Python types
(``uuid.UUID``, aware ``datetime``, ``Decimal``, :class:`patungan.Money` ...). The
native module hands over plain data in the core's serde form and calls
:func:`decode`; record arguments are turned back into that form by :func:`encode`.
The conversion is driven by the dataclasses' type hints, so each record is declared
once. Shapes of the serde form:

- a struct is a dataclass; ``None`` is ``null`` (an absent ``Option``);
- an internally tagged enum (``{"type": "joined", ...}``) is a ``Union`` of
  dataclasses, each with a ``Literal`` tag field that has a default;
- an externally tagged variant (``{"user": "<uuid>"}``) is a dataclass with the
  class variables ``_tag`` (the key) and ``_newtype`` (``True`` when the value is the
  single field itself rather than an object of the fields);
- unit enums are ``Literal`` strings.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import typing
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Callable, Dict, List, Tuple, Type, Union
from uuid import UUID

from . import _native

_Decoder = Callable[[Any], Any]

# Name (used by the native module) -> record type (a dataclass or a Union alias).
_REGISTRY: Dict[str, Any] = {}
_DECODERS: Dict[Any, _Decoder] = {}
_NATIVE_JSON: Tuple[type, ...] = (
    _native.TierLadder,
    _native.BotPolicy,
    _native.CostBreakdown,
    _native.RungView,
    _native.GrosirConfig,
    _native.CreateOrder,
    _native.CreditCashback,
)
# Native records of an internally tagged union: class -> its ``type`` tag.
_NATIVE_TAGGED: Dict[type, str] = {
    _native.CreateOrder: "create_order",
    _native.CreditCashback: "credit_cashback",
}


def register(name: str, tp: Any) -> None:
    """Makes ``tp`` the record the native module builds for ``name``."""
    _REGISTRY[name] = tp


def decode(name: str, data: Any) -> Any:
    """The record ``name`` for plain data in the core's serde form."""
    return _decoder(_REGISTRY[name])(data)


def from_json(tp: Any, data: Any) -> Any:
    """A record of type ``tp`` from the core's serde form: plain data (as
    ``json.loads`` gives it), or JSON text of an object or array."""
    if isinstance(data, bytes) or (isinstance(data, str) and data.lstrip()[:1] in ("{", "[")):
        data = json.loads(data)
    return _decoder(tp)(data)


def instant_text(value: datetime) -> str:
    """An aware datetime as the core writes instants: RFC 3339 in UTC, ``Z``, with
    0, 3 or 6 fractional digits."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("naive datetime: pass a timezone-aware datetime (e.g. tzinfo=timezone.utc)")
    utc = value.astimezone(timezone.utc)
    text = utc.strftime("%Y-%m-%dT%H:%M:%S")
    micros = utc.microsecond
    if micros == 0:
        return text + "Z"
    if micros % 1000 == 0:
        return f"{text}.{micros // 1000:03d}Z"
    return f"{text}.{micros:06d}Z"


def decimal_text(value: Decimal) -> str:
    """A Decimal as fixed-point text (never exponent notation)."""
    return format(value, "f")


def encode(value: Any) -> Any:
    """The core's serde form (plain data) of a record, or of any value inside one."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, _native.Money):
        return {"amount": decimal_text(value.amount), "currency": value.currency}
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime):
        return instant_text(value)
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, _NATIVE_JSON):
        return json.loads(value.to_json())  # type: ignore[attr-defined]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        tag = getattr(type(value), "_tag", None)
        if tag is None:
            return fields
        if getattr(type(value), "_newtype", False):
            (only,) = fields.values()
            return {tag: only}
        return {tag: fields}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {str(encode(k)): encode(v) for k, v in value.items()}
    if isinstance(value, float):
        raise TypeError("floats are not exact: use decimal.Decimal, int or str")
    raise TypeError(f"cannot encode {type(value).__name__} in the core's JSON form")


def _decoder(tp: Any) -> _Decoder:
    found = _DECODERS.get(tp)
    if found is None:
        # Placeholder first, so recursive records resolve to the finished decoder.
        _DECODERS[tp] = lambda v: _DECODERS[tp](v)
        found = _DECODERS[tp] = _compile(tp)
    return found


def _identity(v: Any) -> Any:
    return v


def _compile(tp: Any) -> _Decoder:
    if tp is Any or tp in (int, str, bool):
        return _identity
    if tp is UUID:
        return UUID
    if tp is datetime:
        return _native.parse_instant
    if tp is Decimal:
        return Decimal
    if tp is _native.Money:
        money = _native.Money
        return lambda v: money(v["amount"], v["currency"])
    if isinstance(tp, type) and issubclass(tp, _NATIVE_JSON):
        native_from_json: _Decoder = tp.from_json  # type: ignore[attr-defined]
        return native_from_json
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Literal:
        return _identity
    if origin in (list, List):
        (item,) = args
        item_decoder = _decoder(item)
        return lambda v: [item_decoder(x) for x in v]
    if origin in (dict, Dict):
        key_decoder, value_decoder = _decoder(args[0]), _decoder(args[1])
        return lambda v: {key_decoder(k): value_decoder(x) for k, x in v.items()}
    if origin is tuple:
        decoders = [_decoder(a) for a in args]
        return lambda v: tuple(d(x) for d, x in zip(decoders, v))
    if origin is Union:
        return _union(args)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _struct(tp)
    raise TypeError(f"no decoder for {tp!r}")


def _union(args: Tuple[Any, ...]) -> _Decoder:
    members = [a for a in args if a is not type(None)]
    optional = len(members) < len(args)
    if len(members) == 1:
        inner = _decoder(members[0])
        return (lambda v: None if v is None else inner(v)) if optional else inner
    # Flatten Literal members: unit variants of an externally tagged enum.
    literals = [a for a in members if typing.get_origin(a) is typing.Literal]
    classes: List[type] = [a for a in members if isinstance(a, type) and dataclasses.is_dataclass(a)]
    external = {getattr(c, "_tag"): _decoder(c) for c in classes if getattr(c, "_tag", None)}
    internal: Dict[str, Dict[Any, _Decoder]] = {}
    for c in members:
        if c in _NATIVE_TAGGED:
            internal.setdefault("type", {})[_NATIVE_TAGGED[c]] = _decoder(c)
    for c in classes:
        if getattr(c, "_tag", None):
            continue
        hints = typing.get_type_hints(c)
        for f in dataclasses.fields(c):
            if typing.get_origin(hints[f.name]) is typing.Literal and f.default is not dataclasses.MISSING:
                internal.setdefault(f.name, {})[f.default] = _decoder(c)
                break
    if len(literals) + len(external) + sum(len(m) for m in internal.values()) == 0:
        raise TypeError(f"cannot decode a union of {members!r}")

    def decode_union(v: Any) -> Any:
        if v is None and optional:
            return None
        if isinstance(v, str) and literals:
            return v
        if isinstance(v, dict):
            for key, by_value in internal.items():
                if key in v:
                    return by_value[v[key]](v)
            if len(v) == 1:
                (key,) = v
                if key in external:
                    return external[key](v)
        raise ValueError(f"no record matches {v!r}")

    return decode_union


def _struct(cls: Type[Any]) -> _Decoder:
    module = sys.modules[cls.__module__]
    hints = typing.get_type_hints(cls, vars(module))
    fields = [(f.name, _decoder(hints[f.name])) for f in dataclasses.fields(cls) if f.init]
    tag = getattr(cls, "_tag", None)
    newtype = getattr(cls, "_newtype", False)

    def decode_struct(v: Any) -> Any:
        if tag is not None:
            v = v[tag]
            if newtype:
                (name, dec) = fields[0]
                return cls(dec(v))
        return cls(**{name: dec(v[name]) for name, dec in fields if name in v})

    return decode_struct
