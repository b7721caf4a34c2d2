// The chart's suspense account through the Node binding: money collected under a
// payment anomaly is booked to suspense and refunded out of it (the core's recipes);
// ladders with rungs beyond the MOQ; the error classes of the newer code prefixes.
import assert from 'node:assert/strict'
import { test } from 'node:test'

import * as p from '../index.js'

const idr = (n) => p.money(String(n), 'IDR')
const ANOMALY = '5f0c2a4e-8f1d-4c1b-9a57-2d8e3b6c7a10'
const USER = '00000000-0000-0000-0000-000000000007'
// Pinned: transfer ids are idempotency keys and must never change. The Python test
// (test_api_ledger.py) expects the same ids; every binding derives them in the core.
const SUSPENSE_RECEIVED_ID = '7653c90f-f468-89d4-901e-c4094a62fcd8'
const SUSPENSE_REFUND_1_ID = 'd8f18a9a-0d6d-86c7-8d34-33199069bec6'

function opened() {
  const chart = new p.Chart('IDR')
  const ledger = new p.Ledger()
  for (const spec of chart.platformAccounts()) assert.equal(ledger.open(spec), 'created')
  return { chart, ledger }
}

test('platform accounts end with suspense', () => {
  const chart = new p.Chart('IDR')
  const accounts = chart.platformAccounts()
  assert.equal(accounts.length, 10)
  const suspense = accounts.at(-1)
  assert.deepStrictEqual([suspense.kind, suspense.entity, suspense.limit], ['suspense', 'platform', 'debits_must_not_exceed_credits'])
  assert.equal(suspense.id, chart.id('suspense'))
  assert.deepStrictEqual(chart.spec('suspense'), suspense)
  const factory = chart.spec('factory_payable')
  assert.deepStrictEqual([factory.kind, factory.entity], ['payable', 'external'])
  assert.ok(accounts.some((a) => a.id === factory.id))
  const supplier = chart.spec('supplier_payouts')
  assert.equal(supplier.entity, 'external')
  assert.ok(accounts.some((a) => a.id === supplier.id))
})

test('suspense transfer ids are the core derivation', () => {
  const chart = new p.Chart('IDR')
  assert.equal(chart.suspenseTransferId(ANOMALY), p.deriveUuid(ANOMALY, 0xb401n << 32n))
  assert.equal(chart.suspenseRefundTransferId(ANOMALY, 1), p.deriveUuid(ANOMALY, (0xb402n << 32n) | 1n))
  assert.notEqual(chart.suspenseRefundTransferId(ANOMALY, 2), chart.suspenseRefundTransferId(ANOMALY, 1))
  assert.equal(chart.suspenseTransferId(ANOMALY), SUSPENSE_RECEIVED_ID)
  assert.equal(chart.suspenseRefundTransferId(ANOMALY, 1), SUSPENSE_REFUND_1_ID)
  assert.throws(() => chart.suspenseTransferId('not-a-uuid'), { code: 'InvalidArg' })
})

test('suspenseReceived books clearing → suspense once', () => {
  const { chart, ledger } = opened()
  const posting = chart.suspenseReceived(ANOMALY, idr(150000))
  assert.deepStrictEqual(posting.accounts.map((a) => a.kind), ['clearing', 'suspense'])
  assert.deepStrictEqual(posting.transfers, [
    {
      id: SUSPENSE_RECEIVED_ID,
      op: { type: 'posted', debit_account: chart.id('gateway_clearing'), credit_account: chart.id('suspense'), amount: idr(150000) },
      code: 'suspense_received',
    },
  ])
  assert.deepStrictEqual(ledger.execute(posting), ['created'])
  assert.deepStrictEqual(ledger.execute(posting), ['already_exists']) // a replayed callback
  assert.equal(ledger.balances(chart.id('suspense')).credits_posted, '150000')
})

test('suspenseRefund to the original method and suspenseRefundSettled', () => {
  const { chart, ledger } = opened()
  ledger.execute(chart.suspenseReceived(ANOMALY, idr(150000)))
  const first = chart.suspenseRefund({ anomaly: ANOMALY, attempt: 1, user: USER, amount: idr(150000), destination: 'original_method' })
  const [hold] = first.transfers
  assert.deepStrictEqual([hold.id, hold.code, hold.op.type, hold.op.debit_account], [SUSPENSE_REFUND_1_ID, 'refund', 'pending', chart.id('suspense')])
  ledger.execute(first)
  const failed = chart.suspenseRefundSettled(ANOMALY, 1, 'failed')
  assert.deepStrictEqual([failed.accounts, failed.transfers[0].op], [[], { type: 'void_pending', pending_id: SUSPENSE_REFUND_1_ID }])
  ledger.execute(failed)
  const suspense = chart.id('suspense')
  assert.equal(ledger.balances(suspense).debits_pending, '0')
  // The second attempt, given as JSON text, is confirmed: suspense is empty.
  const second = JSON.stringify({ anomaly: ANOMALY, attempt: 2, user: USER, amount: idr(150000), destination: 'original_method' })
  ledger.execute(chart.suspenseRefund(second))
  const confirmed = chart.suspenseRefundSettled(ANOMALY, 2, 'confirmed')
  assert.equal(confirmed.transfers[0].op.type, 'post_pending')
  assert.equal(confirmed.transfers[0].op.pending_id, chart.suspenseRefundTransferId(ANOMALY, 2))
  ledger.execute(confirmed)
  const b = ledger.balances(suspense)
  assert.deepStrictEqual([b.credits_posted, b.debits_posted, b.debits_pending], ['150000', '150000', '0'])
  ledger.verify()
})

test('suspenseRefund to the wallet is posted at once; never beyond what suspense holds', () => {
  const { chart, ledger } = opened()
  ledger.execute(chart.suspenseReceived(ANOMALY, idr(40000)))
  const before = ledger.toJson()
  assert.throws(() => ledger.execute(chart.suspenseRefund({ anomaly: ANOMALY, attempt: 1, user: USER, amount: idr(40001), destination: 'wallet' })), (e) => e instanceof p.LedgerError && e.code.startsWith('ledger.'))
  assert.equal(ledger.toJson(), before)
  const posting = chart.suspenseRefund({ anomaly: ANOMALY, attempt: 1, user: USER, amount: idr(40000), destination: 'wallet' })
  assert.deepStrictEqual([posting.transfers[0].op.type, posting.transfers[0].op.credit_account], ['posted', chart.wallet(USER)])
  assert.deepStrictEqual(ledger.execute(posting), ['created'])
  assert.equal(ledger.balances(chart.wallet(USER)).credits_posted, '40000')
})

test('suspense recipe inputs are validated', () => {
  const chart = new p.Chart('IDR')
  assert.throws(() => chart.suspenseRefundSettled(ANOMALY, 1, 'maybe'), (e) => e instanceof p.PatunganError && e.code === 'json.invalid')
  assert.throws(() => chart.suspenseRefund({ anomaly: ANOMALY, attempt: 1 }), (e) => e instanceof p.PatunganError && e.code === 'json.invalid')
  assert.throws(() => chart.suspenseReceived(ANOMALY, p.money('-1', 'IDR')), p.MoneyError)
  assert.throws(() => chart.suspenseReceived(ANOMALY, { amount: '1.5', currency: 'IDR' }), (e) => e instanceof p.MoneyError && e.code === 'money.too_many_decimals')
})

test('ladder rungs beyond the MOQ are opt-in', () => {
  const rungs = [
    { thresholdBp: 10000, unitPrice: idr(90) },
    { thresholdBp: 20000, unitPrice: idr(80) },
  ]
  assert.throws(() => new p.TierLadder(idr(100), rungs), (e) => e instanceof p.TierError && e.code === 'tier.threshold_above_moq')
  assert.throws(() => new p.TierLadder(idr(100), rungs, false), { code: 'tier.threshold_above_moq' })
  const plain = new p.TierLadder(idr(100), rungs.slice(0, 1))
  assert.equal(plain.allowAboveMoq, false)
  assert.equal('allow_above_moq' in JSON.parse(plain.toJson()), false)
  const above = new p.TierLadder(idr(100), rungs, true)
  assert.equal(above.allowAboveMoq, true)
  assert.equal(JSON.parse(above.toJson()).allow_above_moq, true)
  assert.equal(p.TierLadder.fromJson(above.toJson()).allowAboveMoq, true)
  assert.deepStrictEqual([above.finalPrice(100, 150), above.finalPrice(100, 200)], [idr(90), idr(80)])
  assert.throws(() => new p.TierLadder(idr(100), [{ thresholdBp: 100001, unitPrice: idr(90) }], true), (e) => e instanceof p.TierError && e.code === 'tier.threshold_too_high')
})

test('the newer core codes map to their classes', () => {
  assert.throws(() => new p.TierLadder(idr(100), [{ thresholdBp: 5000, unitPrice: idr(90) }]).preview(10000001, 0), (e) => e instanceof p.MoqError && e.code === 'moq.too_large')
  for (const [code, Class] of [
    ['text.control_character', p.TextError],
    ['text.too_long', p.TextError],
    ['payment.amount_mismatch', p.PaymentError],
    ['refund.not_awaiting_operator', p.RefundError],
    ['session_config.variant_without_grosir', p.SessionConfigError],
    ['withdrawal.control_character', p.WithdrawalError],
  ]) {
    const mapped = p.fromNative(Object.assign(new Error('msg'), { code }))
    assert.ok(mapped.constructor === Class && mapped instanceof p.PatunganError, code)
    assert.equal(mapped.name, Class.name)
  }
  const ledger = new p.Ledger()
  new p.Wallets('IDR').credit(ledger, { reference: USER, user: USER, amount: idr(500000), reason: 'deposit' })
  const w = new p.Withdrawals('IDR')
  const before = ledger.toJson()
  const request = { id: ANOMALY, user: USER, amount: idr(20000), destination: { bank_code: 'BCA', account_number: '1234567890', holder_name: 'Siti\u0000Aminah' }, requested_at: '2025-01-06T08:00:00Z' }
  assert.throws(() => w.request(ledger, request), (e) => e instanceof p.WithdrawalError && e.code === 'withdrawal.control_character' && /U\+0000/.test(e.message))
  assert.equal(ledger.toJson(), before)
})
