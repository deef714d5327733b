import { LRUCache } from 'lru-cache'
import { boundedLruOptions } from './bounded-lru-options.js'
import type { CacheStore } from './cache-store.js'

/** Options of {@link MemoryCacheStore}. */
export interface MemoryCacheStoreOptions {
  /** Maximum number of entries (not users) kept; the least recently used goes first. */
  max: number
  /** Default time to live of an entry, in milliseconds. */
  ttl: number
  /**
   * Clock for expiry, in milliseconds (a test seam; the epoch does not matter).
   * @defaultValue `performance.now`
   */
  now?: () => number
}

const USER_KEY = /^user:([^:]+):/

/**
 * The default {@link CacheStore}: an in-process `lru-cache` bounded by `max` entries with a TTL.
 *
 * Keys of the form `user:<id>:…` are indexed per user, so `deleteUser` costs the number of that
 * user's keys rather than a scan of the whole cache. Values are kept as given (not copied):
 * callers must not mutate them.
 */
export class MemoryCacheStore implements CacheStore {
  readonly #lru: LRUCache<string, NonNullable<unknown>>
  /**
   * user id → that user's live keys, kept in step with the LRU through `dispose`. An array, not
   * a Set: a user has at most a few keys, and a Set costs about 150 bytes more per user.
   */
  readonly #byUser = new Map<string, string[]>()

  /**
   * @throws RangeError when `max` or `ttl` is not a positive integer
   * @throws TypeError when `now` is given but is not a function
   */
  constructor (options: MemoryCacheStoreOptions) {
    this.#lru = new LRUCache<string, NonNullable<unknown>>({
      ...boundedLruOptions(options),
      dispose: (_value, key, reason) => {
        // 'set' means overwritten in place: the key stays live.
        if (reason !== 'set') this.#unindex(key)
      }
    })
  }

  /** Number of entries held, stale ones included until they are touched or evicted. */
  get size (): number {
    return this.#lru.size
  }

  async get (key: string): Promise<unknown> {
    return this.#lru.get(key)
  }

  /** {@link get} without the promise, for callers that can use a hit synchronously. */
  getNow (key: string): unknown {
    return this.#lru.get(key)
  }

  async set (key: string, value: unknown, ttl?: number): Promise<void> {
    if (value === undefined || value === null) {
      this.#lru.delete(key)
      return
    }
    this.#lru.set(key, value, ttl === undefined ? undefined : { ttl })
    const userId = USER_KEY.exec(key)?.[1]
    if (userId === undefined) return
    const keys = this.#byUser.get(userId)
    if (keys === undefined) this.#byUser.set(userId, [key])
    else if (!keys.includes(key)) keys.push(key)
  }

  async delete (key: string): Promise<void> {
    this.#lru.delete(key)
  }

  async deleteUser (userId: string): Promise<void> {
    const keys = this.#byUser.get(userId)
    if (keys === undefined) return
    this.#byUser.delete(userId)
    for (const key of keys) this.#lru.delete(key)
  }

  /** Drops every entry. */
  async clear (): Promise<void> {
    this.#lru.clear()
    this.#byUser.clear()
  }

  #unindex (key: string): void {
    const userId = USER_KEY.exec(key)?.[1]
    if (userId === undefined) return
    const keys = this.#byUser.get(userId)
    if (keys === undefined) return
    const index = keys.indexOf(key)
    if (index !== -1) keys.splice(index, 1)
    if (keys.length === 0) this.#byUser.delete(userId)
  }
}
