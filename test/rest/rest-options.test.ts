import t from 'tap'
import { RestClient } from '../../lib/rest/rest-client.js'
import { normalizeRejectOnRateLimit, resolveRestClientOptions } from '../../lib/rest/rest-options.js'

const base = { apiBaseUrl: 'https://discord.com/api/v10' }

t.test('defaults are applied and the base URL loses its trailing slash', async (t) => {
  const options = resolveRestClientOptions({ apiBaseUrl: 'https://discord.com/api/v10/' })
  t.match(options, { apiBaseUrl: 'https://discord.com/api/v10', timeout: 15_000, retries: 2, rateLimitRetries: 3, globalRequestsPerSecond: 50, maxRateLimitWait: 5000, sweepInterval: 60_000 })
  t.ok(Object.isFrozen(options))
  t.equal(options.rejectOnRateLimit({ identity: 'none', method: 'GET', route: 'GET /x', path: '/x', wait: 1, global: false, bucket: null }), false)
})

t.test('malformed options are refused with the option name', async (t) => {
  t.throws(() => resolveRestClientOptions(null as never), TypeError)
  t.throws(() => resolveRestClientOptions({ apiBaseUrl: 'not a url' }), { message: /`apiBaseUrl`/ })
  t.throws(() => resolveRestClientOptions({ ...base, userAgentAppendix: 1 as never }), { message: /`userAgentAppendix`/ })
  t.throws(() => resolveRestClientOptions({ ...base, fetch: 'x' as never }), { message: /`fetch`/ })
  t.throws(() => resolveRestClientOptions({ ...base, clock: {} as never }), { message: /`clock`/ })
  t.throws(() => resolveRestClientOptions({ ...base, timeout: 0 }), { name: 'RangeError', message: /`timeout`/ })
  t.throws(() => resolveRestClientOptions({ ...base, retries: 1.5 }), { message: /`retries`/ })
  t.throws(() => resolveRestClientOptions({ ...base, retryDelay: -1 }), { message: /`retryDelay`/ })
  t.throws(() => resolveRestClientOptions({ ...base, globalRequestsPerSecond: Infinity }), { message: /`globalRequestsPerSecond`/ })
  t.throws(() => resolveRestClientOptions({ ...base, maxRateLimitWait: -1 }), { message: /`maxRateLimitWait`/ })
  t.throws(() => resolveRestClientOptions({ ...base, rejectOnRateLimit: [1] as never }), { message: /`rejectOnRateLimit`/ })
  t.throws(() => new RestClient({ apiBaseUrl: '' }), TypeError)
})

t.test('route prefixes match the request path or the route template', async (t) => {
  const reject = normalizeRejectOnRateLimit(['/guilds/:id/members', '/users/@me'])
  const info = { identity: 'none', method: 'GET', wait: 1, global: false, bucket: null }
  t.ok(reject({ ...info, route: 'GET /guilds/:id/members/:id', path: '/guilds/1/members/2' }))
  t.ok(reject({ ...info, route: 'GET /users/@me/guilds', path: '/users/@me/guilds' }))
  t.notOk(reject({ ...info, route: 'GET /channels/:id', path: '/channels/1' }))
  t.equal(normalizeRejectOnRateLimit(true)(info as never), true)
})

t.test('maxRateLimitWait may be Infinity (always wait)', async (t) => {
  t.equal(resolveRestClientOptions({ ...base, maxRateLimitWait: Infinity }).maxRateLimitWait, Infinity)
})
