// Quickstart: a session's tier table and what a shopper typing a quantity sees.
// Run (after building the binding, e.g. ./scripts/test-bindings.sh or
// `npm ci && npm run build` in bindings-node/):  node examples/node/quickstart.mjs
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
// From a project that installed the package this is simply `import ... from 'patungan'`.
const { BotPolicy, MoneyError, TierLadder, costBreakdown, money } = require('../../bindings-node/index.js')

const MOQ = 100
const idr = (amount) => money(String(amount), 'IDR') // amounts cross as exact decimal strings
const fmt = (m) => `${m.currency} ${m.amount}`

const ladder = TierLadder.withDefaultThresholds(idr(200000), [idr(150000), idr(135000), idr(120000), idr(105000)])

console.log(`Tier table (MOQ ${MOQ}, group price ${fmt(ladder.groupPrice)}):`)
for (const rung of ladder.rungs) {
  const units = Math.ceil((rung.thresholdBp * MOQ) / 10000)
  console.log(`  from ${String(units).padStart(3)} units (${rung.thresholdBp / 100}%): ${fmt(rung.unitPrice)}`)
}

// A session holding 45 units; a shopper types 1, 5, 30.
for (const extra of [1, 5, 30]) {
  const p = ladder.preview(MOQ, 45, extra)
  const next = p.nextRung ? `${p.unitsToNextRung} more units unlock ${fmt(p.nextRung.unitPrice)}` : 'top rung reached'
  console.log(`  +${String(extra).padStart(2)}: pay ${fmt(p.priceIfClosedNow)} per unit if it closed now; ${next}`)
}

console.log(`Cashback for 10 units at fill 45: ${fmt(ladder.cashback(MOQ, 45, 10))}`)
console.log(`Bot top-up with 20 units paid: ${new BotPolicy().topUp(MOQ, 20)} units`)
console.log(`Bot check for a session ending 2026-11-26 00:00 WIB: ${new BotPolicy().checkAt('2026-11-26T00:00:00+07:00').toISOString()}`)

const cost = costBreakdown({ quantity: 10, groupPrice: idr(100000), moq: MOQ, bulkShippingCost: idr(500000), courierPrice: idr(15000) })
console.log(`Due at join: ${fmt(cost.total)} (gateway fee ${fmt(cost.gatewayFee)})`)

try {
  money('1.5', 'IDR')
} catch (e) {
  if (!(e instanceof MoneyError)) throw e
  console.log(`Refused: [${e.code}] ${e.message}`)
}

// A whole session: three shoppers join and pay, the bot check, settlement at the end.
// Records (config, requests, events, effects) are plain objects in the core's JSON form.
const { GrosirConfig, Session } = require('../../bindings-node/index.js')
const S = '00000000-0000-0000-0000-000000000001'
const M = '00000000-0000-0000-0000-000000000002'
const id = (n) => `00000000-0000-0000-0001-${String(n).padStart(12, '0')}`
const bundle = new GrosirConfig([{ variant: S, units_per_bundle: 2, tolerance: 20 }, { variant: M, units_per_bundle: 5, tolerance: 50 }])
const start = new Date('2025-01-01T01:00:00Z')
const session = Session.create(id(1), {
  product: id(2),
  moq: MOQ,
  ladder: JSON.parse(ladder.toJson()),
  start,
  end: new Date('2025-01-01T17:00:00Z'), // midnight in Jakarta
  bulk_shipping_cost: idr(500000),
  grosir: { bundle: JSON.parse(bundle.toJson()), factory_unit_cost: idr(60000) },
}, start)
for (const [n, quantity, variant] of [[10, 20, M], [11, 10, S], [12, 25, M]]) {
  const receipt = session.join({ participant: id(n), user: id(n + 100), payment: id(n + 200), quantity, expected_unit_price: ladder.groupPrice, courier_price: idr(15000), variant }, start)
  session.paymentConfirmed(receipt.payment, receipt.cost.total, start)
}
session.drainEffects() // invoices and notifications, performed by the host
console.log(`Session: ${session.paidRealQuantity} units paid; ${session.availability(M).available} more M available`)
for (let deadline = session.pollTimeout(); deadline; deadline = session.pollTimeout()) {
  session.handleTimeout(deadline, [{ variant: S, units: 50 }, { variant: M, units: 100 }])
}
console.log(`Settled: ${session.status}, final fill ${session.preview().fillBp / 100}%`)
for (const effect of session.drainEffects()) {
  if (effect.type === 'create_order') console.log(`  order for ${effect.quantity} units at ${fmt(effect.final_unit_price)}, cashback ${fmt(effect.cashback)}`)
  else if (effect.type === 'credit_cashback') console.log(`  credit ${fmt(effect.amount)} to wallet of ${effect.user}`)
  else console.log(`  effect: ${effect.type}`)
}
