/**
 * The proof of API.md §9: two instances of one app, each its own process, sharing one Redis
 * (a real redis-server), one session key and one fake Discord; one browser (a cookie jar) whose
 * requests go to either, as behind a load balancer.
 */
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:net'
import t, { type Test } from 'tap'
import { createFakeDiscord, type FakeDiscord } from '../../lib/testing/index.js'
import { spawnScript, type RunningScript } from '../examples/helpers/spawn-script.js'
import { CookieJar } from '../helpers/cookie-jar.js'
import { redisTestOptions, startRedisServer, type RedisServer } from '../helpers/redis-server.js'

const TOKEN_ROUTE = '/api/v10/oauth2/token'
const USER_ROUTE = '/api/v10/users/@me'
const AUTHORIZATION_ROUTE = '/api/v10/oauth2/@me'
/** Past the fake's default token lifetime (a week). */
const EIGHT_DAYS = 8 * 24 * 60 * 60 * 1000

interface Instance {
  url: string
  script: RunningScript
}

interface Deployment {
  redis: RedisServer
  fake: FakeDiscord
  a: Instance
  b: Instance
  jar: CookieJar
  /** A request from the browser to one instance (redirects not followed); the jar is updated. */
  send: (instance: Instance, path: string, init?: { method?: string }) => Promise<Response>
  /** The whole login: login route on A, consent at the fake, callback on A. */
  login: () => Promise<void>
  /** The lines of one instance's log (pino JSON) whose message matches. */
  logLines: (instance: Instance, pattern: RegExp) => Array<{ msg: string }>
}

async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => { resolve(typeof address === 'object' && address !== null ? address.port : 0) })
    })
  })
}

async function deploy (t: Test, options: { tokenStore?: 'redis' } = {}): Promise<Deployment> {
  const redis = await startRedisServer(t)
  const [portA, portB] = [await freePort(), await freePort()]
  // Both instances answer the one public origin's callback; here, A's.
  const redirectUri = `http://127.0.0.1:${portA}/callback`
  const fake = await createFakeDiscord({ consent: 'approve', redirectUris: [redirectUri] })
  t.teardown(async () => { await fake.close() })
  const common = {
    REDIS_URL: redis.url,
    SESSION_KEY: randomBytes(32).toString('base64'),
    DISCORD: JSON.stringify({ ...fake.pluginOptions, redirectUri }),
    ...(options.tokenStore === undefined ? {} : { TOKEN_STORE: options.tokenStore })
  }
  const start = async (name: string, port: number): Promise<Instance> => {
    const script = await spawnScript(t, 'test/plugin/fixtures/app-instance.ts', { ...common, NAME: name, PORT: String(port) }, /ready at (\S+)/, 30_000)
    return { url: script.match, script }
  }
  const [a, b] = await Promise.all([start('A', portA), start('B', portB)])
  const jar = new CookieJar()
  const send = async (instance: Instance, path: string, init: { method?: string } = {}): Promise<Response> => {
    const res = await fetch(`${instance.url}${path}`, { method: init.method ?? 'GET', headers: jar.headers(), redirect: 'manual' })
    jar.update(res.headers.getSetCookie())
    return res
  }
  const login = async (): Promise<void> => {
    const start = await send(a, '/login')
    const consent = await fetch(String(start.headers.get('location')), { redirect: 'manual' })
    const callback = new URL(String(consent.headers.get('location')))
    const done = await send(a, `${callback.pathname}${callback.search}`)
    if (done.status !== 302) throw new Error(`callback answered ${done.status}: ${await done.text()}`)
  }
  const logLines = (instance: Instance, pattern: RegExp): Array<{ msg: string }> => instance.script.output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg: string })
    .filter((line) => pattern.test(line.msg))
  return { redis, fake, a, b, jar, send, login, logLines }
}

async function statuses (responses: Array<Promise<Response>>): Promise<number[]> {
  return await Promise.all(responses.map(async (pending) => {
    const res = await pending
    await res.arrayBuffer()
    return res.status
  }))
}

t.test('an expired token: 10 requests split over two instances make exactly 1 refresh, and the old cookie keeps working', redisTestOptions(), async (t) => {
  for (const tokenStore of [undefined, 'redis'] as const) {
    const d = await deploy(t, tokenStore === undefined ? {} : { tokenStore })
    await d.login()
    const oldCookie = d.jar.header() as string
    await Promise.all([d.a, d.b].map(async (instance) => await fetch(`${instance.url}/__clock?advance=${EIGHT_DAYS}`, { method: 'POST' })))
    const refreshesBefore = d.fake.callCount('POST', TOKEN_ROUTE)
    const got = await statuses(Array.from({ length: 10 }, async (_, i) => await d.send(i % 2 === 0 ? d.a : d.b, '/me/fresh')))
    const label = tokenStore ?? 'cookie'
    t.same(got, Array(10).fill(200), `${label}: every request answered 200 (no 401)`)
    t.equal(d.fake.callCount('POST', TOKEN_ROUTE) - refreshesBefore, 1, `${label}: exactly one refresh reached Discord`)
    for (const instance of [d.b, d.a]) {
      const res = await fetch(`${instance.url}/me/fresh`, { headers: { cookie: oldCookie } })
      t.equal(res.status, 200, `${label}: the pre-refresh cookie still works on ${instance === d.a ? 'A' : 'B'}`)
    }
    t.equal(d.fake.callCount('POST', TOKEN_ROUTE) - refreshesBefore, 1, `${label}: and made no second refresh`)
  }
})

t.test('a state consumed on A is refused on B', redisTestOptions(), async (t) => {
  const d = await deploy(t)
  const start = await d.send(d.a, '/login')
  const consent = await fetch(String(start.headers.get('location')), { redirect: 'manual' })
  const callback = new URL(String(consent.headers.get('location')))
  const pending = d.jar.header() as string
  const first = await d.send(d.a, `${callback.pathname}${callback.search}`)
  t.equal(first.status, 302, 'the callback succeeds on A')
  const replay = await fetch(`${d.b.url}${callback.pathname}${callback.search}`, { headers: { cookie: pending }, redirect: 'manual' })
  t.equal(replay.status, 400, 'the same callback with the same cookie is refused on B')
  t.match(await replay.json(), { code: 'FST_DISCORD_INVALID_STATE' })
})

t.test('20 requests split over two instances through a 5/s bucket get no 429 from Discord', redisTestOptions(), async (t) => {
  const d = await deploy(t)
  await d.login()
  d.fake.setRateLimit(`GET ${AUTHORIZATION_ROUTE}`, { limit: 5, windowMs: 1000 })
  const hitsBefore = d.fake.rateLimitHits
  const callsBefore = d.fake.callCount('GET', AUTHORIZATION_ROUTE)
  const started = Date.now()
  // In rounds of one request to each instance at once: an instance merges identical concurrent
  // GETs into one call, so 20 at once would be two calls, not twenty.
  const got: number[] = []
  for (let round = 0; round < 10; round++) got.push(...await statuses([d.send(d.a, '/authorization'), d.send(d.b, '/authorization')]))
  t.same(got, Array(20).fill(200), 'every request answered 200')
  t.equal(d.fake.callCount('GET', AUTHORIZATION_ROUTE) - callsBefore, 20, 'each went to Discord')
  // 20 through 5 per second: the last four windows start 1, 2 and 3 s after the first.
  t.ok(Date.now() - started >= 2900, 'the instances together waited for the bucket rather than overrun it')
  t.equal(d.fake.rateLimitHits - hitsBefore, 0, 'and Discord served no 429')
})

t.test('a user fetched on A is served from the cache on B', redisTestOptions(), async (t) => {
  const d = await deploy(t)
  await d.login()
  const before = d.fake.callCount('GET', USER_ROUTE)
  const onA = await d.send(d.a, '/me')
  t.equal(onA.status, 200)
  t.same(await onA.json(), { instance: 'A', id: d.fake.seedUsers.migrated })
  const onB = await d.send(d.b, '/me')
  t.same(await onB.json(), { instance: 'B', id: d.fake.seedUsers.migrated })
  t.equal(d.fake.callCount('GET', USER_ROUTE) - before, 0, 'neither asked Discord again: the login cached the user for both')
})

t.test('Redis killed and restarted mid-run: no 500, and the session survives', redisTestOptions(), async (t) => {
  const d = await deploy(t)
  await d.login()
  const seen: number[] = []
  const burst = async (): Promise<void> => {
    seen.push(...await statuses([d.send(d.a, '/me'), d.send(d.b, '/me'), d.send(d.a, '/me/fresh'), d.send(d.b, '/me/fresh')]))
  }
  await burst()
  await d.redis.kill()
  for (let i = 0; i < 5; i++) await burst()
  await d.redis.restart()
  // ioredis reconnects with a backoff; the session must work once it has.
  let back = false
  for (let i = 0; i < 100 && !back; i++) {
    const res = await statuses([d.send(d.a, '/me'), d.send(d.b, '/me')])
    seen.push(...res)
    back = res.every((status) => status === 200)
    if (!back) await new Promise((resolve) => setTimeout(resolve, 100))
  }
  t.ok(back, 'both instances answer 200 with the same cookie after the restart')
  t.equal(seen.filter((status) => status >= 500 && status !== 503).length, 0, 'no 500 at any point')
  t.equal(seen.filter((status) => status === 401).length, 0, 'and no logout')
  for (const instance of [d.a, d.b]) {
    const outage = d.logLines(instance, /Redis unavailable/).map((line) => line.msg)
    t.ok(outage.length >= 1, 'the outage is logged')
    t.equal(new Set(outage).size, outage.length, 'each consequence once, not once per request')
  }
})
