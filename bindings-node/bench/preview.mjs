// Times a tier preview called from Node (target: <= 300 ns per call), on the release
// addon. One command:
//   BINDINGS_RELEASE=1 ./scripts/test-bindings.sh node && node bindings-node/bench/preview.mjs
// Prints the median per-call time of several rounds. settle.mjs times settling a
// 100 000-participant session against a pure-JavaScript implementation.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { TierLadder, money } = require('../index.js')

const idr = (a) => money(a, 'IDR')
const ladder = TierLadder.withDefaultThresholds(idr('200000'), [idr('150000'), idr('135000'), idr('120000'), idr('105000')])

function perCallUs(fn, calls = 200_000, rounds = 7) {
  for (let i = 0; i < calls; i++) fn() // warm up
  const times = []
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint()
    for (let i = 0; i < calls; i++) fn()
    times.push(Number(process.hrtime.bigint() - start) / calls / 1000)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(rounds / 2)]
}

let sink = 0
const preview = perCallUs(() => {
  sink += ladder.preview(100, 87, 5).fillBp
})
console.log(`preview (Preview object, fields read lazily): ${preview.toFixed(3)} µs/call (target <= 0.3 µs)`)
if (sink === 42) console.log('')
