import { execFileSync } from 'node:child_process'
import { availableParallelism } from 'node:os'

/**
 * Where processes run: with `taskset` (util-linux) and at least two CPUs, the load generator
 * gets the last CPU and every server the first one, so that neither steals the other's core.
 * Unpinned on a 2-vCPU machine, the scheduler moved them about and one server process could run
 * 20 % slower than the next for its whole life; pinned, the spread between processes shrank.
 */
export interface CpuPinning {
  /** `null` when not pinned, with the reason in `why`. */
  server: number | null
  loadGenerator: number | null
  why: string
}

/** Pins this process (the load generator) and says where servers go; `BENCH_PIN=0` turns it off. */
export function pinLoadGenerator (env: NodeJS.ProcessEnv): CpuPinning {
  if (env.BENCH_PIN === '0') return { server: null, loadGenerator: null, why: 'turned off by BENCH_PIN=0' }
  const cpus = availableParallelism()
  if (cpus < 2) return { server: null, loadGenerator: null, why: 'one CPU only' }
  const loadGenerator = cpus - 1
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(loadGenerator), String(process.pid)], { stdio: 'ignore' })
  } catch {
    return { server: null, loadGenerator: null, why: '`taskset` (util-linux) is not available or refused' }
  }
  return { server: 0, loadGenerator, why: `servers on CPU 0, autocannon on CPU ${loadGenerator}` }
}

/**
 * Pins a server process, all its threads, to `cpu`. A failure (a cpuset without that CPU, say)
 * leaves it unpinned rather than failing the run, and is returned for the log.
 */
export function pinServer (pid: number, cpu: number | null): string | null {
  if (cpu === null) return null
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' })
    return null
  } catch (err) {
    return `could not pin the server to CPU ${cpu}: ${(err as Error).message}`
  }
}

/** Lets this process (and what it starts next, the micro-benchmarks) run on every CPU again. */
export function unpinLoadGenerator (pinning: CpuPinning): void {
  if (pinning.loadGenerator === null) return
  try {
    execFileSync('taskset', ['-a', '-p', '-c', `0-${availableParallelism() - 1}`, String(process.pid)], { stdio: 'ignore' })
  } catch {
    // Still pinned: the micro-benchmarks then run on one CPU, which their in-process ratios tolerate.
  }
}
