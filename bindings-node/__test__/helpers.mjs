// Shared test helpers: the golden vectors and the core's serde form of results.
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
export const VECTORS = process.env.PATUNGAN_VECTORS ?? join(here, '..', '..', 'core', 'tests', 'vectors')

/** The `cases` of one golden vector file. */
export function loadCases(name) {
  const cases = JSON.parse(readFileSync(join(VECTORS, name), 'utf8')).cases
  if (!cases?.length) throw new Error(`${name} has no cases`)
  return cases
}

/** Money as the core serialises it; the binding's amount must already be the exact string. */
export function moneyJson(m) {
  if (typeof m.amount !== 'string') throw new TypeError('amounts cross as strings')
  return { amount: m.amount, currency: m.currency }
}

function rungJson(r) {
  return r === null ? null : { index: r.index, threshold: r.thresholdBp, unit_price: moneyJson(r.unitPrice) }
}

/** Every field of a Preview, renamed to the core's serde names. */
export function previewJson(p) {
  return {
    moq: p.moq,
    filled_quantity: p.filledQuantity,
    extra_quantity: p.extraQuantity,
    fill_bp: p.fillBp,
    current_rung: rungJson(p.currentRung),
    current_unit_price: moneyJson(p.currentUnitPrice),
    saving_per_unit_now: moneyJson(p.savingPerUnitNow),
    projected_fill_bp: p.projectedFillBp,
    price_if_closed_now: moneyJson(p.priceIfClosedNow),
    next_rung: rungJson(p.nextRung),
    units_to_next_rung: p.unitsToNextRung,
    saving_per_unit_at_next_rung: p.savingPerUnitAtNextRung === null ? null : moneyJson(p.savingPerUnitAtNextRung),
  }
}

/** A CostBreakdown renamed to the core's serde names. */
export function costJson(c) {
  return {
    quantity: c.quantity,
    product: moneyJson(c.product),
    leg1_per_unit: moneyJson(c.leg1PerUnit),
    leg1: moneyJson(c.leg1),
    leg2: moneyJson(c.leg2),
    gateway_fee: moneyJson(c.gatewayFee),
    total: moneyJson(c.total),
  }
}

// ---------------------------------------------------------------- parity dump
// Each vector runner records what the binding computed per case or step; with
// PATUNGAN_PARITY_OUT set, each test file writes $PATUNGAN_PARITY_OUT/node-<name>.json
// at exit, and bindings-python/tests/parity.py compares them with the other bindings.
import { mkdirSync, writeFileSync } from 'node:fs'

const parity = {}
let parityName = null

/** Remembers what the binding computed for one vector case or step. */
export function record(key, value) {
  if (key in parity) throw new Error(`duplicate parity key ${key}`)
  parity[key] = value
}

/** Names this test file's parity dump and writes it when the process exits. */
export function parityFile(name) {
  parityName = name
}

process.on('exit', () => {
  const out = process.env.PATUNGAN_PARITY_OUT
  if (out && parityName) {
    mkdirSync(out, { recursive: true })
    writeFileSync(join(out, `node-${parityName}.json`), JSON.stringify(parity))
  }
})

/** `expected` is a subset of `actual` (the Rust runners' rule). */
export function subset(expected, actual, path = '$') {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) throw new Error(`${path}: expected an object, got ${JSON.stringify(actual)}`)
    for (const [k, v] of Object.entries(expected)) {
      if (!(k in actual)) throw new Error(`${path}.${k}: missing in ${JSON.stringify(actual)}`)
      subset(v, actual[k], `${path}.${k}`)
    }
  } else if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) throw new Error(`${path}: expected ${expected.length} items, got ${JSON.stringify(actual)}`)
    expected.forEach((e, i) => subset(e, actual[i], `${path}[${i}]`))
  } else if (expected !== actual) {
    throw new Error(`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`)
  }
}

/** A Date as the core writes instants (RFC 3339 UTC, `Z`, milliseconds only if any). */
export function instant(d) {
  if (d === null) return null
  const iso = d.toISOString()
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso
}
