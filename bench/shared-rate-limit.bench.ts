/**
 * Shared rate-limit benchmark: 50 concurrent requests of one user through one 5-per-second
 * bucket on the fake Discord, sent by one instance, by two instances each on its own, and by two
 * instances sharing a Redis (a redis-server this script starts and stops by PID), with no added
 * upstream latency and with 50 ms. Prints the wall time against the theoretical minimum (9 full
 * windows plus one request's latency) and how many 429s the fake served.
 *
 * Run: `npx tsx --conditions=fastify-discord-source bench/shared-rate-limit.bench.ts`
 */
import { openRedis } from '../lib/redis/open-redis.js'
import type { SharedRedis } from '../lib/redis/shared-redis.js'
import { RestClient } from '../lib/rest/rest-client.js'
import { resolveRestClientOptions, withPluginContext } from '../lib/rest/rest-options.js'
import { createFakeDiscord, type FakeDiscord } from '../lib/testing/index.js'
import { redisServerPath, startRedisServer } from '../test/helpers/redis-server.js'

const REQUESTS = 50
const LIMIT = 5
const WINDOW_MS = 1000
const ROUTE = 'GET /api/v10/users/@me/guilds'

interface Setup {
  name: string
  instances: number
  redis: boolean
}

const setups: Setup[] = [
  { name: 'one instance', instances: 1, redis: false },
  { name: 'two instances, no Redis', instances: 2, redis: false },
  { name: 'two instances sharing Redis', instances: 2, redis: true }
]

const silent = { debug () {}, info () {}, warn () {}, error () {}, trace () {}, fatal () {}, child () { return silent }, level: 'silent' }

if (redisServerPath() === null) {
  console.log('## Shared rate limits: skipped, redis-server is not installed (Debian: apt-get install redis-server)')
  process.exit(0)
}
const server = await startRedisServer()
const rows: Array<{ setup: string, latency: number, wall: number, minimum: number, hits: number }> = []
try {
  for (const latency of [0, 50]) {
    for (const setup of setups) {
      const fake: FakeDiscord = await createFakeDiscord()
      fake.setRateLimit(ROUTE, { limit: LIMIT, windowMs: WINDOW_MS })
      const redises: SharedRedis[] = []
      const clients: RestClient[] = []
      for (let i = 0; i < setup.instances; i++) {
        // Each instance has its own connection, as separate processes would.
        const redis = setup.redis ? await openRedis(server.url, `bench-${latency}:`, silent as never) : null
        if (redis !== null) redises.push(redis)
        // Instances that do not share their counts meet 429s: they retry until served, so every setup sends all 50.
        const options = resolveRestClientOptions({ apiBaseUrl: fake.pluginOptions.apiBaseUrl, maxRateLimitWait: Infinity, rateLimitRetries: 1000, deadline: 120_000 })
        clients.push(new RestClient(withPluginContext(options, silent, redis)))
      }
      try {
        // A fresh token per run: a fresh bucket on the fake and in Redis.
        const token = fake.issueToken(fake.seedUsers.migrated, ['identify', 'guilds']).access_token
        if (latency > 0) fake.injectFault(ROUTE, { kind: 'delay', ms: latency, count: REQUESTS * 10 })
        const started = performance.now()
        await Promise.all(Array.from({ length: REQUESTS }, async (_, i) => {
          const client = clients[i % clients.length] as RestClient
          return await client.request('/users/@me/guilds', { auth: { type: 'Bearer', token }, query: { limit: i + 1 } })
        }))
        const wall = performance.now() - started
        rows.push({ setup: setup.name, latency, wall, minimum: (Math.ceil(REQUESTS / LIMIT) - 1) * WINDOW_MS + latency, hits: fake.callCount('GET', '/api/v10/users/@me/guilds', 429) })
      } finally {
        for (const client of clients) client.close()
        for (const redis of redises) await redis.close()
        await fake.close()
      }
    }
  }
} finally {
  await server.kill()
}

console.log(`## Shared rate limits: ${REQUESTS} concurrent requests of one user, bucket of ${LIMIT} per ${WINDOW_MS} ms (fake Discord)\n`)
console.log('| instances | added latency | wall time | theoretical minimum | ratio | 429s served |')
console.log('|---|---:|---:|---:|---:|---:|')
for (const row of rows) {
  console.log(`| ${row.setup} | ${row.latency} ms | ${row.wall.toFixed(0)} ms | ${row.minimum} ms | ${(row.wall / row.minimum).toFixed(3)}× | ${row.hits} |`)
}
