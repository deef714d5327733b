import { RedisScript } from '../redis/redis-script.js'
import type { SharedRedis } from '../redis/shared-redis.js'

/** What a Redis outage means for the users cache, for the outage's one log line. */
export const USERS_CACHE_OUTAGE = 'the users cache falls back to process-local memory'

/** A value read from Redis and how long Redis keeps it still, ms. */
export interface SharedEntry {
  value: unknown
  remaining: number
}

const USER_KEY = /^user:([^:]+):(.+)$/

/** The entries of a user that are not per guild: always deleted with the user. */
const FIXED_SUFFIXES = ['profile', 'guilds', 'connections'] as const

/** The value and its remaining time to live, in one round trip. */
const READ = new RedisScript(`
local value = redis.call('GET', KEYS[1])
if not value then return false end
return { value, redis.call('PTTL', KEYS[1]) }`)

/**
 * A member entry (one per guild asked about) and the user's index of them: the index lives as
 * long as the newest entry it lists, so that deleting the user finds them all.
 */
const WRITE_INDEXED = new RedisScript(`
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
return 1`)

const MEMBERS = new RedisScript("return redis.call('SMEMBERS', KEYS[1])")

/**
 * The second level of the shared users cache: each entry a JSON string in Redis, expiring with
 * the cache ttl. A store key `user:<id>:<kind>` lives at `<prefix>users:{<id>}:<kind>`: the hash
 * tag keeps one user's entries in one slot, so deleting a user is one command on Redis Cluster.
 *
 * Every call goes through {@link SharedRedis.call}: it rejects with `RedisUnavailable` when
 * Redis is down or slow, and the outage is logged once.
 */
export class RedisCacheLevel {
  readonly #redis: SharedRedis

  constructor (redis: SharedRedis) {
    this.#redis = redis
  }

  /** The entry under a store key, or `undefined` when Redis has none (or an unreadable one). */
  async read (key: string): Promise<SharedEntry | undefined> {
    const found = await this.#redis.script(USERS_CACHE_OUTAGE, READ, [this.#key(key)])
    if (!Array.isArray(found)) return undefined
    try {
      return { value: JSON.parse(String(found[0])), remaining: Number(found[1]) }
    } catch {
      // Written by something else under our prefix: a miss, which the next write replaces.
      return undefined
    }
  }

  /** Writes `value` for `ttl` ms; `undefined` or `null` deletes the entry, as the memory store does. */
  async write (key: string, value: unknown, ttl: number): Promise<void> {
    if (value === undefined || value === null) {
      await this.remove(key)
      return
    }
    const json = JSON.stringify(value)
    const [, userId, suffix] = USER_KEY.exec(key) ?? []
    if (userId !== undefined && String(suffix).startsWith('member:')) {
      await this.#redis.script(USERS_CACHE_OUTAGE, WRITE_INDEXED, [this.#key(key), this.#indexKey(userId)], [json, ttl, String(suffix)])
      return
    }
    await this.#redis.call(USERS_CACHE_OUTAGE, async (client) => await client.set(this.#key(key), json, 'PX', ttl))
  }

  async remove (key: string): Promise<void> {
    await this.#redis.call(USERS_CACHE_OUTAGE, async (client) => await client.del(this.#key(key)))
  }

  /** Deletes every entry of one user: the fixed kinds, the member entries listed in the index, the index. */
  async removeUser (userId: string): Promise<void> {
    const index = this.#indexKey(userId)
    const members = await this.#redis.script(USERS_CACHE_OUTAGE, MEMBERS, [index])
    const keys = [
      ...FIXED_SUFFIXES.map((suffix) => this.#key(`user:${userId}:${suffix}`)),
      ...(members as string[]).map((suffix) => this.#key(`user:${userId}:${suffix}`)),
      index
    ]
    await this.#redis.call(USERS_CACHE_OUTAGE, async (client) => await client.del(...keys))
  }

  /** The Redis key of a store key; one user's keys share the hash tag `{<id>}`. */
  #key (key: string): string {
    const [, userId, suffix] = USER_KEY.exec(key) ?? []
    return userId === undefined ? this.#redis.key('users', key) : this.#redis.key('users', `{${userId}}`, String(suffix))
  }

  #indexKey (userId: string): string {
    return this.#redis.key('users', `{${userId}}`, 'index')
  }
}
