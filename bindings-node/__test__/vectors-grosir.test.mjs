// availability.json and warehouse_plan.json through the Node binding: same semantics
// as core/tests/grosir_vectors.rs; results are the core's JSON form, compared exactly.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'

import { GrosirConfig, PatunganError, money } from '../index.js'
import { loadCases, parityFile, record } from './helpers.mjs'

parityFile('grosir')
const m = (v) => money(v.amount, v.currency)

describe('availability.json', () => {
  for (const c of loadCases('availability.json')) {
    test(c.name, () => {
      const config = new GrosirConfig(c.bundle.variants)
      c.queries.forEach((q, i) => {
        const key = `availability.json#${c.name}#query${i}`
        if ('expect_error' in q) {
          assert.throws(() => config.availability(q.variant, c.orders), (e) => e instanceof PatunganError && e.code === q.expect_error)
          record(key, { error: q.expect_error })
          return
        }
        const a = config.availability(q.variant, c.orders)
        record(key, a)
        assert.deepStrictEqual(a, q.expect)
        assert.equal(a.locked, a.available === 0)
      })
      ;(c.join_checks ?? []).forEach((j, i) => {
        // The core's rule (Availability::allows): unbounded, or quantity <= available.
        const a = config.availability(j.variant, c.orders)
        const allowed = a.available === null || j.quantity <= a.available
        record(`availability.json#${c.name}#join${i}`, allowed)
        assert.equal(allowed, j.allowed)
      })
      if (c.production) {
        const p = config.production(c.orders)
        const actual = {
          bundles: p.bundles,
          produced: p.lines.map((l) => l.produced),
          excess: p.lines.map((l) => l.excess),
          over_tolerance: p.lines.map((l) => l.over_tolerance),
        }
        record(`availability.json#${c.name}#production`, actual)
        assert.deepStrictEqual(actual, c.production)
      }
    })
  }
})

describe('warehouse_plan.json', () => {
  for (const c of loadCases('warehouse_plan.json')) {
    test(c.name, () => {
      const config = new GrosirConfig(c.bundle.variants)
      const plan = config.warehousePlan(c.demand, c.stock, m(c.unit_cost), m(c.leg1_shipping))
      record(`warehouse_plan.json#${c.name}`, plan)
      assert.deepStrictEqual(plan, c.expect)
      for (const line of plan.lines) assert.ok(line.stock + line.to_receive >= line.demand)
    })
  }
})
