import t from 'tap'
import { systemClock } from '../../lib/rest/clock.js'
import { send, TransportFailure } from '../../lib/rest/transport.js'

const init = { method: 'GET' }

t.test('reads +json bodies as JSON and 204 as undefined', async (t) => {
  const json = await send(async () => new Response('{"a":1}', { headers: { 'content-type': 'application/problem+json' } }), systemClock, 1000, 'http://x/', init, new AbortController().signal)
  t.same(json, { status: 200, headers: json.headers, body: { a: 1 }, malformed: false, json: true })
  const empty = await send(async () => new Response(null, { status: 204 }), systemClock, 1000, 'http://x/', init, new AbortController().signal)
  t.equal(empty.body, undefined)
})

t.test('network failures are described by their code or name, never their message', async (t) => {
  const coded = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED http://secret@host'), { code: 'ECONNREFUSED' }) })
  const err = await send(async () => { throw coded }, systemClock, 1000, 'http://x/', init, new AbortController().signal).catch((e: unknown) => e) as TransportFailure
  t.ok(err instanceof TransportFailure)
  t.equal(err.message, 'connection failed (ECONNREFUSED)')
  t.equal(err.timeout, false)
  const named = await send(async () => { throw new RangeError('boom http://secret@host') }, systemClock, 1000, 'http://x/', init, new AbortController().signal).catch((e: unknown) => e) as TransportFailure
  t.equal(named.message, 'connection failed (RangeError)')
  const odd = await send(async () => { throw Object.assign(Object.create(null) as object, { cause: 'x' }) }, systemClock, 1000, 'http://x/', init, new AbortController().signal).catch((e: unknown) => e) as TransportFailure
  t.equal(odd.message, 'connection failed (unknown error)')
})

t.test('a signal aborted before the exchange starts aborts the fetch with its reason', async (t) => {
  const controller = new AbortController()
  controller.abort(new Error('stop'))
  const err = await send(async (_url, options) => {
    t.ok(options.signal?.aborted)
    throw options.signal?.reason
  }, systemClock, 1000, 'http://x/', init, controller.signal).catch((e: unknown) => e)
  t.match(err, { message: 'stop' })
})
