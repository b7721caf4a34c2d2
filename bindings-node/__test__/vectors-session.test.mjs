// session_scenarios.json through the Node binding: same semantics as
// core/tests/session_scenarios.rs (see the file's "format"). Inputs are passed in
// their JSON form to Session.handle; an error must leave the whole session unchanged;
// drained events and effects, the state, the next timeout, availability and preview
// are compared with the subset rule; after the last step the event log replays to the
// same state and the session round-trips through JSON.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'

import { PatunganError, Session } from '../index.js'
import { VECTORS, instant, parityFile, previewJson, record, subset } from './helpers.mjs'

parityFile('session')
const doc = JSON.parse(readFileSync(join(VECTORS, 'session_scenarios.json'), 'utf8'))

describe('session_scenarios.json', () => {
  for (const sc of doc.scenarios) {
    test(sc.name, () => {
      const session = Session.create(sc.session_id, sc.config, sc.created_at)
      const log = [...session.drainEvents()]
      assert.deepStrictEqual(log.map((e) => e.type), ['created'])
      sc.steps.forEach((step, i) => {
        const at = `${sc.name} step ${i}`
        const key = `session_scenarios.json#${sc.name}#${i}`
        const expect = step.expect
        const before = session.toJson()
        if ('error' in expect) {
          assert.throws(() => session.handle(step.input), (e) => e instanceof PatunganError && e.code === expect.error, at)
          assert.equal(session.toJson(), before, `${at}: error changed the session`)
          record(key, { error: expect.error })
          return
        }
        const outcome = session.handle(step.input)
        const eventList = session.drainEvents()
        const effectList = session.drainEffects()
        const events = [...eventList]
        const effects = effectList.toArray()
        assert.equal(outcome, expect.outcome, at)
        if (outcome === 'unchanged') assert.ok(events.length === 0 && effects.length === 0, `${at}: unchanged yet queued output`)
        assert.deepStrictEqual(events, JSON.parse(eventList.toJson()), at)
        assert.deepStrictEqual(effects.map((e) => e.type), effectList.kinds(), at)
        // The compact crossing rebuilds exactly the JSON form, lazily or all at once.
        assert.deepStrictEqual(effects, JSON.parse(effectList.toJson()), at)
        assert.deepStrictEqual([...effectList], effects, at)
        const actual = { outcome, events, effects, state: session.state(), next_timeout: instant(session.pollTimeout()) }
        subset(expect.events, events, `${at} events`)
        subset(expect.effects, effects, `${at} effects`)
        if ('state' in expect) subset(expect.state, actual.state, `${at} state`)
        if ('next_timeout' in expect) subset(expect.next_timeout, actual.next_timeout, `${at} next_timeout`)
        if (expect.availability) {
          actual.availability = expect.availability.map((q) => {
            const a = session.availability(q.variant)
            subset(q.expect, a, `${at} availability`)
            return a
          })
        }
        if (expect.preview) {
          actual.preview = previewJson(session.preview(expect.preview.extra))
          subset(expect.preview.expect, actual.preview, `${at} preview`)
        }
        record(key, actual)
        log.push(...events)
      })
      const replayed = Session.replay(log)
      assert.equal(replayed.stateJson(), session.stateJson(), `${sc.name}: replay differs`)
      const text = session.toJson()
      assert.equal(Session.fromJson(text).toJson(), text, `${sc.name}: JSON round trip differs`)
      record(`session_scenarios.json#${sc.name}#final`, JSON.parse(session.stateJson()))
    })
  }
})
