import { randomUUID } from 'node:crypto'
import type { SharedRedis } from '../redis/shared-redis.js'
import { USERS_CACHE_OUTAGE } from './redis-cache-level.js'

/** The channel (under the Redis prefix) the instances announce users cache changes on. */
export const USERS_CACHE_CHANNEL = 'users-cache'

/** What another instance changed: one store key, or every entry of one user. */
export type CacheChange = { key: string } | { userId: string }

interface Message {
  from: string
  key?: unknown
  userId?: unknown
}

/**
 * The users cache's pub/sub channel: each instance announces the entries it wrote or dropped,
 * and hears what the others did, so that it can drop its process-local copies. Its own
 * announcements come back to it too (Redis delivers to every subscriber) and are ignored: the
 * copy it just wrote is the new one.
 */
export class CacheInvalidations {
  /** Tells this instance's messages from the others'. */
  readonly #origin = randomUUID()
  readonly #redis: SharedRedis

  constructor (redis: SharedRedis) {
    this.#redis = redis
  }

  /**
   * Calls `handler` with each change another instance announces; resolves once subscribed, or
   * once the subscription failed (Redis down: ioredis subscribes again when it is back).
   */
  async listen (handler: (change: CacheChange) => void): Promise<void> {
    await this.#redis.subscribe(USERS_CACHE_CHANNEL, (raw) => {
      const change = this.#parse(raw)
      if (change !== null) handler(change)
    })
  }

  /** Announces a change to the other instances; false when Redis could not take it. */
  async announce (change: CacheChange): Promise<boolean> {
    return await this.#redis.publish(USERS_CACHE_OUTAGE, USERS_CACHE_CHANNEL, JSON.stringify({ from: this.#origin, ...change }))
  }

  #parse (raw: string): CacheChange | null {
    let parsed: unknown
    try {
      parsed = JSON.parse(raw)
    } catch {
      return null
    }
    // Only instances of this plugin publish here, but the channel is open to anything on Redis.
    if (typeof parsed !== 'object' || parsed === null) return null
    const message = parsed as Message
    if (message.from === this.#origin) return null
    if (typeof message.key === 'string') return { key: message.key }
    if (typeof message.userId === 'string') return { userId: message.userId }
    return null
  }
}
