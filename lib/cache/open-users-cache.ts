import type { SharedRedis } from '../redis/shared-redis.js'
import { USERS_CACHE_FIRST_LEVEL_TTL } from './cache-defaults.js'
import type { MemoryCacheStore } from './memory-cache-store.js'
import { TwoLevelCacheStore } from './two-level-cache-store.js'
import { UsersCache, createUsersCache, type CreateUsersCacheOptions } from './users-cache.js'

/**
 * The users cache of one plugin registration. With `redis` it is shared by every instance
 * using that Redis: a process-local first level, sized and timed as {@link createUsersCache}
 * would, in front of Redis ({@link TwoLevelCacheStore}); resolves once it hears the other
 * instances. A store of the app's own (`cache.store`) is used as it is, `redis` or not: the app
 * chose where its cache lives.
 *
 * @throws RangeError when `max` or `ttl` is not a positive integer
 */
export async function openUsersCache (options: CreateUsersCacheOptions, redis: SharedRedis | null): Promise<UsersCache> {
  const local = createUsersCache(options)
  if (redis === null || options.store !== undefined) return local
  const store = new TwoLevelCacheStore({
    first: local.store as MemoryCacheStore,
    redis,
    ttl: local.ttl,
    firstLevelTtl: USERS_CACHE_FIRST_LEVEL_TTL,
    now: options.now
  })
  await store.ready
  return new UsersCache({ store, ttl: local.ttl })
}
