"""Checks the generated Swift bindings without a Swift toolchain.

1. Patungan.swift declares the public surface with the expected Swift types
   (money amounts as Foundation ``Decimal``, errors as ``PatunganError`` cases).
2. Every C symbol that PatunganFFI.h declares is exported by the built library,
   so the Swift sources link against it.

Usage: python3 check_swift.py <swift out dir> <libpatungan_mobile.so>
Prints ``swift: N passed, N failed`` and exits non-zero on any failure.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

EXPECTED = [
    r"open class TierLadder\b",
    r"public convenience init\(groupPrice: Money, rungs: \[Rung\]\)\s*throws",
    r"public static func allowingAboveMoq\(groupPrice: Money, rungs: \[Rung\]\)\s*throws\s*-> TierLadder",
    r"open func allowsAboveMoq\(\)\s*-> Bool",
    r"public static func withDefaultThresholds\(groupPrice: Money, prices: \[Money\]\)\s*throws\s*-> TierLadder",
    r"public static func fromJson\(json: String\)\s*throws\s*-> TierLadder",
    r"open func preview\(moq: UInt64, filled: UInt64, extra: UInt64\)\s*throws\s*-> Preview",
    r"open func cashback\(moq: UInt64, filled: UInt64, quantity: UInt64\)\s*throws\s*-> Money",
    r"public struct Preview\b",
    r"public var unitsToNextRung: UInt64\?",
    r"public var nextRung: RungView\?",
    r"public struct Money\b",
    r"public var amount: DecimalString",
    r"public typealias DecimalString = Decimal\b",
    r"Decimal\(string: builtinValue, locale: Locale\(identifier: \"en_US_POSIX\"\)\)",
    r"public struct JoinCostInput\b",
    r"public struct CostBreakdown\b",
    r"public struct BotPolicy\b",
    r"public\s+enum PatunganError: Swift\.Error",
    r"case Money\(\s*(/\*\*[^*]*\*+(?:[^/*][^*]*\*+)*/)?code: String,",
    r"case Tier\(",
    r"case Moq\(",
    r"case BotPolicy\(",
    r"case Cost\(",
    r"case Other\(",
    r"public func money\(amount: DecimalString, currency: String\)\s*throws\s*-> Money",
    r"public func costBreakdown\(input: JoinCostInput\)\s*throws\s*-> CostBreakdown",
    r"public func botTopUp\(policy: BotPolicy, moq: UInt64, paidReal: UInt64, existingBot: UInt64\)\s*throws\s*-> UInt64",
    r"public func defaultBotPolicy\(\) -> BotPolicy",
    r"public func defaultGatewayFeeBp\(\) -> UInt32",
    r"open class SessionHandle\b",
    r"public static func create\(sessionId: String, configJson: String, now: String\)\s*throws\s*-> SessionHandle",
    r"open func handle\(inputJson: String\)\s*throws\s*-> String",
    r"open func drainEffectsJson\(\)\s*throws\s*-> String",
    r"open func availability\(variant: String\)\s*throws\s*-> Availability\?",
    r"public struct Availability\b",
    r"public var available: UInt64\?",
    r"open class GrosirConfig\b",
    r"open class LedgerHandle\b",
    r"open class WithdrawalsHandle\b",
    r"open class WithdrawalSchedule\b",
    r"case Session\(",
    r"case Ledger\(",
    r"case Wallet\(",
    r"case Grosir\(",
    r"case Schedule\(",
    r"case Text\(",
    r"case Payment\(",
    r"case Refund\(",
    r"public func chartRecipeJson\(currency: String, recipe: String, inputJson: String\)\s*throws\s*-> String",
]


def main() -> int:
    out, lib = Path(sys.argv[1]), Path(sys.argv[2])
    passed = failed = 0

    def check(name: str, ok: bool, detail: str = "") -> None:
        nonlocal passed, failed
        if ok:
            passed += 1
            print(f"ok - {name}")
        else:
            failed += 1
            print(f"not ok - {name} {detail}")

    files = {name: out / name for name in ("Patungan.swift", "PatunganFFI.h", "PatunganFFI.modulemap")}
    for name, path in files.items():
        check(f"{name} generated", path.is_file() and path.stat().st_size > 0)
    swift = files["Patungan.swift"].read_text("utf-8") if files["Patungan.swift"].is_file() else ""
    for pattern in EXPECTED:
        check(f"Patungan.swift declares /{pattern}/", re.search(pattern, swift) is not None)
    check("Patungan.swift imports Foundation", "import Foundation" in swift)
    check("modulemap names the header", 'header "PatunganFFI.h"' in files["PatunganFFI.modulemap"].read_text("utf-8"))

    header = files["PatunganFFI.h"].read_text("utf-8")
    declared = set(re.findall(r"\b((?:uniffi|ffi)_patungan_mobile_\w+)\s*\(", header))
    exported = set(
        subprocess.run(
            ["nm", "-D", "--defined-only", "--format=just-symbols", str(lib)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
    )
    check("header declares the FFI functions", len(declared) > 20, f"({len(declared)})")
    missing = sorted(declared - exported)
    check("library exports every symbol the header declares", not missing, f"missing: {missing[:5]}")
    # Each exported function of the surface has its checksum, so Swift can verify the library.
    for fn in ("money", "cost_breakdown", "bot_top_up", "method_tierladder_preview", "method_sessionhandle_handle", "method_grosirconfig_availability"):
        prefix = "func_" if not fn.startswith("method_") else ""
        check(f"checksum for {fn}", f"uniffi_patungan_mobile_checksum_{prefix}{fn}" in declared)

    print(f"swift: {passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
