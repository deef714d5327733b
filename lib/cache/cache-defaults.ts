/**
 * Defaults of the users cache. `max` counts users, like Quart-Discord's
 * `DISCORD_USERS_CACHE_MAX_LIMIT`; each user takes up to {@link USERS_CACHE_KINDS_PER_USER}
 * entries (profile, guilds, connections), so the default store holds `max × 3` entries. Member
 * entries (one per guild asked about) share that budget: the least recently used entry goes first.
 */

/** Users kept by default when neither `cache.max` nor the environment variable is set. */
export const DEFAULT_USERS_CACHE_MAX = 10_000

/** Time to live of a cached profile, guild list or connection list: 5 minutes, in ms. */
export const DEFAULT_USERS_CACHE_TTL = 5 * 60 * 1000

/** Environment variable read when the `cache.max` option is absent. */
export const USERS_CACHE_MAX_ENV = 'DISCORD_USERS_CACHE_MAX_LIMIT'

/** Cache entries one user can take: profile, guilds, connections. */
export const USERS_CACHE_KINDS_PER_USER = 3

/**
 * Longest life of a process-local copy of a users cache entry while the instances share Redis,
 * in ms: the bound on how long an instance can serve a copy whose invalidation it did not hear.
 * Each instance then reads each user's entries from Redis at most this often.
 */
export const USERS_CACHE_FIRST_LEVEL_TTL = 30 * 1000
