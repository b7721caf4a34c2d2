// Settling a 100 000-participant session from Node: the binding against a
// straightforward pure-JavaScript implementation of the same settlement rule
// (targets: the binding at least 5x faster; settling and reading every effect as a
// plain object at least as fast as the pure-JS settlement). One command (release
// addon first):
//   BINDINGS_RELEASE=1 ./scripts/test-bindings.sh node && node bindings-node/bench/settle.mjs
// The session mirrors benches/session.rs (MOQ 50 000, 8 variants, 100 000 paid joins
// of 1-3 units, enough stock). The timed step is handleTimeout(end, stock) plus
// draining every event and effect (into lazy lists); a second figure adds reading
// every effect as a plain object. The pure-JS settlement takes the same participants
// as plain objects with exact money as BigInt (whole rupiah) and applies the same
// rule: bot check, fill and final price, warehouse plan, expiring invoices, stock
// reservation, an order and a cashback credit per paid participant, escrow split,
// renewal window.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { GrosirConfig, Session, TierLadder, money } = require('../index.js')

const PARTICIPANTS = 100_000
const VARIANTS = 8
const MOQ = 50_000
const GROUP = 200_000n
const RUNGS = [[2500, 180_000n], [5000, 165_000n], [7500, 155_000n], [10000, 150_000n]]
const BULK_SHIPPING = 25_000_000n
const COURIER = 15_000n
const FEE_BP = 300n
const UNITS = Array.from({ length: VARIANTS }, (_, i) => 1 + (i % 3))
const START = '2025-01-01T17:00:00Z' // midnight in Jakarta
const END = '2025-01-02T17:00:00Z'
const REPEATS = 5
const uuid = (n) => `00000000-0000-0000-0000-${n.toString(16).padStart(12, '0')}`
const variant = (i) => uuid(1000 + i)
const idr = (n) => money(String(n), 'IDR')

function buildSession() {
  const ladder = TierLadder.withDefaultThresholds(idr(GROUP), RUNGS.map(([, p]) => idr(p)))
  const bundle = new GrosirConfig(UNITS.map((u, i) => ({ variant: variant(i), units_per_bundle: u, tolerance: 10_000_000 })))
  const session = Session.create(uuid(1), {
    product: uuid(1), moq: MOQ, ladder: JSON.parse(ladder.toJson()), start: START, end: END,
    bulk_shipping_cost: idr(BULK_SHIPPING), grosir: { bundle: JSON.parse(bundle.toJson()), factory_unit_cost: idr(90000) },
  }, START)
  session.reserve(PARTICIPANTS)
  const price = idr(GROUP)
  const courier = idr(COURIER)
  for (let n = 1; n <= PARTICIPANTS; n++) {
    const id = uuid(n)
    const receipt = session.join({ participant: id, user: id, payment: id, quantity: 1 + (n % 3), expected_unit_price: price, courier_price: courier, variant: variant(n % VARIANTS) }, START)
    session.paymentConfirmed(id, receipt.cost.total, START)
  }
  session.drainEvents()
  session.drainEffects()
  return session
}

// ------------------------------------------------------------ pure JavaScript

function pureParticipants() {
  const leg1PerUnit = (BULK_SHIPPING + BigInt(MOQ) - 1n) / BigInt(MOQ)
  const out = []
  for (let n = 1; n <= PARTICIPANTS; n++) {
    const q = 1 + (n % 3)
    const product = GROUP * BigInt(q)
    const fee = (product * FEE_BP + 9999n) / 10000n
    const leg1 = leg1PerUnit * BigInt(q)
    out.push({
      id: uuid(n), user: uuid(n), payment: uuid(n), variant: variant(n % VARIANTS), quantity: q, status: 'paid',
      cost: { quantity: q, product, leg1_per_unit: leg1PerUnit, leg1, leg2: COURIER, gateway_fee: fee, total: product + leg1 + COURIER + fee },
    })
  }
  return out
}

const m = (v) => ({ amount: v.toString(), currency: 'IDR' })
const costJson = (c) => ({ quantity: c.quantity, product: m(c.product), leg1_per_unit: m(c.leg1_per_unit), leg1: m(c.leg1), leg2: m(c.leg2), gateway_fee: m(c.gateway_fee), total: m(c.total) })

function jakartaMidnightAfter(t) {
  const local = new Date(t.getTime() + 7 * 3600e3)
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + 1) - 7 * 3600e3)
}

function settlePure(participants, now, stock) {
  const events = []
  const effects = []
  const paid = participants.filter((p) => p.status === 'paid')
  const paidQty = paid.reduce((s, p) => s + p.quantity, 0)
  const target = Math.ceil((MOQ * 2500) / 10000)
  const bot = Math.max(0, target - paidQty)
  events.push({ type: 'bot_checked', paid_real_quantity: paidQty, previous_bot_quantity: 0, bot_quantity: bot, at_expiry: true, at: now })
  const fillBp = Math.floor((10000 * (paidQty + bot)) / MOQ)
  if (paid.length === 0 || fillBp < RUNGS[0][0]) throw new Error('the benchmark settles a successful session')
  let final = GROUP
  for (const [threshold, price] of RUNGS) if (fillBp >= threshold) final = price
  const saving = GROUP - final
  const variants = UNITS.map((_, i) => variant(i))
  const demand = new Map(variants.map((v) => [v, 0]))
  for (const p of paid) demand.set(p.variant, demand.get(p.variant) + p.quantity)
  const bundles = Math.max(...variants.map((v, i) => Math.ceil(Math.max(0, demand.get(v) - (stock[v] ?? 0)) / UNITS[i])))
  const lines = variants.map((v, i) => {
    const d = demand.get(v)
    const s = stock[v] ?? 0
    const receive = bundles * UNITS[i]
    return { variant: v, demand: d, stock: s, stock_used: Math.min(d, s), net: Math.max(0, d - s), to_receive: receive, leftover: s + receive - d, over_tolerance: false }
  })
  events.push({ type: 'succeeded', at: now, paid_real_quantity: paidQty, bot_quantity: bot, fill_bp: fillBp, final_unit_price: m(final), cashback_per_unit: m(saving), plan: { bundles, lines, purchase_order: null } })
  events.push({ type: 'confirmed', at: now })
  for (const p of participants) if (p.status === 'pending') effects.push({ type: 'expire_invoice', participant: p.id, payment: p.payment })
  effects.push({ type: 'notify', notification: { kind: 'session_succeeded', final_unit_price: m(final), awaiting_stock: false } })
  effects.push({ type: 'reserve_stock', lines: variants.map((v) => ({ variant: v, units: demand.get(v) })) })
  let leg1 = 0n
  let leg2 = 0n
  let fee = 0n
  let total = 0n
  const group = m(GROUP)
  const finalPrice = m(final)
  for (const p of paid) {
    const cashback = saving * BigInt(p.quantity)
    effects.push({ type: 'create_order', participant: p.id, user: p.user, variant: p.variant, quantity: p.quantity, paid_unit_price: group, final_unit_price: finalPrice, cashback: m(cashback), payment: p.payment, cost: costJson(p.cost) })
    if (cashback !== 0n) effects.push({ type: 'credit_cashback', participant: p.id, user: p.user, amount: m(cashback) })
    leg1 += p.cost.leg1
    leg2 += p.cost.leg2
    fee += p.cost.gateway_fee
    total += p.cost.total
  }
  effects.push({ type: 'release_escrow', warehouse: m(final * BigInt(paidQty) + leg1), courier: m(leg2), platform_fee: m(fee), cashback: m(saving * BigInt(paidQty)), escrow_total: m(total) })
  effects.push({ type: 'notify', notification: { kind: 'session_confirmed', final_unit_price: finalPrice } })
  const end = new Date(END)
  const start = end > now ? end : now
  const renewalEnd = jakartaMidnightAfter(start)
  events.push({ type: 'renewal_due', at: now, start, end: renewalEnd })
  effects.push({ type: 'renew_session', previous: uuid(1), start, end: renewalEnd })
  return { events, effects }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const ms = () => Number(process.hrtime.bigint()) / 1e6

let t0 = ms()
const base = buildSession().toJson()
console.log(`setup: 100 000 joins and payments through the binding in ${((ms() - t0) / 1000).toFixed(1)} s`)
const stock = UNITS.map((_, i) => ({ variant: variant(i), units: 1_000_000 }))
const binding = []
const bindingRead = []
let effects
let release
for (let r = 0; r < REPEATS; r++) {
  const session = Session.fromJson(base)
  t0 = ms()
  session.handleTimeout(END, stock)
  effects = session.drainEffects()
  const events = session.drainEvents()
  binding.push(ms() - t0)
  if (session.status !== 'confirmed' || events.length !== 4) throw new Error('unexpected settlement')
  t0 = ms()
  const all = [...effects]
  bindingRead.push(binding[r] + ms() - t0)
  release = all[all.length - 3]
}
const participants = pureParticipants()
const pure = []
let pureEffects
for (let r = 0; r < REPEATS; r++) {
  t0 = ms()
  pureEffects = settlePure(participants, new Date(END), Object.fromEntries(UNITS.map((_, i) => [variant(i), 1_000_000]))).effects
  pure.push(ms() - t0)
}
// Both computed the same settlement.
if (pureEffects.length !== effects.length) throw new Error(`${pureEffects.length} != ${effects.length} effects`)
const pureRelease = pureEffects[pureEffects.length - 3]
if (release.type !== 'release_escrow' || release.escrow_total.amount !== pureRelease.escrow_total.amount || release.warehouse.amount !== pureRelease.warehouse.amount) throw new Error('different escrow split')
const [b, br, p] = [median(binding), median(bindingRead), median(pure)]
console.log(`settle 100 000 participants, ${effects.length} effects (median of ${REPEATS}):`)
console.log(`  binding (handleTimeout + drain):                 ${b.toFixed(1).padStart(8)} ms`)
console.log(`  binding, then every effect read as an object:    ${br.toFixed(1).padStart(8)} ms`)
console.log(`  pure JavaScript (same rule, BigInt money):       ${p.toFixed(1).padStart(8)} ms`)
console.log(`  speed-up: ${(p / b).toFixed(1)}x (target >= 5x)`)
console.log(`  settle + read every effect as an object vs pure JavaScript: ${(p / br).toFixed(2)}x (target >= 1x)`)
