import t from 'tap'
import { api, login, startFake } from './helpers/fake.js'

t.test('the call log records method, path, route, auth kind and user, never a token', async (t) => {
  const fake = await startFake(t)
  const tokens = await login(fake)
  await api(fake, '/users/@me', `Bearer ${tokens.access_token}`)
  await api(fake, `/users/@me/guilds?limit=5&token=${tokens.access_token}`, `Bearer ${tokens.access_token}`)
  await api(fake, '/users/@me', `Bot ${fake.botToken}`)
  const me = fake.calls.find((c) => c.path === '/api/v10/users/@me' && c.auth === 'bearer')
  t.match(me, { method: 'GET', route: '/api/v10/users/@me', userId: fake.seedUsers.migrated, status: 200, at: Number })
  const guilds = fake.calls.find((c) => c.path === '/api/v10/users/@me/guilds')
  t.same(guilds?.query, { limit: '5', token: '[redacted]' })
  t.equal(fake.calls.find((c) => c.auth === 'bot')?.userId, null)
  t.equal(fake.calls.find((c) => c.path === '/api/v10/oauth2/token')?.auth, 'basic')
  const serialized = JSON.stringify(fake.calls)
  for (const secret of [tokens.access_token, tokens.refresh_token, fake.botToken, fake.clientSecret]) t.notMatch(serialized, secret)
})

t.test('callCount matches a path or a route template, and resetCalls empties the log', async (t) => {
  const fake = await startFake(t)
  const auth = `Bot ${fake.botToken}`
  await api(fake, `/users/${fake.seedUsers.migrated}`, auth)
  await api(fake, `/users/${fake.seedUsers.legacy}`, auth)
  t.equal(fake.callCount('GET', '/api/v10/users/:userId'), 2)
  t.equal(fake.callCount('get', `/api/v10/users/${fake.seedUsers.legacy}`), 1)
  t.equal(fake.callCount('POST', '/api/v10/users/:userId'), 0)
  await api(fake, '/nothing')
  t.equal(fake.callCount('GET', '/api/v10/nothing'), 1, 'unmatched requests are logged under their path')
  fake.resetCalls()
  t.equal(fake.calls.length, 0)
})

t.test('callCount with a status counts only the calls answered with it', async (t) => {
  const fake = await startFake(t)
  const auth = `Bot ${fake.botToken}`
  fake.setRateLimit('GET /api/v10/users/:userId', { limit: 1, windowMs: 60_000 })
  await api(fake, `/users/${fake.seedUsers.migrated}`, auth)
  await api(fake, `/users/${fake.seedUsers.migrated}`, auth)
  await api(fake, `/users/${fake.seedUsers.legacy}`, auth)
  t.equal(fake.callCount('GET', '/api/v10/users/:userId'), 3)
  t.equal(fake.callCount('GET', '/api/v10/users/:userId', 200), 1)
  t.equal(fake.callCount('GET', '/api/v10/users/:userId', 429), 2, 'the 429s served on the route')
  t.equal(fake.callCount('GET', `/api/v10/users/${fake.seedUsers.legacy}`, 429), 1)
  t.equal(fake.callCount('GET', '/api/v10/users/:userId', 404), 0)
  t.equal(fake.rateLimitHits, 2)
})
