import { RedisUnavailable, type SharedRedis } from '../redis/shared-redis.js'
import { CacheInvalidations, type CacheChange } from './cache-invalidations.js'
import type { CacheStore } from './cache-store.js'
import type { MemoryCacheStore } from './memory-cache-store.js'
import { RedisCacheLevel } from './redis-cache-level.js'

/** Options of {@link TwoLevelCacheStore}. */
export interface TwoLevelCacheStoreOptions {
  /** The process-local first level. */
  first: MemoryCacheStore
  redis: SharedRedis
  /** Default time to live of an entry, ms: the users cache ttl. */
  ttl: number
  /** Longest life of a first-level copy while Redis answers, ms (see {@link TwoLevelCacheStore}). */
  firstLevelTtl: number
  /** Clock of the pending invalidations, ms. @defaultValue `performance.now` */
  now?: (() => number) | undefined
}

/** A Redis call that failed: the first level goes on alone. */
const FAILED = Symbol('failed')

/** A Redis read or write under way, whose result may go to the first level unless a drop came meanwhile. */
interface Watch {
  stale: boolean
}

const USER_KEY = /^user:([^:]+):/

/**
 * The users cache of instances that share a Redis: a process-local first level (a
 * {@link MemoryCacheStore}, which answers the hot path without a promise) in front of Redis,
 * which all instances read and write. A first-level miss reads Redis; every write and deletion
 * is announced on a pub/sub channel, and the other instances drop their first-level copies.
 *
 * Coherence does not rest on pub/sub alone, which delivers at most once:
 * - a first-level copy lives at most `firstLevelTtl` while Redis answers, because an
 *   announcement that fails or times out while the subscriptions stay up (a slow Redis) reaches
 *   no one and no reconnect follows;
 * - when the subscription connection comes back, the whole first level is dropped;
 * - a Redis read or write that began before a drop of its user does not put its value in the
 *   first level.
 *
 * Redis down or slow: the first level goes on alone (it is a cache: a miss loads from Discord),
 * with the full ttl, since it is then all there is; the outage is logged once. Users
 * invalidated meanwhile are remembered (as long as their Redis entries can live), and deleted
 * from Redis and announced once it answers again, before anything else is read from it; the
 * first level is dropped then too, since the others' announcements were missed.
 */
export class TwoLevelCacheStore implements CacheStore {
  readonly first: MemoryCacheStore
  readonly ttl: number
  readonly firstLevelTtl: number
  /** Resolves once the channel is listened to; until then nothing is kept in the first level. */
  readonly ready: Promise<void>
  readonly #second: RedisCacheLevel
  readonly #channel: CacheInvalidations
  readonly #now: () => number
  #listening = false
  /** The reads and writes under way, by user (or by key, for a key of no user): a drop marks them stale. */
  readonly #watches = new Map<string, Set<Watch>>()
  /** A Redis call failed and none has succeeded since. */
  #degraded = false
  /** Users invalidated while Redis could not delete their entries → when those have expired anyway. */
  readonly #pending = new Map<string, number>()
  #flushing: Promise<boolean> | null = null

  constructor (options: TwoLevelCacheStoreOptions) {
    this.first = options.first
    this.ttl = options.ttl
    this.firstLevelTtl = options.firstLevelTtl
    this.#now = options.now ?? (() => performance.now())
    this.#second = new RedisCacheLevel(options.redis)
    this.#channel = new CacheInvalidations(options.redis)
    options.redis.onReconnect(async () => { await this.#dropAll() })
    this.ready = this.#channel.listen(async (change) => { await this.#drop(change) }).then(() => { this.#listening = true })
  }

  /** The first-level copy, without a promise or a network call; `undefined` when there is none. */
  getNow (key: string): unknown {
    return this.first.getNow(key)
  }

  async get (key: string): Promise<unknown> {
    const near = this.first.getNow(key)
    if (near !== undefined) return near
    const watch = this.#watch(key)
    try {
      const entry = await this.#shared(async (level) => await level.read(key))
      if (entry === FAILED || entry === undefined) return undefined
      if (this.#listening && !watch.stale) {
        // An entry written without expiry (not by this store) is kept for the first-level bound.
        const life = entry.remaining > 0 ? Math.min(entry.remaining, this.firstLevelTtl) : this.firstLevelTtl
        await this.first.set(key, entry.value, life)
      }
      return entry.value
    } finally {
      this.#unwatch(key, watch)
    }
  }

  async set (key: string, value: unknown, ttl = this.ttl): Promise<void> {
    const watch = this.#watch(key)
    let written: void | typeof FAILED
    try {
      written = await this.#shared(async (level) => { await level.write(key, value, ttl) })
    } finally {
      this.#unwatch(key, watch)
    }
    if (written === FAILED) {
      await this.first.set(key, value, ttl)
      return
    }
    if (this.#listening && !watch.stale) await this.first.set(key, value, Math.min(ttl, this.firstLevelTtl))
    else await this.first.delete(key)
    await this.#announce({ key })
  }

  async delete (key: string): Promise<void> {
    await this.#drop({ key })
    const deleted = await this.#shared(async (level) => { await level.remove(key) })
    const userId = USER_KEY.exec(key)?.[1]
    if (deleted === FAILED || !(await this.#announce({ key }))) {
      if (userId !== undefined) this.#remember(userId)
    }
  }

  async deleteUser (userId: string): Promise<void> {
    await this.#drop({ userId })
    const deleted = await this.#shared(async (level) => { await level.removeUser(userId) })
    if (deleted === FAILED || !(await this.#announce({ userId }))) this.#remember(userId)
  }

  /**
   * Runs one call against Redis; {@link FAILED} when Redis is down or slow. After an outage,
   * the invalidations Redis missed go first, and the first level is dropped once a call succeeds.
   */
  async #shared<ResultType> (fn: (level: RedisCacheLevel) => Promise<ResultType>): Promise<ResultType | typeof FAILED> {
    if (this.#degraded && !(await this.#flushPending())) return FAILED
    try {
      const result = await fn(this.#second)
      if (this.#degraded) {
        this.#degraded = false
        await this.#dropAll()
      }
      return result
    } catch (err) {
      // A Lua or command error is a bug, not an outage: SharedRedis does not hide it either.
      if (!(err instanceof RedisUnavailable)) throw err
      this.#degraded = true
      return FAILED
    }
  }

  async #announce (change: CacheChange): Promise<boolean> {
    const sent = await this.#channel.announce(change)
    if (!sent) this.#degraded = true
    return sent
  }

  /**
   * Kept in the order they came, so each expires after the one before: {@link #flush}, tried
   * before every call while Redis is down, forgets the expired ones at the head.
   */
  #remember (userId: string): void {
    this.#pending.delete(userId)
    this.#pending.set(userId, this.#now() + this.ttl)
  }

  /**
   * Deletes from Redis, and announces, the users invalidated during the outage; false while Redis
   * still fails. One older than the ttl is forgotten: its Redis entries have expired anyway.
   */
  async #flushPending (): Promise<boolean> {
    this.#flushing ??= this.#flush().finally(() => { this.#flushing = null })
    return await this.#flushing
  }

  async #flush (): Promise<boolean> {
    for (const [userId, until] of this.#pending) {
      if (until > this.#now()) {
        try {
          await this.#second.removeUser(userId)
        } catch {
          return false
        }
        if (!(await this.#channel.announce({ userId }))) return false
      }
      this.#pending.delete(userId)
    }
    return true
  }

  #watch (key: string): Watch {
    const group = groupOf(key)
    const watch = { stale: false }
    const watches = this.#watches.get(group)
    if (watches === undefined) this.#watches.set(group, new Set([watch]))
    else watches.add(watch)
    return watch
  }

  #unwatch (key: string, watch: Watch): void {
    const group = groupOf(key)
    const watches = this.#watches.get(group) as Set<Watch>
    watches.delete(watch)
    if (watches.size === 0) this.#watches.delete(group)
  }

  /**
   * Drops first-level copies. Done by the time it returns its promise: the memory store's
   * methods do their work at once and never reject.
   */
  async #drop (change: CacheChange): Promise<void> {
    for (const watch of this.#watches.get('key' in change ? groupOf(change.key) : change.userId) ?? []) watch.stale = true
    if ('key' in change) await this.first.delete(change.key)
    else await this.first.deleteUser(change.userId)
  }

  async #dropAll (): Promise<void> {
    for (const watches of this.#watches.values()) {
      for (const watch of watches) watch.stale = true
    }
    await this.first.clear()
  }
}

/** What a drop is about: the user of a `user:<id>:…` key, or the key itself. */
function groupOf (key: string): string {
  return USER_KEY.exec(key)?.[1] ?? key
}
