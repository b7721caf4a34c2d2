// Runs every golden vector file (tier, bot, cost here; availability, warehouse_plan,
// session_scenarios, ledger, withdrawal and schedule in VectorsAll.kt) and a few API
// checks through the generated Kotlin bindings, on the JVM with JNA. Same semantics
// as the Rust runners; decimal strings are compared exactly.
// Usage: java ... patungan.test.VectorsTestKt <vectors dir>
package patungan.test

import java.io.File
import java.math.BigDecimal
import patungan.BotPolicy
import patungan.JoinCostInput
import patungan.Money
import patungan.PatunganException
import patungan.Preview
import patungan.Rung
import patungan.RungView
import patungan.TierLadder
import patungan.botTopUp
import patungan.costBreakdown
import patungan.CostBreakdown
import patungan.defaultBotPolicy
import patungan.defaultGatewayFeeBp
import patungan.money

@Suppress("UNCHECKED_CAST")
fun Any?.obj() = this as Map<String, Any?>

@Suppress("UNCHECKED_CAST")
fun Any?.list() = this as List<Any?>

fun Any?.long() = this as Long

fun Any?.str() = this as String

var passed = 0
var failed = 0

fun case(name: String, body: () -> Unit) {
    try {
        body()
        passed++
        println("ok - $name")
    } catch (e: Throwable) {
        failed++
        println("not ok - $name: $e")
    }
}

fun check(cond: Boolean, message: () -> String) {
    if (!cond) throw AssertionError(message())
}

fun code(e: PatunganException): String = when (e) {
    is PatunganException.Money -> e.code
    is PatunganException.Moq -> e.code
    is PatunganException.Tier -> e.code
    is PatunganException.BotPolicy -> e.code
    is PatunganException.Cost -> e.code
    is PatunganException.Grosir -> e.code
    is PatunganException.Session -> e.code
    is PatunganException.Ledger -> e.code
    is PatunganException.Wallet -> e.code
    is PatunganException.Schedule -> e.code
    is PatunganException.Text -> e.code
    is PatunganException.Payment -> e.code
    is PatunganException.Refund -> e.code
    is PatunganException.Other -> e.code
}

fun money(v: Any?): Money = money(BigDecimal(v.obj()["amount"].str()), v.obj()["currency"].str())

fun moneyJson(m: Money): Map<String, Any?> = mapOf("amount" to m.amount.toPlainString(), "currency" to m.currency)

fun rungJson(r: RungView?): Map<String, Any?>? =
    r?.let { mapOf("index" to it.index.toLong(), "threshold" to it.thresholdBp.toLong(), "unit_price" to moneyJson(it.unitPrice)) }

fun previewJson(p: Preview): Map<String, Any?> = mapOf(
    "moq" to p.moq.toLong(),
    "filled_quantity" to p.filledQuantity.toLong(),
    "extra_quantity" to p.extraQuantity.toLong(),
    "fill_bp" to p.fillBp.toLong(),
    "current_rung" to rungJson(p.currentRung),
    "current_unit_price" to moneyJson(p.currentUnitPrice),
    "saving_per_unit_now" to moneyJson(p.savingPerUnitNow),
    "projected_fill_bp" to p.projectedFillBp.toLong(),
    "price_if_closed_now" to moneyJson(p.priceIfClosedNow),
    "next_rung" to rungJson(p.nextRung),
    "units_to_next_rung" to p.unitsToNextRung?.toLong(),
    "saving_per_unit_at_next_rung" to p.savingPerUnitAtNextRung?.let(::moneyJson),
)

fun costJson(c: CostBreakdown): Map<String, Any?> = mapOf(
    "quantity" to c.quantity.toLong(),
    "product" to moneyJson(c.product),
    "leg1_per_unit" to moneyJson(c.leg1PerUnit),
    "leg1" to moneyJson(c.leg1),
    "leg2" to moneyJson(c.leg2),
    "gateway_fee" to moneyJson(c.gatewayFee),
    "total" to moneyJson(c.total),
)

fun ladder(v: Any?): TierLadder {
    val group = money(v.obj()["group_price"])
    val rungs = v.obj()["rungs"].list().map { Rung(it.obj()["threshold"].long().toUInt(), money(it.obj()["unit_price"])) }
    return TierLadder(group, rungs)
}

/** Runs one vector: an `error` case must throw that code; otherwise compare (subset for previews). */
fun vector(c: Map<String, Any?>, key: String, subset: Boolean = false, run: () -> Any?) {
    val wantError = c["error"] as String?
    if (wantError != null) {
        try {
            val got = run()
            throw AssertionError("expected error $wantError, got $got")
        } catch (e: PatunganException) {
            check(code(e) == wantError) { "expected $wantError, got ${code(e)}" }
            check(!e.message.isNullOrEmpty()) { "errors carry the core's message" }
        }
        record(key, mapOf("error" to wantError))
        return
    }
    val actual = run()
    record(key, actual)
    val expect = c["expect"]
    if (subset) {
        for ((key, want) in expect.obj()) {
            val got = actual.obj()[key]
            check(got == want) { "$key: expected $want, got $got" }
        }
    } else {
        check(actual == expect) { "expected $expect, got $actual" }
    }
}

fun cases(dir: File, name: String): List<Map<String, Any?>> =
    Json.parse(File(dir, name).readText()).obj()["cases"].list().map { it.obj() }

fun main(args: Array<String>) {
    val dir = File(args.firstOrNull() ?: "core/tests/vectors")

    for (c in cases(dir, "tier.json")) {
        case("tier.json: ${c["name"]}") {
            when (c["op"]) {
                "preview" -> vector(c, "tier.json#${c["name"]}", subset = true) {
                    previewJson(ladder(c["ladder"]).preview(c["moq"].long().toULong(), c["filled"].long().toULong(), c["extra"].long().toULong()))
                }
                "cashback" -> vector(c, "tier.json#${c["name"]}") {
                    moneyJson(ladder(c["ladder"]).cashback(c["moq"].long().toULong(), c["filled"].long().toULong(), c["quantity"].long().toULong()))
                }
                else -> throw AssertionError("unknown op ${c["op"]}")
            }
        }
    }
    for (c in cases(dir, "bot.json")) {
        case("bot.json: ${c["name"]}") {
            val p = c["policy"].obj()
            vector(c, "bot.json#${c["name"]}") {
                val policy = BotPolicy(p["enabled"] as Boolean, p["target_bp"].long().toUInt(), p["window_seconds"].long().toUInt())
                botTopUp(policy, c["moq"].long().toULong(), c["paid_real"].long().toULong(), c["existing_bot"].long().toULong()).toLong()
            }
        }
    }
    for (c in cases(dir, "cost.json")) {
        case("cost.json: ${c["name"]}") {
            val i = c["input"].obj()
            vector(c, "cost.json#${c["name"]}") {
                val groupPrice = money(i["group_price"])
                val bulk = money(i["bulk_shipping_cost"])
                val courier = money(i["courier_price"])
                costJson(costBreakdown(JoinCostInput(i["quantity"].long().toULong(), groupPrice, i["moq"].long().toULong(), bulk, courier, i["gateway_fee_rate"].long().toUInt())))
            }
        }
    }

    runGrosir(dir)
    runSessions(dir)
    runLedger(dir)
    runWithdrawals(dir)
    System.getenv("PATUNGAN_PARITY_OUT")?.let { out ->
        File(out).mkdirs()
        File(out, "kotlin.json").writeText(jsonText(parity))
    }

    val idr = { n: Long -> money(BigDecimal(n), "IDR") }
    val l = TierLadder.withDefaultThresholds(idr(200_000), listOf(idr(150_000), idr(135_000), idr(120_000), idr(105_000)))
    case("api: amounts are BigDecimal, normalised by the core") {
        val m = money(BigDecimal("12.50"), "USD")
        check(m.amount == BigDecimal("12.5") && m.amount.toPlainString() == "12.5") { "$m" }
        check(money(BigDecimal("1E+5"), "IDR").amount.toPlainString() == "100000") { "scientific input" }
    }
    case("api: preview with the extra units a shopper types") {
        val p = l.preview(100uL, 45uL, 5uL)
        check(p.priceIfClosedNow == idr(135_000) && p.unitsToNextRung == 25uL) { "$p" }
        val top = l.preview(100uL, 100uL, 0uL)
        check(top.nextRung == null && top.unitsToNextRung == null && top.savingPerUnitAtNextRung == null) { "$top" }
    }
    case("api: errors are typed variants with the core's code and message") {
        try {
            money(BigDecimal("-1"), "IDR")
            throw AssertionError("no error")
        } catch (e: PatunganException.Money) {
            check(e.code == "money.negative" && e.reason.contains("negative")) { "$e" }
        }
        try {
            TierLadder(idr(100), listOf())
            throw AssertionError("no error")
        } catch (e: PatunganException.Tier) {
            check(e.code == "tier.no_rungs") { "$e" }
        }
        try {
            l.preview(1uL, 0uL, 0uL)
            throw AssertionError("no error")
        } catch (e: PatunganException.Moq) {
            check(e.code == "moq.too_small") { "$e" }
        }
        try {
            TierLadder.fromJson("{}")
            throw AssertionError("no error")
        } catch (e: PatunganException.Other) {
            check(e.code == "json.invalid") { "$e" }
        }
    }
    case("api: ladder JSON round trip, bot default, gateway fee default") {
        check(TierLadder.fromJson(l.toJson()).toJson() == l.toJson()) { "round trip" }
        check(l.rungs().map { it.thresholdBp } == listOf(2500u, 5000u, 7500u, 10000u)) { "rungs" }
        check(l.cashback(100uL, 45uL, 10uL) == idr(500_000)) { "cashback" }
        check(defaultBotPolicy() == BotPolicy(true, 2500u, 600u)) { "bot default" }
        check(botTopUp(defaultBotPolicy(), 99uL, 10uL, 0uL) == 15uL) { "bot top-up" }
        check(defaultGatewayFeeBp() == 300u) { "gateway fee" }
    }

    case("api: ladder rungs beyond the MOQ are opt-in") {
        val rungs = listOf(Rung(10_000u, idr(90)), Rung(20_000u, idr(80)))
        try {
            TierLadder(idr(100), rungs)
            throw AssertionError("no error")
        } catch (e: PatunganException.Tier) {
            check(e.code == "tier.threshold_above_moq") { "$e" }
        }
        check(!l.allowsAboveMoq() && !l.toJson().contains("allow_above_moq")) { "default ladder" }
        val above = TierLadder.allowingAboveMoq(idr(100), rungs)
        check(above.allowsAboveMoq() && TierLadder.fromJson(above.toJson()).allowsAboveMoq()) { above.toJson() }
        check(above.finalPrice(100uL, 150uL) == idr(90) && above.finalPrice(100uL, 200uL) == idr(80)) { "prices beyond the MOQ" }
        try {
            TierLadder.allowingAboveMoq(idr(100), listOf(Rung(100_001u, idr(90))))
            throw AssertionError("no error")
        } catch (e: PatunganException.Tier) {
            check(e.code == "tier.threshold_too_high") { "$e" }
        }
        try {
            l.preview(10_000_001uL, 0uL, 0uL)
            throw AssertionError("no error")
        } catch (e: PatunganException.Moq) {
            check(e.code == "moq.too_large") { "$e" }
        }
    }
    suspenseChecks()

    println("kotlin: $passed passed, $failed failed")
    if (failed > 0 || passed == 0) kotlin.system.exitProcess(1)
}
