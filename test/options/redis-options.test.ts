import { Redis } from 'ioredis'
import t from 'tap'
import { ConfigurationError } from '../../lib/index.js'
import type { DiscordPluginOptions } from '../../lib/options/plugin-options.js'
import { resolveOptions } from '../../lib/options/resolve-options.js'

const base = { clientId: '123456789012345678', clientSecret: 's', redirectUri: 'https://app.example/callback' }

function problem (options: unknown): string {
  try {
    resolveOptions(options as DiscordPluginOptions, {})
  } catch (err) {
    if (err instanceof ConfigurationError) return err.message
    throw err
  }
  throw new Error('resolved')
}

t.test('without redis every piece of state stays process-local', async (t) => {
  const options = resolveOptions(base, {})
  t.equal(options.redis, null)
  t.equal(options.redisPrefix, 'fastify-discord:')
})

t.test('redis takes a redis:// or rediss:// URL, kept as given, and a prefix', async (t) => {
  t.equal(resolveOptions({ ...base, redis: 'redis://127.0.0.1:6379/2' }, {}).redis, 'redis://127.0.0.1:6379/2')
  t.equal(resolveOptions({ ...base, redis: 'rediss://user:pw@cache.example:6380' }, {}).redis, 'rediss://user:pw@cache.example:6380')
  t.equal(resolveOptions({ ...base, redis: 'redis://h', redisPrefix: 'app1:' }, {}).redisPrefix, 'app1:')
})

t.test('redis takes an ioredis client without connecting it', async (t) => {
  const client = new Redis({ lazyConnect: true })
  t.teardown(() => { client.disconnect() })
  t.equal(resolveOptions({ ...base, redis: client }, {}).redis, client)
  t.equal(client.status, 'wait')
})

t.test('a malformed redis option is refused with what was expected, never its value', async (t) => {
  for (const redis of ['http://cache.example', 'redis://', 'localhost:6379', '', { host: 'localhost' }, 6379, null]) {
    const message = problem({ ...base, redis })
    t.match(message, /`redis` is malformed/, String(redis))
    t.match(message, /ioredis client \(Redis or Cluster\) or a redis:\/\/ or rediss:\/\/ URL/)
  }
  t.notMatch(problem({ ...base, redis: 'http://user:hunter2@cache.example' }), 'hunter2')
  t.match(problem({ ...base, redis: 'redis://h', redisPrefix: '' }), /`redisPrefix` is malformed: expected a non-empty string/)
  for (const redisPrefix of ['app{1}:', 'app{', 'app}']) {
    t.match(problem({ ...base, redis: 'redis://h', redisPrefix }), /`redisPrefix` is malformed: expected a non-empty string without `\{` or `\}`/, `${redisPrefix} would break hash tags`)
  }
})

t.test("tokenStore: 'redis' needs redis, and is reported with the other problems", async (t) => {
  t.equal(resolveOptions({ ...base, redis: 'redis://h', tokenStore: 'redis' }, {}).tokenStore, 'redis')
  const message = problem({ ...base, tokenStore: 'redis', prompt: 'x' })
  t.match(message, /2 problems/)
  t.match(message, /`tokenStore: 'redis'` keeps token sets in the `redis` option's Redis: set `redis` too/)
  t.match(problem({ ...base, tokenStore: 'memory' }), /`tokenStore` is malformed/)
})
