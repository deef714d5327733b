import type { CacheStore } from './cache-store.js'
import { DEFAULT_USERS_CACHE_MAX, DEFAULT_USERS_CACHE_TTL, USERS_CACHE_KINDS_PER_USER } from './cache-defaults.js'
import { MemoryCacheStore } from './memory-cache-store.js'
import { TwoLevelCacheStore } from './two-level-cache-store.js'

/**
 * What the users cache holds per user: the profile, the guild list, the connection list, and
 * the user's member object in a guild (`member:<guildId>`), one entry per guild asked about.
 */
export type UserCacheKind = 'user' | 'guilds' | 'connections' | `member:${string}`

/** Options of {@link UsersCache}. */
export interface UsersCacheOptions {
  store: CacheStore
  /** Time to live of each entry, in milliseconds. */
  ttl: number
}

/** Options of {@link UsersCache.load}. */
export interface UsersCacheLoadOptions {
  /** Skip the cached value and load a fresh one (which is then cached). @defaultValue false */
  refresh?: boolean
  /** A cached (or shared) value it refuses counts as a miss, e.g. a profile cached without `email`. */
  accept?: (value: unknown) => boolean
}

interface Flight {
  promise: Promise<unknown>
  /** Set by `invalidate` so a load that started before it does not write stale data back. */
  cancelled: boolean
}

const SUFFIX: Readonly<Record<'user' | 'guilds' | 'connections', string>> = { user: 'profile', guilds: 'guilds', connections: 'connections' }

/** The entries of one user besides the per-guild member entries. */
const KINDS: readonly UserCacheKind[] = ['user', 'guilds', 'connections']

/**
 * The users cache (Quart-Discord's `users_cache`): each user's profile, guilds and connections
 * as Discord sent them, under keys `user:<id>:<kind>` of a {@link CacheStore}.
 *
 * It also makes concurrent misses of one key share one load (single flight), which is state
 * of this instance, not of the process.
 */
export class UsersCache {
  /** The underlying store. */
  readonly store: CacheStore
  /** Time to live of each entry, in milliseconds. */
  readonly ttl: number
  readonly #flights = new Map<string, Flight>()

  constructor (options: UsersCacheOptions) {
    this.store = options.store
    this.ttl = options.ttl
  }

  /** The cached payload, or `undefined` on a miss. */
  async get (userId: string, kind: UserCacheKind): Promise<unknown> {
    return await this.store.get(cacheKey(userId, kind))
  }

  /**
   * The cached payload without a promise, when the store can answer at once (the default
   * {@link MemoryCacheStore}, or the first level of a {@link TwoLevelCacheStore}) and no load of
   * this entry is under way; `undefined` otherwise: a miss, a load in flight (whose result
   * {@link load} would wait for), or a store that needs I/O.
   */
  getNow (userId: string, kind: UserCacheKind): unknown {
    const store = this.store
    // Exactly the plugin's stores: a subclass may override get() (copies, namespaces, metrics).
    if (store.constructor !== MemoryCacheStore && store.constructor !== TwoLevelCacheStore) return undefined
    const key = cacheKey(userId, kind)
    // Most of the time no load is under way: skip hashing the key into an empty map.
    return this.#flights.size !== 0 && this.#flights.has(key) ? undefined : (store as MemoryCacheStore | TwoLevelCacheStore).getNow(key)
  }

  async set (userId: string, kind: UserCacheKind, value: unknown): Promise<void> {
    await this.store.set(cacheKey(userId, kind), value, this.ttl)
    await this.#indexMember(userId, kind)
  }

  /** Drops every entry of one user, and keeps loads already under way from writing theirs back. */
  async invalidate (userId: string): Promise<void> {
    // Member entries are per guild, so the user's flights are found by their key prefix.
    const prefix = cacheKey(userId, 'user').slice(0, -'profile'.length)
    for (const [key, flight] of this.#flights) {
      if (key.startsWith(prefix)) {
        flight.cancelled = true
        this.#flights.delete(key)
      }
    }
    const store = this.store
    if (typeof store.deleteUser === 'function') {
      await store.deleteUser(userId)
      return
    }
    // The cache writes only these keys for a user (the member entries listed in the index), so
    // deleting them is deleting the user.
    const index = await store.get(membersIndexKey(userId))
    const members = Array.isArray(index) ? index.filter((kind): kind is UserCacheKind => typeof kind === 'string' && kind.startsWith('member:')) : []
    await Promise.all([
      ...[...KINDS, ...members].map(async (kind) => { await store.delete(cacheKey(userId, kind)) }),
      store.delete(membersIndexKey(userId))
    ])
  }

  /**
   * A store without `deleteUser` cannot find a user's member entries (one per guild asked
   * about) by itself: they are listed in an index entry of the user, which lives as long as the
   * newest of them.
   */
  async #indexMember (userId: string, kind: UserCacheKind): Promise<void> {
    if (!kind.startsWith('member:') || typeof this.store.deleteUser === 'function') return
    const key = membersIndexKey(userId)
    const index = await this.store.get(key)
    const listed = Array.isArray(index) ? index.filter((entry): entry is string => typeof entry === 'string') : []
    if (!listed.includes(kind)) await this.store.set(key, [...listed, kind], this.ttl)
  }

  /**
   * The cached value, else the result of `loader`, which is then cached. Concurrent callers
   * that miss the same key share one `loader` call. With `refresh`, the cached value is ignored
   * and `loader` runs (callers that miss meanwhile share its result).
   *
   * A caller that joined another's load and saw it fail runs its own `loader`: the failure may
   * belong to the other caller (another session of the same user, with a revoked token).
   */
  async load<ValueType> (userId: string, kind: UserCacheKind, loader: () => Promise<ValueType>, options: UsersCacheLoadOptions = {}): Promise<ValueType> {
    const key = cacheKey(userId, kind)
    const accept = options.accept
    if (options.refresh !== true) {
      let pending = this.#flights.get(key)
      if (pending === undefined) {
        const cached = await this.store.get(key)
        if (usable(cached, accept)) return cached as ValueType
        pending = this.#flights.get(key)
      }
      if (pending !== undefined) {
        try {
          const value = await pending.promise
          if (usable(value, accept)) return value as ValueType
        } catch {
          // Not ours to report: see above. Our own load below reports our own failure.
        }
      }
    }
    const flight: Flight = { promise: Promise.resolve(), cancelled: false }
    flight.promise = (async () => {
      try {
        const value = await loader()
        if (!flight.cancelled) {
          await this.store.set(key, value, this.ttl)
          await this.#indexMember(userId, kind)
        }
        return value
      } finally {
        if (this.#flights.get(key) === flight) this.#flights.delete(key)
      }
    })()
    this.#flights.set(key, flight)
    return await (flight.promise as Promise<ValueType>)
  }
}

function usable (value: unknown, accept: ((value: unknown) => boolean) | undefined): boolean {
  return value !== undefined && (accept === undefined || accept(value))
}

/** The store key of one user's entry: `user:<id>:profile|guilds|connections|member:<guildId>`. */
export function cacheKey (userId: string, kind: UserCacheKind): string {
  return `user:${userId}:${kind.startsWith('member:') ? kind : SUFFIX[kind as keyof typeof SUFFIX]}`
}

/** The index entry of a user's member entries, kept only for a store without `deleteUser`. */
function membersIndexKey (userId: string): string {
  return `user:${userId}:members`
}

/** Options of {@link createUsersCache}. */
export interface CreateUsersCacheOptions {
  /** Users kept (each takes up to three entries). @defaultValue {@link DEFAULT_USERS_CACHE_MAX} */
  max?: number | undefined
  /** Time to live of each entry, in ms. @defaultValue {@link DEFAULT_USERS_CACHE_TTL} */
  ttl?: number | undefined
  /** A store of the app's own (Redis…); `max` is then the store's business. @defaultValue a {@link MemoryCacheStore} */
  store?: CacheStore | undefined
  /** Clock seam of the default store, in ms. @defaultValue `performance.now` */
  now?: (() => number) | undefined
}

/**
 * Builds the users cache the plugin uses: the given store, or a {@link MemoryCacheStore} sized
 * for `max` users.
 *
 * @throws RangeError when `max` or `ttl` is not a positive integer
 */
export function createUsersCache (options: CreateUsersCacheOptions = {}): UsersCache {
  const max = options.max ?? DEFAULT_USERS_CACHE_MAX
  const ttl = options.ttl ?? DEFAULT_USERS_CACHE_TTL
  if (!Number.isSafeInteger(max) || max < 1) throw new RangeError(`\`cache.max\` must be a positive integer, got ${String(max)}`)
  if (!Number.isSafeInteger(ttl) || ttl < 1) throw new RangeError(`\`cache.ttl\` must be a positive integer of milliseconds, got ${String(ttl)}`)
  const store = options.store ?? new MemoryCacheStore({
    max: max * USERS_CACHE_KINDS_PER_USER,
    ttl,
    ...(options.now === undefined ? {} : { now: options.now })
  })
  return new UsersCache({ store, ttl })
}
