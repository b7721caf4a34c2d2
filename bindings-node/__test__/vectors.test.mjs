// The core's golden vectors through the Node binding: same semantics as
// core/tests/pricing_vectors.rs (op=preview compares the listed subset; an `error`
// case must throw a PatunganError with that code). Decimal strings compare exactly.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'

import { BotPolicy, PatunganError, TierLadder, costBreakdown, money } from '../index.js'
import { costJson, loadCases, moneyJson, parityFile, previewJson, record } from './helpers.mjs'

parityFile('pricing')

const m = (v) => money(v.amount, v.currency)
const ladder = (v) => new TierLadder(m(v.group_price), v.rungs.map((r) => ({ thresholdBp: r.threshold, unitPrice: m(r.unit_price) })))

function check(c, run, key, subset = false) {
  if ('error' in c) {
    assert.throws(run, (err) => {
      assert.ok(err instanceof PatunganError, `${err}`)
      assert.equal(err.code, c.error)
      assert.ok(err.message.length > 0)
      return true
    })
    record(key, { error: c.error })
    return
  }
  const actual = run()
  record(key, actual)
  if (subset) {
    for (const [key, want] of Object.entries(c.expect)) assert.deepStrictEqual(actual[key], want, key)
  } else {
    assert.deepStrictEqual(actual, c.expect)
  }
}

describe('tier.json', () => {
  for (const c of loadCases('tier.json')) {
    test(c.name, () => {
      if (c.op === 'preview') {
        check(c, () => previewJson(ladder(c.ladder).preview(c.moq, c.filled, c.extra)), `tier.json#${c.name}`, true)
      } else if (c.op === 'cashback') {
        check(c, () => moneyJson(ladder(c.ladder).cashback(c.moq, c.filled, c.quantity)), `tier.json#${c.name}`)
      } else {
        assert.fail(`unknown op ${c.op}`)
      }
    })
  }
})

describe('bot.json', () => {
  for (const c of loadCases('bot.json')) {
    test(c.name, () => {
      const p = c.policy
      check(c, () =>
        new BotPolicy({ enabled: p.enabled, targetBp: p.target_bp, windowSeconds: p.window_seconds }).topUp(
          c.moq,
          c.paid_real,
          c.existing_bot,
        ),
        `bot.json#${c.name}`,
      )
    })
  }
})

describe('cost.json', () => {
  for (const c of loadCases('cost.json')) {
    test(c.name, () => {
      const i = c.input
      check(c, () => {
        const groupPrice = m(i.group_price)
        const bulkShippingCost = m(i.bulk_shipping_cost)
        const courierPrice = m(i.courier_price)
        return costJson(
          costBreakdown({
            quantity: i.quantity,
            groupPrice,
            moq: i.moq,
            bulkShippingCost,
            courierPrice,
            gatewayFeeRateBp: i.gateway_fee_rate,
          }),
        )
      }, `cost.json#${c.name}`)
    })
  }
})
