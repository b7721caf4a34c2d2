"""The Python surface: types, errors, immutability and round trips."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

import patungan
from patungan import (
    BotPolicy,
    CostBreakdown,
    Error,
    JoinCostInput,
    Money,
    MoneyError,
    MoqError,
    Rounding,
    Rung,
    TierError,
    TierLadder,
)


def ladder() -> TierLadder:
    return TierLadder.with_default_thresholds(
        Money.idr(200_000),
        (Money.idr(150_000), Money.idr(135_000), Money.idr(120_000), Money.idr(105_000)),
    )


def test_money_is_exact_decimal() -> None:
    m = Money(Decimal("12.50"), "USD")
    assert m.amount == Decimal("12.5") and isinstance(m.amount, Decimal)
    assert m.currency == "USD"
    assert Money("12.5", "USD") == m and hash(Money("12.5", "USD")) == hash(m)
    assert Money(Decimal("1E+5"), "IDR") == Money.idr(100_000)
    assert repr(m) == "Money('12.5', 'USD')" and str(m) == "USD 12.5"
    assert Money(7, "IDR") == Money.idr(7)
    assert Money.zero("IDR").is_zero()


@pytest.mark.parametrize(
    "amount, currency, code",
    [
        ("-1", "IDR", "money.negative"),
        ("1.5", "IDR", "money.too_many_decimals"),
        (Decimal("0.001"), "USD", "money.too_many_decimals"),
        ("abc", "IDR", "money.invalid_amount"),
        (Decimal("NaN"), "IDR", "money.invalid_amount"),
        ("1", "XXX", "money.unknown_currency"),
    ],
)
def test_bad_money_raises_money_error_with_code(amount: object, currency: str, code: str) -> None:
    with pytest.raises(MoneyError) as raised:
        Money(amount, currency)  # type: ignore[arg-type]
    assert raised.value.code == code
    assert isinstance(raised.value, Error)


def test_floats_and_bools_are_refused() -> None:
    with pytest.raises(TypeError):
        Money(1.5, "USD")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(True, "IDR")  # type: ignore[arg-type]


def test_money_operations_name_their_rounding() -> None:
    assert Money.idr(100).div_qty(3, Rounding.DOWN) == Money.idr(33)
    assert Money.idr(100).div_qty(3, Rounding.UP) == Money.idr(34)
    assert Money.idr(1_000_001).percent_of(300, Rounding.UP) == Money.idr(30_001)
    assert Money.from_rounded(Decimal("2.5"), "IDR", Rounding.HALF_EVEN) == Money.idr(2)
    assert Money.from_rounded("2.5", "IDR", Rounding.HALF_UP) == Money.idr(3)
    assert Money.idr(1).add(Money.idr(2)).mul_qty(3) == Money.idr(9)
    with pytest.raises(MoneyError) as raised:
        Money.idr(1).sub(Money.idr(2))
    assert raised.value.code == "money.underflow"
    with pytest.raises(MoneyError) as raised:
        Money.idr(1).add(Money("1", "USD"))
    assert raised.value.code == "money.currency_mismatch"
    assert patungan.decimal_places("USD") == 2 and "IDR" in patungan.currencies()


def test_preview_reads_as_typed_values() -> None:
    p = ladder().preview(moq=100, filled=45, extra=5)
    assert p.price_if_closed_now == Money.idr(135_000)
    assert p.units_to_next_rung == 25
    assert p.current_rung is not None and p.current_rung.index == 0
    assert p.next_rung is not None and p.next_rung.threshold_bp == 7500
    assert json.loads(p.to_json())["fill_bp"] == 4500
    top = ladder().preview(100, 100)
    assert top.next_rung is None and top.units_to_next_rung is None
    assert top.saving_per_unit_at_next_rung is None


def test_ladder_errors_map_by_code_prefix() -> None:
    with pytest.raises(TierError) as raised:
        TierLadder(Money.idr(100), [])
    assert raised.value.code == "tier.no_rungs"
    assert "at least one rung" in raised.value.message
    with pytest.raises(MoneyError) as money_raised:
        TierLadder(Money.idr(100), [Rung(2500, Money("1", "USD"))])
    assert money_raised.value.code == "money.currency_mismatch"
    with pytest.raises(MoqError) as moq_raised:
        ladder().preview(1, 0)
    assert moq_raised.value.code == "moq.too_small"
    with pytest.raises(TierError) as overflow:
        ladder().preview(100, 2**64 - 1, 1)
    assert overflow.value.code == "tier.quantity_overflow"
    with pytest.raises(OverflowError):
        ladder().preview(100, -1)


def test_ladder_json_round_trip_and_accessors() -> None:
    l = ladder()
    assert TierLadder.from_json(l.to_json()) == l
    assert l.group_price == Money.idr(200_000) and l.currency == "IDR"
    assert [r.threshold_bp for r in l.rungs] == [2500, 5000, 7500, 10000]
    assert l.final_price(100, 87) == Money.idr(120_000)
    assert l.cashback(100, 45, 10) == Money.idr(500_000)
    assert l.rung_at(2499) is None
    assert patungan.fill_bp(99, 24) == 2424
    with pytest.raises(Error) as raised:
        TierLadder.from_json('{"group_price":{"amount":"1","currency":"IDR"},"rungs":[]}')
    assert raised.value.code == "json.invalid"


def test_bot_policy_and_aware_datetimes() -> None:
    bot = BotPolicy()
    assert (bot.enabled, bot.target_bp, bot.window_seconds) == (True, 2500, 600)
    assert bot.top_up(99, 10) == 15 and bot.target_quantity(99) == 25
    wib = timezone(timedelta(hours=7))
    at = bot.check_at(datetime(2026, 11, 26, 0, 0, tzinfo=wib))
    assert at == datetime(2026, 11, 25, 16, 50, tzinfo=timezone.utc)
    assert at.tzinfo is not None and at.utcoffset() == timedelta(0)
    with pytest.raises(ValueError):
        bot.check_at(datetime(2026, 11, 26))
    assert BotPolicy.from_json(bot.to_json()) == bot
    assert BotPolicy.disabled().top_up(100, 20) == 0
    with pytest.raises(patungan.BotPolicyError) as raised:
        BotPolicy(target_bp=0)
    assert raised.value.code == "bot.target_out_of_range"


def test_cost_breakdown() -> None:
    join = JoinCostInput(
        quantity=10,
        group_price=Money.idr(100_000),
        moq=100,
        bulk_shipping_cost=Money.idr(500_000),
        courier_price=Money.idr(15_000),
    )
    assert join.gateway_fee_rate_bp == patungan.DEFAULT_GATEWAY_FEE_BP == 300
    cost = CostBreakdown.for_join(join)
    assert cost.total == Money.idr(1_095_000) and cost.gateway_fee == Money.idr(30_000)
    zero = JoinCostInput(
        quantity=0,
        group_price=Money.idr(1),
        moq=2,
        bulk_shipping_cost=Money.idr(0),
        courier_price=Money.idr(0),
    )
    with pytest.raises(patungan.CostError) as raised:
        CostBreakdown.for_join(zero)
    assert raised.value.code == "cost.zero_quantity"


def test_values_are_immutable() -> None:
    m = Money.idr(1)
    with pytest.raises(AttributeError):
        m.amount = Decimal(2)  # type: ignore[misc]


def test_unknown_code_prefix_falls_back_to_base_error() -> None:
    err = patungan.errors.error_for_code("someday.new_rule", "msg")
    assert type(err) is Error and err.code == "someday.new_rule"
    assert repr(err) == "Error('msg', code='someday.new_rule')"


def test_ladder_rungs_beyond_the_moq_are_opt_in() -> None:
    rungs = [Rung(10_000, Money.idr(90)), Rung(20_000, Money.idr(80))]
    with pytest.raises(TierError) as raised:
        TierLadder(Money.idr(100), rungs)
    assert raised.value.code == "tier.threshold_above_moq"
    assert not ladder().allow_above_moq
    assert "allow_above_moq" not in ladder().to_json()
    above = TierLadder(Money.idr(100), rungs, allow_above_moq=True)
    assert above.allow_above_moq and [r.threshold_bp for r in above.rungs] == [10_000, 20_000]
    assert json.loads(above.to_json())["allow_above_moq"] is True
    assert TierLadder.from_json(above.to_json()) == above != TierLadder(Money.idr(100), rungs[:1])
    assert repr(above).endswith(", allow_above_moq=True)")
    assert above.final_price(100, 150) == Money.idr(90) and above.final_price(100, 200) == Money.idr(80)
    with pytest.raises(TierError) as too_high:
        TierLadder(Money.idr(100), [Rung(100_001, Money.idr(90))], allow_above_moq=True)
    assert too_high.value.code == "tier.threshold_too_high"


def test_new_core_codes_map_to_their_classes() -> None:
    with pytest.raises(MoqError) as raised:
        ladder().preview(10_000_001, 0)
    assert raised.value.code == "moq.too_large"
    for code, cls in [
        ("text.control_character", patungan.TextError),
        ("text.too_long", patungan.TextError),
        ("payment.amount_mismatch", patungan.PaymentError),
        ("refund.not_awaiting_operator", patungan.RefundError),
        ("session_config.variant_without_grosir", patungan.SessionConfigError),
        ("withdrawal.control_character", patungan.WithdrawalError),
    ]:
        err = patungan.errors.error_for_code(code, "msg")
        assert type(err) is cls and err.code == code and isinstance(err, Error)
