import t from 'tap'
import { resolveOptions } from '../../lib/options/resolve-options.js'
import { resolveRestClientOptions, withPluginContext } from '../../lib/rest/rest-options.js'
import { buildApp, injectWithJar, login } from '../helpers/build-app.js'

const base = { clientId: '123456789012345678', clientSecret: 's3cr3t-value', redirectUri: 'http://localhost/cb', session: { key: Buffer.alloc(32) } }

t.test('REST knobs are checked at registration and named in the error', async (t) => {
  t.throws(() => resolveOptions({ ...base, rest: { timeout: -1 } }), { name: 'ConfigurationError', message: /`rest\.timeout`/ })
  t.throws(() => resolveOptions({ ...base, rest: { rejectOnRateLimit: 5 as unknown as boolean } }), { message: /`rest\.rejectOnRateLimit`/ })
  t.throws(() => resolveOptions({ ...base, rest: 'fast' as unknown as object }), { name: 'ConfigurationError', message: /`rest`/ })
  const defaults = resolveOptions({ ...base }).rest
  t.match(defaults, { apiBaseUrl: 'https://discord.com/api/v10', timeout: 15_000, maxRateLimitWait: 5_000 }, 'unset knobs take the client\'s defaults')
  const knob = resolveOptions({ ...base, rest: { maxRateLimitWait: 0 } }).rest
  t.equal(knob.maxRateLimitWait, 0, 'a knob reaches the client as given')
})

t.test('the REST settings are checked once: the client takes resolved ones as they are', async (t) => {
  const resolved = resolveRestClientOptions({ apiBaseUrl: 'http://127.0.0.1:9/api/v10', timeout: 5 })
  t.equal(resolveRestClientOptions(resolved), resolved, 'resolved settings come back untouched')
  t.equal(resolved.redis, null, 'a client of its own shares nothing')
  const logged = withPluginContext(resolved, { debug () {}, warn () {} }, null)
  t.not(logged, resolved)
  t.equal(resolveRestClientOptions(logged), logged, 'so do resolved settings with another logger')
  t.equal(logged.timeout, 5)
  t.throws(() => resolveRestClientOptions({ ...resolved, timeout: -1 }), RangeError, 'a copy changed by hand is checked again')
})

t.test('rejectOnRateLimit from the plugin options turns a bucket wait into a 429 reply with Retry-After', async (t) => {
  const testApp = await buildApp(t, { plugin: { rest: { rejectOnRateLimit: ['/users/@me'] } } })
  testApp.fake.setRateLimit('GET /api/v10/users/@me', { limit: 1, windowMs: 60_000 })
  await login(testApp)
  // The login itself may have used the bucket; two more calls make sure one has to wait.
  const first = await injectWithJar(testApp, { url: '/api/me' })
  const second = await injectWithJar(testApp, { url: '/api/me' })
  const limited = [first, second].find((res) => res.statusCode === 429)
  t.ok(limited, 'one call is refused instead of waiting a minute')
  t.match(limited?.headers['retry-after'], /^\d+$/)
  t.equal(limited?.json().code, 'FST_DISCORD_RATE_LIMITED')
  t.equal(testApp.fake.rateLimitHits, 0, 'the client refused before Discord had to answer 429')
})
