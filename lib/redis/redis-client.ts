/**
 * The part of an ioredis client (`Redis` or `Cluster`) fastify-discord uses. Declared here,
 * structurally, so that the plugin's types and code do not load ioredis for apps that never pass
 * `redis`: ioredis is an optional peer dependency.
 */
export interface RedisClient {
  /** ioredis's connection status: `'ready'` once commands can run. */
  readonly status: string
  get (key: string): Promise<string | null>
  set (key: string, value: string, mode: 'PX', milliseconds: number): Promise<unknown>
  /** Sets only when the key is absent: `null` when it was there. */
  set (key: string, value: string, mode: 'PX', milliseconds: number, condition: 'NX'): Promise<unknown>
  del (...keys: string[]): Promise<number>
  eval (script: string, numkeys: number, ...args: Array<string | number>): Promise<unknown>
  evalsha (sha1: string, numkeys: number, ...args: Array<string | number>): Promise<unknown>
  publish (channel: string, message: string): Promise<number>
  subscribe (...channels: string[]): Promise<unknown>
  /** A new connection with the same settings: subscriptions need a connection of their own. */
  duplicate (): RedisClient
  /** Connects a client created with `lazyConnect`. */
  connect (): Promise<void>
  on (event: string, listener: (...args: any[]) => void): unknown
  off (event: string, listener: (...args: any[]) => void): unknown
  quit (): Promise<unknown>
  disconnect (): void
}

/** True when `value` has the methods of a {@link RedisClient}. */
export function isRedisClient (value: unknown): value is RedisClient {
  if (typeof value !== 'object' || value === null) return false
  const client = value as Record<string, unknown>
  return ['get', 'set', 'del', 'eval', 'evalsha', 'publish', 'subscribe', 'duplicate', 'on', 'quit'].every((name) => typeof client[name] === 'function')
}
