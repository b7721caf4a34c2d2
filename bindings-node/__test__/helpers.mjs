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
