"""Deliberately wrong: mypy --strict must reject the float amount (test_typing.py)."""

from patungan import Money

Money(1.5, "USD")
