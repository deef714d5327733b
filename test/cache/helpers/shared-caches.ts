/**
 * Two "instances" of the users cache sharing one real redis-server, each with its own
 * SharedRedis (two connections and a subscriber, as two processes would have), its own
 * process-local first level and its own clock.
 */
import { randomUUID } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import { USERS_CACHE_CHANNEL } from '../../../lib/cache/cache-invalidations.js'
import { MemoryCacheStore } from '../../../lib/cache/memory-cache-store.js'
import { TwoLevelCacheStore } from '../../../lib/cache/two-level-cache-store.js'
import { UsersCache } from '../../../lib/cache/users-cache.js'
import { openRedis } from '../../../lib/redis/open-redis.js'
import type { SharedRedis } from '../../../lib/redis/shared-redis.js'

export interface LogLine {
  level: string
  fields: Record<string, unknown>
  msg: string
}

/** A logger that keeps its lines. */
export function recordingLog (): { lines: LogLine[], log: FastifyBaseLogger } {
  const lines: LogLine[] = []
  const at = (level: string) => (fields: Record<string, unknown>, msg: string) => { lines.push({ level, fields, msg }) }
  const log: any = { warn: at('warn'), info: at('info'), debug: at('debug'), error: at('error'), trace: at('trace'), fatal: at('fatal'), child: () => log, level: 'info' }
  return { lines, log: log as FastifyBaseLogger }
}

export interface Instance {
  redis: SharedRedis
  store: TwoLevelCacheStore
  cache: UsersCache
  clock: { now: number }
  lines: LogLine[]
}

export interface InstanceOptions {
  ttl?: number
  firstLevelTtl?: number
  /** Wait until the store listens to the channel. @defaultValue true */
  ready?: boolean
  /** A SharedRedis of the test's own instead of one opened on `url`. */
  redis?: SharedRedis
}

/** One instance on the Redis at `url`, closed at teardown. */
export async function openInstance (t: { teardown: (fn: () => unknown) => void }, url: string, options: InstanceOptions = {}): Promise<Instance> {
  const { lines, log } = recordingLog()
  const redis = options.redis ?? await openRedis(url, 'test:', log)
  t.teardown(async () => { await redis.close() })
  const clock = { now: 0 }
  const ttl = options.ttl ?? 60_000
  const store = new TwoLevelCacheStore({
    first: new MemoryCacheStore({ max: 100, ttl, now: () => clock.now }),
    redis,
    ttl,
    firstLevelTtl: options.firstLevelTtl ?? 30_000,
    now: () => clock.now
  })
  if (options.ready !== false) await store.ready
  return { redis, store, cache: new UsersCache({ store, ttl }), clock, lines }
}

/** Waits (in real time: Redis delivers on its own schedule) until `done` holds. */
export async function until (done: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/**
 * Resolves once `instance` has heard everything published on the users cache channel before
 * the call: Redis delivers one connection's messages in order, so a marker sent last arrives
 * last. The marker is not JSON, so the store ignores it.
 */
export async function settled (instance: Instance): Promise<void> {
  const marker = `marker ${randomUUID()}`
  let heard = false
  await instance.redis.subscribe(USERS_CACHE_CHANNEL, (message) => { if (message === marker) heard = true })
  await instance.redis.publish('test markers are lost', USERS_CACHE_CHANNEL, marker)
  await until(() => heard, 'the marker is heard')
}
