/**
 * The token lifecycle across two instances of one app (in one process here; the two-process
 * proof is test/plugin/several-instances-*.test.ts): refresh racing logout, logged-out cookie
 * copies, and a refresh while Redis is down.
 */
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import t, { type Test } from 'tap'
import { buildApp, injectWithJar, login, type TestApp } from '../helpers/build-app.js'
import { redisTestOptions, startRedisServer, type RedisServer } from '../helpers/redis-server.js'

const TOKEN = 'POST /api/v10/oauth2/token'
const REVOKE = 'POST /api/v10/oauth2/token/revoke'
const WEEK = 7 * 24 * 60 * 60 * 1000

interface Pair {
  server: RedisServer
  a: TestApp
  b: TestApp
  /** Moves both instances' clock (the plugin's `now`) forward. */
  advance: (ms: number) => void
}

async function pair (t: Test, plugin: { tokenStore?: 'redis' } = {}): Promise<Pair> {
  const server = await startRedisServer(t)
  let offset = 0
  const now = (): number => Date.now() + offset
  const session = { key: randomBytes(32) }
  const a = await buildApp(t, { session, plugin: { redis: server.url, now, ...plugin } })
  const b = await buildApp(t, { session, sharedFake: a.fake, plugin: { redis: server.url, now, ...plugin } })
  // One browser: the instances share its cookies.
  b.jar = a.jar
  return { server, a, b, advance: (ms) => { offset += ms } }
}

const ORDERS = [
  // The logout's revoke reaches Discord first: the refresh is refused (invalid_grant).
  { order: 'the logout reaches Discord first', revokeDelay: 0, revokes: 1 },
  // The refresh reaches Discord first: its new set comes back after the logout marked the old
  // token, and is revoked by the instance that refreshed.
  { order: 'the refresh reaches Discord first', revokeDelay: 500, revokes: 2 },
  // The same, and Discord fails to revoke the new set: the session is cleared all the same.
  { order: 'the refresh reaches Discord first, whose revoke fails', revokeDelay: 500, revokes: 2, revokeFails: true }
]

for (const tokenStore of [undefined, 'redis'] as const) {
  for (const { order, revokeDelay, revokes, revokeFails } of ORDERS) {
    const label = tokenStore === undefined ? 'cookie' : "tokenStore: 'redis'"
    t.test(`${label}, ${order}: a logout on B while A refreshes leaves no live set anywhere`, redisTestOptions(), async (t) => {
      const { server, a, b, advance } = await pair(t, tokenStore === undefined ? {} : { tokenStore })
      await login(a)
      const copy = String(a.jar.get('session'))
      advance(WEEK)
      a.fake.injectFault(TOKEN, { kind: 'delay', ms: 300 })
      if (revokeDelay > 0) a.fake.injectFault(REVOKE, { kind: 'delay', ms: revokeDelay })
      if (revokeFails === true) a.fake.injectFault(REVOKE, { kind: 'status', status: 503 })
      const revokesBefore = a.fake.callCount('POST', '/api/v10/oauth2/token/revoke')
      const refreshing = injectWithJar(a, { url: '/api/me' })
      await new Promise((resolve) => setTimeout(resolve, 100))
      const out = await injectWithJar(b, { method: 'POST', url: '/logout' })
      t.ok(out.statusCode < 400, 'the logout succeeds')
      const me = await refreshing
      t.equal(me.statusCode, 401, 'the request whose refresh the logout overtook is logged out')
      t.equal(a.fake.callCount('POST', '/api/v10/oauth2/token/revoke') - revokesBefore, revokes, revokes === 2 ? 'the new set is revoked too, not only the old one' : 'the old set is revoked')
      const client = new Redis(server.url)
      t.teardown(() => { client.disconnect() })
      t.same(await client.keys('fastify-discord:refresh:*:result'), [], 'no instance keeps a new set for others')
      t.same(await client.keys('fastify-discord:tokens:*'), [], 'nor in the token store')
      for (const app of [a, b]) {
        t.equal((await injectWithJar(app, { url: '/whoami' })).json().authorized, false, 'logged out on both')
        const old = await app.app.inject({ url: '/whoami', headers: { cookie: `session=${copy}` } })
        t.equal(old.json().authorized, false, 'and a copy of the old cookie reads as logged out')
      }
    })
  }
}

t.test('a logout on B: a copy of the cookie reads as logged out on A without asking Discord', redisTestOptions(), async (t) => {
  const { a, b } = await pair(t)
  await login(a)
  const copy = String(a.jar.get('session'))
  t.equal((await a.app.inject({ url: '/whoami', headers: { cookie: `session=${copy}` } })).json().authorized, true)
  await injectWithJar(b, { method: 'POST', url: '/logout' })
  let authorized = true
  for (let i = 0; i < 100 && authorized; i++) {
    authorized = (await a.app.inject({ url: '/whoami', headers: { cookie: `session=${copy}` } })).json().authorized as boolean
    if (authorized) await new Promise((resolve) => setTimeout(resolve, 10))
  }
  t.equal(authorized, false)
})

t.test('Redis down while a token comes due: used until it expires, then 503 with Retry-After, never a logout', redisTestOptions(), async (t) => {
  const logs: string[] = []
  const server = await startRedisServer(t)
  let offset = 0
  const testApp = await buildApp(t, {
    plugin: { redis: server.url, now: () => Date.now() + offset },
    fastify: { logger: { level: 'info', stream: { write: (line: string) => { logs.push(line) } } } }
  })
  await login(testApp)
  const cookie = testApp.jar.get('session')
  const refreshes = testApp.fake.callCount('POST', '/api/v10/oauth2/token')
  await server.kill()
  // Within the refresh margin: due, but still valid.
  offset = WEEK - 30_000
  for (let i = 0; i < 3; i++) t.equal((await injectWithJar(testApp, { url: '/api/me' })).statusCode, 200, 'the token is used until it expires')
  offset = WEEK + 60_000
  for (let i = 0; i < 3; i++) {
    const res = await injectWithJar(testApp, { url: '/api/me' })
    t.equal(res.statusCode, 503)
    t.equal(res.headers['retry-after'], '1')
    t.equal(res.json().code, 'FST_DISCORD_SHARED_STATE_UNAVAILABLE')
  }
  t.equal(testApp.jar.get('session'), cookie, 'the session is kept')
  t.equal(testApp.fake.callCount('POST', '/api/v10/oauth2/token'), refreshes, 'and no refresh was tried without the lock')
  const outage = logs.filter((line) => line.includes('Redis unavailable')).map((line) => (JSON.parse(line) as { msg: string }).msg)
  t.equal(new Set(outage).size, outage.length, 'one log line per consequence of the outage, not per request')
  t.equal(outage.filter((msg) => msg.includes('a token due for a refresh is used until it expires')).length, 1, 'the refresh\'s among them')
  t.notMatch(logs.join(''), /refresh failed/, 'not a warning per request')
  await server.restart()
  let status = 0
  for (let i = 0; i < 100 && status !== 200; i++) {
    status = (await injectWithJar(testApp, { url: '/api/me' })).statusCode
    if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 50))
  }
  t.equal(status, 200, 'once Redis is back the token is refreshed')
  t.equal(testApp.fake.callCount('POST', '/api/v10/oauth2/token'), refreshes + 1, 'once')
})
