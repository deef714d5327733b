import type { Sealer } from '../contracts/sealer.js'
import { isTokenSet, type TokenSet } from '../contracts/token-set.js'
import type { TokenStore } from '../contracts/token-store.js'
import { SharedStateUnavailable } from '../errors/shared-state-unavailable.js'
import type { RedisClient } from '../redis/redis-client.js'
import type { SharedRedis } from '../redis/shared-redis.js'

/** What a Redis outage means for the token store, for the outage's log line. */
const CONSEQUENCE = 'requests that need a token set kept in Redis (`tokenStore: \'redis\'`) answer 503'

/**
 * `tokenStore: 'redis'`: token sets server-side, sealed with the session key, each expiring with
 * the session cookie that names it. A session whose set Redis cannot give back right now is not
 * logged out: the call answers 503 with `Retry-After` instead, and the session works again once
 * Redis does.
 */
export class RedisTokenStore implements TokenStore {
  readonly #redis: SharedRedis
  readonly #sealer: Sealer
  readonly #lifetime: number

  /**
   * @param lifetime - how long a set is kept after its last write, ms: the session cookie's lifetime
   */
  constructor (redis: SharedRedis, sealer: Sealer, lifetime: number) {
    this.#redis = redis
    this.#sealer = sealer
    this.#lifetime = lifetime
  }

  async get (id: string): Promise<TokenSet | undefined> {
    const sealed = await this.#call(async (client) => await client.get(this.#key(id)))
    if (sealed === null) return undefined
    const value = this.#sealer.open(sealed)
    return isTokenSet(value) ? value : undefined
  }

  async set (id: string, tokens: TokenSet): Promise<void> {
    const sealed = this.#sealer.seal(tokens)
    await this.#call(async (client) => await client.set(this.#key(id), sealed, 'PX', this.#lifetime))
  }

  async delete (id: string): Promise<void> {
    await this.#call(async (client) => await client.del(this.#key(id)))
  }

  #key (id: string): string {
    return this.#redis.key('tokens', id)
  }

  async #call<T> (fn: (client: RedisClient) => Promise<T>): Promise<T> {
    try {
      return await this.#redis.call(CONSEQUENCE, fn)
    } catch (err) {
      throw new SharedStateUnavailable('the session\'s token set cannot be read or written', 1, { cause: err })
    }
  }
}
