import t from 'tap'
import { buildApp, login, readSession, type TestApp } from '../helpers/build-app.js'

// Fault injection through fastify-discord/testing's knobs (issue 14): each fault gets the reply
// class it deserves (never a 500), and the session survives it: still logged in, and working
// once the fault clears.

const ME = 'GET /api/v10/users/@me'

/** Plugin clock the refresh cases move forward; every other case leaves it at the real time. */
let skew = 0

async function setup (t: { teardown (fn: () => unknown): void, equal (a: unknown, b: unknown, m: string): unknown }): Promise<TestApp> {
  skew = 0
  const testApp = await buildApp(t, {
    plugin: {
      scope: ['identify', 'guilds'],
      now: () => Date.now() + skew,
      rest: { timeout: 150, retryDelay: 5, deadline: 600, maxRateLimitWait: 300 }
    },
    routes (app) {
      app.get('/me', async (request) => ({ id: (await request.discord.fetchUser({ cache: false })).id }))
      app.get('/guilds', async (request) => ({ count: (await request.discord.fetchGuilds({ cache: false })).length }))
    }
  })
  t.equal((await login(testApp)).statusCode, 302, 'logged in')
  return testApp
}

async function get (testApp: TestApp, url: string): Promise<{ status: number, retryAfter: string | undefined, body: string }> {
  const res = await testApp.app.inject({ url, headers: testApp.jar.headers() })
  testApp.jar.update(res.headers['set-cookie'])
  return { status: res.statusCode, retryAfter: res.headers['retry-after'] as string | undefined, body: res.body }
}

/** Still logged in, and Discord answers again once the fault has cleared. */
async function survives (t: { equal (a: unknown, b: unknown, m: string): unknown, ok (v: unknown, m: string): unknown }, testApp: TestApp, label: string): Promise<void> {
  const who = await testApp.app.inject({ url: '/whoami', headers: testApp.jar.headers() })
  t.equal(who.json().authorized, true, `${label}: the session is still authorized`)
  t.ok(readSession(testApp).tokens !== undefined, `${label}: the cookie still holds the tokens`)
  t.equal((await get(testApp, '/me')).status, 200, `${label}: works again once the fault clears`)
}

t.test('5xx: a passing one is retried away, a lasting one is a 502; the session survives', async (t) => {
  const testApp = await setup(t)
  for (const status of [500, 502, 503, 504] as const) {
    testApp.fake.injectFault(ME, { kind: 'status', status, count: 1 })
    t.equal((await get(testApp, '/me')).status, 200, `one ${status} is retried`)
    testApp.fake.injectFault(ME, { kind: 'status', status, count: 3 })
    t.equal((await get(testApp, '/me')).status, 502, `a lasting ${status} is a 502`)
    await survives(t, testApp, String(status))
  }
})

t.test('connection resets and timeouts are 502s within the deadline; the session survives', async (t) => {
  const testApp = await setup(t)
  testApp.fake.injectFault(ME, { kind: 'drop', count: 3 })
  t.equal((await get(testApp, '/me')).status, 502, 'resets')
  await survives(t, testApp, 'reset')
  testApp.fake.injectFault(ME, { kind: 'delay', ms: 400, count: 3 })
  const started = performance.now()
  const slow = await get(testApp, '/me')
  t.equal(slow.status, 502, 'timeouts')
  t.match(JSON.parse(slow.body).message, /within/)
  t.ok(performance.now() - started < 1500, 'bounded by the deadline')
  await survives(t, testApp, 'timeout')
})

t.test('HTML and empty 2xx bodies are 502s and are not cached; the session survives', async (t) => {
  const testApp = await setup(t)
  for (const kind of ['html200', 'empty200'] as const) {
    testApp.fake.injectFault(ME, { kind })
    t.equal((await get(testApp, '/me')).status, 502, `${kind} user`)
    testApp.fake.injectFault('GET /api/v10/users/@me/guilds', { kind })
    t.equal((await get(testApp, '/guilds')).status, 502, `${kind} guilds`)
    await survives(t, testApp, kind)
  }
})

t.test('a 429 storm ends in 200s or 429s with Retry-After, never a 5xx; the session survives', async (t) => {
  const testApp = await setup(t)
  testApp.fake.forceGlobal429(0.05, 4)
  // Cloudflare's page without Retry-After: nothing says when to come back, so it fails fast.
  testApp.fake.injectFault(ME, { kind: 'html429', count: 2 })
  const replies = []
  // Concurrent identical GETs of one session share one upstream call: a storm is sequential here.
  for (let i = 0; i < 8; i++) replies.push(await get(testApp, '/me'))
  t.ok(replies.some((reply) => reply.status === 429), 'the storm reached the app')
  for (const reply of replies) {
    t.ok(reply.status === 200 || reply.status === 429, `status ${reply.status}`)
    if (reply.status === 429) t.ok(reply.retryAfter !== undefined, 'a 429 carries Retry-After')
  }
  await survives(t, testApp, '429 storm')
})

t.test('a failing token endpoint during a refresh keeps the session: the old token serves until it expires', async (t) => {
  const testApp = await setup(t)
  const expiresAt = readSession(testApp).tokens?.expiresAt ?? 0
  skew = expiresAt - Date.now() - 30_000
  // The token client tries a 5xx twice.
  testApp.fake.injectFault('POST /api/v10/oauth2/token', { kind: 'status', status: 503, count: 2 })
  t.equal((await get(testApp, '/me')).status, 200, 'due for a refresh, the refresh fails, the token still works')
  t.equal(readSession(testApp).tokens?.expiresAt, expiresAt, 'the old set is kept')

  skew = expiresAt - Date.now() + 1000
  testApp.fake.injectFault('POST /api/v10/oauth2/token', { kind: 'drop' })
  const expired = await get(testApp, '/me')
  t.ok(expired.status === 502 || expired.status === 503, `expired and the refresh failing is an upstream error (${expired.status}), not a logout`)
  t.ok(readSession(testApp).tokens !== undefined, 'the session keeps its refresh token')

  t.equal((await get(testApp, '/me')).status, 200, 'once the token endpoint is back, the refresh succeeds')
  t.ok((readSession(testApp).tokens?.expiresAt ?? 0) > expiresAt, 'with a new token set')
})
