// ledger.json through the Node binding: same semantics as core/tests/ledger_vectors.rs.
// Inputs are the vector's JSON form; like the Rust runner's check_money, every money
// object of an input is first validated through `money()` so that bad amounts report
// their money.* code. A refused step leaves the ledger unchanged; balances compare
// numerically; the invariants are re-checked after every step.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'

import { Chart, Ledger, PatunganError, costBreakdown, deriveUuid, money, successSplitFromCost } from '../index.js'
import { VECTORS, parityFile, record } from './helpers.mjs'

parityFile('ledger')
// The u64 purposes of derived_ids exceed 2^53: keep them as exact strings.
const text = readFileSync(join(VECTORS, 'ledger.json'), 'utf8').replace(/"purpose": (\d+)/g, '"purpose": "$1"')
const doc = JSON.parse(text)

/** Validates every {amount, currency} inside `v` (the Rust runner's check_money). */
export function checkMoney(v) {
  if (Array.isArray(v)) return v.forEach(checkMoney)
  if (v !== null && typeof v === 'object') {
    if (typeof v.amount === 'string' && typeof v.currency === 'string') money(v.amount, v.currency)
    Object.values(v).forEach(checkMoney)
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const accountId = (chart, v) => (typeof v === 'string' && UUID.test(v) ? v : chart.id(v))

const RECIPES = {
  payment_received: (c, v) => c.paymentReceived(v),
  success_split: (c, v) => c.successSplit(v),
  refund: (c, v) => c.refund(v),
  refund_settled: (c, v) => c.refundSettled(v),
  late_payment_refund: (c, v) => c.latePaymentRefund(v),
  wallet_credit: (c, v) => c.walletCredit(v),
  wallet_debit: (c, v) => c.walletDebit(v),
}

function runStep(chart, ledger, step) {
  switch (step.op) {
    case 'open':
      return ledger.open(step.account)
    case 'apply':
      checkMoney(step.transfers)
      return ledger.apply(step.transfers)
    case 'recipe':
      checkMoney(step.input)
      return ledger.execute(RECIPES[step.recipe](chart, step.input))
    case 'split_from_cost': {
      const c = step.cost
      const m = (v) => money(v.amount, v.currency)
      const cost = costBreakdown({ quantity: c.quantity, groupPrice: m(c.group_price), moq: c.moq, bulkShippingCost: m(c.bulk_shipping_cost), courierPrice: m(c.courier_price), gatewayFeeRateBp: c.gateway_fee_rate })
      const record = { quantity: cost.quantity, product: cost.product, leg1_per_unit: cost.leg1PerUnit, leg1: cost.leg1, leg2: cost.leg2, gateway_fee: cost.gatewayFee, total: cost.total }
      return successSplitFromCost(step.participant, step.session, step.user, record, m(step.final_unit_price))
    }
    case 'balances':
      return step.expect.map((line) => ({ account: line.account, balances: ledger.balances(accountId(chart, line.account)) }))
    case 'reconcile': {
      const r = ledger.reconcile(step.terminal_sessions)
      return {
        clean: r.clean,
        unsettled_terminal_sessions: r.unsettled_terminal_sessions,
        sessions: r.sessions.map((s) => ({ session: s.session, paid_in: s.paid_in, paid_out: s.paid_out, pending_out: s.pending_out, balance: s.balance, settled: s.settled })),
      }
    }
    default:
      throw new Error(`unknown op ${step.op}`)
  }
}

// Decimal strings compared numerically ("1.50" = "1.5"), as the Rust runner does.
const norm = (s) => s.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '')
const numeric = (lines) => lines.map((l) => (l.balances === null ? null : Object.fromEntries(Object.entries(l.balances).map(([k, v]) => [k, norm(v)]))))

describe('ledger.json', () => {
  for (const c of doc.cases) {
    test(c.name, () => {
      const chart = new Chart(c.currency)
      const ledger = new Ledger()
      c.steps.forEach((step, i) => {
        const at = `${c.name} step ${i} (${step.op})`
        const key = `ledger.json#${c.name}#${i}`
        const before = ledger.toJson()
        if ('error' in step) {
          assert.throws(() => runStep(chart, ledger, step), (e) => e instanceof PatunganError && e.code === step.error, at)
          assert.equal(ledger.toJson(), before, `${at}: refused step changed state`)
          record(key, { error: step.error })
        } else {
          const actual = runStep(chart, ledger, step)
          record(key, actual)
          if (step.op === 'balances') assert.deepStrictEqual(numeric(actual), numeric(step.expect), at)
          else assert.deepStrictEqual(actual, step.expect, at)
        }
        ledger.verify()
      })
    })
  }

  test('derived, chart and transfer ids', () => {
    doc.derived_ids.forEach((v, i) => {
      const got = deriveUuid(v.base, v.purpose)
      record(`ledger.json#derived_ids#${i}`, got)
      assert.equal(got, v.expect)
    })
    doc.chart_ids.forEach((v, i) => {
      const got = new Chart(v.currency).id(v.account)
      record(`ledger.json#chart_ids#${i}`, got)
      assert.equal(got, v.expect)
    })
    doc.transfer_ids.forEach((v, i) => {
      const ids = RECIPES[v.recipe](new Chart(v.currency), v.input).transfers.map((t) => t.id)
      record(`ledger.json#transfer_ids#${i}`, ids)
      assert.deepStrictEqual(ids, v.expect)
    })
  })
})
