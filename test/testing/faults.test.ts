import t from 'tap'
import { api, startFake } from './helpers/fake.js'

t.test('a status fault answers the next N matching requests, then the route recovers', async (t) => {
  const fake = await startFake(t)
  fake.injectFault('GET /api/v10/users/@me', { kind: 'status', status: 500, count: 2 })
  const auth = `Bot ${fake.botToken}`
  for (let i = 0; i < 2; i++) {
    const res = await api(fake, '/users/@me', auth)
    t.equal(res.status, 500)
    t.same(await res.json(), { message: '500: Internal Server Error', code: 0 })
  }
  t.equal((await api(fake, '/users/@me', auth)).status, 200)
})

t.test('502, 503 and 504 faults answer with a proxy\'s HTML page', async (t) => {
  const fake = await startFake(t)
  for (const status of [502, 503, 504] as const) {
    fake.injectFault('/api/v10/users/@me/guilds', { kind: 'status', status })
    const res = await api(fake, '/users/@me/guilds', `Bot ${fake.botToken}`)
    t.equal(res.status, status)
    t.match(res.headers.get('content-type'), /^text\/html/)
    t.match(await res.text(), String(status))
  }
})

t.test('a fault on a route template matches every path of that route', async (t) => {
  const fake = await startFake(t)
  fake.injectFault('/api/v10/users/:userId', { kind: 'status', status: 503 })
  t.equal((await api(fake, `/users/${fake.seedUsers.legacy}`, `Bot ${fake.botToken}`)).status, 503)
  t.equal((await api(fake, `/users/${fake.seedUsers.legacy}`, `Bot ${fake.botToken}`)).status, 200)
})

t.test('a delay fault holds the response for the given time', async (t) => {
  const fake = await startFake(t)
  fake.injectFault('GET /api/v10/users/@me', { kind: 'delay', ms: 120 })
  const started = performance.now()
  const res = await api(fake, '/users/@me', `Bot ${fake.botToken}`)
  t.equal(res.status, 200)
  t.ok(performance.now() - started >= 100)
})

t.test('a drop fault resets the connection without a response', async (t) => {
  const fake = await startFake(t)
  fake.injectFault('GET /api/v10/users/@me', { kind: 'drop' })
  await t.rejects(api(fake, '/users/@me', `Bot ${fake.botToken}`), TypeError)
  t.equal((await api(fake, '/users/@me', `Bot ${fake.botToken}`)).status, 200)
  t.equal(fake.calls[0]!.status, 0, 'the dropped call is logged without a status')
})

t.test('an html429 fault is a Cloudflare-style page without rate-limit headers', async (t) => {
  const fake = await startFake(t)
  fake.injectFault('GET /api/v10/users/@me', { kind: 'html429', retryAfter: 30 })
  fake.injectFault('GET /api/v10/users/@me', { kind: 'html429' })
  const res = await api(fake, '/users/@me', `Bot ${fake.botToken}`)
  t.equal(res.status, 429)
  t.match(res.headers.get('content-type'), /^text\/html/)
  t.equal(res.headers.get('retry-after'), '30')
  t.equal(res.headers.get('x-ratelimit-scope'), null)
  t.match(await res.text(), 'You are being rate limited')
  const bare = await api(fake, '/users/@me', `Bot ${fake.botToken}`)
  t.equal(bare.status, 429)
  t.equal(bare.headers.get('retry-after'), null)
  t.equal(fake.rateLimitHits, 2)
})

t.test('a fault count must be a positive integer', async (t) => {
  const fake = await startFake(t)
  t.throws(() => fake.injectFault('/x', { kind: 'drop', count: 0 }), RangeError)
})
