"""Checks that the Python, Node and Kotlin bindings computed exactly the same values
for every golden vector case and step.

Each binding's vector runner asserts its results against the vector files (with the
Rust runners' semantics) and, with ``PATUNGAN_PARITY_OUT`` set, also dumps everything
it computed — full results in the core's JSON form (every event, effect, state,
plan, balance ...), or ``{"error": code}`` — keyed by file, case and step. This
script loads ``python.json``, ``node-*.json`` and ``kotlin.json`` from that directory
and requires the same keys and the same values everywhere: decimal strings, UUIDs and
instants compared as exact strings. ``null`` and an absent key are the same (the
Python records write an absent ``Option`` as ``null`` where serde may skip it).

Usage: python3 parity.py <dir>   (prints ``parity: N passed, N failed``)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Dict


def canonical(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: canonical(x) for k, x in sorted(v.items()) if x is not None}
    if isinstance(v, list):
        return [canonical(x) for x in v]
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def load(directory: Path) -> Dict[str, Dict[str, Any]]:
    bindings: Dict[str, Dict[str, Any]] = {"python": {}, "node": {}, "kotlin": {}}
    for path in sorted(directory.glob("*.json")):
        name = path.stem.split("-", 1)[0]
        data = json.loads(path.read_text("utf-8"))
        for key, value in data.items():
            assert key not in bindings[name], f"{key} dumped twice by {name}"
            bindings[name][key] = canonical(value)
    return bindings


def main() -> int:
    bindings = load(Path(sys.argv[1]))
    passed = failed = 0
    keys = set().union(*(b.keys() for b in bindings.values()))
    files = sorted({k.split("#", 1)[0] for k in keys})
    for name, values in bindings.items():
        missing = sorted(keys - values.keys())
        if not values or missing:
            failed += 1
            print(f"not ok - {name} computed no value for {len(missing)} keys, e.g. {missing[:3]}")
    for key in sorted(keys):
        seen = {name: b[key] for name, b in bindings.items() if key in b}
        reference = seen.get("python")
        if all(v == reference for v in seen.values()) and len(seen) == len(bindings):
            passed += 1
        else:
            failed += 1
            print(f"not ok - {key} differs:")
            for name, v in seen.items():
                print(f"    {name}: {json.dumps(v, sort_keys=True)[:400]}")
    print(f"parity over {len(files)} vector files ({', '.join(files)}): {len(keys)} cases and steps")
    print(f"parity: {passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
