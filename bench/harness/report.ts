import type { BenchConfig } from './config.js'
import type { Environment } from './environment.js'
import type { ColdBurst, LoginThroughput } from './extras.js'
import type { LoadSample } from './load.js'
import type { MicroResult } from './micro.js'
import { median } from './stats.js'
import { RATIO_GOALS, type Target } from './targets.js'

/** What happened to one target. */
export interface TargetOutcome {
  target: Target
  /** Why the target was not measured, or null when it was. */
  skipped: string | null
  samples: LoadSample[]
  /**
   * Bytes of the `Cookie` header each measured request sends and of the response body, from the
   * sanity check; null when not measured. Both cost throughput on loopback.
   */
  sizes: { cookie: number, body: number } | null
}

/** Everything a run produced. */
export interface RunReport {
  date: Date
  command: string
  config: BenchConfig
  environment: Environment
  outcomes: TargetOutcome[]
  coldBurst: ColdBurst | string | null
  login: LoginThroughput | string | null
  micro: MicroResult[] | null
  elapsedSeconds: number
  /** `os.loadavg()` (1, 5, 15 min) when the run started and ended: other work skews the figures. */
  loadAverage: { start: number[], end: number[] }
  /** Where the servers and the load generator ran (see cpu-pinning.ts). */
  pinning: string
}

/** Renders a run as the Markdown of bench/RESULTS.md. */
export function renderReport (report: RunReport): string {
  const { config, environment: env } = report
  const lines: string[] = []
  const byId = new Map(report.outcomes.map((outcome) => [outcome.target.id, outcome]))

  lines.push('# fastify-discord benchmark results', '')
  lines.push(`Run on ${report.date.toISOString()} with \`${report.command}\`, ${Math.round(report.elapsedSeconds)} s in all.`, '')
  lines.push(`${config.rounds} interleaved round(s) of every target (${order(report.outcomes)}), each run ${config.warmup} s of discarded warm-up then ` +
    `${config.duration} s measured with autocannon (${config.connections} connections, no pipelining) from the parent process; ` +
    'each server runs in its own child process on loopback, started afresh (and logged in again) for every round. ' +
    `Figures are medians over the rounds, so over as many server processes; ratios are ratios of medians. CPU pinning: ${report.pinning}.`, '')

  lines.push('## Machine', '')
  lines.push('| | |', '|---|---|')
  lines.push(`| Node | ${env.node} |`, `| OS | ${env.os} |`, `| CPUs | ${env.cpuCount} × ${env.cpuModel} |`, `| Memory | ${env.totalMemoryGiB} GiB |`)
  lines.push(`| Load average (1/5/15 min) | ${loads(report.loadAverage.start)} at start, ${loads(report.loadAverage.end)} at end |`)
  for (const [name, version] of Object.entries(env.packages)) lines.push(`| ${name} | ${version} |`)
  lines.push('')

  lines.push('## 1. Authorized request, user cached: `GET /me`', '')
  lines.push(...targetTable(report.outcomes.filter((o) => o.target.group === 'authorized')), '')
  lines.push('## 2. Routes that never touch `request.discord`: `GET /plain`, no cookie', '')
  lines.push(...targetTable(report.outcomes.filter((o) => o.target.group === 'untouched')), '')

  lines.push('## Ratios', '')
  lines.push('| ratio | by req/s | per-round range | by server CPU per request | per-round range | goal | |', '|---|---:|---:|---:|---:|---|---|')
  for (const goal of RATIO_GOALS) {
    const numerator = byId.get(goal.numerator)
    const denominator = byId.get(goal.denominator)
    const throughput = ratioOf(rps(numerator), rps(denominator))
    // A request costing less CPU is the faster one: the cost ratio is the other way round.
    const cpu = ratioOf(cpuPerRequest(denominator), cpuPerRequest(numerator))
    const verdicts = goal.min === null ? '' : `${verdict(throughput.value, goal.min)} by req/s, ${verdict(cpu.value, goal.min)} by CPU`
    lines.push(`| ${goal.numerator}/${goal.denominator} | ${throughput.text} | ${throughput.range} | ${cpu.text} | ${cpu.range} | ${goal.min === null ? '—' : `≥ ${goal.min}`} ${verdicts} | ${goal.why} |`)
  }
  lines.push('', 'Each ratio says how much faster the numerator is, two ways: by median req/s, and by the server\'s median CPU time per request ' +
    '(the denominator\'s over the numerator\'s), read from the server process around each measured run. ' +
    'The per-round range is the lowest and highest ratio of two targets measured in the same round: how far one pair of processes can move it. ' +
    '"µs per request" is 1 / median req/s: with the server\'s core saturated it is what one request costs that core, but A, N and P ' +
    'run near what the load generator can send, and any pause of the machine counts in it. "Server CPU µs per request" is the CPU the ' +
    'server process spent per request, whatever the load generator\'s speed: the steadier of the two on a shared machine.', '')

  lines.push('## 3. Cold burst: 1,000 concurrent `GET /me` of one user, empty cache (target C)', '')
  if (report.coldBurst === null) lines.push('Not run.')
  else if (typeof report.coldBurst === 'string') lines.push(`Not run: ${report.coldBurst}`)
  else {
    const burst = report.coldBurst
    lines.push(`Upstream \`GET /users/@me\` calls: **${burst.upstreamCalls}** (goal: 1) for ${burst.requests} requests ` +
      `(${burst.non2xx} non-2xx, ${burst.errors} connection errors).`)
  }
  lines.push('')

  lines.push('## 4. Login throughput against the fake Discord (target C)', '')
  if (report.login === null) lines.push('Not run.')
  else if (typeof report.login === 'string') lines.push(`Not run: ${report.login}`)
  else {
    const login = report.login
    lines.push(`**${login.perSecond.toFixed(0)}** complete logins per second (\`GET /login\` → fake authorize → callback → \`GET /me\`, ` +
      `each with a fresh cookie jar, ${login.concurrency} at a time, ${login.seconds.toFixed(1)} s): ${login.completed} completed, ${login.failed} failed` +
      `${login.firstError === null ? '' : ` (first failure: ${login.firstError})`}. The fake runs in the server's process, so this counts its work too.`)
  }
  lines.push('')

  lines.push('## 5. Micro-benchmarks (`bench/*.bench.ts`)', '')
  if (report.micro === null) lines.push('Not run (`BENCH_MICRO=1` runs them).')
  else if (report.micro.length === 0) lines.push('None found.')
  else {
    for (const micro of report.micro) {
      lines.push(`### ${micro.file}${micro.ok ? '' : ' (failed)'}`, '', '```', micro.output, '```', '')
    }
  }
  lines.push('')

  lines.push('## Method and caveats', '')
  // Only the load before the run tells of other work: by its end the run's own server and load
  // generator have raised the 1-minute average by one or two.
  const before = report.loadAverage.start[0] ?? 0
  if (before > 0.5) {
    lines.push(`- **The machine was not idle** (1-minute load average ${before.toFixed(2)} on ${env.cpuCount} CPUs when the run started): other processes may have competed with the run, so treat these figures as indicative and re-run on a quiet machine.`)
  }
  lines.push('- B, D and E obtain their session through a test-only route that stores a fixed user in the session ' +
    '(`session.set`, `request.logIn`, `req.login`): this measures the authorized-request path, not the login. ' +
    'C logs in for real through the fake Discord and then serves `fetchUser()` from its users cache.')
  lines.push('- Every authorized target answers the same bytes: fastify-discord\'s `User` JSON of the same user (camelCase, with ' +
    'avatar URLs; `bench/servers/fixture.ts`), checked before the run. C builds it from its cached Discord payload on every ' +
    'request; A, B, D and E hold it ready in memory.')
  lines.push('- C does more than B by design: the guard builds `request.discord` and checks the token is usable, and the handler ' +
    'builds a `User` model from the cached payload. Its cookie also carries the OAuth2 token set (the default token store is ' +
    'the encrypted cookie, in a positional form), so it is about twice the size of B\'s; ' +
    'the "cookie / body bytes" column shows the sizes. D and E keep only a user id in the session. C, and P, decode the ' +
    'session only when a route reads it and have no secure-session hooks; B and D run secure-session\'s on every request. ' +
    'C decrypts a given cookie value once per process and remembers what it held (`session.remember`, on by default), ' +
    'so its measured requests, which all carry the same cookie as a logged-in browser does, parse the remembered JSON instead; ' +
    'B and D decrypt the cookie on every request, as @fastify/secure-session does.')
  lines.push('- [bench/README.md](README.md) ("Where the time goes", "Routes that never read the session") gives the profile behind these figures.')
  lines.push('- A run with non-2xx responses or connection errors is flagged in the tables: its figures do not measure the intended path.')
  lines.push('- Load generator and servers share the machine; on 2 cores each gets one (pinned when `taskset` is there). Absolute figures vary between machines; the ratios are the result.')
  lines.push('')
  return lines.join('\n')
}

function loads (values: readonly number[]): string {
  return values.map((value) => value.toFixed(2)).join(' / ')
}

function order (outcomes: readonly TargetOutcome[]): string {
  const ids = outcomes.filter((o) => o.skipped === null).map((o) => o.target.id)
  return `${ids.join(' ')} ${ids.join(' ')} …`
}

function rps (outcome: TargetOutcome | undefined): number[] {
  return outcome === undefined || outcome.skipped !== null ? [] : outcome.samples.map((s) => s.rps)
}

function cpuPerRequest (outcome: TargetOutcome | undefined): number[] {
  return outcome === undefined || outcome.skipped !== null ? [] : outcome.samples.map((s) => s.cpuPerRequest)
}

/** The ratio of medians, and the lowest–highest ratio of one round's samples (index i is round i). */
function ratioOf (numerator: readonly number[], denominator: readonly number[]): { value: number, text: string, range: string } {
  const value = median(numerator) / median(denominator)
  const ratios = numerator.slice(0, denominator.length).map((n, i) => n / denominator[i]!)
  return {
    value,
    text: Number.isFinite(value) ? value.toFixed(2) : 'n/a',
    range: ratios.length === 0 ? 'n/a' : `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`
  }
}

function verdict (ratio: number, min: number): string {
  if (!Number.isFinite(ratio)) return 'n/a'
  return ratio >= min ? 'met' : '**missed**'
}

function targetTable (outcomes: readonly TargetOutcome[]): string[] {
  const rows = ['| | target | req/s (median) | req/s (min–max) | µs per request | server CPU µs per request (median, min–max) | p99 ms (median) | cookie / body bytes | flags |', '|---|---|---:|---:|---:|---:|---:|---:|---|']
  for (const { target, skipped, samples, sizes } of outcomes) {
    if (skipped !== null) {
      rows.push(`| ${target.id} | ${target.title} | — | — | — | — | — | — | not measured: ${skipped} |`)
      continue
    }
    const values = samples.map((s) => s.rps)
    const non2xx = samples.reduce((sum, s) => sum + s.non2xx, 0)
    const errors = samples.reduce((sum, s) => sum + s.errors, 0)
    const flags = [non2xx > 0 ? `${non2xx} non-2xx` : '', errors > 0 ? `${errors} errors` : ''].filter((f) => f !== '').join(', ')
    rows.push(`| ${target.id} | ${target.title} | ${Math.round(median(values))} | ${Math.round(Math.min(...values))}–${Math.round(Math.max(...values))} | ` +
      `${(1e6 / median(values)).toFixed(1)} | ${cpuCell(samples.map((s) => s.cpuPerRequest))} | ${median(samples.map((s) => s.p99)).toFixed(1)} | ${sizes === null ? '—' : `${sizes.cookie} / ${sizes.body}`} | ${flags} |`)
  }
  return rows
}

function cpuCell (values: readonly number[]): string {
  return `${median(values).toFixed(1)} (${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)})`
}
