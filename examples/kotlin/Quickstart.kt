// Quickstart: a session's tier table and what a shopper typing a quantity sees,
// through the uniffi-generated Kotlin bindings (offline, on device or JVM).
// Build and run: ./scripts/test-bindings.sh compiles and runs it with kotlinc-jvm + JNA.
import java.math.BigDecimal
import patungan.JoinCostInput
import patungan.PatunganException
import patungan.TierLadder
import patungan.botTopUp
import patungan.costBreakdown
import patungan.defaultBotPolicy
import patungan.defaultGatewayFeeBp
import patungan.money

fun main() {
    val moq = 100uL
    val idr = { n: Long -> money(BigDecimal(n), "IDR") } // amounts are exact BigDecimals
    val fmt = { m: patungan.Money -> "${m.currency} ${m.amount.toPlainString()}" }

    val ladder = TierLadder.withDefaultThresholds(idr(200_000), listOf(idr(150_000), idr(135_000), idr(120_000), idr(105_000)))

    println("Tier table (MOQ $moq, group price ${fmt(ladder.groupPrice())}):")
    for (rung in ladder.rungs()) {
        val units = (rung.thresholdBp.toLong() * moq.toLong() + 9_999) / 10_000
        println("  from ${units.toString().padStart(3)} units (${rung.thresholdBp.toInt() / 100}%): ${fmt(rung.unitPrice)}")
    }

    // A session holding 45 units; a shopper types 1, 5, 30.
    for (extra in listOf(1uL, 5uL, 30uL)) {
        val p = ladder.preview(moq, 45uL, extra)
        val next = p.nextRung?.let { "${p.unitsToNextRung} more units unlock ${fmt(it.unitPrice)}" } ?: "top rung reached"
        println("  +${extra.toString().padStart(2)}: pay ${fmt(p.priceIfClosedNow)} per unit if it closed now; $next")
    }

    println("Cashback for 10 units at fill 45: ${fmt(ladder.cashback(moq, 45uL, 10uL))}")
    println("Bot top-up with 20 units paid: ${botTopUp(defaultBotPolicy(), moq, 20uL, 0uL)} units")

    val cost = costBreakdown(JoinCostInput(10uL, idr(100_000), moq, idr(500_000), idr(15_000), defaultGatewayFeeBp()))
    println("Due at join: ${fmt(cost.total)} (gateway fee ${fmt(cost.gatewayFee)})")

    try {
        money(BigDecimal("1.5"), "IDR")
    } catch (e: PatunganException.Money) {
        println("Refused: [${e.code}] ${e.reason}")
    }
}
