import { fork } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import type { ChildMessage, CpuUsageMessage } from '../servers/child.js'

/** A target server running in its own process. */
export interface RunningServer {
  origin: string
  loginPath: string | null
  /** Of the child process, to read its CPU time (`/proc/<pid>/stat`) when profiling by hand. */
  pid: number
  /** The server process's CPU time so far (user + system), microseconds. */
  cpuMicros (): Promise<number>
  stop (): Promise<void>
}

const START_TIMEOUT_MS = 30_000

/**
 * Forks `file` (a bench/servers/*.ts entry) under tsx with the source condition, and waits
 * for it to report its port. Resolves to the reason instead when the server says it cannot run.
 */
export async function startServer (file: string, env: Record<string, string> = {}): Promise<RunningServer | string> {
  const child = fork(file, [], {
    // BENCH_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) profiles the servers, not the load generator.
    execArgv: ['--import', 'tsx', '--conditions=fastify-discord-source', ...nodeArgs(process.env.BENCH_NODE_ARGS)],
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc']
  })
  const message = await new Promise<ChildMessage>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill()
      reject(new Error(`${file} did not start within ${START_TIMEOUT_MS} ms`))
    }, START_TIMEOUT_MS)
    child.once('message', (msg) => {
      clearTimeout(timer)
      resolve(msg as ChildMessage)
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${file} exited with code ${code} before it was ready`))
    })
  })
  if (message.type === 'unavailable') {
    await stop(child)
    return message.reason
  }
  if (message.type !== 'ready') throw new Error(`${file} sent ${message.type} before it was ready`)
  return { origin: `http://127.0.0.1:${message.port}`, loginPath: message.loginPath, pid: child.pid ?? -1, cpuMicros: async () => await cpuMicros(child), stop: async () => stop(child) }
}

async function cpuMicros (child: ChildProcess): Promise<number> {
  return await new Promise<number>((resolve, reject) => {
    const onMessage = (msg: unknown): void => {
      if ((msg as CpuUsageMessage).type !== 'cpu-usage') return
      child.off('message', onMessage)
      resolve((msg as CpuUsageMessage).micros)
    }
    child.on('message', onMessage)
    child.send('cpu-usage', (err) => {
      if (err === null) return
      child.off('message', onMessage)
      reject(err)
    })
  })
}

function nodeArgs (raw: string | undefined): string[] {
  return (raw ?? '').split(' ').filter((arg) => arg !== '')
}

async function stop (child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  if (child.connected) child.disconnect()
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
  await exited
  clearTimeout(timer)
}
