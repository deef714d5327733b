import t from 'tap'
import { HttpException } from '../../lib/index.js'
import { RestClient } from '../../lib/rest/rest-client.js'
import { RestEvents, type RetryEvent } from '../../lib/rest/rest-events.js'
import { autoAdvance, fakeClock } from './helpers/fake-clock.js'
import { setupFake } from './helpers/fake-setup.js'
import { startServer, until } from './helpers/server.js'

const ME = 'GET /api/v10/users/@me'

t.test('a 5xx on a GET is retried with growing backoff, then succeeds', async (t) => {
  const { fake, client, token, waits } = await setupFake(t)
  fake.injectFault(ME, { kind: 'status', status: 502, count: 2 })
  const retries: RetryEvent[] = []
  client.on(RestEvents.Retry, (e) => { retries.push(e) })
  t.ok(await client.request('/users/@me', { auth: { type: 'Bearer', token: token() } }))
  t.equal(fake.callCount('GET', '/api/v10/users/@me'), 3)
  t.same(waits, [250, 500])
  t.match(retries, [{ attempt: 1, reason: 'status', status: 502 }, { attempt: 2, reason: 'status', status: 502 }])
})

t.test('a GET that keeps failing with 5xx ends in an HttpException after the retries', async (t) => {
  const { fake, client, token } = await setupFake(t, { retries: 1 })
  fake.injectFault(ME, { kind: 'status', status: 500, count: 5 })
  const err = await client.request('/users/@me', { auth: { type: 'Bearer', token: token() } }).catch((e: unknown) => e) as HttpException
  t.ok(err instanceof HttpException)
  t.equal(err.status, 500)
  t.equal(err.errorCode, 'FST_DISCORD_HTTP')
  t.equal(fake.callCount('GET', '/api/v10/users/@me'), 2)
})

t.test('a connection reset on a GET is retried', async (t) => {
  const { fake, client, token } = await setupFake(t)
  fake.injectFault(ME, { kind: 'drop' })
  const retries: RetryEvent[] = []
  client.on(RestEvents.Retry, (e) => { retries.push(e) })
  t.ok(await client.request('/users/@me', { auth: { type: 'Bearer', token: token() } }))
  t.match(retries, [{ reason: 'network', status: 0 }])
})

t.test('POST is not retried after a 5xx or a connection reset', async (t) => {
  let calls = 0
  const { url } = await startServer(t, (app) => {
    app.post('/api/v10/fail', async (_request, reply) => { calls++; return reply.code(503).type('text/html').send('<h1>503</h1>') })
    app.post('/api/v10/drop', async (request, reply) => { calls++; reply.hijack(); request.raw.socket.destroy() })
  })
  const client = new RestClient({ apiBaseUrl: url })
  t.teardown(() => client.close())
  const auth = { type: 'Bot', token: 'bot' } as const
  const failed = await client.request('/fail', { method: 'POST', auth, body: {} }).catch((e: unknown) => e) as HttpException
  t.equal(failed.status, 503)
  const dropped = await client.request('/drop', { method: 'POST', auth, body: {} }).catch((e: unknown) => e) as HttpException
  t.ok(dropped instanceof HttpException)
  t.equal(dropped.status, 0)
  t.match(dropped.message, /POST \/drop failed: connection failed/)
  t.ok(dropped.cause, 'keeps the network error as cause')
  t.equal(calls, 2)
})

t.test('a timeout is an HttpException with errorCode FST_DISCORD_TIMEOUT', async (t) => {
  const { fake, client, clock, token } = await setupFake(t, { timeout: 200, retries: 0 }, true)
  fake.injectFault(ME, { kind: 'delay', ms: 300 })
  const pending = client.request('/users/@me', { auth: { type: 'Bearer', token: token() } }).catch((e: unknown) => e)
  await until(() => fake.calls.length === 1)
  clock.tick(200)
  const err = await pending as HttpException
  t.ok(err instanceof HttpException)
  t.equal(err.errorCode, 'FST_DISCORD_TIMEOUT')
  t.equal(err.status, 0)
  t.match(err.message, /GET \/users\/@me failed: no response within 200 ms/)
})

t.test('a timed-out GET is retried and its retry can succeed', async (t) => {
  const { fake, client, clock, token } = await setupFake(t, { timeout: 200, retries: 1 }, true)
  autoAdvance(client, clock)
  fake.injectFault(ME, { kind: 'delay', ms: 300 })
  const pending = client.request('/users/@me', { auth: { type: 'Bearer', token: token() } })
  await until(() => fake.calls.length === 1)
  clock.tick(200)
  t.ok(await pending)
  t.equal(fake.calls.length, 2)
})

t.test('an identical concurrent GET of one identity shares one upstream call', async (t) => {
  const { fake, client, token } = await setupFake(t)
  const auth = { type: 'Bearer', token: token() } as const
  const other = { type: 'Bearer', token: token() } as const
  const results = await Promise.all([
    client.request('/users/@me', { auth }),
    client.request('/users/@me', { auth }),
    client.request('/users/@me', { auth }),
    client.request('/users/@me', { auth: other }),
    client.request('/users/@me', { auth, headers: { 'x-extra': '1' } })
  ])
  t.equal(fake.callCount('GET', '/api/v10/users/@me'), 3, 'one call per identity (and per distinct headers)')
  t.equal(results[0], results[1], 'callers share the very same result')
  await client.request('/users/@me', { auth })
  t.equal(fake.callCount('GET', '/api/v10/users/@me'), 4, 'a later GET is a new call')
})

t.test('every caller of a shared GET gets its error (401 → Unauthorized)', async (t) => {
  const { fake, client, token } = await setupFake(t)
  const revoked = token()
  fake.revokeToken(revoked)
  const auth = { type: 'Bearer', token: revoked } as const
  const errors = await Promise.all([1, 2, 3].map(() => client.request('/users/@me', { auth }).catch((e: unknown) => e)))
  for (const err of errors) t.match(err, { name: 'Unauthorized', statusCode: 401 })
  t.equal(fake.callCount('GET', '/api/v10/users/@me'), 1)
  t.notMatch(JSON.stringify(errors.map((e) => (e as Error).message)), revoked)
})

t.test('one caller aborting a shared GET does not cancel it for the others', async (t) => {
  const { fake, client, token } = await setupFake(t)
  fake.injectFault(ME, { kind: 'delay', ms: 50 })
  const auth = { type: 'Bearer', token: token() } as const
  const controller = new AbortController()
  const leaving = client.request('/users/@me', { auth, signal: controller.signal })
  const staying = client.request('/users/@me', { auth, signal: new AbortController().signal })
  const plain = client.request('/users/@me', { auth })
  controller.abort()
  await t.rejects(leaving, { name: 'AbortError' })
  t.ok(await staying)
  t.ok(await plain)
  t.equal(fake.callCount('GET', '/api/v10/users/@me'), 1)
})

t.test('when every caller of a shared GET aborts, the upstream call is cancelled', async (t) => {
  const { fake, client, token } = await setupFake(t)
  fake.injectFault(ME, { kind: 'delay', ms: 300 })
  const auth = { type: 'Bearer', token: token() } as const
  const a = new AbortController()
  const b = new AbortController()
  const first = client.request('/users/@me', { auth, signal: a.signal })
  const second = client.request('/users/@me', { auth, signal: b.signal })
  await until(() => fake.calls.length === 1)
  a.abort()
  b.abort()
  await t.rejects(first, { name: 'AbortError' })
  await t.rejects(second, { name: 'AbortError' })
  t.ok(await client.request('/users/@me', { auth }), 'a new call starts afresh')
  t.equal(fake.calls.length, 2)
})

t.test('a listener that throws is logged and does not break the request', async (t) => {
  const { restClock } = fakeClock()
  const { url } = await startServer(t, (app) => { app.get('/api/v10/x', async () => ({})) })
  const warnings: string[] = []
  const client = new RestClient({ apiBaseUrl: url, clock: restClock, logger: { debug () {}, warn (_obj, msg) { warnings.push(msg) } } })
  t.teardown(() => client.close())
  const listener = (): void => { throw new Error('listener bug') }
  client.on(RestEvents.Response, listener)
  t.same(await client.request('/x', { auth: { type: 'None' } }), {})
  t.match(warnings, [/listener threw/])
  client.off(RestEvents.Response, listener)
  client.off(RestEvents.Sweep, listener)
  await client.request('/x', { auth: { type: 'None' }, query: { n: 2 } })
  t.equal(warnings.length, 1)
})

t.test('aborting during a retry backoff rejects with the abort reason', async (t) => {
  const { fake, client, token } = await setupFake(t, {}, true)
  fake.injectFault(ME, { kind: 'status', status: 503 })
  const retries: RetryEvent[] = []
  client.on(RestEvents.Retry, (e) => { retries.push(e) })
  const controller = new AbortController()
  const pending = client.request('/users/@me', { auth: { type: 'Bearer', token: token() }, signal: controller.signal })
  await until(() => retries.length > 0)
  controller.abort()
  await t.rejects(pending, { name: 'AbortError' })
  t.equal(fake.calls.length, 1)
})
