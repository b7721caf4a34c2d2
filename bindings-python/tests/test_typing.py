"""The hand-written stubs are honest: mypy --strict over a typed usage file, and
stubtest comparing ``_native.pyi`` with the compiled module."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent

pytest.importorskip("mypy")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=HERE, capture_output=True, text=True, check=False
    )


def test_typed_usage_passes_mypy_strict() -> None:
    result = run("mypy", "--strict", "--no-incremental", "typing/typed_usage.py")
    assert result.returncode == 0, result.stdout + result.stderr


def test_typed_usage_runs() -> None:
    result = subprocess.run(
        [sys.executable, "typing/typed_usage.py"], cwd=HERE, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_package_passes_mypy_strict() -> None:
    result = run("mypy", "--strict", "--no-incremental", "-p", "patungan")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_catches_a_type_error() -> None:
    result = run("mypy", "--strict", "--no-incremental", "typing/wrong_usage.py")
    assert result.returncode == 1, result.stdout + result.stderr
    assert 'incompatible type "float"' in result.stdout


def test_stubs_match_the_native_module() -> None:
    result = run("mypy.stubtest", "patungan._native")
    assert result.returncode == 0, result.stdout + result.stderr
