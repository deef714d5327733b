/** How long and how hard the harness runs, from the environment. */
export interface BenchConfig {
  quick: boolean
  rounds: number
  /** Seconds of each measured run. */
  duration: number
  /** Seconds of the discarded run before each measured one. */
  warmup: number
  connections: number
  /** Target ids to run; all when empty. */
  targets: string[]
  /** Where the Markdown report goes, or null for stdout only. */
  output: string | null
  /** Run bench/*.bench.ts micro-benchmarks and include their output. */
  micro: boolean
  /** Seconds of the login-throughput measurement. */
  loginSeconds: number
}

/**
 * Reads `BENCH_QUICK`, `BENCH_ROUNDS`, `BENCH_DURATION`, `BENCH_WARMUP`, `BENCH_CONNECTIONS`,
 * `BENCH_TARGETS` (e.g. `B,C`), `BENCH_OUTPUT`, `BENCH_MICRO` and `BENCH_LOGIN_SECONDS`
 * (`BENCH_PIN=0` turns CPU pinning off; `BENCH_ENTRY`, read by the servers, swaps the plugin's module, e.g. for `./dist/index.js`).
 * The full run (7 rounds × 8 targets × (1 s + 3 s), each in a fresh process) stays within about
 * six minutes on 2 cores: more, shorter rounds, because the spread is between processes;
 * `BENCH_QUICK=1` is a smoke run of a few seconds per target that writes no file.
 */
export function readConfig (env: NodeJS.ProcessEnv, defaultOutput: string): BenchConfig {
  const quick = env.BENCH_QUICK === '1'
  return {
    quick,
    rounds: positiveInt(env, 'BENCH_ROUNDS', quick ? 1 : 7),
    duration: positiveInt(env, 'BENCH_DURATION', quick ? 2 : 3),
    warmup: positiveInt(env, 'BENCH_WARMUP', 1),
    connections: positiveInt(env, 'BENCH_CONNECTIONS', 10),
    targets: (env.BENCH_TARGETS ?? '').split(',').map((id) => id.trim().toUpperCase()).filter((id) => id !== ''),
    output: env.BENCH_OUTPUT ?? (quick ? null : defaultOutput),
    micro: env.BENCH_MICRO === undefined ? !quick : env.BENCH_MICRO === '1',
    loginSeconds: positiveInt(env, 'BENCH_LOGIN_SECONDS', quick ? 2 : 5)
  }
}

function positiveInt (env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${JSON.stringify(raw)}`)
  return value
}
