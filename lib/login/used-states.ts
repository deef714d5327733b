/**
 * Owns the OAuth2 states consumed in the last 10 minutes: process-wide state shared by every
 * request of one plugin registration, and by every instance when the plugin has `redis`.
 */
import { createHash } from 'node:crypto'
import { LRUCache } from 'lru-cache'
import { STATE_TTL } from '../cookie/session-data.js'
import type { SharedRedis } from '../redis/shared-redis.js'

/** Options of {@link UsedStates}. */
export interface UsedStatesOptions {
  /** Most states remembered in this process. @defaultValue 100000 */
  max?: number
  /** The instances' shared Redis; `null`: this process's memory only. */
  redis?: SharedRedis | null
}

/**
 * What a Redis outage means here. Falling back is safe: Discord's authorization code is itself
 * single use, so a callback replayed on another instance during an outage fails at the code
 * exchange instead of logging anyone in twice.
 */
const CONSEQUENCE = 'single-use OAuth2 states are checked in this process only (Discord still refuses a reused code)'

/**
 * Remembers consumed states, so that a callback replayed with an old copy of the session
 * cookie (which still lists the state) is refused. The cookie alone cannot enforce single use:
 * the client keeps every cookie it was ever sent. Keys are SHA-256 hashes of states; with
 * `redis`, an atomic set-if-absent makes the first instance to consume a state the only one.
 */
export class UsedStates {
  readonly #used: LRUCache<string, true>
  readonly #redis: SharedRedis | null

  constructor (options: UsedStatesOptions = {}) {
    this.#used = new LRUCache({ max: options.max ?? 100_000, ttl: STATE_TTL })
    this.#redis = options.redis ?? null
  }

  /** Marks `state` consumed; false when it already was, here or on another instance. */
  async consume (state: string): Promise<boolean> {
    const key = createHash('sha256').update(state).digest('base64url')
    if (this.#used.has(key)) return false
    this.#used.set(key, true)
    const redis = this.#redis
    if (redis === null) return true
    try {
      const answer = await redis.call(CONSEQUENCE, async (client) => await client.set(redis.key('state', key), '1', 'PX', STATE_TTL, 'NX'))
      return answer !== null
    } catch {
      return true
    }
  }

  clear (): void {
    this.#used.clear()
  }
}
