// Typed use of the package; checked with tsc --strict by types.test.mjs.
import { BotPolicy, costBreakdown, money, MoneyError, PatunganError, TierLadder } from '../../index.js'
import type { CostBreakdown, Money, Preview, Rounding, RungView } from '../../index.js'

const idr = (amount: string): Money => money(amount, 'IDR')
const ladder: TierLadder = TierLadder.withDefaultThresholds(idr('200000'), [idr('150000'), idr('135000'), idr('120000'), idr('105000')])
const preview: Preview = ladder.preview(100, 45, 5)
const next: RungView | null = preview.nextRung
const units: number | null = preview.unitsToNextRung
const amount: string = preview.priceIfClosedNow.amount
const rounding: Rounding = 'half_even'
const when: Date = new BotPolicy({ targetBp: 2500 }).checkAt(new Date())
const cost: CostBreakdown = costBreakdown({ quantity: 1, groupPrice: idr('100000'), moq: 100, bulkShippingCost: idr('0'), courierPrice: idr('0') })
try {
  money('-1', 'IDR')
} catch (e) {
  if (e instanceof MoneyError) {
    const code: string = e.code
    console.log(code)
  } else if (e instanceof PatunganError) {
    console.log(e.code)
  }
}
console.log(next?.index, units, amount, rounding, when, cost.total.amount)
