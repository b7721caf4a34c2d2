"""The ``patungan.Error`` hierarchy.

Every error raised by the core carries the core's stable ``code`` (for example
``"money.negative"``) and its message. The class is chosen by the code's prefix,
so ``except patungan.MoneyError`` catches every ``money.*`` code, wherever the
money rule failed (a ladder, a cost breakdown ...).
"""

from __future__ import annotations

from typing import Dict, Type

__all__ = [
    "Error",
    "MoneyError",
    "MoqError",
    "TierError",
    "BotPolicyError",
    "CostError",
    "GrosirError",
    "SessionError",
    "SessionConfigError",
    "LedgerError",
    "RecipeError",
    "WalletError",
    "WithdrawalError",
    "ScheduleError",
    "TextError",
    "PaymentError",
    "RefundError",
    "error_for_code",
]


class Error(Exception):
    """Base class of every error raised by patungan's core rules."""

    code: str
    """The core's stable machine-readable code, e.g. ``"tier.no_rungs"``."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code

    @property
    def message(self) -> str:
        """The core's human-readable message."""
        return str(self.args[0]) if self.args else ""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, code={self.code!r})"


class MoneyError(Error):
    """A money rule failed: negative amount, too many decimals, currency mismatch ..."""


class MoqError(Error):
    """The minimum order quantity is not usable (below 2 or above 10 000 000)."""


class TierError(Error):
    """A tier ladder is invalid, or a pricing question cannot be answered."""


class BotPolicyError(Error):
    """A bot policy is invalid."""


class CostError(Error):
    """A join's cost breakdown was refused."""


class GrosirError(Error):
    """A grosir bundle is invalid, or an availability or plan question was refused."""


class SessionError(Error):
    """A session input (or a replayed event) was refused; the session is unchanged."""


class SessionConfigError(SessionError):
    """A session configuration is invalid (``session_config.*``)."""


class LedgerError(Error):
    """The ledger refused an account or transfer; the ledger is unchanged."""


class RecipeError(LedgerError):
    """A posting recipe's input could not be built (``recipe.*``)."""


class WalletError(Error):
    """A wallet credit or debit was refused (``wallet.*``)."""


class WithdrawalError(WalletError):
    """A withdrawal operation was refused (``withdrawal.*``)."""


class ScheduleError(Error):
    """A withdrawal schedule is invalid (``schedule.*``)."""


class TextError(Error):
    """A piece of text was refused: a control character, or too long (``text.*``)."""


class PaymentError(Error):
    """A paid callback does not match its invoice (``payment.*``)."""


class RefundError(Error):
    """A refund transition was refused (``refund.*``)."""


# Code prefix -> class. New core modules add one line here.
_BY_PREFIX: Dict[str, Type[Error]] = {
    "money": MoneyError,
    "moq": MoqError,
    "tier": TierError,
    "bot": BotPolicyError,
    "cost": CostError,
    "grosir": GrosirError,
    "session": SessionError,
    "session_config": SessionConfigError,
    "ledger": LedgerError,
    "recipe": RecipeError,
    "wallet": WalletError,
    "withdrawal": WithdrawalError,
    "schedule": ScheduleError,
    "text": TextError,
    "payment": PaymentError,
    "refund": RefundError,
}


def error_for_code(code: str, message: str) -> Error:
    """Builds the exception for a core error ``code`` (called by the native module)."""
    cls = _BY_PREFIX.get(code.split(".", 1)[0], Error)
    return cls(message, code)
