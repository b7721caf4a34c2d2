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

// Sessions, records and discriminated unions.
import { GrosirConfig, Ledger, Session, SessionError, Wallets, WithdrawalSchedule, Withdrawals, Chart } from '../../index.js'
import type { Availability, Effect, Event, JoinReceipt, SessionConfig, SessionOutcome, WithdrawalRequest } from '../../index.js'

const bundle = new GrosirConfig([
  { variant: '00000000-0000-0000-0000-000000000001', units_per_bundle: 2, tolerance: 20 },
  { variant: '00000000-0000-0000-0000-000000000002', units_per_bundle: 5, tolerance: 50 },
])
const config: SessionConfig = {
  product: '00000000-0000-0000-0000-000000000009',
  moq: 100,
  ladder: JSON.parse(ladder.toJson()),
  start: '2025-01-01T01:00:00Z',
  end: '2025-01-01T17:00:00Z',
  bulk_shipping_cost: idr('500000'),
  grosir: { bundle: JSON.parse(bundle.toJson()), factory_unit_cost: idr('60000') },
}
const session = Session.create('00000000-0000-0000-0000-000000000007', config, new Date('2025-01-01T01:00:00Z'))
const receipt: JoinReceipt = session.join(
  { participant: '00000000-0000-0000-0000-00000000000a', user: '00000000-0000-0000-0000-00000000000b', payment: '00000000-0000-0000-0000-00000000000c', quantity: 20, expected_unit_price: idr('200000'), courier_price: idr('15000'), variant: '00000000-0000-0000-0000-000000000002' },
  '2025-01-01T02:00:00Z',
)
const outcome: SessionOutcome = session.paymentConfirmed(receipt.payment, receipt.cost.total, new Date('2025-01-01T02:00:00Z'))
for (const effect of session.drainEffects()) {
  const e: Effect = effect
  if (e.type === 'create_invoice') console.log(e.amount.amount, e.expires_at)
  else if (e.type === 'notify' && e.notification.kind === 'payment_received') console.log(e.notification.user)
}
const events: Event[] = session.drainEvents().toArray()
for (const e of events) {
  if (e.type === 'payment_window_closed') console.log(e.participant, e.payment, e.at)
}
const a: Availability | null = session.availability('00000000-0000-0000-0000-000000000002')
const deadline: Date | null = session.pollTimeout()
try {
  session.leave('00000000-0000-0000-0000-0000000000ff', new Date())
} catch (e) {
  if (e instanceof SessionError) console.log(e.code)
}
const ledger = new Ledger()
const chart = new Chart('IDR')
ledger.execute(chart.paymentReceived({ payment: receipt.payment, session: session.id, amount: receipt.cost.total }))
new Wallets('IDR').credit(ledger, { reference: '00000000-0000-0000-0000-0000000000d1', user: '00000000-0000-0000-0000-00000000000b', amount: idr('500000'), reason: 'deposit' })
const withdrawals = new Withdrawals('IDR')
const request: WithdrawalRequest = { id: '00000000-0000-0000-0000-0000000000e1', user: '00000000-0000-0000-0000-00000000000b', amount: idr('100000'), destination: { bank_code: 'BCA', account_number: '1234567890', holder_name: 'Siti' }, requested_at: '2025-01-06T08:00:00Z' }
withdrawals.request(ledger, request)
const batches = withdrawals.plan('2025-01-07T03:00:00Z', WithdrawalSchedule.defaultSchedule())
console.log(outcome, events.length, a?.available, deadline, batches[0]?.items[0]?.net.amount, ledger.reconcile([]).clean)

// Payment anomalies: money booked to suspense and refunded out of it; ladders beyond the MOQ.
import { PaymentError, RefundError, TextError } from '../../index.js'
import type { AccountSpec, Posting, RefundResult, SuspenseRefund, TierLadderJson } from '../../index.js'

const anomaly = '00000000-0000-0000-0000-0000000000f1'
const platform: AccountSpec[] = chart.platformAccounts()
for (const spec of platform) ledger.open(spec)
const received: Posting = chart.suspenseReceived(anomaly, idr('10000'))
ledger.execute(received)
const back: SuspenseRefund = { anomaly, attempt: 1, user: '00000000-0000-0000-0000-00000000000b', amount: idr('10000'), destination: 'original_method' }
ledger.execute(chart.suspenseRefund(back))
const answer: RefundResult = 'confirmed'
ledger.execute(chart.suspenseRefundSettled(anomaly, 1, answer))
const suspenseIds: string[] = [chart.suspenseTransferId(anomaly), chart.suspenseRefundTransferId(anomaly, 1)]
const beyond = new TierLadder(idr('100'), [{ thresholdBp: 20000, unitPrice: idr('90') }], true)
const allowed: boolean = beyond.allowAboveMoq
const beyondJson: TierLadderJson = JSON.parse(beyond.toJson())
try {
  ledger.verify()
} catch (e) {
  if (e instanceof TextError || e instanceof PaymentError || e instanceof RefundError) console.log(e.code)
}
console.log(suspenseIds, allowed, beyondJson.allow_above_moq)
