/**
 * `npm run bench:faults`: load with upstream faults. An app with fastify-discord and a fake
 * Discord in this process; logged-in sessions, one per connection, each request fetching the
 * user from Discord (`fetchUser({ cache: false })`) while about 10 % of upstream answers are 503s.
 * Reports replies by status, 500s, lost sessions, latency and heap, and writes them into the
 * "Load with upstream faults" section of bench/RESULTS.md.
 *
 * Knobs (env): FAULTS_REQUESTS (10000), FAULTS_CONCURRENCY (100), FAULTS_RATE (0.1).
 */
import { randomBytes } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { loadavg } from 'node:os'
import { dirname, join } from 'node:path'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import Fastify from 'fastify'
import fastifyDiscord from 'fastify-discord'
import { createFakeDiscord } from 'fastify-discord/testing'
import { login } from './harness/follow.js'

const REQUESTS = Number(process.env['FAULTS_REQUESTS'] ?? 10_000)
const CONCURRENCY = Number(process.env['FAULTS_CONCURRENCY'] ?? 100)
const RATE = Number(process.env['FAULTS_RATE'] ?? 0.1)
const ME = 'GET /api/v10/users/@me'

const loadAtStart = loadavg()
const port = await freePort()
const origin = `http://127.0.0.1:${port}`
const fake = await createFakeDiscord({ consent: 'approve', redirectUris: [`${origin}/callback`] })
const server = Fastify({ logger: false })
await server.register(fastifyDiscord, { ...fake.pluginOptions, session: { key: randomBytes(32) } })
server.get('/', async () => 'home')
server.get('/me', async (request) => ({ id: (await request.discord.fetchUser({ cache: false })).id }))
server.get('/whoami', async (request) => ({ authorized: request.discord.authorized }))
await server.listen({ port, host: '127.0.0.1' })

const cookies: string[] = []
for (let i = 0; i < CONCURRENCY; i++) cookies.push(await login(origin, '/login'))

globalThis.gc?.()
const heapBefore = process.memoryUsage().heapUsed
const byStatus = new Map<number, number>()
const latencies: number[] = []
let injected = 0
let next = 0
const started = performance.now()

async function worker (cookie: string): Promise<void> {
  for (;;) {
    if (next >= REQUESTS) return
    next++
    if (Math.random() < RATE) {
      fake.injectFault(ME, { kind: 'status', status: 503 })
      injected++
    }
    const t0 = performance.now()
    const res = await fetch(`${origin}/me`, { headers: { cookie } })
    await res.arrayBuffer()
    latencies.push(performance.now() - t0)
    byStatus.set(res.status, (byStatus.get(res.status) ?? 0) + 1)
  }
}
await Promise.all(cookies.map(worker))
const seconds = (performance.now() - started) / 1000

let lost = 0
for (const cookie of cookies) {
  const res = await fetch(`${origin}/whoami`, { headers: { cookie } })
  if ((await res.json() as { authorized: boolean }).authorized !== true) lost++
}
globalThis.gc?.()
const heapAfter = process.memoryUsage().heapUsed
const upstream = fake.calls.filter((call) => call.path === '/api/v10/users/@me')
const upstream503 = upstream.filter((call) => call.status === 503).length
latencies.sort((a, b) => a - b)
const pct = (p: number): string => (latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0).toFixed(1)
const loadAtEnd = loadavg()
await server.close()
await fake.close()

const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1)
const load = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' / ')
const idle = (loadAtStart[0] ?? 0) < 0.5
const section = [
  '## Load with upstream faults (`npm run bench:faults`)',
  '',
  `Run on ${new Date().toISOString()}: ${REQUESTS} requests of \`GET /me\` (\`fetchUser({ cache: false })\`, so every request calls the fake Discord), ${CONCURRENCY} concurrent logged-in sessions, about ${Math.round(RATE * 100)} % of upstream answers forced to 503; app and fake in one process, ${seconds.toFixed(1)} s in all.`,
  idle ? '' : `The machine was not idle (load average ${load(loadAtStart)} at start): the figures are indicative.`,
  '',
  '| | |',
  '|---|---|',
  `| replies by status | ${[...byStatus].sort(([a], [b]) => a - b).map(([status, count]) => `${status}: ${count}`).join(', ')} |`,
  `| 500s (goal 0) | ${byStatus.get(500) ?? 0} |`,
  `| lost sessions (goal 0) | ${lost} of ${CONCURRENCY} |`,
  `| upstream calls / 503s served | ${upstream.length} / ${upstream503} (${injected} injected) |`,
  `| latency p50 / p99 | ${pct(0.5)} ms / ${pct(0.99)} ms |`,
  `| heap before / after | ${mb(heapBefore)} MiB / ${mb(heapAfter)} MiB${globalThis.gc === undefined ? ' (no --expose-gc: without a forced GC)' : ''} |`,
  `| load average (1/5/15 min) | ${load(loadAtStart)} at start, ${load(loadAtEnd)} at end |`,
  ''
].filter((line, i, lines) => !(line === '' && lines[i - 1] === '')).join('\n')

const results = join(dirname(fileURLToPath(import.meta.url)), 'RESULTS.md')
const current = await readFile(results, 'utf8')
const START = '<!-- faults:start -->'
const END = '<!-- faults:end -->'
const block = `${START}\n${section}\n${END}`
const updated = current.includes(START)
  ? current.replace(new RegExp(`${START}[\\s\\S]*${END}`), block)
  : `${current.trimEnd()}\n\n${block}\n`
await writeFile(results, updated)
process.stdout.write(`${section}\n`)

/** A port free now: the app's redirect URI must name it before the app listens. */
async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => { resolve(typeof address === 'object' && address !== null ? address.port : 0) })
    })
  })
}
