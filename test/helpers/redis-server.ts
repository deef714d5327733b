/**
 * A real `redis-server` (Debian's package, on PATH or at $REDIS_SERVER_PATH) for one test: on a
 * free loopback port, persistence off, stopped by PID. Nothing downloads a server. Where no
 * server is installed the test is skipped locally and fails in CI (`CI` set), as the browser
 * test does for Chromium.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'

/** The server binary, or null when none is installed. */
export function redisServerPath (): string | null {
  const candidates = [process.env['REDIS_SERVER_PATH'], '/usr/bin/redis-server', '/usr/local/bin/redis-server']
  return candidates.find((path): path is string => path !== undefined && path !== '' && existsSync(path)) ?? null
}

/** Options for `t.test(name, redisTestOptions(), …)`: skipped locally without a server, never in CI. */
export function redisTestOptions (): { skip: string | false } {
  if (redisServerPath() !== null || process.env['CI'] !== undefined) return { skip: false }
  return { skip: 'redis-server is not installed (Debian: apt-get install redis-server; scripts/setup-tests.sh does it)' }
}

/** A running redis-server of one test. */
export interface RedisServer {
  readonly port: number
  readonly url: string
  readonly pid: number
  /** Stops it (SIGKILL: an outage as abrupt as a crash); resolves once the process has exited. */
  kill (): Promise<void>
  /** Starts it again on the same port, empty (persistence is off). */
  restart (): Promise<void>
}

/** A port no one listens on now (the OS's pick); the server binds it right after. */
export async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => { resolve(typeof address === 'object' && address !== null ? address.port : 0) })
    })
  })
}

async function accepting (port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => { socket.end(); resolve(true) })
    socket.once('error', () => { resolve(false) })
  })
}

/**
 * Servers still running in this process. A test file that tap ends early (its timeout) skips
 * its teardowns; the servers are stopped on the way out rather than left behind.
 */
const running = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

function launch (binary: string, port: number): ChildProcess {
  const child = spawn(binary, [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--protected-mode', 'yes', '--daemonize', 'no', '--loglevel', 'warning'
  ], { stdio: ['ignore', 'ignore', 'pipe'] })
  running.add(child)
  child.once('exit', () => { running.delete(child) })
  return child
}

async function waitReady (child: ChildProcess, port: number): Promise<void> {
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}): ${stderr.trim()}`)
    if (await accepting(port)) return
    await sleep(25)
  }
  child.kill('SIGKILL')
  throw new Error(`redis-server did not listen on ${port}: ${stderr.trim()}`)
}

/**
 * Starts a redis-server for one test; stop it with `kill()` (tap's teardown does it if given `t`).
 *
 * @param t - a tap test, whose teardown stops the server
 */
export async function startRedisServer (t?: { teardown: (fn: () => unknown) => void }): Promise<RedisServer> {
  const binary = redisServerPath()
  if (binary === null) throw new Error('redis-server is not installed (Debian: apt-get install redis-server)')
  let child: ChildProcess | null = null
  let port = 0
  // Another process may take the free port between the check and the bind: try again then.
  for (let attempt = 0; attempt < 5 && child === null; attempt++) {
    port = await freePort()
    const started = launch(binary, port)
    try {
      await waitReady(started, port)
      child = started
    } catch (err) {
      if (attempt === 4) throw err
    }
  }
  let current = child as ChildProcess
  const stop = async (): Promise<void> => {
    if (current.exitCode !== null || current.signalCode !== null) return
    const exited = new Promise((resolve) => current.once('exit', resolve))
    process.kill(current.pid as number, 'SIGKILL')
    await exited
  }
  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid () { return current.pid as number },
    kill: stop,
    async restart () {
      await stop()
      current = launch(binary, port)
      await waitReady(current, port)
    }
  }
  t?.teardown(stop)
  return server
}
