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
