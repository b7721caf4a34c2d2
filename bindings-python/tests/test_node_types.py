"""The Node binding's record types (bindings-node/records.d.ts) are generated from
these record dataclasses; the committed file must be current."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

NODE = Path(__file__).resolve().parents[2] / "bindings-node"


@pytest.mark.skipif(not (NODE / "tools" / "records-dts.py").is_file(), reason="no bindings-node next to this package")
def test_node_record_types_are_generated_from_these_records() -> None:
    result = subprocess.run(
        [sys.executable, str(NODE / "tools" / "records-dts.py")], capture_output=True, text=True, check=True
    )
    committed = (NODE / "records.d.ts").read_text("utf-8")
    assert result.stdout == committed, "bindings-node/records.d.ts is stale: regenerate it with tools/records-dts.py"
