// The Node surface: exact strings, error classes, instants and round trips.
import assert from 'node:assert/strict'
import { test } from 'node:test'

import * as p from '../index.js'

const idr = (n) => p.money(String(n), 'IDR')
const ladder = () => p.TierLadder.withDefaultThresholds(idr(200000), [idr(150000), idr(135000), idr(120000), idr(105000)])

test('money is validated and normalised, amounts are exact strings', () => {
  assert.deepStrictEqual(p.money('12.50', 'USD'), { amount: '12.5', currency: 'USD' })
  assert.deepStrictEqual(p.money('100.00', 'IDR'), { amount: '100', currency: 'IDR' })
  assert.deepStrictEqual(p.money('79228162514264337593543950335', 'IDR').amount, '79228162514264337593543950335')
  for (const [amount, currency, code] of [
    ['-1', 'IDR', 'money.negative'],
    ['1.5', 'IDR', 'money.too_many_decimals'],
    ['abc', 'IDR', 'money.invalid_amount'],
    ['1', 'XXX', 'money.unknown_currency'],
  ]) {
    assert.throws(() => p.money(amount, currency), (e) => e instanceof p.MoneyError && e.code === code && e.name === 'MoneyError')
  }
  assert.equal(p.decimalPlaces('USD'), 2)
  assert.ok(p.currencies().includes('IDR'))
})

test('money operations name their rounding', () => {
  assert.equal(p.moneyDivQty(idr(100), 3, 'down').amount, '33')
  assert.equal(p.moneyDivQty(idr(100), 3, 'up').amount, '34')
  assert.equal(p.moneyPercentOf(idr(1000001), 300, 'up').amount, '30001')
  assert.equal(p.moneyFromRounded('2.5', 'IDR', 'half_even').amount, '2')
  assert.equal(p.moneyFromRounded('2.5', 'IDR', 'half_up').amount, '3')
  assert.equal(p.moneyMulQty(p.moneyAdd(idr(1), idr(2)), 3).amount, '9')
  assert.throws(() => p.moneySub(idr(1), idr(2)), { code: 'money.underflow' })
  assert.throws(() => p.moneyAdd(idr(1), p.money('1', 'USD')), { code: 'money.currency_mismatch' })
  assert.throws(() => p.moneyDivQty(idr(1), 3, 'sideways'), { code: 'InvalidArg' })
})

test('preview: typed fields, nulls at the top rung', () => {
  const pv = ladder().preview(100, 45, 5)
  assert.deepStrictEqual(pv.priceIfClosedNow, { amount: '135000', currency: 'IDR' })
  assert.equal(pv.unitsToNextRung, 25)
  assert.equal(pv.currentRung.index, 0)
  assert.ok(pv instanceof p.Preview)
  const plain = JSON.parse(JSON.stringify(pv))
  assert.equal(Object.keys(plain).length, 12)
  assert.deepStrictEqual(plain.nextRung, { index: 2, thresholdBp: 7500, unitPrice: { amount: '120000', currency: 'IDR' } })
  const top = ladder().preview(100, 100)
  assert.equal(top.nextRung, null)
  assert.equal(top.unitsToNextRung, null)
  assert.equal(top.savingPerUnitAtNextRung, null)
  assert.equal(p.fillBp(99, 24), 2424)
  // The numbers come from the shared buffer; every getter agrees with toJSON().
  const a = ladder().preview(100, 45, 5)
  const b = ladder().preview(1000, 10)
  for (const [v, json] of [[a, a.toJSON()], [b, b.toJSON()], [top, top.toJSON()]]) {
    for (const key of Object.keys(json)) assert.deepStrictEqual(v[key], json[key], key)
  }
  assert.equal(a.fillBp, 4500)
  assert.equal(b.extraQuantity, 0)
  assert.throws(() => new p.Preview(), TypeError)
})

test('errors map by code prefix and keep the core message', () => {
  assert.throws(() => new p.TierLadder(idr(100), []), (e) => e instanceof p.TierError && e instanceof p.PatunganError && e.code === 'tier.no_rungs' && /at least one rung/.test(e.message))
  assert.throws(() => new p.TierLadder(idr(100), [{ thresholdBp: 2500, unitPrice: p.money('1', 'USD') }]), p.MoneyError)
  assert.throws(() => ladder().preview(1, 0), (e) => e instanceof p.MoqError && e.code === 'moq.too_small')
  assert.throws(() => p.TierLadder.fromJson('{"group_price":{"amount":"1","currency":"IDR"},"rungs":[]}'), (e) => e instanceof p.PatunganError && e.code === 'json.invalid')
  // Non-integers, negatives and unsafe integers are argument errors, not rules.
  for (const bad of [-1, 1.5, Number.NaN, 2 ** 53]) {
    assert.throws(() => ladder().preview(100, bad), (e) => !(e instanceof p.PatunganError) && e.code === 'InvalidArg')
  }
  assert.throws(() => ladder().preview(100, '5'), (e) => !(e instanceof p.PatunganError))
  assert.throws(() => p.TierLadder.withDefaultThresholds(idr(1), []), { code: 'InvalidArg' })
})

test('ladder accessors and JSON round trip', () => {
  const l = ladder()
  assert.ok(l instanceof p.TierLadder)
  assert.equal(p.TierLadder.fromJson(l.toJson()).toJson(), l.toJson())
  assert.deepStrictEqual(l.groupPrice, idr(200000))
  assert.equal(l.currency, 'IDR')
  assert.deepStrictEqual(l.rungs.map((r) => r.thresholdBp), [2500, 5000, 7500, 10000])
  assert.deepStrictEqual(l.finalPrice(100, 87), idr(120000))
  assert.deepStrictEqual(l.cashback(100, 45, 10), idr(500000))
  assert.equal(l.rungAt(2499), null)
  assert.equal(l.rungAt(2500).index, 0)
})

test('bot policy: Date and ISO string instants, defaults, errors', () => {
  const bot = new p.BotPolicy()
  assert.deepStrictEqual([bot.enabled, bot.targetBp, bot.windowSeconds], [true, 2500, 600])
  assert.equal(bot.topUp(99, 10), 15)
  assert.equal(bot.targetQuantity(99), 25)
  const at = bot.checkAt(new Date('2026-11-26T00:00:00+07:00'))
  assert.ok(at instanceof Date)
  assert.equal(at.toISOString(), '2026-11-25T16:50:00.000Z')
  assert.equal(bot.checkAt('2026-11-26T00:00:00+07:00').toISOString(), '2026-11-25T16:50:00.000Z')
  assert.throws(() => bot.checkAt('tomorrow'), { code: 'InvalidArg' })
  assert.equal(p.BotPolicy.fromJson(bot.toJson()).toJson(), bot.toJson())
  assert.equal(p.BotPolicy.disabled().topUp(100, 20), 0)
  assert.throws(() => new p.BotPolicy({ targetBp: 0 }), (e) => e instanceof p.BotPolicyError && e.code === 'bot.target_out_of_range')
})

test('cost breakdown with the default gateway fee', () => {
  const cost = p.costBreakdown({ quantity: 10, groupPrice: idr(100000), moq: 100, bulkShippingCost: idr(500000), courierPrice: idr(15000) })
  assert.equal(p.DEFAULT_GATEWAY_FEE_BP, 300)
  assert.deepStrictEqual(cost.total, idr(1095000))
  assert.throws(() => p.costBreakdown({ quantity: 0, groupPrice: idr(1), moq: 2, bulkShippingCost: idr(0), courierPrice: idr(0) }), (e) => e instanceof p.CostError && e.code === 'cost.zero_quantity')
})

test('an unknown code prefix falls back to PatunganError; other errors pass through', () => {
  const native = Object.assign(new Error('msg'), { code: 'someday.new_rule' })
  const mapped = p.fromNative(native)
  assert.ok(mapped instanceof p.PatunganError && mapped.constructor === p.PatunganError)
  assert.equal(mapped.code, 'someday.new_rule')
  const plain = new TypeError('x')
  assert.equal(p.fromNative(plain), plain)
})
