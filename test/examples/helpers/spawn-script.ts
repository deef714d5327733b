import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Teardown } from '../../helpers/build-app.js'

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url))

/** A script started with tsx, as `npm run demo` starts the demo. */
export interface RunningScript {
  child: ChildProcess
  /** The first capture group of `ready` in the script's stdout. */
  match: string
  /** Everything the script printed to stdout so far. */
  output (): string
  /** Resolves with the exit code once the script has exited. */
  exited: Promise<number | null>
}

/**
 * Starts `tsx --conditions=fastify-discord-source <script>` from the repository root and waits
 * until its stdout matches `ready`. The script runs without tap's instrumentation (much slower
 * to start, and its coverage is not what these tests measure). Killed at teardown.
 */
export async function spawnScript (t: Teardown, script: string, env: Record<string, string>, ready: RegExp, timeoutMs = 15_000): Promise<RunningScript> {
  const cleanEnv = Object.fromEntries(Object.entries(process.env)
    .filter(([key]) => key !== 'NODE_OPTIONS' && !/^_?TAP/.test(key)))
  const child = spawn(`${ROOT}node_modules/.bin/tsx`, ['--conditions=fastify-discord-source', script], {
    cwd: ROOT,
    // tap's process tracking re-adds its variables to every spawned child. Coverage written by
    // the child (lib/ transpiled by tsx, not by tap's loader) would be merged with the tests'
    // by file and corrupt the report, so the child is told to write none.
    env: { ...cleanEnv, ...env, _TAPJS_PROCESSINFO_COVERAGE_: '0' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  let err = ''
  child.stdout.setEncoding('utf8')
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (chunk: string) => { err += chunk })
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  t.teardown(async () => stop(child, exited))
  const match = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not print ${ready} within ${timeoutMs} ms:\n${out}\n${err}`)), timeoutMs)
    child.stdout.on('data', (chunk: string) => {
      out += chunk
      const found = ready.exec(out)
      if (found !== null) {
        clearTimeout(timer)
        resolve(found[1] ?? found[0])
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${script} exited (${code}) before it was ready:\n${out}\n${err}`))
    })
  })
  return { child, match, output: () => out, exited }
}

/**
 * Stops a script: SIGTERM first, which tsx forwards to the Node process it runs the script in
 * (a SIGKILL would kill tsx alone and leave that process holding the pipes), SIGKILL later.
 */
async function stop (child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
  await exited
  clearTimeout(timer)
}
