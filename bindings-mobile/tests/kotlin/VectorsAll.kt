// The grosir, session, ledger, withdrawal and schedule golden vectors through the
// generated Kotlin bindings. Same semantics as the Rust runners
// (core/tests/grosir_vectors.rs, session_scenarios.rs, ledger_vectors.rs,
// withdrawal_vectors.rs); sessions, ledgers and withdrawals are driven through the
// mobile crate's JSON-level entry points, records compared as parsed JSON.
package patungan.test

import java.io.File
import java.math.BigDecimal
import patungan.Availability
import patungan.CostBreakdown
import patungan.GrosirConfig
import patungan.LedgerHandle
import patungan.PatunganException
import patungan.SessionHandle
import patungan.VariantBundle
import patungan.WithdrawalSchedule
import patungan.WithdrawalsHandle
import patungan.chartAccountId
import patungan.chartRecipeJson
import patungan.costBreakdown
import patungan.deriveUuid
import patungan.successSplitJson
import patungan.walletBalanceJson
import patungan.walletCreditJson
import patungan.JoinCostInput

/** What each runner computed, per vector key (written for tests/parity.py). */
val parity = LinkedHashMap<String, Any?>()

fun record(key: String, value: Any?) {
    check(key !in parity) { "duplicate parity key $key" }
    parity[key] = value
}

/** `expected` is a subset of `actual` (the Rust runners' rule). */
fun subset(expected: Any?, actual: Any?, path: String = "$") {
    when (expected) {
        is Map<*, *> -> {
            check(actual is Map<*, *>) { "$path: expected an object, got $actual" }
            for ((k, v) in expected) {
                check((actual as Map<*, *>).containsKey(k)) { "$path.$k: missing in $actual" }
                subset(v, actual[k], "$path.$k")
            }
        }
        is List<*> -> {
            check(actual is List<*> && actual.size == expected.size) { "$path: expected ${expected.size} items, got $actual" }
            expected.forEachIndexed { i, e -> subset(e, (actual as List<*>)[i], "$path[$i]") }
        }
        else -> check(expected == actual) { "$path: expected $expected, got $actual" }
    }
}

fun ulongs(v: Any?): List<ULong> = v.list().map { it.long().toULong() }

fun availabilityJson(a: Availability): Map<String, Any?> = linkedMapOf(
    "variant" to a.variant,
    "ordered" to a.ordered.toLong(),
    "max_bundles" to a.maxBundles?.toLong(),
    "available" to a.available?.toLong(),
    "locked" to a.locked,
    "constraining_variant" to a.constrainingVariant,
    "bundles_needed" to a.bundlesNeeded.toLong(),
)

fun grosir(v: Any?): GrosirConfig = GrosirConfig(
    v.obj()["variants"].list().map {
        val b = it.obj()
        VariantBundle(b["variant"].str(), b["units_per_bundle"].long().toULong(), b["tolerance"].long().toULong())
    },
)

/** Expects `run` to throw the core error `code` (and `unchanged` to hold afterwards). */
fun expectError(code: String, at: String, run: () -> Unit) {
    try {
        run()
    } catch (e: PatunganException) {
        check(code(e) == code) { "$at: expected $code, got ${code(e)}: ${e.message}" }
        return
    }
    throw AssertionError("$at: expected error $code")
}

/** Validates every {amount, currency} inside `v` (the Rust runners' check_money). */
fun checkMoney(v: Any?) {
    when (v) {
        is Map<*, *> -> {
            val amount = v["amount"]
            val currency = v["currency"]
            if (amount is String && currency is String) patungan.money(BigDecimal(amount), currency)
            v.values.forEach(::checkMoney)
        }
        is List<*> -> v.forEach(::checkMoney)
        else -> {}
    }
}

fun runGrosir(dir: File) {
    for (c in cases(dir, "availability.json")) {
        val name = c["name"]
        case("availability.json: $name") {
            val config = grosir(c["bundle"])
            val orders = ulongs(c["orders"])
            c["queries"].list().forEachIndexed { i, q ->
                val query = q.obj()
                val key = "availability.json#$name#query$i"
                val wantError = query["expect_error"] as String?
                if (wantError != null) {
                    expectError(wantError, key) { config.availability(query["variant"].str(), orders) }
                    record(key, mapOf("error" to wantError))
                } else {
                    val a = availabilityJson(config.availability(query["variant"].str(), orders))
                    record(key, a)
                    check(a == query["expect"]) { "$key: expected ${query["expect"]}, got $a" }
                }
            }
            (c["join_checks"] as List<*>?)?.forEachIndexed { i, j ->
                val check = j.obj()
                val a = config.availability(check["variant"].str(), orders)
                val quantity = check["quantity"].long().toULong()
                val allowed = a.available == null || quantity <= a.available!!
                record("availability.json#$name#join$i", allowed)
                check(allowed == check["allowed"]) { "join check $i" }
            }
            c["production"]?.let { want ->
                val p = Json.parse(config.productionJson(orders)).obj()
                val lines = p["lines"].list().map { it.obj() }
                val actual = linkedMapOf(
                    "bundles" to p["bundles"],
                    "produced" to lines.map { it["produced"] },
                    "excess" to lines.map { it["excess"] },
                    "over_tolerance" to lines.map { it["over_tolerance"] },
                )
                record("availability.json#$name#production", actual)
                check(actual == want) { "production: expected $want, got $actual" }
            }
        }
    }
    for (c in cases(dir, "warehouse_plan.json")) {
        case("warehouse_plan.json: ${c["name"]}") {
            val plan = Json.parse(
                grosir(c["bundle"]).warehousePlanJson(ulongs(c["demand"]), ulongs(c["stock"]), money(c["unit_cost"]), money(c["leg1_shipping"])),
            )
            record("warehouse_plan.json#${c["name"]}", plan)
            check(plan == c["expect"]) { "expected ${c["expect"]}, got $plan" }
        }
    }
}

fun runSessions(dir: File) {
    val doc = Json.parse(File(dir, "session_scenarios.json").readText()).obj()
    for (sc in doc["scenarios"].list().map { it.obj() }) {
        val name = sc["name"]
        case("session_scenarios.json: $name") {
            val session = SessionHandle.create(sc["session_id"].str(), jsonText(sc["config"]), sc["created_at"].str())
            val log = ArrayList<Any?>(Json.parse(session.drainEventsJson()).list())
            check(log.map { it.obj()["type"] } == listOf("created")) { "created event" }
            sc["steps"].list().forEachIndexed { i, s ->
                val step = s.obj()
                val at = "$name step $i"
                val key = "session_scenarios.json#$name#$i"
                val expect = step["expect"].obj()
                val before = session.toJson()
                val wantError = expect["error"] as String?
                if (wantError != null) {
                    expectError(wantError, at) { session.handle(jsonText(step["input"])) }
                    check(session.toJson() == before) { "$at: error changed the session" }
                    record(key, mapOf("error" to wantError))
                    return@forEachIndexed
                }
                val outcome = session.handle(jsonText(step["input"]))
                val events = Json.parse(session.drainEventsJson()).list()
                val effects = Json.parse(session.drainEffectsJson()).list()
                check(outcome == expect["outcome"]) { "$at: outcome $outcome" }
                if (outcome == "unchanged") check(events.isEmpty() && effects.isEmpty()) { "$at: unchanged yet queued output" }
                val actual = linkedMapOf<String, Any?>(
                    "outcome" to outcome,
                    "events" to events,
                    "effects" to effects,
                    "state" to Json.parse(session.stateJson()),
                    "next_timeout" to session.pollTimeout(),
                )
                subset(expect["events"], events, "$at events")
                subset(expect["effects"], effects, "$at effects")
                expect["state"]?.let { subset(it, actual["state"], "$at state") }
                if (expect.containsKey("next_timeout")) subset(expect["next_timeout"], actual["next_timeout"], "$at next_timeout")
                (expect["availability"] as List<*>?)?.let { queries ->
                    actual["availability"] = queries.map { q ->
                        val a = availabilityJson(session.availability(q.obj()["variant"].str())!!)
                        subset(q.obj()["expect"], a, "$at availability")
                        a
                    }
                }
                (expect["preview"] as Map<*, *>?)?.let { p ->
                    val preview = previewJson(session.preview(p["extra"].long().toULong()))
                    subset(p["expect"], preview, "$at preview")
                    actual["preview"] = preview
                }
                record(key, actual)
                log.addAll(events)
            }
            check(SessionHandle.replay(jsonText(log)).stateJson() == session.stateJson()) { "$name: replay differs" }
            val text = session.toJson()
            check(SessionHandle.fromJson(text).toJson() == text) { "$name: JSON round trip differs" }
            record("session_scenarios.json#$name#final", Json.parse(session.stateJson()))
        }
    }
}

val UUID_RE = Regex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

/** Balances compared numerically ("1.50" = "1.5"), as the Rust runners do. */
fun numeric(lines: Any?): List<Map<String, BigDecimal>?> =
    lines.list().map { l -> (l.obj()["balances"] as Map<*, *>?)?.entries?.associate { (k, v) -> k as String to BigDecimal(v as String).stripTrailingZeros() } }

fun costInput(c: Map<String, Any?>): CostBreakdown = costBreakdown(
    JoinCostInput(c["quantity"].long().toULong(), money(c["group_price"]), c["moq"].long().toULong(), money(c["bulk_shipping_cost"]), money(c["courier_price"]), c["gateway_fee_rate"].long().toUInt()),
)

fun ledgerStep(currency: String, ledger: LedgerHandle, step: Map<String, Any?>): Any? = when (step["op"]) {
    "open" -> ledger.openJson(jsonText(step["account"]))
    "apply" -> {
        checkMoney(step["transfers"])
        Json.parse(ledger.applyJson(jsonText(step["transfers"])))
    }
    "recipe" -> {
        checkMoney(step["input"])
        Json.parse(ledger.executeJson(chartRecipeJson(currency, step["recipe"].str(), jsonText(step["input"]))))
    }
    "split_from_cost" -> Json.parse(
        successSplitJson(step["participant"].str(), step["session"].str(), step["user"].str(), costInput(step["cost"].obj()), money(step["final_unit_price"])),
    )
    "balances" -> step["expect"].list().map { line ->
        val account = line.obj()["account"]
        val id = if (account is String && UUID_RE.matches(account)) account else chartAccountId(currency, jsonText(account))
        linkedMapOf("account" to account, "balances" to Json.parse(ledger.balancesJson(id)))
    }
    "reconcile" -> {
        val r = Json.parse(ledger.reconcileJson(step["terminal_sessions"].list().map { it.str() })).obj()
        linkedMapOf(
            "clean" to r["clean"],
            "unsettled_terminal_sessions" to r["unsettled_terminal_sessions"],
            "sessions" to r["sessions"].list().map { s ->
                val e = s.obj()
                linkedMapOf("session" to e["session"], "paid_in" to e["paid_in"], "paid_out" to e["paid_out"], "pending_out" to e["pending_out"], "balance" to e["balance"], "settled" to e["settled"])
            },
        )
    }
    else -> throw AssertionError("unknown op ${step["op"]}")
}

fun runLedger(dir: File) {
    val doc = Json.parse(File(dir, "ledger.json").readText()).obj()
    for (c in doc["cases"].list().map { it.obj() }) {
        val name = c["name"]
        case("ledger.json: $name") {
            val currency = c["currency"].str()
            val ledger = LedgerHandle()
            c["steps"].list().forEachIndexed { i, s ->
                val step = s.obj()
                val at = "$name step $i (${step["op"]})"
                val key = "ledger.json#$name#$i"
                val before = ledger.toJson()
                val wantError = step["error"] as String?
                if (wantError != null) {
                    expectError(wantError, at) { ledgerStep(currency, ledger, step) }
                    check(ledger.toJson() == before) { "$at: refused step changed state" }
                    record(key, mapOf("error" to wantError))
                } else {
                    val actual = ledgerStep(currency, ledger, step)
                    record(key, actual)
                    if (step["op"] == "balances") check(numeric(actual) == numeric(step["expect"])) { "$at: got $actual" }
                    else check(actual == step["expect"]) { "$at: expected ${step["expect"]}, got $actual" }
                }
                ledger.verify()
            }
        }
    }
    case("ledger.json: derived, chart and transfer ids") {
        doc["derived_ids"].list().forEachIndexed { i, d ->
            val v = d.obj()
            val purpose = when (val p = v["purpose"]) { is Long -> p.toULong(); else -> (p as BigDecimal).toBigInteger().toString().toULong() }
            val got = deriveUuid(v["base"].str(), purpose)
            record("ledger.json#derived_ids#$i", got)
            check(got == v["expect"]) { "derived $v: $got" }
        }
        doc["chart_ids"].list().forEachIndexed { i, d ->
            val v = d.obj()
            val got = chartAccountId(v["currency"].str(), jsonText(v["account"]))
            record("ledger.json#chart_ids#$i", got)
            check(got == v["expect"]) { "chart $v: $got" }
        }
        doc["transfer_ids"].list().forEachIndexed { i, d ->
            val v = d.obj()
            val posting = Json.parse(chartRecipeJson(v["currency"].str(), v["recipe"].str(), jsonText(v["input"]))).obj()
            val ids = posting["transfers"].list().map { it.obj()["id"] }
            record("ledger.json#transfer_ids#$i", ids)
            check(ids == v["expect"]) { "transfer ids $v: $ids" }
        }
    }
}

fun schedule(v: Any?): WithdrawalSchedule = if (v == null) {
    WithdrawalSchedule.defaultSchedule()
} else {
    val s = v.obj()
    WithdrawalSchedule(s["weekdays"].list().map { it.str() }, s["local_time"].str(), s["zone"].str())
}

fun runWithdrawals(dir: File) {
    for (c in cases(dir, "withdrawal.json")) {
        val name = c["name"]
        case("withdrawal.json: $name") {
            val currency = c["currency"].str()
            val ledger = LedgerHandle()
            val withdrawals = WithdrawalsHandle(currency, c["policy"]?.let(::jsonText))
            val sched = schedule(c["schedule"])
            val maxItems = (c["max_items"] as Long? ?: 1000L).toULong()
            fun step(s: Map<String, Any?>): Any? = when (s["op"]) {
                "credit" -> {
                    checkMoney(s["credit"])
                    walletCreditJson(ledger, currency, jsonText(s["credit"]))
                }
                "request" -> {
                    checkMoney(s["request"])
                    val outcome = withdrawals.requestJson(ledger, jsonText(s["request"]))
                    val w = Json.parse(withdrawals.getJson(s["request"].obj()["id"].str())).obj()
                    linkedMapOf("outcome" to outcome, "fee" to w["fee"], "net" to w["net"])
                }
                "plan" -> Json.parse(withdrawals.planJson(s["now"].str(), sched, maxItems)).list().map { b ->
                    linkedMapOf("key" to b.obj()["key"], "items" to b.obj()["items"].list().map { linkedMapOf("key" to it.obj()["key"], "net" to it.obj()["net"]) })
                }
                "result" -> withdrawals.applyResultJson(ledger, jsonText(s["result"]))
                "reverse" -> withdrawals.reverse(ledger, s["withdrawal"].str())
                "wallet" -> {
                    val b = Json.parse(walletBalanceJson(ledger, currency, s["user"].str())).obj()
                    linkedMapOf("posted" to b["posted"], "held" to b["held"], "available" to b["available"])
                }
                "withdrawal" -> {
                    val w = Json.parse(withdrawals.getJson(s["withdrawal"].str())).obj()
                    linkedMapOf("status" to w["status"], "attempts" to w["attempts"].list().size.toLong(), "failure_code" to w["failure_code"])
                }
                "balances" -> s["expect"].list().map { line ->
                    val account = line.obj()["account"]
                    linkedMapOf("account" to account, "balances" to Json.parse(ledger.balancesJson(chartAccountId(currency, jsonText(account)))))
                }
                else -> throw AssertionError("unknown op ${s["op"]}")
            }
            c["steps"].list().forEachIndexed { i, raw ->
                val s = raw.obj()
                val at = "$name step $i (${s["op"]})"
                val key = "withdrawal.json#$name#$i"
                val before = ledger.toJson() + withdrawals.toJson()
                val wantError = s["error"] as String?
                if (wantError != null) {
                    expectError(wantError, at) { step(s) }
                    check(ledger.toJson() + withdrawals.toJson() == before) { "$at: refused step changed state" }
                    record(key, mapOf("error" to wantError))
                } else {
                    val actual = step(s)
                    record(key, actual)
                    if (s["op"] == "balances") check(numeric(actual) == numeric(s["expect"])) { "$at: got $actual" }
                    else check(actual == s["expect"]) { "$at: expected ${s["expect"]}, got $actual" }
                }
                ledger.verify()
            }
        }
    }
    for (c in cases(dir, "schedule.json")) {
        val key = "schedule.json#${c["name"]}"
        case("schedule.json: ${c["name"]}") {
            val wantError = c["error"] as String?
            if (wantError != null) {
                expectError(wantError, key) { schedule(c["schedule"]) }
                record(key, mapOf("error" to wantError))
            } else {
                val s = schedule(c["schedule"])
                val actual = linkedMapOf("last_at_or_before" to s.lastInstantAtOrBefore(c["now"].str()), "next_after" to s.nextAfter(c["now"].str()))
                record(key, actual)
                check(actual == linkedMapOf("last_at_or_before" to c["last_at_or_before"], "next_after" to c["next_after"])) { "got $actual" }
            }
        }
    }
}

/** The chart's suspense account: anomaly money booked to suspense and refunded out of it. */
fun suspenseChecks() {
    val anomaly = "5f0c2a4e-8f1d-4c1b-9a57-2d8e3b6c7a10"
    val user = "00000000-0000-0000-0000-000000000007"
    val amount = mapOf("amount" to "150000", "currency" to "IDR")
    fun recipe(name: String, input: Map<String, Any?>) = chartRecipeJson("IDR", name, jsonText(input))
    fun transfers(posting: String) = Json.parse(posting).obj()["transfers"].list().map { it.obj() }
    case("api: suspense recipes through chartRecipeJson") {
        val ledger = LedgerHandle() // executeJson opens the accounts a posting names
        val received = recipe("suspense_received", mapOf("anomaly" to anomaly, "amount" to amount))
        val (t) = transfers(received)
        // Pinned like the Python and Node tests: transfer ids never change.
        check(t["id"] == "7653c90f-f468-89d4-901e-c4094a62fcd8" && t["code"] == "suspense_received") { "$t" }
        check(Json.parse(ledger.executeJson(received)) == listOf("created")) { "received" }
        check(Json.parse(ledger.executeJson(received)) == listOf("already_exists")) { "replayed" }
        val refund = recipe("suspense_refund", mapOf("anomaly" to anomaly, "attempt" to 1L, "user" to user, "amount" to amount, "destination" to "original_method"))
        val (hold) = transfers(refund)
        check(hold["id"] == "d8f18a9a-0d6d-86c7-8d34-33199069bec6" && hold["op"].obj()["type"] == "pending") { "$hold" }
        ledger.executeJson(refund)
        val settled = recipe("suspense_refund_settled", mapOf("anomaly" to anomaly, "attempt" to 1L, "result" to "confirmed"))
        check(transfers(settled)[0]["op"].obj()["pending_id"] == hold["id"]) { settled }
        ledger.executeJson(settled)
        val suspense = chartAccountId("IDR", jsonText("suspense"))
        val b = Json.parse(ledger.balancesJson(suspense)).obj()
        check(b["credits_posted"] == "150000" && b["debits_posted"] == "150000" && b["debits_pending"] == "0") { "$b" }
        ledger.verify()
        expectError("json.invalid", "bad result") {
            recipe("suspense_refund_settled", mapOf("anomaly" to anomaly, "attempt" to 1L, "result" to "maybe"))
        }
    }
}

