/**
 * Rate-limit benchmark: 50 concurrent requests of one user through a 5-per-second bucket on the
 * fake Discord, with no added upstream latency and with 50 ms, for fastify-discord's RestClient
 * and @discordjs/rest side by side. Prints the wall time against the theoretical minimum
 * (9 full windows plus one request's latency) and how many 429s the fake served.
 *
 * Run: `npx tsx --conditions=fastify-discord-source bench/rate-limit.bench.ts`
 */
import { REST } from '@discordjs/rest'
import { RestClient } from '../lib/rest/rest-client.js'
import { createFakeDiscord, type FakeDiscord } from '../lib/testing/index.js'

const REQUESTS = 50
const LIMIT = 5
const WINDOW_MS = 1000
const ROUTE = 'GET /api/v10/users/@me/guilds'

interface Row {
  client: string
  latency: number
  wall: number
  minimum: number
  hits: number
}

type Caller = (token: string, n: number) => Promise<unknown>

const clients: Array<{ name: string, make: (fake: FakeDiscord) => { call: Caller, close: () => void } }> = [
  {
    name: 'fastify-discord RestClient',
    make: (fake) => {
      const rest = new RestClient({ apiBaseUrl: fake.pluginOptions.apiBaseUrl, maxRateLimitWait: Infinity })
      return {
        call: (token, n) => rest.request('/users/@me/guilds', { auth: { type: 'Bearer', token }, query: { limit: n } }),
        close: () => { rest.close() }
      }
    }
  },
  {
    name: '@discordjs/rest (defaults)',
    make: (fake) => {
      const instances: REST[] = []
      return {
        call: (token, n) => {
          let rest = instances.find((r) => (r as unknown as { token?: string }).token === token)
          if (rest === undefined) {
            rest = new REST({ api: `${fake.url}/api`, version: '10', authPrefix: 'Bearer' }).setToken(token)
            Object.assign(rest, { token })
            instances.push(rest)
          }
          return rest.get('/users/@me/guilds', { query: new URLSearchParams({ limit: String(n) }) })
        },
        close: () => {
          for (const rest of instances) {
            rest.clearHashSweeper()
            rest.clearHandlerSweeper()
          }
        }
      }
    }
  }
]

async function measure (fake: FakeDiscord, call: Caller, latency: number): Promise<{ wall: number, hits: number }> {
  // A fresh token per run: a fresh bucket on the fake, and no state carried over in the client.
  const token = fake.issueToken(fake.seedUsers.migrated, ['identify', 'guilds']).access_token
  if (latency > 0) fake.injectFault(ROUTE, { kind: 'delay', ms: latency, count: REQUESTS * 10 })
  const hitsBefore = fake.rateLimitHits
  const started = performance.now()
  await Promise.all(Array.from({ length: REQUESTS }, (_, i) => call(token, i + 1)))
  const wall = performance.now() - started
  return { wall, hits: fake.rateLimitHits - hitsBefore }
}

const rows: Row[] = []
for (const latency of [0, 50]) {
  for (const client of clients) {
    const fake = await createFakeDiscord()
    fake.setRateLimit(ROUTE, { limit: LIMIT, windowMs: WINDOW_MS })
    const { call, close } = client.make(fake)
    try {
      const { wall, hits } = await measure(fake, call, latency)
      rows.push({ client: client.name, latency, wall, minimum: (Math.ceil(REQUESTS / LIMIT) - 1) * WINDOW_MS + latency, hits })
    } finally {
      close()
      await fake.close()
    }
  }
}

console.log(`## Rate limits: ${REQUESTS} concurrent requests of one user, bucket of ${LIMIT} per ${WINDOW_MS} ms (fake Discord)\n`)
console.log('| client | added latency | wall time | theoretical minimum | ratio | 429s served |')
console.log('|---|---:|---:|---:|---:|---:|')
for (const row of rows) {
  console.log(`| ${row.client} | ${row.latency} ms | ${row.wall.toFixed(0)} ms | ${row.minimum} ms | ${(row.wall / row.minimum).toFixed(3)}× | ${row.hits} |`)
}
