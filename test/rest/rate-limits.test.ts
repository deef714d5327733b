import t from 'tap'
import { RateLimited } from '../../lib/index.js'
import { RestClient } from '../../lib/rest/rest-client.js'
import { RestEvents, type RateLimitEvent } from '../../lib/rest/rest-events.js'
import { autoAdvance, fakeClock } from './helpers/fake-clock.js'
import { setupFake } from './helpers/fake-setup.js'
import { startServer, until } from './helpers/server.js'

const GUILDS = 'GET /api/v10/users/@me/guilds'
const ME = 'GET /api/v10/users/@me'

t.test('learns a bucket from the first answer and never sends more than its limit per window', async (t) => {
  const { fake, client, token, waits } = await setupFake(t, { maxRateLimitWait: Infinity })
  fake.setRateLimit(GUILDS, { limit: 2, windowMs: 1000, bucket: 'guilds-bucket' })
  const auth = { type: 'Bearer', token: token() } as const
  const results = await Promise.all([1, 2, 3, 4, 5].map((n) => client.request('/users/@me/guilds', { auth, query: { limit: n } })))
  t.equal(results.length, 5)
  t.equal(fake.callCount('GET', '/api/v10/users/@me/guilds'), 5)
  t.equal(fake.rateLimitHits, 0, 'no 429 served')
  t.equal(waits.length, 2, 'waited for two window resets')
  for (const wait of waits) t.ok(wait > 900 && wait <= 1010, `waited about a window (${wait} ms)`)
  const at = fake.calls.map((c) => c.at)
  t.ok((at[2] as number) - (at[0] as number) >= 1000, 'the third request went in the second window')
})

t.test('one user exhausting a bucket does not delay another user', async (t) => {
  const { fake, client, token } = await setupFake(t, {}, true)
  fake.setRateLimit(ME, { limit: 1, windowMs: 1000 })
  const alice = { type: 'Bearer', token: token() } as const
  const bob = { type: 'Bearer', token: token() } as const
  await client.request('/users/@me', { auth: alice })
  const pending = client.request('/users/@me', { auth: alice, query: { again: 1 } })
  t.ok(await client.request('/users/@me', { auth: bob }), 'bob is answered while alice waits')
  t.equal(fake.callCount('GET', '/api/v10/users/@me'), 2)
  await t.rejects(Promise.race([pending, new Promise((_resolve, reject) => setTimeout(() => reject(new Error('still waiting')), 20))]), { message: 'still waiting' })
})

t.test('routes without rate-limit headers are never blocked: requests go concurrently', async (t) => {
  let inFlight = 0
  let peak = 0
  let release: () => void = () => {}
  const gate = new Promise<void>((resolve) => { release = resolve })
  const { url } = await startServer(t, (app) => {
    app.get('/api/v10/free', async (request) => {
      inFlight++
      peak = Math.max(peak, inFlight)
      if ((request.query as { n?: string }).n !== '0') await gate
      inFlight--
      return {}
    })
  })
  const { restClock } = fakeClock()
  const client = new RestClient({ apiBaseUrl: url, clock: restClock })
  t.teardown(() => client.close())
  const events: unknown[] = []
  client.on(RestEvents.RateLimited, (e) => { events.push(e) })
  await client.request('/free', { auth: { type: 'None' }, query: { n: 0 } })
  const all = Promise.all([1, 2, 3, 4, 5].map((n) => client.request('/free', { auth: { type: 'None' }, query: { n } })))
  await until(() => inFlight === 5)
  release()
  await all
  t.equal(peak, 5)
  t.same(events, [])
})

t.test('prefers X-RateLimit-Reset-After over a skewed X-RateLimit-Reset, and uses Reset when alone', async (t) => {
  const { clock, restClock } = fakeClock()
  const { url } = await startServer(t, (app) => {
    app.get('/api/v10/skewed', async (_request, reply) => reply.headers({
      'x-ratelimit-limit': '1', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-after': '1.000', 'x-ratelimit-reset': String(clock.now / 1000 + 3600), 'x-ratelimit-bucket': 'skewed'
    }).send({}))
    app.get('/api/v10/absolute', async (_request, reply) => reply.headers({
      'x-ratelimit-limit': '1', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String((clock.now + 2000) / 1000)
    }).send({}))
  })
  const client = new RestClient({ apiBaseUrl: url, clock: restClock })
  t.teardown(() => client.close())
  const waits = autoAdvance(client, clock)
  const auth = { type: 'Bot', token: 'bot' } as const
  await client.request('/skewed', { auth })
  await client.request('/skewed', { auth, query: { n: 2 } })
  await client.request('/absolute', { auth })
  await client.request('/absolute', { auth, query: { n: 2 } })
  t.equal(waits.length, 2)
  t.ok((waits[0] as number) >= 1000 && (waits[0] as number) < 1100, `Reset-After wins (${waits[0]} ms)`)
  t.ok((waits[1] as number) >= 1900 && (waits[1] as number) < 2100, `Reset is used without Reset-After (${waits[1]} ms)`)
})

t.test('the per-identity global limit spaces requests out, per identity', async (t) => {
  const { fake, client, clock, token } = await setupFake(t, { globalRequestsPerSecond: 2 }, true)
  fake.setGlobalRateLimit(2)
  const events: RateLimitEvent[] = []
  client.on(RestEvents.RateLimited, (e) => { events.push(e) })
  const auth = { type: 'Bearer', token: token() } as const
  const other = { type: 'Bearer', token: token() } as const
  const all = Promise.all([
    ...[1, 2, 3, 4].map((n) => client.request('/users/@me', { auth, query: { n } })),
    ...[1, 2].map((n) => client.request('/users/@me', { auth: other, query: { n } }))
  ])
  await until(() => fake.calls.filter((c) => c.status !== 0).length === 4)
  t.match(events, [{ global: true, status: null, wait: 1000 }], 'the busy identity waits for the next second')
  clock.tick(1000)
  await all
  t.equal(fake.calls.length, 6)
  t.equal(fake.rateLimitHits, 0)
  t.equal(new Set(events.map((e) => e.identity)).size, 1, 'only the busy identity waited')
})

t.test('a global 429 pauses only that identity, then the request is retried', async (t) => {
  const { fake, client, clock, token } = await setupFake(t, {}, true)
  const alice = { type: 'Bearer', token: token() } as const
  const bob = { type: 'Bearer', token: token() } as const
  const events: RateLimitEvent[] = []
  client.on(RestEvents.RateLimited, (e) => { events.push(e) })
  fake.forceGlobal429(1.5)
  const first = client.request('/users/@me', { auth: alice })
  await until(() => events.length > 0)
  t.match(events[0], { global: true, status: 429, wait: 1500, scope: 'global' })
  const second = client.request('/users/@me/guilds', { auth: alice })
  t.ok(await client.request('/users/@me', { auth: bob }), 'another identity is not paused')
  t.equal(fake.callCount('GET', '/api/v10/users/@me/guilds'), 0, 'the paused identity sends nothing')
  clock.tick(1500)
  t.ok(await first)
  t.ok(await second)
  t.equal(fake.rateLimitHits, 1)
})

t.test('a shared-scope 429 delays only that request', async (t) => {
  const { fake, client, clock, token } = await setupFake(t, {}, true)
  fake.setRateLimit(ME, { limit: 10, windowMs: 10_000 })
  const auth = { type: 'Bearer', token: token() } as const
  await client.request('/users/@me', { auth })
  const events: RateLimitEvent[] = []
  client.on(RestEvents.RateLimited, (e) => { events.push(e) })
  fake.forceShared429(ME, 2)
  const delayed = client.request('/users/@me', { auth, query: { n: 1 } })
  await until(() => events.length > 0)
  t.match(events[0], { scope: 'shared', status: 429, wait: 2000, global: false })
  t.ok(await client.request('/users/@me', { auth, query: { n: 2 } }), 'the bucket itself is not blocked')
  clock.tick(2000)
  t.ok(await delayed)
})

t.test('a sublimit 429 (bucket still has room) delays only that request', async (t) => {
  const { clock, restClock } = fakeClock()
  let patches = 0
  const { url } = await startServer(t, (app) => {
    app.patch('/api/v10/channels/:id', async (request, reply) => {
      reply.headers({ 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '3', 'x-ratelimit-reset-after': '5', 'x-ratelimit-bucket': 'chan', 'x-ratelimit-scope': 'user' })
      if ((request.body as { name?: string }).name !== undefined && patches++ === 0) return reply.code(429).send({ message: 'slow down', retry_after: 30, global: false })
      return { ok: true }
    })
  })
  const client = new RestClient({ apiBaseUrl: url, clock: restClock, maxRateLimitWait: 60_000 })
  t.teardown(() => client.close())
  const events: RateLimitEvent[] = []
  client.on(RestEvents.RateLimited, (e) => { events.push(e) })
  const auth = { type: 'Bot', token: 'bot' } as const
  const rename = client.request('/channels/123456789012345678', { method: 'PATCH', auth, body: { name: 'x' } })
  await until(() => events.length > 0)
  t.match(events[0], { wait: 30_000, status: 429, bucket: 'chan', majorParameter: '123456789012345678' })
  t.same(await client.request('/channels/123456789012345678', { method: 'PATCH', auth, body: { nsfw: true } }), { ok: true })
  clock.tick(30_000)
  t.same(await rename, { ok: true })
})

t.test('a Cloudflare HTML 429 honours Retry-After', async (t) => {
  const { fake, client, token, waits } = await setupFake(t)
  fake.injectFault(ME, { kind: 'html429', retryAfter: 2 })
  t.ok(await client.request('/users/@me', { auth: { type: 'Bearer', token: token() } }))
  t.same(waits, [2000, 2000])
  t.equal(fake.callCount('GET', '/api/v10/users/@me'), 2)
})

t.test('a Cloudflare HTML 429 without Retry-After fails fast with RateLimited', async (t) => {
  const { fake, client, token } = await setupFake(t)
  fake.injectFault(ME, { kind: 'html429' })
  const err = await client.request('/users/@me', { auth: { type: 'Bearer', token: token() } }).catch((e: unknown) => e) as RateLimited
  t.ok(err instanceof RateLimited)
  t.equal(err.global, true)
  t.equal(err.retryAfter, 60)
  t.equal(err.headers['retry-after'], '60')
  t.equal(fake.callCount('GET', '/api/v10/users/@me'), 1)
})

t.test('429 retries are bounded: RateLimited after rateLimitRetries + 1 attempts', async (t) => {
  const { fake, client, token } = await setupFake(t, { rateLimitRetries: 2 })
  fake.forceShared429(ME, 0.25, 10)
  const err = await client.request('/users/@me', { auth: { type: 'Bearer', token: token() } }).catch((e: unknown) => e) as RateLimited
  t.ok(err instanceof RateLimited)
  t.equal(err.scope, 'shared')
  t.equal(err.retryAfter, 0.25)
  t.equal(fake.callCount('GET', '/api/v10/users/@me'), 3)
})

t.test('a 429 whose wait exceeds maxRateLimitWait is thrown at once', async (t) => {
  const { fake, client, token } = await setupFake(t, { maxRateLimitWait: 1000 })
  fake.forceGlobal429(30)
  const err = await client.request('/users/@me', { auth: { type: 'Bearer', token: token() } }).catch((e: unknown) => e) as RateLimited
  t.ok(err instanceof RateLimited)
  t.equal(err.global, true)
  t.equal(err.retryAfter, 30)
  t.equal(fake.callCount('GET', '/api/v10/users/@me'), 1)
})

t.test('a queued request that would wait longer than maxRateLimitWait throws RateLimited without calling Discord', async (t) => {
  const { fake, client, token } = await setupFake(t, { maxRateLimitWait: 500 }, true)
  fake.setRateLimit(ME, { limit: 1, windowMs: 1000, bucket: 'me' })
  const events: RateLimitEvent[] = []
  client.on(RestEvents.RateLimited, (e) => { events.push(e) })
  const auth = { type: 'Bearer', token: token() } as const
  await client.request('/users/@me', { auth })
  const err = await client.request('/users/@me', { auth, query: { n: 2 } }).catch((e: unknown) => e) as RateLimited
  t.ok(err instanceof RateLimited)
  t.equal(err.bucket, 'me')
  t.equal(err.route, 'GET /users/@me')
  t.ok(err.retryAfter > 0.9 && err.retryAfter <= 1.01)
  t.equal(err.headers['retry-after'], '2')
  t.match(events, [{ rejected: true, status: null }])
  t.equal(fake.callCount('GET', '/api/v10/users/@me'), 1)
})

t.test('rejectOnRateLimit: always, by route prefix, or by predicate', async (t) => {
  for (const [name, policy, rejectsMe, rejectsGuilds] of [
    ['always', true, true, true],
    ['prefix', ['/users/@me/guilds'], false, true],
    ['predicate', (info: { route: string }) => info.route === 'GET /users/@me', true, false]
  ] as const) {
    const { fake, client, token } = await setupFake(t, { rejectOnRateLimit: policy as never })
    fake.setRateLimit(ME, { limit: 1, windowMs: 1000 })
    fake.setRateLimit(GUILDS, { limit: 1, windowMs: 1000 })
    const auth = { type: 'Bearer', token: token() } as const
    await client.request('/users/@me', { auth })
    await client.request('/users/@me/guilds', { auth })
    // Both are queued before any wait elapses.
    const [me, guilds] = await Promise.all([
      client.request('/users/@me', { auth, query: { n: 2 } }).then(() => 'ok', (e: unknown) => e),
      client.request('/users/@me/guilds', { auth, query: { n: 2 } }).then(() => 'ok', (e: unknown) => e)
    ])
    t.equal(me instanceof RateLimited, rejectsMe, `${name}: /users/@me`)
    t.equal(guilds instanceof RateLimited, rejectsGuilds, `${name}: /users/@me/guilds`)
    t.equal(fake.rateLimitHits, 0)
  }
})

t.test('aborting a queued request frees its place: the next one proceeds', async (t) => {
  const { fake, client, clock, token } = await setupFake(t, { maxRateLimitWait: Infinity }, true)
  fake.setRateLimit(ME, { limit: 1, windowMs: 1000 })
  const auth = { type: 'Bearer', token: token() } as const
  await client.request('/users/@me', { auth })
  const controller = new AbortController()
  const aborted = client.request('/users/@me', { auth, query: { n: 2 }, signal: controller.signal })
  const next = client.request('/users/@me', { auth, query: { n: 3 } })
  controller.abort()
  await t.rejects(aborted, { name: 'AbortError' })
  clock.tick(1010)
  t.ok(await next)
  t.equal(fake.callCount('GET', '/api/v10/users/@me'), 2)
})

t.test('aborting the request that learns a bucket lets the next one learn it', async (t) => {
  const { fake, client, token } = await setupFake(t, {}, true)
  fake.setRateLimit(ME, { limit: 5, windowMs: 1000 })
  fake.injectFault(ME, { kind: 'delay', ms: 300 })
  const auth = { type: 'Bearer', token: token() } as const
  const controller = new AbortController()
  const learner = client.request('/users/@me', { auth, signal: controller.signal })
  const next = client.request('/users/@me', { auth, query: { n: 2 } })
  await until(() => fake.calls.length === 1)
  controller.abort()
  await t.rejects(learner, { name: 'AbortError' })
  t.ok(await next)
})

t.test('idle buckets and identities are swept; busy ones are kept', async (t) => {
  const { fake, client, clock, token } = await setupFake(t, { sweepInterval: 1000 }, true)
  fake.setRateLimit(ME, { limit: 5, windowMs: 60_000 })
  const sweeps: unknown[] = []
  client.on(RestEvents.Sweep, (e) => { sweeps.push(e) })
  for (let i = 0; i < 3; i++) await client.request('/users/@me/guilds', { auth: { type: 'Bearer', token: token() } })
  await client.request('/users/@me', { auth: { type: 'Bearer', token: token() } })
  clock.tick(1000)
  t.same(sweeps, [{ buckets: 3, identities: 3, routes: 0 }], 'idle for a whole interval: swept')
  t.same(client.sweep(), { buckets: 0, identities: 0, routes: 0 }, 'the bucket in its 60 s window stays')
  clock.tick(60_000)
  t.match(sweeps.at(-1), { buckets: 1, identities: 1 })
  t.equal(sweeps.filter((e) => (e as { routes: number }).routes > 0).length, 0, 'learned route hashes outlive buckets')
  clock.tick(24 * 60 * 60 * 1000)
  t.equal(sweeps.filter((e) => (e as { routes: number }).routes > 0).length, 1, 'and are dropped after a day unused')
})

t.test('a user-scope 429 on an exhausted bucket (slots used elsewhere) blocks the bucket until retry_after', async (t) => {
  const { fake, client, token, waits } = await setupFake(t)
  fake.setRateLimit(ME, { limit: 2, windowMs: 1000, bucket: 'me' })
  const shared = token()
  for (let i = 0; i < 2; i++) await fetch(`${fake.pluginOptions.apiBaseUrl}/users/@me`, { headers: { authorization: `Bearer ${shared}` } })
  const events: RateLimitEvent[] = []
  client.on(RestEvents.RateLimited, (e) => { events.push(e) })
  const auth = { type: 'Bearer', token: shared } as const
  const results = await Promise.all([1, 2].map((n) => client.request('/users/@me', { auth, query: { n } })))
  t.equal(results.length, 2)
  t.equal(fake.rateLimitHits, 1, 'one 429, then the bucket is respected')
  t.match(events.find((e) => e.status === 429), { scope: 'user', bucket: 'me', global: false })
  t.ok((waits[0] as number) >= 900)
})

t.test('a global 429 makes queued requests that would now wait too long throw RateLimited', async (t) => {
  const { fake, client, token } = await setupFake(t, { maxRateLimitWait: 1500 }, true)
  fake.setRateLimit(ME, { limit: 1, windowMs: 1000 })
  const auth = { type: 'Bearer', token: token() } as const
  await client.request('/users/@me', { auth })
  const queued = client.request('/users/@me', { auth, query: { n: 2 } }).catch((e: unknown) => e)
  fake.forceGlobal429(3)
  const paused = await client.request('/users/@me/guilds', { auth }).catch((e: unknown) => e)
  t.match(paused, { name: 'RateLimited', global: true, retryAfter: 3 })
  t.match(await queued, { name: 'RateLimited', global: true }, 'the queued request now faces the pause')
})

t.test('close() rejects queued requests', async (t) => {
  const { fake, client, token } = await setupFake(t, {}, true)
  fake.setRateLimit(ME, { limit: 1, windowMs: 1000 })
  const auth = { type: 'Bearer', token: token() } as const
  await client.request('/users/@me', { auth })
  const queued = client.request('/users/@me', { auth, query: { n: 2 } })
  client.close()
  await t.rejects(queued, { name: 'HttpException', message: 'GET /users/@me failed: the REST client was closed' })
})

t.test('routes that turn out to share a bucket hash end up in one queue', async (t) => {
  const { clock, restClock } = fakeClock()
  const { url } = await startServer(t, (app) => {
    app.get('/api/v10/:name', async (_request, reply) => reply.headers({
      'x-ratelimit-limit': '10', 'x-ratelimit-remaining': '9', 'x-ratelimit-reset-after': '1', 'x-ratelimit-bucket': 'same'
    }).send({}))
  })
  const client = new RestClient({ apiBaseUrl: url, clock: restClock })
  t.teardown(() => client.close())
  autoAdvance(client, clock)
  const auth = { type: 'Bot', token: 'bot' } as const
  const all = await Promise.all(['a', 'b', 'a', 'b', 'b'].map((name, n) => client.request(`/${name}`, { auth, query: { n } })))
  t.equal(all.length, 5)
})

t.test('aborting a request that waits out a shared 429 rejects it with the abort reason', async (t) => {
  const { fake, client, token } = await setupFake(t, {}, true)
  const events: RateLimitEvent[] = []
  client.on(RestEvents.RateLimited, (e) => { events.push(e) })
  fake.forceShared429(ME, 5)
  const controller = new AbortController()
  const pending = client.request('/users/@me', { auth: { type: 'Bearer', token: token() }, signal: controller.signal })
  await until(() => events.length > 0)
  controller.abort()
  await t.rejects(pending, { name: 'AbortError' })
})

t.test('a bucket that sends no reset is relearned one request at a time rather than stalled', async (t) => {
  let calls = 0
  const { url } = await startServer(t, (app) => {
    app.get('/api/v10/noreset', async (_request, reply) => {
      calls++
      return reply.headers({ 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': String(calls % 2) }).send({})
    })
  })
  const { restClock } = fakeClock()
  const client = new RestClient({ apiBaseUrl: url, clock: restClock, sweepInterval: 0 })
  t.teardown(() => client.close())
  await Promise.all([1, 2, 3, 4].map((n) => client.request('/noreset', { auth: { type: 'None' }, query: { n } })))
  t.equal(calls, 4)
  t.same(client.sweep(), { buckets: 1, identities: 0, routes: 0 }, 'sweeping by hand works with the sweeper off (the identity is inside its global second)')
})

t.test('a JSON 429 without retry_after falls back to the bucket reset, then to one second', async (t) => {
  const { clock, restClock } = fakeClock()
  let calls = 0
  const { url } = await startServer(t, (app) => {
    app.get('/api/v10/a', async (_request, reply) => (calls++ % 2 === 0 ? reply.code(429).headers({ 'x-ratelimit-reset-after': '0.5', 'x-ratelimit-remaining': '0' }).send({ message: 'slow' }) : {}))
    app.get('/api/v10/b', async (_request, reply) => (calls++ % 2 === 0 ? reply.code(429).send({ message: 'slow' }) : {}))
  })
  const client = new RestClient({ apiBaseUrl: url, clock: restClock })
  t.teardown(() => client.close())
  const waits = autoAdvance(client, clock)
  await client.request('/a', { auth: { type: 'None' } })
  await client.request('/b', { auth: { type: 'None' } })
  t.equal(waits[0], 500)
  t.equal(waits.at(-1), 1000)
})
