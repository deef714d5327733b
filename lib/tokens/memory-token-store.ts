import { LRUCache } from 'lru-cache'
import { boundedLruOptions } from '../cache/bounded-lru-options.js'
import type { TokenSet } from '../contracts/token-set.js'
import type { TokenStore } from '../contracts/token-store.js'

/** Options of {@link MemoryTokenStore}. */
export interface MemoryTokenStoreOptions {
  /**
   * Most token sets kept. Past it the least recently used one goes, and its session is logged out.
   * @defaultValue 100000
   */
  max?: number
  /**
   * Milliseconds a token set is kept after it was last read or written. A session that has not
   * needed its tokens for that long is logged out. The default is longer than a session cookie
   * lives by default (a day after its last change, @fastify/secure-session's `expiry`).
   * @defaultValue 30 days
   */
  ttl?: number
  /**
   * Clock for expiry, in milliseconds (a test seam; the epoch does not matter).
   * @defaultValue `performance.now`
   */
  now?: () => number
}

const DEFAULT_MAX = 100_000
const DEFAULT_TTL = 30 * 24 * 60 * 60 * 1000

/**
 * A {@link TokenStore} in this process's memory, for tests and single-process apps. Sessions do
 * not survive a restart and are not shared between processes; production wants Redis or a
 * database.
 *
 * Bounded by `max` sets and a `ttl`: the cookie of a session that is never logged out stays with
 * the browser, and without a bound its token set would stay in memory for the life of the process.
 */
export class MemoryTokenStore implements TokenStore {
  readonly #sets: LRUCache<string, string>

  /**
   * @throws TypeError when `options` is not an object or `now` not a function
   * @throws RangeError when `max` or `ttl` is not a positive integer
   */
  constructor (options: MemoryTokenStoreOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new TypeError('MemoryTokenStore options must be an object')
    this.#sets = new LRUCache<string, string>({
      ...boundedLruOptions({ max: options.max ?? DEFAULT_MAX, ttl: options.ttl ?? DEFAULT_TTL, now: options.now }),
      // A session in use keeps its set: the TTL counts from the last read, not from login.
      updateAgeOnGet: true
    })
  }

  /** Number of token sets held, expired ones included until they are touched or evicted. */
  get size (): number {
    return this.#sets.size
  }

  async get (id: string): Promise<TokenSet | undefined> {
    const json = this.#sets.get(id)
    // Stored as JSON so that callers never share (or mutate) the stored object.
    return json === undefined ? undefined : JSON.parse(json) as TokenSet
  }

  async set (id: string, tokens: TokenSet): Promise<void> {
    this.#sets.set(id, JSON.stringify(tokens))
  }

  async delete (id: string): Promise<void> {
    this.#sets.delete(id)
  }
}
