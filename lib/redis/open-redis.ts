import type { FastifyBaseLogger } from 'fastify'
import { ConfigurationError } from '../errors/configuration-error.js'
import type { RedisClient } from './redis-client.js'
import { SharedRedis } from './shared-redis.js'

/** The `redis` option as resolved: a client of the app's, or a URL the plugin connects to. */
export type RedisOption = RedisClient | string

/** Longest wait for one Redis call, ms: a slow Redis costs a request at most this much. */
export const REDIS_CALL_TIMEOUT = 1000

/**
 * Opens the plugin's Redis side. A client is used as it is (the app owns it); a URL loads
 * ioredis (only then: it is an optional peer dependency) and creates a client the plugin closes
 * on app close. A Redis that is down at start does not stop the app: ioredis keeps reconnecting
 * and the calls fall back or answer 503 until it is back.
 *
 * @throws ConfigurationError when ioredis is not installed or the URL is malformed
 */
export async function openRedis (option: RedisOption, prefix: string, log: FastifyBaseLogger): Promise<SharedRedis> {
  if (typeof option !== 'string') return new SharedRedis({ client: option, owned: false, prefix, timeout: REDIS_CALL_TIMEOUT, log })
  let Redis: new (url: string, options: Record<string, unknown>) => RedisClient
  try {
    Redis = (await import('ioredis')).Redis as unknown as typeof Redis
  } catch (err) {
    throw new ConfigurationError(`\`redis\` as a URL needs the ioredis package (npm install ioredis): ${(err as Error).message}`)
  }
  const client = new Redis(option, {
    // A command while disconnected fails at once instead of waiting for the reconnect.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    lazyConnect: true
  })
  const shared = new SharedRedis({ client, owned: true, prefix, timeout: REDIS_CALL_TIMEOUT, log })
  try {
    await client.connect()
  } catch {
    log.warn({ redisOutage: true }, 'fastify-discord: Redis is not reachable at start; shared state falls back or answers 503 until it is')
  }
  return shared
}
