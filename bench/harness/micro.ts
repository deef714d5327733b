import { execFile } from 'node:child_process'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** The output of one `bench/*.bench.ts` micro-benchmark. */
export interface MicroResult {
  file: string
  ok: boolean
  output: string
}

const MICRO_TIMEOUT_MS = 120_000

/**
 * Runs every `*.bench.ts` in `dir` (hot-path micro-benchmarks written next to the harness,
 * e.g. the rate-limit one) in its own process, one after the other, and collects its output.
 */
export async function runMicroBenchmarks (dir: string): Promise<MicroResult[]> {
  const files = (await readdir(dir)).filter((name) => name.endsWith('.bench.ts')).sort()
  const results: MicroResult[] = []
  for (const file of files) {
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', '--conditions=fastify-discord-source', join(dir, file)], {
        timeout: MICRO_TIMEOUT_MS,
        maxBuffer: 4 * 1024 * 1024,
        env: { ...process.env, NODE_ENV: 'production' }
      })
      results.push({ file, ok: true, output: (stdout + stderr).trim() })
    } catch (err) {
      const failure = err as Error & { stdout?: string, stderr?: string }
      results.push({ file, ok: false, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}\n${failure.message}`.trim() })
    }
  }
  return results
}
