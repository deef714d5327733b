import t from 'tap'
import { api, manualClock, startFake } from './helpers/fake.js'

const ME = 'GET /api/v10/users/@me'

t.test('routes without a configured limit send no rate-limit headers', async (t) => {
  const fake = await startFake(t)
  const res = await api(fake, '/users/@me', `Bot ${fake.botToken}`)
  t.equal(res.status, 200)
  for (const [name] of res.headers) t.notMatch(name, /^x-ratelimit|^retry-after$/)
})

t.test('a limited route sends Discord\'s headers and counts down per window', async (t) => {
  const clock = manualClock(1_700_000_000_000)
  const fake = await startFake(t, { clock })
  fake.setRateLimit(ME, { limit: 2, windowMs: 2500, bucket: 'abcd1234' })
  const auth = `Bot ${fake.botToken}`
  const first = await api(fake, '/users/@me', auth)
  t.equal(first.headers.get('x-ratelimit-limit'), '2')
  t.equal(first.headers.get('x-ratelimit-remaining'), '1')
  t.equal(first.headers.get('x-ratelimit-reset'), '1700000002.500')
  t.equal(first.headers.get('x-ratelimit-reset-after'), '2.500')
  t.equal(first.headers.get('x-ratelimit-bucket'), 'abcd1234')
  clock.advance(1000)
  const second = await api(fake, '/users/@me', auth)
  t.equal(second.headers.get('x-ratelimit-remaining'), '0')
  t.equal(second.headers.get('x-ratelimit-reset-after'), '1.500')

  const limited = await api(fake, '/users/@me', auth)
  t.equal(limited.status, 429)
  t.equal(limited.headers.get('retry-after'), '2')
  t.equal(limited.headers.get('x-ratelimit-scope'), 'user')
  t.equal(limited.headers.get('x-ratelimit-remaining'), '0')
  t.equal(limited.headers.get('x-ratelimit-global'), null)
  t.same(await limited.json(), { message: 'You are being rate limited.', retry_after: 1.5, global: false })
  t.equal(fake.rateLimitHits, 1)

  clock.advance(1500)
  const fresh = await api(fake, '/users/@me', auth)
  t.equal(fresh.status, 200)
  t.equal(fresh.headers.get('x-ratelimit-remaining'), '1')
})

t.test('limits are kept per Authorization value', async (t) => {
  const fake = await startFake(t, { clock: manualClock() })
  fake.setRateLimit(ME, { limit: 1, windowMs: 1000 })
  const a = `Bearer ${fake.issueToken(fake.seedUsers.migrated, ['identify']).access_token}`
  const b = `Bearer ${fake.issueToken(fake.seedUsers.legacy, ['identify']).access_token}`
  t.equal((await api(fake, '/users/@me', a)).status, 200)
  t.equal((await api(fake, '/users/@me', a)).status, 429)
  const other = await api(fake, '/users/@me', b)
  t.equal(other.status, 200)
  t.match(other.headers.get('x-ratelimit-bucket'), /^[0-9a-f]{32}$/, 'a bucket hash is derived from the route')
})

t.test('a limit set on a route template applies to every path it matches, and can be replaced', async (t) => {
  const fake = await startFake(t, { clock: manualClock() })
  const token = `Bearer ${fake.issueToken(fake.seedUsers.migrated, ['guilds.members.read']).access_token}`
  fake.setRateLimit('/api/v10/users/@me/guilds/:guildId/member', { limit: 1, windowMs: 1000, scope: 'shared' })
  fake.setRateLimit('/api/v10/users/@me/guilds/:guildId/member', { limit: 1, windowMs: 1000 })
  t.equal((await api(fake, `/users/@me/guilds/${fake.seedGuilds.owned}/member`, token)).status, 200)
  const res = await api(fake, `/users/@me/guilds/${fake.seedGuilds.admin}/member`, token)
  t.equal(res.status, 429)
  t.equal(res.headers.get('x-ratelimit-scope'), 'user')
})

t.test('a limit for one method leaves the other methods alone', async (t) => {
  const fake = await startFake(t, { clock: manualClock() })
  fake.setRateLimit('POST /api/v10/users/@me', { limit: 1, windowMs: 1000 })
  const res = await api(fake, '/users/@me', `Bot ${fake.botToken}`)
  t.equal(res.headers.get('x-ratelimit-limit'), null)
})

t.test('the global limit answers 429 with global: true and X-RateLimit-Global', async (t) => {
  const clock = manualClock()
  const fake = await startFake(t, { clock })
  fake.setGlobalRateLimit(2)
  const auth = `Bot ${fake.botToken}`
  await api(fake, '/users/@me', auth)
  clock.advance(250)
  await api(fake, '/users/@me/guilds', auth)
  const res = await api(fake, '/users/@me', auth)
  t.equal(res.status, 429)
  t.equal(res.headers.get('x-ratelimit-global'), 'true')
  t.equal(res.headers.get('x-ratelimit-scope'), 'global')
  t.equal(res.headers.get('retry-after'), '1')
  t.same(await res.json(), { message: 'You are being rate limited.', retry_after: 0.75, global: true })
  clock.advance(750)
  t.equal((await api(fake, '/users/@me', auth)).status, 200)
  fake.setGlobalRateLimit(null)
  for (let i = 0; i < 3; i++) t.equal((await api(fake, '/users/@me', auth)).status, 200)
})

t.test('forceGlobal429 answers the next requests with a global 429', async (t) => {
  const fake = await startFake(t)
  fake.forceGlobal429(1.25, 2)
  for (let i = 0; i < 2; i++) {
    const res = await api(fake, '/users/@me', `Bot ${fake.botToken}`)
    t.equal(res.status, 429)
    t.equal(res.headers.get('retry-after'), '2')
    t.same(await res.json(), { message: 'You are being rate limited.', retry_after: 1.25, global: true })
  }
  t.equal((await api(fake, '/users/@me', `Bot ${fake.botToken}`)).status, 200)
  t.equal(fake.rateLimitHits, 2)
})

t.test('forceShared429 answers a route with a shared-scope 429', async (t) => {
  const fake = await startFake(t, { clock: manualClock() })
  fake.forceShared429(ME, 3)
  const res = await api(fake, '/users/@me', `Bot ${fake.botToken}`)
  t.equal(res.status, 429)
  t.equal(res.headers.get('x-ratelimit-scope'), 'shared')
  t.equal(res.headers.get('retry-after'), '3')
  t.same(await res.json(), { message: 'You are being rate limited.', retry_after: 3, global: false })
  t.equal((await api(fake, '/users/@me/guilds', `Bot ${fake.botToken}`)).status, 200, 'other routes are untouched')

  fake.setRateLimit(ME, { limit: 5, windowMs: 1000, bucket: 'b' })
  fake.forceShared429(ME, 0.5)
  const withBucket = await api(fake, '/users/@me', `Bot ${fake.botToken}`)
  t.equal(withBucket.status, 429)
  t.equal(withBucket.headers.get('x-ratelimit-bucket'), 'b')
  t.equal(withBucket.headers.get('retry-after'), '1')
})

t.test('rate-limit knobs refuse nonsense', async (t) => {
  const fake = await startFake(t)
  t.throws(() => fake.setRateLimit(ME, { limit: 0, windowMs: 1000 }), RangeError)
  t.throws(() => fake.setRateLimit(ME, { limit: 1, windowMs: 0 }), RangeError)
  t.throws(() => fake.setGlobalRateLimit(0), RangeError)
  t.throws(() => fake.forceGlobal429(-1), RangeError)
  t.throws(() => fake.forceShared429(ME, 1, 0), RangeError)
})
