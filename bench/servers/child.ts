/**
 * The child side of the harness protocol: a server reports its port (or why it cannot run) to
 * the parent over the IPC channel, and exits when the parent goes away.
 */
import type { Server } from 'node:http'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'

/** Sent once the server listens. */
export interface ReadyMessage {
  type: 'ready'
  port: number
  /**
   * Path the parent requests (following redirects, keeping cookies) to obtain a logged-in
   * session, or null when the target needs no session.
   */
  loginPath: string | null
}

/** The answer to the parent's `cpu-usage` query: this process's CPU time so far (`process.cpuUsage()`). */
export interface CpuUsageMessage {
  type: 'cpu-usage'
  micros: number
}

/** Sent instead of `ready` when the target cannot run in this tree (e.g. its package is absent). */
export interface UnavailableMessage {
  type: 'unavailable'
  reason: string
}

export type ChildMessage = ReadyMessage | UnavailableMessage | CpuUsageMessage

/**
 * Listens on a loopback port (a free one unless given), tells the parent, and closes when the
 * parent disconnects.
 */
export async function serveFastify (app: FastifyInstance, loginPath: string | null, port = 0): Promise<void> {
  await app.listen({ host: '127.0.0.1', port })
  const address = app.server.address() as AddressInfo
  onParentGone(() => { app.close().finally(() => process.exit(0)) })
  send({ type: 'ready', port: address.port, loginPath })
}

/** The same for a plain Node HTTP server (the Express target). */
export async function serveNode (server: Server, loginPath: string | null): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  onParentGone(() => { server.close(() => process.exit(0)) })
  send({ type: 'ready', port, loginPath })
}

/** Tells the parent this target is skipped, and exits. */
export function reportUnavailable (reason: string): void {
  send({ type: 'unavailable', reason })
  process.disconnect?.()
}

/**
 * A port that was free a moment ago, for servers that must know their URL before listening
 * (an OAuth2 redirect URI registered with the fake Discord).
 */
export async function freePort (): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', resolve)
  })
  const { port } = probe.address() as AddressInfo
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return port
}

function send (message: ChildMessage): void {
  if (process.send === undefined) {
    // Started by hand rather than by bench/run.ts: say where the server is instead.
    console.log(JSON.stringify(message))
    return
  }
  process.send(message)
}

function onParentGone (close: () => void): void {
  // The parent reads the server's CPU time around each measured run: what the requests cost its
  // core, whatever the load generator's own speed.
  process.on('message', (message) => {
    if (message !== 'cpu-usage' || process.send === undefined) return
    const { user, system } = process.cpuUsage()
    process.send({ type: 'cpu-usage', micros: user + system } satisfies CpuUsageMessage)
  })
  process.once('disconnect', close)
  process.once('SIGTERM', close)
  process.once('SIGINT', close)
}
