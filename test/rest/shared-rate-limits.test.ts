/**
 * Rate limits shared by two RestClients (two "instances": each its own Redis connection) through
 * a real redis-server, against one fake Discord. Redis's TIME is the clock of the shared buckets,
 * so these tests run on real time and bound it, rather than on fake timers.
 */
import { Redis } from 'ioredis'
import t, { type Test } from 'tap'
import { RateLimited } from '../../lib/index.js'
import { openRedis } from '../../lib/redis/open-redis.js'
import { SharedRedis } from '../../lib/redis/shared-redis.js'
import { RestClient, type RestClientOptions } from '../../lib/rest/rest-client.js'
import { RestEvents, type RateLimitEvent } from '../../lib/rest/rest-events.js'
import { resolveRestClientOptions, withPluginContext } from '../../lib/rest/rest-options.js'
import { RATE_LIMIT_FALLBACK } from '../../lib/rest/shared-rate-limits.js'
import { createFakeDiscord, type FakeDiscord } from '../../lib/testing/index.js'
import { fakeClock } from './helpers/fake-clock.js'
import { redisTestOptions, startRedisServer, type RedisServer } from '../helpers/redis-server.js'

const GUILDS = '/api/v10/users/@me/guilds'
const ME = '/api/v10/users/@me'
const PREFIX = 'test:'

interface Line { level: string, fields: Record<string, unknown>, msg: string }

function recordingLog (): { lines: Line[], log: any } {
  const lines: Line[] = []
  const at = (level: string) => (fields: Record<string, unknown>, msg: string) => { lines.push({ level, fields, msg }) }
  const log = { warn: at('warn'), info: at('info'), debug: at('debug'), error: at('error'), trace: at('trace'), fatal: at('fatal'), child: () => log, level: 'info' }
  return { lines, log }
}

interface Instance {
  client: RestClient
  redis: SharedRedis
  lines: Line[]
  events: RateLimitEvent[]
}

interface Setup {
  server: RedisServer
  fake: FakeDiscord
  admin: Redis
  a: Instance
  b: Instance
  token: () => string
}

async function instance (t: Test, fake: FakeDiscord, redis: SharedRedis | null, lines: Line[], log: any, options: Partial<RestClientOptions>): Promise<Instance> {
  const resolved = resolveRestClientOptions({ apiBaseUrl: fake.pluginOptions.apiBaseUrl, maxRateLimitWait: Infinity, sweepInterval: 0, ...options })
  const client = new RestClient(withPluginContext(resolved, log, redis))
  t.teardown(() => { client.close() })
  const events: RateLimitEvent[] = []
  client.on(RestEvents.RateLimited, (event) => { events.push(event) })
  return { client, redis: redis as SharedRedis, lines, events }
}

/** Two instances sharing one Redis and one fake Discord. */
async function setup (t: Test, options: Partial<RestClientOptions> = {}, shared = true): Promise<Setup> {
  const server = await startRedisServer(t)
  const fake = await createFakeDiscord()
  t.teardown(async () => { await fake.close() })
  const admin = new Redis(server.url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 })
  admin.on('error', () => {})
  await admin.connect()
  t.teardown(() => { admin.disconnect() })
  const make = async (): Promise<Instance> => {
    const { lines, log } = recordingLog()
    const redis = shared ? await openRedis(server.url, PREFIX, log) : null
    if (redis !== null) t.teardown(async () => { await redis.close() })
    return await instance(t, fake, redis, lines, log, options)
  }
  const [a, b] = [await make(), await make()]
  const token = (): string => fake.issueToken(fake.seedUsers.migrated, ['identify', 'guilds']).access_token
  return { server, fake, admin, a, b, token }
}

/** `n` requests of one token, alternating between the instances, all at once; resolves with the wall time. */
async function burst (d: Setup, n: number, path: string, token: string): Promise<number> {
  const started = performance.now()
  await Promise.all(Array.from({ length: n }, async (_, i) => {
    const { client } = i % 2 === 0 ? d.a : d.b
    return await client.request(path, { auth: { type: 'Bearer', token }, query: { n: i } })
  }))
  return performance.now() - started
}

async function until (predicate: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error('condition not reached')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

t.test('20 requests split over two instances through a 5/s bucket: no 429 from Discord, near the theoretical minimum', redisTestOptions(), async (t) => {
  const d = await setup(t)
  d.fake.setRateLimit(`GET ${GUILDS}`, { limit: 5, windowMs: 1000 })
  const wall = await burst(d, 20, '/users/@me/guilds', d.token())
  t.equal(d.fake.callCount('GET', GUILDS), 20, 'each went to Discord')
  t.equal(d.fake.callCount('GET', GUILDS, 429), 0, 'and Discord served no 429')
  // Four windows of five: three full windows to wait. Measured at Discord, from the first call to
  // the last, the span the shared buckets decide (the wall time adds start-up costs: connections,
  // script loading, a busy machine's scheduling).
  const at = d.fake.calls.map((call) => call.at)
  const span = Math.max(...at) - Math.min(...at)
  t.ok(span >= 3000, `no faster than the bucket allows (${span} ms at Discord)`)
  t.ok(span < 3300, `within a few polls of the theoretical minimum of 3000 ms (${span} ms at Discord, ${wall.toFixed(0)} ms wall)`)
  t.ok(d.a.events.some((event) => event.wait > 0) && d.b.events.some((event) => event.wait > 0), 'both instances waited for the shared bucket')
  t.same(d.a.lines.concat(d.b.lines).filter((line) => line.level === 'warn').map((line) => line.msg), [], 'Redis answered throughout')
})

t.test('without Redis the same split oversteps the bucket: Discord answers 429s', redisTestOptions(), async (t) => {
  const d = await setup(t, {}, false)
  d.fake.setRateLimit(`GET ${GUILDS}`, { limit: 5, windowMs: 1000 })
  await burst(d, 20, '/users/@me/guilds', d.token())
  t.ok(d.fake.callCount('GET', GUILDS, 429) > 0, 'each instance filled the bucket on its own')
})

t.test('every key lives under the prefix, in the identity\'s hash tag, with an expiry, and holds no token', redisTestOptions(), async (t) => {
  const d = await setup(t)
  d.fake.setRateLimit(`GET ${GUILDS}`, { limit: 5, windowMs: 1000, bucket: 'guilds-hash' })
  const token = d.token()
  await burst(d, 4, '/users/@me/guilds', token)
  await burst(d, 2, '/users/@me', token)
  // The guilds route, its bucket and the global window; the unlimited route's bucket.
  await until(async () => (await d.admin.keys('*')).length >= 4)
  const keys = await d.admin.keys('*')
  const tags = new Set<string>()
  for (const key of keys) {
    t.match(key, /^test:rate-limit:\{bearer:[\w-]{22}\}:(route|bucket|global)/, `${key} is namespaced and tagged`)
    tags.add(/\{[^}]*\}/.exec(key)?.[0] as string)
    t.notMatch(key, token, 'no token in a key')
    const pttl = await d.admin.pttl(key)
    t.ok(pttl > 0, `${key} expires (${pttl} ms)`)
  }
  t.equal(tags.size, 1, 'one identity, one hash slot')
  t.ok(keys.includes(`test:rate-limit:${[...tags][0] as string}:bucket:guilds-hash:global`), 'the bucket is filed under Discord\'s hash')
  t.ok(keys.includes(`test:rate-limit:${[...tags][0] as string}:route:GET /users/@me/guilds`), 'and the route maps to it')
  const unlimited = keys.find((key) => key.includes(':bucket:GET /users/@me:')) as string
  t.equal(await d.admin.hget(unlimited, 'unlimited'), '1', 'a route without rate-limit headers is recorded as unlimited')
})

t.test('the global limit is shared: two instances together send no more than it per second', redisTestOptions(), async (t) => {
  const d = await setup(t, { globalRequestsPerSecond: 5 })
  d.fake.setGlobalRateLimit(5)
  const wall = await burst(d, 15, '/users/@me', d.token())
  t.equal(d.fake.callCount('GET', ME), 15)
  t.equal(d.fake.callCount('GET', ME, 429), 0, 'no global 429')
  t.ok(wall >= 1900 && wall < 2800, `three seconds' worth in about two windows (${wall.toFixed(0)} ms)`)
  t.ok(d.a.events.concat(d.b.events).some((event) => event.global), 'the waits were global ones')
})

t.test('the first requests of an unknown bucket: one learns it, alone across the instances', redisTestOptions(), async (t) => {
  const d = await setup(t)
  d.fake.setRateLimit(`GET ${GUILDS}`, { limit: 1, windowMs: 400 })
  const wall = await burst(d, 4, '/users/@me/guilds', d.token())
  t.equal(d.fake.callCount('GET', GUILDS, 429), 0, 'a bucket of 1 is never overstepped, even before it is known')
  t.ok(wall >= 1150, `one request per window (${wall.toFixed(0)} ms)`)
})

t.test('waiting for another instance\'s learning request is no rate-limit wait: rejectOnRateLimit does not refuse it', redisTestOptions(), async (t) => {
  const d = await setup(t, { rejectOnRateLimit: true })
  d.fake.setRateLimit(`GET ${GUILDS}`, { limit: 5, windowMs: 1000 })
  d.fake.injectFault(`GET ${GUILDS}`, { kind: 'delay', ms: 100 })
  const token = d.token()
  const both = await Promise.all([d.a, d.b].map(async ({ client }, n) => await client.request('/users/@me/guilds', { auth: { type: 'Bearer', token }, query: { n } })))
  t.equal(both.length, 2, 'both answered')
  t.equal(d.fake.callCount('GET', GUILDS), 2)
})

t.test('a 429 of a bucket blocks it for every instance', redisTestOptions(), async (t) => {
  const d = await setup(t)
  d.fake.setRateLimit(`GET ${GUILDS}`, { limit: 2, windowMs: 1000 })
  const token = d.token()
  await d.a.client.request('/users/@me/guilds', { auth: { type: 'Bearer', token } })
  // Someone else with the same token (outside both instances) takes the bucket's last slot.
  await fetch(`${d.fake.pluginOptions.apiBaseUrl}/users/@me/guilds?outside=1`, { headers: { authorization: `Bearer ${token}` } })
  const retried = d.a.client.request('/users/@me/guilds', { auth: { type: 'Bearer', token }, query: { n: 2 } })
  await until(() => d.fake.callCount('GET', GUILDS, 429) === 1)
  // A records the 429 without waiting for Redis; give it a moment to land.
  await new Promise((resolve) => setTimeout(resolve, 50))
  const before = d.b.events.length
  await d.b.client.request('/users/@me/guilds', { auth: { type: 'Bearer', token }, query: { n: 3 } })
  await retried
  t.equal(d.fake.callCount('GET', GUILDS, 429), 1, 'B waited for the blocked bucket instead of meeting another 429')
  t.ok(d.b.events.slice(before).some((event) => !event.global && event.wait > 0), 'B\'s wait came from Redis')
})

t.test('a global 429 pauses the identity on every instance', redisTestOptions(), async (t) => {
  const d = await setup(t)
  const token = d.token()
  await d.a.client.request('/users/@me', { auth: { type: 'Bearer', token } })
  await d.b.client.request('/users/@me', { auth: { type: 'Bearer', token }, query: { n: 0 } })
  d.fake.forceGlobal429(0.5)
  const retried = d.a.client.request('/users/@me', { auth: { type: 'Bearer', token }, query: { n: 1 } })
  await until(() => d.fake.callCount('GET', ME, 429) === 1)
  const paused = performance.now()
  await new Promise((resolve) => setTimeout(resolve, 50))
  await d.b.client.request('/users/@me', { auth: { type: 'Bearer', token }, query: { n: 2 } })
  t.ok(performance.now() - paused >= 450, 'B waited out the pause A met')
  await retried
  t.equal(d.fake.callCount('GET', ME, 429), 1, 'B did not meet the global limit again')
  t.ok(d.b.events.some((event) => event.global), 'a global wait, learned from Redis')
})

t.test('a shared-scope 429 concerns only its request: the bucket stays open for the others', redisTestOptions(), async (t) => {
  const d = await setup(t)
  d.fake.setRateLimit(`GET ${GUILDS}`, { limit: 5, windowMs: 1000 })
  const token = d.token()
  await d.a.client.request('/users/@me/guilds', { auth: { type: 'Bearer', token } })
  d.fake.forceShared429(`GET ${GUILDS}`, 0.2)
  await d.a.client.request('/users/@me/guilds', { auth: { type: 'Bearer', token }, query: { n: 1 } })
  t.equal(d.fake.callCount('GET', GUILDS, 429), 1)
  const before = d.b.events.length
  await d.b.client.request('/users/@me/guilds', { auth: { type: 'Bearer', token }, query: { n: 2 } })
  t.equal(d.b.events.length, before, 'B went at once')
})

t.test('a shared wait the policy refuses rejects with RateLimited, before anything is sent', redisTestOptions(), async (t) => {
  const d = await setup(t, { maxRateLimitWait: 1000 })
  d.fake.setRateLimit(`GET ${GUILDS}`, { limit: 1, windowMs: 60_000 })
  const token = d.token()
  await d.a.client.request('/users/@me/guilds', { auth: { type: 'Bearer', token } })
  const sent = d.fake.callCount('GET', GUILDS)
  await t.rejects(d.b.client.request('/users/@me/guilds', { auth: { type: 'Bearer', token }, query: { n: 1 } }), RateLimited)
  t.equal(d.fake.callCount('GET', GUILDS), sent, 'B sent nothing')
  // B's local bucket got its slot back: a request of another route is not held up.
  t.ok(await d.b.client.request('/users/@me', { auth: { type: 'Bearer', token } }))
})

t.test('a request aborted during a shared wait rejects with the reason and frees its local slot', redisTestOptions(), async (t) => {
  const d = await setup(t)
  d.fake.setRateLimit(`GET ${GUILDS}`, { limit: 1, windowMs: 60_000 })
  const token = d.token()
  await d.a.client.request('/users/@me/guilds', { auth: { type: 'Bearer', token } })
  const controller = new AbortController()
  const pending = d.b.client.request('/users/@me/guilds', { auth: { type: 'Bearer', token }, query: { n: 1 }, signal: controller.signal })
  await until(() => d.b.events.length > 0)
  controller.abort(new Error('gave up'))
  await t.rejects(pending, { message: 'gave up' })
})

t.test('a shared wait is slept on the client\'s clock, and the call\'s deadline ends it', redisTestOptions(), async (t) => {
  const d = await setup(t)
  d.fake.setRateLimit(`GET ${GUILDS}`, { limit: 1, windowMs: 60_000 })
  const token = d.token()
  await d.a.client.request('/users/@me/guilds', { auth: { type: 'Bearer', token } })
  // A records the answer without waiting; until it lands, others would poll (on the fake clock).
  await until(async () => (await d.admin.keys('test:rate-limit:*:route:*')).length > 0)
  const { clock, restClock } = fakeClock()
  const c = await instance(t, d.fake, d.b.redis, d.b.lines, { debug () {}, warn () {} }, { clock: restClock, deadline: 20_000 })
  const pending = c.client.request('/users/@me/guilds', { auth: { type: 'Bearer', token }, query: { n: 1 } })
  await until(() => c.events.length > 0)
  t.ok((c.events[0] as RateLimitEvent).wait > 55_000, 'Redis says about a minute')
  clock.tick(19_999)
  t.equal(d.fake.callCount('GET', GUILDS), 1, 'nothing sent while the client\'s clock has not reached the deadline')
  clock.tick(1)
  await t.rejects(pending, { name: 'HttpException', message: /no answer within the 20000 ms deadline/ })
  t.equal(d.fake.callCount('GET', GUILDS), 1, 'nor after it')
})

t.test('a learning request that gets no answer frees the bucket for the next one', redisTestOptions(), async (t) => {
  const d = await setup(t, { retryDelay: 1 })
  d.fake.setRateLimit(`GET ${GUILDS}`, { limit: 5, windowMs: 1000 })
  d.fake.injectFault(`GET ${GUILDS}`, { kind: 'drop', count: 1 })
  const started = performance.now()
  await d.a.client.request('/users/@me/guilds', { auth: { type: 'Bearer', token: d.token() } })
  t.ok(performance.now() - started < 1000, 'the retry did not wait for the learning lock to expire')
  t.equal(d.fake.callCount('GET', GUILDS), 2)
})

t.test('Redis killed mid-run: local buckets take over, no rejection, one log line per outage; the recovery is logged', redisTestOptions(), async (t) => {
  const d = await setup(t)
  d.fake.setRateLimit(`GET ${GUILDS}`, { limit: 5, windowMs: 1000 })
  const token = d.token()
  const pending = Promise.allSettled(Array.from({ length: 20 }, async (_, i) => {
    const { client } = i % 2 === 0 ? d.a : d.b
    return await client.request('/users/@me/guilds', { auth: { type: 'Bearer', token }, query: { n: i } })
  }))
  await until(() => d.fake.callCount('GET', GUILDS) >= 5)
  await d.server.kill()
  const results = await pending
  t.same(results.filter((result) => result.status === 'rejected'), [], 'every request was answered')
  for (const instance of [d.a, d.b]) {
    const outage = instance.lines.filter((line) => line.level === 'warn' && line.msg.includes('Redis unavailable'))
    t.same(outage.map((line) => line.msg), [`fastify-discord: Redis unavailable: ${RATE_LIMIT_FALLBACK}`], 'one line for the outage')
    t.equal(outage[0]?.fields['redisOutage'], true)
  }
  await d.server.restart()
  await until(async () => {
    await d.a.client.request('/users/@me/guilds', { auth: { type: 'Bearer', token }, query: { probe: 1 } })
    return !d.a.redis.down
  }, 10_000)
  t.equal(d.a.lines.filter((line) => line.msg.includes('available again')).length, 1, 'the recovery is logged once')
  await d.a.client.request('/users/@me/guilds', { auth: { type: 'Bearer', token }, query: { after: 1 } })
  // The test's own client reconnects on its own schedule.
  await until(async () => (await d.admin.keys('test:rate-limit:*').catch(() => [])).length > 0)
  t.pass('shared state resumes in the restarted Redis')
})

t.test('while Redis is down, requests do not wait for it, and at most one probe at a time checks it', redisTestOptions(), async (t) => {
  const server = await startRedisServer(t)
  const fake = await createFakeDiscord()
  t.teardown(async () => { await fake.close() })
  const { lines, log } = recordingLog()
  const client = new Redis(server.url)
  const admin = new Redis(server.url)
  t.teardown(() => { client.disconnect(); admin.disconnect() })
  let inFlight = 0
  let peak = 0
  let calls = 0
  class CountingRedis extends SharedRedis {
    override async call<Result> (consequence: string, fn: Parameters<SharedRedis['call']>[1]): Promise<Result> {
      calls++
      inFlight++
      peak = Math.max(peak, inFlight)
      try {
        return await super.call(consequence, fn) as Result
      } finally {
        inFlight--
      }
    }
  }
  const redis = new CountingRedis({ client, owned: false, prefix: PREFIX, timeout: 100, log })
  const a = await instance(t, fake, redis, lines, log, {})
  const token = fake.issueToken(fake.seedUsers.migrated, ['identify']).access_token
  await a.client.request('/users/@me', { auth: { type: 'Bearer', token } })
  // Answers on their way when Redis stops answering: the requests are answered all the same;
  // recording the first fails after the Redis timeout, and the second is not even tried.
  fake.injectFault('GET /api/v10/users/@me', { kind: 'delay', ms: 300 })
  fake.injectFault('GET /api/v10/users/@me', { kind: 'delay', ms: 800 })
  const slow = [1, 2].map(async (n) => await a.client.request('/users/@me', { auth: { type: 'Bearer', token }, query: { n } }))
  await until(() => fake.callCount('GET', ME) === 3)
  await admin.call('CLIENT', 'PAUSE', '2500', 'ALL')
  const callsBefore = calls
  t.ok(await slow[0], 'the first answer reaches its caller')
  await until(() => redis.down)
  t.ok(await slow[1], 'so does the second')
  t.equal(calls - callsBefore, 1, 'one attempt to record them: Redis was known to be down for the second')
  peak = inFlight
  calls = 0
  const burstStarted = performance.now()
  await Promise.all(Array.from({ length: 10 }, async (_, i) => await a.client.request('/users/@me', { auth: { type: 'Bearer', token }, query: { n: i + 2 } })))
  t.ok(performance.now() - burstStarted < 1500, 'the others went on local buckets without waiting for Redis')
  t.ok(peak <= 1, 'one probe at a time')
  t.ok(calls <= 1, `10 requests made ${calls} call to Redis`)
  t.equal(lines.filter((line) => line.level === 'warn').length, 1, 'the outage is logged once')
  await until(async () => {
    await a.client.request('/users/@me', { auth: { type: 'Bearer', token }, query: { probe: 1 } })
    return !redis.down
  })
  t.equal(lines.filter((line) => line.msg.includes('available again')).length, 1)
})

t.test('a failing script is a bug, not an outage: the request fails with its error', redisTestOptions(), async (t) => {
  const server = await startRedisServer(t)
  const fake = await createFakeDiscord()
  t.teardown(async () => { await fake.close() })
  const { lines, log } = recordingLog()
  const client = new Redis(server.url)
  t.teardown(() => { client.disconnect() })
  class BrokenScripts extends SharedRedis {
    override async script (): Promise<unknown> {
      throw new Error('ERR user_script:1: attempt to perform arithmetic on a nil value')
    }
  }
  const a = await instance(t, fake, new BrokenScripts({ client, owned: false, prefix: PREFIX, timeout: 100, log }), lines, log, {})
  const token = fake.issueToken(fake.seedUsers.migrated, ['identify']).access_token
  await t.rejects(a.client.request('/users/@me', { auth: { type: 'Bearer', token } }), { message: /^ERR user_script/ })
  t.equal(fake.callCount('GET', ME), 0)
})
