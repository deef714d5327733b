/**
 * `npm run bench`: compares the cost of an authorized request on fastify-discord against the
 * alternatives (bench/harness/targets.ts), in interleaved rounds, and writes bench/RESULTS.md.
 *
 * Servers run in child processes (bench/servers/*.ts); autocannon runs here. `BENCH_QUICK=1`
 * is a smoke run; see bench/harness/config.ts for every knob.
 */
import { writeFile } from 'node:fs/promises'
import { loadavg } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startServer, type RunningServer } from './harness/child-server.js'
import { readConfig } from './harness/config.js'
import { pinLoadGenerator, pinServer, unpinLoadGenerator } from './harness/cpu-pinning.js'
import { describeEnvironment } from './harness/environment.js'
import { coldBurst, loginThroughput, type ColdBurst, type LoginThroughput } from './harness/extras.js'
import { login } from './harness/follow.js'
import { runLoad } from './harness/load.js'
import { runMicroBenchmarks, type MicroResult } from './harness/micro.js'
import { renderReport, type TargetOutcome } from './harness/report.js'
import { TARGETS, type Target } from './harness/targets.js'
import { BENCH_PROFILE, BENCH_USER } from './servers/fixture.js'
import { redisServerPath, startRedisServer, type RedisServer } from '../test/helpers/redis-server.js'

interface Prepared {
  server: RunningServer
  url: string
  headers: Record<string, string>
  cookie: string | null
  /** Bytes of the sanity check's response body. */
  bodyBytes: number
}

const benchDir = dirname(fileURLToPath(import.meta.url))
const root = dirname(benchDir)
const config = readConfig(process.env, join(benchDir, 'RESULTS.md'))
const PROFILE_BODY = JSON.stringify(BENCH_PROFILE)
const started = performance.now()
const date = new Date()
const loadAtStart = loadavg()
const pinning = pinLoadGenerator(process.env)

const selected = TARGETS.filter((target) => config.targets.length === 0 || config.targets.includes(target.id))
if (selected.length === 0) throw new RangeError(`BENCH_TARGETS names no known target (known: ${TARGETS.map((t) => t.id).join(', ')})`)

const outcomes: TargetOutcome[] = []
/** The running server of the current round, stopped by `finally` when the run fails. */
let current: RunningServer | null = null
/** The redis-server of the targets that need one (R), started on first need, stopped by PID at the end. */
let redis: RedisServer | null = null
try {
  // A first start of every target checks it can run and records its cookie and body sizes.
  const available: TargetOutcome[] = []
  for (const target of selected) {
    const outcome: TargetOutcome = { target, skipped: null, samples: [], sizes: null }
    outcomes.push(outcome)
    const prepared = await prepare(target)
    if (typeof prepared === 'string') {
      outcome.skipped = prepared
      log(`${target.id}: skipped, ${prepared}`)
      continue
    }
    await prepared.server.stop()
    outcome.sizes = { cookie: prepared.cookie === null ? 0 : Buffer.byteLength(prepared.cookie), body: prepared.bodyBytes }
    available.push(outcome)
    log(`${target.id}: ready`)
  }

  // Every round runs every target in a fresh process: on a small VM one process can run 15 %
  // faster or slower than the next for its whole life, so a median over processes is fairer
  // than a median over one process's rounds.
  for (let round = 1; round <= config.rounds; round++) {
    for (const outcome of available) {
      const entry = await prepare(outcome.target)
      if (typeof entry === 'string') throw new Error(`${outcome.target.id} ${entry}`)
      current = entry.server
      const load = { url: entry.url, headers: entry.headers, connections: config.connections }
      await runLoad({ ...load, duration: config.warmup })
      const cpuBefore = await entry.server.cpuMicros()
      const sample = await runLoad({ ...load, duration: config.duration })
      sample.cpuPerRequest = (await entry.server.cpuMicros() - cpuBefore) / sample.requests
      outcome.samples.push(sample)
      await entry.server.stop()
      current = null
      const flags = sample.non2xx + sample.errors > 0 ? ` (${sample.non2xx} non-2xx, ${sample.errors} errors)` : ''
      log(`round ${round}/${config.rounds} ${outcome.target.id}: ${Math.round(sample.rps)} req/s, ${sample.cpuPerRequest.toFixed(1)} µs of server CPU per request, p99 ${sample.p99} ms${flags}`)
    }
  }

  const cOutcome = outcomes.find((o) => o.target.id === 'C')
  let burst: ColdBurst | string | null = cOutcome?.skipped ?? 'target C was not selected'
  let logins: LoginThroughput | string | null = burst
  if (cOutcome !== undefined && cOutcome.skipped === null) {
    const c = await prepare(cOutcome.target)
    if (typeof c === 'string') throw new Error(`C ${c}`)
    current = c.server
    const origin = new URL(c.url).origin
    burst = await coldBurst(origin, c.cookie ?? '').catch((err: Error) => err.message)
    log(`cold burst: ${typeof burst === 'string' ? burst : `${burst.upstreamCalls} upstream call(s)`}`)
    logins = await loginThroughput(origin, c.server.loginPath ?? '/login', config.loginSeconds).catch((err: Error) => err.message)
    log(`login throughput: ${typeof logins === 'string' ? logins : `${logins.perSecond.toFixed(0)}/s`}`)
    await c.server.stop()
    current = null
  }

  let micro: MicroResult[] | null = null
  if (config.micro) {
    unpinLoadGenerator(pinning)
    log('micro-benchmarks…')
    micro = await runMicroBenchmarks(benchDir)
  }

  const markdown = renderReport({
    date,
    command: command(),
    config,
    environment: await describeEnvironment(root),
    outcomes,
    coldBurst: burst,
    login: logins,
    micro,
    elapsedSeconds: (performance.now() - started) / 1000,
    loadAverage: { start: loadAtStart, end: loadavg() },
    pinning: pinning.why
  })
  process.stdout.write(`\n${markdown}\n`)
  if (config.output !== null) {
    await writeFile(config.output, markdown)
    log(`wrote ${relative(process.cwd(), config.output)}`)
  }
} finally {
  await current?.stop()
  await stopRedis()
}

/** Starts a target, logs in when it has a session, and checks it answers what it should. */
async function prepare (target: Target): Promise<Prepared | string> {
  const env = { ...target.env }
  if (target.redis === true) {
    if (redisServerPath() === null) return 'needs redis-server (Debian: apt-get install redis-server)'
    // One server for the run, on a free loopback port, persistence off: rounds share it, as
    // instances would; each round logs in again and writes the user afresh.
    redis ??= await startRedisServer()
    env['BENCH_REDIS_URL'] = redis.url
  }
  const server = await startServer(join(benchDir, 'servers', target.server), env)
  if (typeof server === 'string') return server
  try {
    const unpinned = pinServer(server.pid, pinning.server)
    if (unpinned !== null) log(`${target.id}: ${unpinned}`)
    const url = new URL(target.path, server.origin).href
    const cookie = server.loginPath === null ? null : await login(server.origin, server.loginPath)
    const headers: Record<string, string> = { accept: 'application/json', ...(cookie === null ? {} : { cookie }) }
    const res = await fetch(url, { headers })
    const body = await res.text()
    if (res.status !== 200 || !body.includes(BENCH_USER.id)) throw new Error(`GET ${target.path} answered ${res.status}: ${body.slice(0, 200)}`)
    // Same bytes everywhere: a bigger or smaller body would be measured along with the request.
    if (target.group === 'authorized' && body !== PROFILE_BODY) throw new Error(`GET ${target.path} answered another body than the fixture's BENCH_PROFILE: ${body.slice(0, 200)}`)
    if (cookie !== null) {
      // A guard that let everyone through would make a target look fast for the wrong reason.
      const anonymous = await fetch(url, { headers: { accept: 'application/json' } })
      await anonymous.body?.cancel()
      if (anonymous.status !== 401) throw new Error(`GET ${target.path} without a session answered ${anonymous.status}, not 401`)
    }
    return { server, url, headers, cookie, bodyBytes: Buffer.byteLength(body) }
  } catch (err) {
    await server.stop()
    return `failed its sanity check: ${(err as Error).message}`
  }
}

async function stopRedis (): Promise<void> {
  await redis?.kill()
}

function command (): string {
  const knobs = Object.entries(process.env)
    .filter(([name]) => name.startsWith('BENCH_'))
    .map(([name, value]) => `${name}=${value ?? ''}`)
  return [...knobs, 'npm run bench'].join(' ')
}

function log (message: string): void {
  process.stderr.write(`[bench] ${message}\n`)
}
