"""Times a tier preview called from Python (target: <= 0.3 us per call).

One command (builds the release wheel into ``target/bindings/venv`` first)::

    BINDINGS_RELEASE=1 ./scripts/test-bindings.sh python && target/bindings/venv/bin/python bindings-python/bench/bench_preview.py

Prints the median of several timeit repeats, per call. ``bench_settle.py`` times
settling a 100 000-participant session against a pure-Python implementation.
"""

from __future__ import annotations

import statistics
import timeit

from patungan import Money, TierLadder

LADDER = TierLadder.with_default_thresholds(
    Money.idr(200_000),
    (Money.idr(150_000), Money.idr(135_000), Money.idr(120_000), Money.idr(105_000)),
)


def per_call_us(stmt: str, number: int = 200_000, repeat: int = 7) -> float:
    runs = timeit.repeat(stmt, globals={"L": LADDER}, number=number, repeat=repeat)
    return statistics.median(runs) / number * 1e6


def main() -> None:
    preview = per_call_us("L.preview(100, 87, 5)")
    with_read = per_call_us("L.preview(100, 87, 5).price_if_closed_now.amount")
    print(f"preview (object only):                 {preview:.3f} us/call (target <= 0.3 us)")
    print(f"preview + read price_if_closed_now:    {with_read:.3f} us/call")


if __name__ == "__main__":
    main()
