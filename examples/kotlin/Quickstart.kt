// Quickstart: a session's tier table and what a shopper typing a quantity sees,
// through the uniffi-generated Kotlin bindings (offline, on device or JVM).
// Build and run: ./scripts/test-bindings.sh compiles and runs it with kotlinc-jvm + JNA.
import java.math.BigDecimal
import patungan.JoinCostInput
import patungan.GrosirConfig
import patungan.PatunganException
import patungan.SessionHandle
import patungan.TierLadder
import patungan.VariantBundle
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

    // A whole session from its JSON form, as an offline app holds it: three shoppers
    // join and pay, then the timers run; inputs go in as JSON, effects come out as JSON.
    val sizeS = "00000000-0000-0000-0000-000000000001"
    val sizeM = "00000000-0000-0000-0000-000000000002"
    val bundle = GrosirConfig(listOf(VariantBundle(sizeS, 2uL, 20uL), VariantBundle(sizeM, 5uL, 50uL)))
    val config = """{"product":"00000000-0000-0000-0000-000000000009","moq":100,"ladder":${ladder.toJson()},""" +
        """"start":"2025-01-01T01:00:00Z","end":"2025-01-01T17:00:00Z","bulk_shipping_cost":{"amount":"500000","currency":"IDR"},""" +
        """"grosir":{"bundle":${bundle.toJson()},"factory_unit_cost":{"amount":"60000","currency":"IDR"}}}"""
    val session = SessionHandle.create("00000000-0000-0000-0000-000000000007", config, "2025-01-01T01:00:00Z")
    for ((n, join) in listOf(20 to sizeM, 10 to sizeS, 25 to sizeM).withIndex()) {
        val (quantity, variant) = join
        val id = { k: Int -> "00000000-0000-0000-000$k-00000000000$n" }
        session.handle(
            """{"type":"join","now":"2025-01-01T02:00:00Z","request":{"participant":"${id(1)}","user":"${id(2)}","payment":"${id(3)}",""" +
                """"quantity":$quantity,"expected_unit_price":{"amount":"200000","currency":"IDR"},"courier_price":{"amount":"15000","currency":"IDR"},"variant":"$variant"}}""",
        )
        val total = Regex(""""total":\{"amount":"(\d+)"""").find(session.drainEffectsJson())!!.groupValues[1]
        session.handle("""{"type":"payment_confirmed","now":"2025-01-01T02:05:00Z","payment":"${id(3)}","amount":{"amount":"$total","currency":"IDR"}}""")
    }
    println("Session: fill ${session.preview(0uL).fillBp.toInt() / 100}%; ${session.availability(sizeM)?.available} more M available")
    session.drainEffectsJson()
    while (true) {
        val deadline = session.pollTimeout() ?: break
        session.handle("""{"type":"timeout","now":"$deadline","stock":[{"variant":"$sizeM","units":100},{"variant":"$sizeS","units":50}]}""")
    }
    val kinds = Regex(""""type":"([a-z_]+)"""").findAll(session.drainEffectsJson()).map { it.groupValues[1] }.toList()
    println("Settled: ${session.status()}; effects: ${kinds.joinToString()}")
}
