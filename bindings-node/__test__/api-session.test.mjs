// The Node surface of sessions, ledger and wallets: plain records, lazy lists,
// Date or ISO instants (also inside records), error classes by code prefix.
import assert from 'node:assert/strict'
import { test } from 'node:test'

import * as p from '../index.js'

const idr = (n) => p.money(String(n), 'IDR')
const S = '00000000-0000-0000-0000-000000000001'
const M = '00000000-0000-0000-0000-000000000002'
const uuid = (n) => `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`
const ladder = p.TierLadder.withDefaultThresholds(idr(200000), [idr(180000), idr(165000), idr(155000), idr(150000)])
const bundle = new p.GrosirConfig([{ variant: S, units_per_bundle: 2, tolerance: 20 }, { variant: M, units_per_bundle: 5, tolerance: 50 }])
const config = (extra = {}) => ({
  product: uuid(9),
  moq: 100,
  ladder: JSON.parse(ladder.toJson()),
  start: new Date('2025-01-01T01:00:00Z'), // a Date inside a record becomes its ISO string
  end: '2025-01-01T17:00:00Z',
  bulk_shipping_cost: idr(500000),
  grosir: { bundle: JSON.parse(bundle.toJson()), factory_unit_cost: idr(60000) },
  ...extra,
})
const join = (n, quantity, variant = M) => ({ participant: uuid(100 + n), user: uuid(200 + n), payment: uuid(300 + n), quantity, expected_unit_price: idr(200000), courier_price: idr(15000), variant })

test('a session runs with plain records and lazy lists', () => {
  const s = p.Session.create(uuid(7), config(), new Date('2025-01-01T01:00:00Z'))
  const created = s.drainEvents()
  assert.equal(created.length, 1)
  assert.equal(created.at(-1).type, 'created')
  assert.equal(created.at(0).config.start, '2025-01-01T01:00:00Z')
  assert.throws(() => created.at(1), { code: 'InvalidArg' })
  const receipt = s.join(join(1, 20), '2025-01-01T02:00:00Z')
  assert.deepStrictEqual(receipt.cost.total, idr(4235000))
  assert.equal(receipt.invoice_expires_at, '2025-01-01T02:30:00Z') // the 30 min payment window
  const [invoice, notice] = [...s.drainEffects()]
  assert.equal(invoice.type, 'create_invoice')
  assert.equal(invoice.amount.amount, '4235000')
  assert.equal(notice, undefined)
  assert.equal(s.pollEvent().type, 'joined')
  assert.equal(s.pollEvent(), null)
  assert.equal(s.paymentConfirmed(receipt.payment, receipt.cost.total, new Date('2025-01-01T02:00:00Z')), 'applied')
  assert.equal(s.paymentConfirmed(receipt.payment, receipt.cost.total, new Date('2025-01-01T02:00:00Z')), 'unchanged')
  assert.equal(s.availability(M).available, 30)
  assert.equal(s.preview(5).projectedFillBp, 2500)
  assert.ok(s.preview(5) instanceof p.Preview)
  const check = s.pollTimeout()
  assert.ok(check instanceof Date)
  assert.equal(check.toISOString(), '2025-01-01T16:50:00.000Z')
  assert.equal(s.handleTimeout(check), 'applied')
  assert.equal(s.handleTimeout('2025-01-01T17:00:00Z', [{ variant: M, units: 100 }]), 'applied')
  assert.equal(s.status, 'confirmed')
  const effects = s.drainEffects()
  assert.ok(effects.kinds().includes('create_order'))
  const order = [...effects].find((e) => e.type === 'create_order')
  assert.deepStrictEqual(order.cashback, idr(400000))
  assert.equal(JSON.parse(effects.toJson()).length, effects.length)
  // Orders and cashback credits cross compactly; the objects equal the JSON form.
  assert.deepStrictEqual(effects.toArray(), JSON.parse(effects.toJson()))
  assert.deepStrictEqual(JSON.parse(JSON.stringify(effects)), JSON.parse(effects.toJson()))
  assert.deepStrictEqual([...effects].slice(1), effects.toArray().slice(1))
})

test('inputs in their JSON form, state round trip, replay', () => {
  const s = p.Session.create(uuid(7), config(), '2025-01-01T01:00:00Z')
  const input = { type: 'join', now: '2025-01-01T02:00:00Z', request: join(1, 5) }
  assert.equal(s.handle(input), 'applied')
  assert.equal(s.handle(JSON.stringify(input)), 'unchanged')
  const text = s.toJson()
  assert.equal(p.Session.fromJson(text).toJson(), text)
  assert.equal(s.state().participants[0].status, 'pending')
  assert.equal(s.participant(uuid(101)).quantity, 5)
  const events = s.drainEvents()
  assert.equal(p.Session.replay(events).stateJson(), s.stateJson())
  assert.deepStrictEqual(JSON.parse(JSON.stringify(events)), events.toArray())
  assert.equal(events.sliceJson(5, 99), '[]')
  assert.equal(p.Session.replay(events.toArray()).stateJson(), s.stateJson())
})

test('refused inputs throw typed errors and change nothing', () => {
  const s = p.Session.create(uuid(7), config(), '2025-01-01T01:00:00Z')
  const before = s.toJson()
  assert.throws(() => s.join(join(1, 0), '2025-01-01T02:00:00Z'), (e) => e instanceof p.SessionError && e.code === 'session.zero_quantity')
  assert.throws(() => s.paymentFailed(uuid(1), '2025-01-01T02:00:00Z'), (e) => e instanceof p.SessionError && e.code === 'session.unknown_payment')
  assert.throws(() => p.Session.create(uuid(8), config({ per_join_limit: 0 }), '2025-01-01T01:00:00Z'), (e) => e instanceof p.SessionConfigError && e instanceof p.SessionError)
  assert.throws(() => p.Session.create(uuid(8), config({ pending_joins_per_user: 0 }), '2025-01-01T01:00:00Z'), (e) => e instanceof p.SessionConfigError && e.code === 'session_config.zero_pending_joins')
  assert.throws(() => s.handle({ type: 'fly' }), (e) => e instanceof p.PatunganError && e.code === 'json.invalid')
  assert.throws(() => s.cancel('yesterday'), { code: 'InvalidArg' })
  assert.throws(() => s.leave('not-a-uuid', new Date()), { code: 'InvalidArg' })
  assert.equal(s.toJson(), before)
})

test('the payment window closes unpaid joins', () => {
  const s = p.Session.create(uuid(7), config({ invoice_ttl_seconds: 600 }), '2025-01-01T01:00:00Z')
  assert.equal(s.state().config.pending_joins_per_user, 1)
  const receipt = s.join(join(1, 20), '2025-01-01T01:00:00Z')
  assert.equal(receipt.invoice_expires_at, '2025-01-01T01:10:00Z')
  const before = s.toJson()
  const again = { ...join(2, 5), user: uuid(201) } // the same user, still unpaid
  assert.throws(() => s.join(again, '2025-01-01T01:05:00Z'), (e) => e instanceof p.SessionError && e.code === 'session.pending_join_limit')
  assert.equal(s.toJson(), before)
  s.drainEvents()
  s.drainEffects()
  assert.equal(s.pollTimeout().toISOString(), '2025-01-01T01:10:00.000Z')
  assert.equal(s.handleTimeout('2025-01-01T01:10:00Z'), 'applied')
  const [closed, ...rest] = [...s.drainEvents()]
  assert.deepStrictEqual([closed, rest], [{ type: 'payment_window_closed', participant: uuid(101), payment: uuid(301), at: '2025-01-01T01:10:00Z' }, []])
  assert.deepStrictEqual(s.drainEffects().kinds(), ['expire_invoice'])
  assert.equal(s.participant(uuid(101)).status, 'payment_expired')
  assert.equal(s.availability(M).available, 50)
  assert.equal(s.join(again, '2025-01-01T01:10:00Z').participant, uuid(102))
})

test('ledger, chart recipes, wallets, withdrawals and the schedule', () => {
  const chart = new p.Chart('IDR')
  const ledger = new p.Ledger()
  const posting = chart.paymentReceived({ payment: uuid(1), session: uuid(2), amount: idr(1095000) })
  assert.equal(posting.transfers[0].op.type, 'posted')
  assert.deepStrictEqual(ledger.execute(posting), ['created'])
  assert.deepStrictEqual(ledger.execute(posting), ['already_exists'])
  assert.equal(chart.id({ session_escrow: uuid(2) }), chart.escrow(uuid(2)))
  assert.equal(ledger.balances(chart.escrow(uuid(2))).credits_posted, '1095000')
  assert.throws(() => ledger.apply([{ id: uuid(5), op: { type: 'posted', debit_account: chart.escrow(uuid(2)), credit_account: chart.wallet(uuid(3)), amount: idr(1) } }]), (e) => e instanceof p.LedgerError && e.code === 'ledger.unknown_account')
  assert.equal(ledger.reconcile([uuid(2)]).clean, false)
  assert.equal(p.Ledger.fromJson(ledger.toJson()).toJson(), ledger.toJson())
  new p.Wallets('IDR').credit(ledger, { reference: uuid(9), user: uuid(3), amount: idr(500000), reason: 'deposit' })
  const w = new p.Withdrawals('IDR')
  assert.throws(() => w.request(ledger, { id: uuid(10), user: uuid(3), amount: idr(5000), destination: { bank_code: 'BCA', account_number: '1234567890', holder_name: 'Siti' }, requested_at: new Date('2025-01-06T08:00:00Z') }), (e) => e instanceof p.WithdrawalError && e instanceof p.WalletError && e.code === 'withdrawal.below_minimum')
  assert.equal(w.request(ledger, { id: uuid(10), user: uuid(3), amount: idr(100000), destination: { bank_code: 'BCA', account_number: '1234567890', holder_name: 'Siti' }, requested_at: new Date('2025-01-06T08:00:00Z') }), 'created')
  const [batch] = w.plan(new Date('2025-01-07T03:00:00Z'))
  assert.equal(batch.key, 'wdb-20250107T030000Z-0')
  assert.equal(w.applyResult(ledger, { item: batch.items[0].key, outcome: { status: 'completed' } }), 'completed')
  assert.equal(new p.Wallets('IDR').balance(ledger, uuid(3)).posted.amount, '400000')
  const sched = p.WithdrawalSchedule.defaultSchedule()
  assert.deepStrictEqual([sched.weekdays, sched.localTime, sched.zone], [['Tue', 'Fri'], '10:00:00', 'Asia/Jakarta'])
  assert.equal(sched.instantOn('2025-01-07').toISOString(), '2025-01-07T03:00:00.000Z')
  assert.throws(() => new p.WithdrawalSchedule(['Tue'], '10:00', 'Mars/Base'), (e) => e instanceof p.ScheduleError && e.code === 'schedule.unknown_zone')
  assert.equal(p.defaultWithdrawalPolicy().fee.amount, '2500')
})

test('planBatches plans without marking; withdrawal records round-trip', () => {
  const ledger = new p.Ledger()
  new p.Wallets('IDR').credit(ledger, { reference: uuid(9), user: uuid(3), amount: idr(500000), reason: 'deposit' })
  const w = new p.Withdrawals('IDR')
  for (let i = 0; i < 3; i++) {
    w.request(ledger, { id: uuid(20 + i), user: uuid(3), amount: idr(20000), destination: { bank_code: 'BCA', account_number: '1234567890', holder_name: 'Siti Aminah' }, requested_at: new Date(Date.UTC(2025, 0, 6, 8, i)) })
  }
  const planned = p.planBatches(w.all(), '2025-01-07T03:00:00Z', null, 2)
  assert.deepStrictEqual(planned.map((b) => b.items.length), [2, 1])
  assert.deepStrictEqual(w.all().map((x) => x.status), ['queued', 'queued', 'queued'])
  assert.deepStrictEqual(w.plan('2025-01-07T03:00:00Z', null, 2), planned)
  assert.equal(w.lastPlanned.toISOString(), '2025-01-07T03:00:00.000Z')
  assert.equal(p.Withdrawals.fromJson(w.toJson()).toJson(), w.toJson())
  const [holdNet] = p.Withdrawals.holdIds(uuid(21))
  assert.equal(ledger.transfer(holdNet).pending.state, 'open')
})

test('configuration bounds; a ladder beyond the MOQ in a session config', () => {
  const plain = p.Session.create(uuid(7), config({ grosir: null }), '2025-01-01T01:00:00Z')
  const before = plain.toJson()
  assert.throws(() => plain.join(join(1, 5), '2025-01-01T01:00:00Z'), (e) => e instanceof p.SessionConfigError && e.code === 'session_config.variant_without_grosir')
  assert.equal(plain.toJson(), before)
  assert.equal(plain.join(join(2, 5, null), '2025-01-01T01:00:00Z').participant, uuid(102))
  assert.throws(() => p.Session.create(uuid(8), config({ invoice_ttl_seconds: 8 * 24 * 3600 }), '2025-01-01T01:00:00Z'), (e) => e instanceof p.SessionConfigError && e.code === 'session_config.invoice_ttl_too_long')
  const beyond = new p.TierLadder(idr(200000), [{ thresholdBp: 5000, unitPrice: idr(180000) }, { thresholdBp: 15000, unitPrice: idr(150000) }], true)
  const s = p.Session.create(uuid(9), config({ ladder: JSON.parse(beyond.toJson()) }), '2025-01-01T01:00:00Z')
  assert.equal(s.state().config.ladder.allow_above_moq, true)
  assert.equal(p.Session.fromJson(s.toJson()).toJson(), s.toJson())
})

test('a settlement of more effects than one chunk reads back exactly', () => {
  const s = p.Session.create(uuid(8), config({ moq: 1200, grosir: null }), '2025-01-01T01:00:00Z')
  s.reserve(1500)
  for (let n = 1; n <= 1500; n++) {
    const r = s.join({ ...join(n, 1), variant: null, participant: uuid(10000 + n), user: uuid(20000 + n), payment: uuid(30000 + n) }, '2025-01-01T02:00:00Z')
    s.paymentConfirmed(r.payment, r.cost.total, '2025-01-01T02:00:00Z')
  }
  s.drainEffects()
  assert.equal(s.handleTimeout('2025-01-01T17:00:00Z'), 'applied')
  const effects = s.drainEffects()
  assert.ok(effects.length > 2048 && effects.kinds().includes('credit_cashback'))
  const json = JSON.parse(effects.toJson())
  assert.deepStrictEqual([...effects], json)
  assert.deepStrictEqual(effects.toArray(), json)
  assert.ok(json.some((e) => e.type === 'create_order' && e.variant === null))
  // Equal money values are one frozen object across the list's orders and credits.
  const orders = [...effects].filter((e) => e.type === 'create_order')
  assert.equal(orders[0].final_unit_price, orders[orders.length - 1].final_unit_price)
  assert.equal(orders[0].cost.leg2, orders[1].cost.leg2)
  assert.ok(Object.isFrozen(orders[0].cashback) && Object.isFrozen(orders[0].cost.total))
  assert.ok(!Object.isFrozen(orders[0]) && !Object.isFrozen(orders[0].cost))
  assert.throws(() => {
    orders[0].cashback.amount = '0'
  }, TypeError)
})
