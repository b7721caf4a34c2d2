// withdrawal.json and schedule.json through the Node binding: same semantics as
// core/tests/withdrawal_vectors.rs (money objects validated first, like check_money;
// refused steps leave ledger and withdrawals unchanged; invariants re-checked).
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'

import { Chart, Ledger, PatunganError, Wallets, WithdrawalSchedule, Withdrawals, money } from '../index.js'
import { instant, loadCases, parityFile, record } from './helpers.mjs'

parityFile('wallet')

function checkMoney(v) {
  if (Array.isArray(v)) return v.forEach(checkMoney)
  if (v !== null && typeof v === 'object') {
    if (typeof v.amount === 'string' && typeof v.currency === 'string') money(v.amount, v.currency)
    Object.values(v).forEach(checkMoney)
  }
}

const schedule = (v) => (v ? new WithdrawalSchedule(v.weekdays, v.local_time, v.zone) : WithdrawalSchedule.defaultSchedule())
const norm = (s) => s.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '')
const numeric = (lines) => lines.map((l) => (l.balances === null ? null : Object.fromEntries(Object.entries(l.balances).map(([k, v]) => [k, norm(v)]))))

class Run {
  constructor(c) {
    this.chart = new Chart(c.currency)
    this.ledger = new Ledger()
    this.withdrawals = new Withdrawals(c.currency, c.policy)
    this.wallets = new Wallets(c.currency)
    this.schedule = schedule(c.schedule)
    this.maxItems = c.max_items ?? 1000
  }

  snapshot() {
    return this.ledger.toJson() + this.withdrawals.toJson()
  }

  step(s) {
    switch (s.op) {
      case 'credit':
        checkMoney(s.credit)
        return this.wallets.credit(this.ledger, s.credit)
      case 'request': {
        checkMoney(s.request)
        const outcome = this.withdrawals.request(this.ledger, s.request)
        const w = this.withdrawals.get(s.request.id)
        return { outcome, fee: w.fee, net: w.net }
      }
      case 'plan':
        return this.withdrawals.plan(s.now, this.schedule, this.maxItems).map((b) => ({ key: b.key, items: b.items.map((i) => ({ key: i.key, net: i.net })) }))
      case 'result':
        return this.withdrawals.applyResult(this.ledger, s.result)
      case 'reverse':
        return this.withdrawals.reverse(this.ledger, s.withdrawal)
      case 'wallet': {
        const b = this.wallets.balance(this.ledger, s.user)
        return { posted: b.posted, held: b.held, available: b.available }
      }
      case 'withdrawal': {
        const w = this.withdrawals.get(s.withdrawal)
        return { status: w.status, attempts: w.attempts.length, failure_code: w.failure_code ?? null }
      }
      case 'balances':
        return s.expect.map((line) => ({ account: line.account, balances: this.ledger.balances(this.chart.id(line.account)) }))
      default:
        throw new Error(`unknown op ${s.op}`)
    }
  }
}

describe('withdrawal.json', () => {
  for (const c of loadCases('withdrawal.json')) {
    test(c.name, () => {
      const run = new Run(c)
      c.steps.forEach((s, i) => {
        const at = `${c.name} step ${i} (${s.op})`
        const key = `withdrawal.json#${c.name}#${i}`
        const before = run.snapshot()
        if ('error' in s) {
          assert.throws(() => run.step(s), (e) => e instanceof PatunganError && e.code === s.error, at)
          assert.equal(run.snapshot(), before, `${at}: refused step changed state`)
          record(key, { error: s.error })
        } else {
          const actual = run.step(s)
          record(key, actual)
          if (s.op === 'balances') assert.deepStrictEqual(numeric(actual), numeric(s.expect), at)
          else assert.deepStrictEqual(actual, s.expect, at)
        }
        run.ledger.verify()
      })
    })
  }
})

describe('schedule.json', () => {
  for (const c of loadCases('schedule.json')) {
    test(c.name, () => {
      const key = `schedule.json#${c.name}`
      if ('error' in c) {
        assert.throws(() => schedule(c.schedule), (e) => e instanceof PatunganError && e.code === c.error)
        record(key, { error: c.error })
        return
      }
      const s = schedule(c.schedule)
      const actual = { last_at_or_before: instant(s.lastInstantAtOrBefore(c.now)), next_after: instant(s.nextAfter(c.now)) }
      record(key, actual)
      assert.deepStrictEqual(actual, { last_at_or_before: c.last_at_or_before, next_after: c.next_after })
    })
  }
})
