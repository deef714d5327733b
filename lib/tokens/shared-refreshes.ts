/**
 * The refresh single-flight across instances: one Redis lock per refresh token, and the
 * winner's new token set kept briefly, sealed, for the requests still carrying the old one.
 */
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Sealer } from '../contracts/sealer.js'
import { isTokenSet, type TokenSet } from '../contracts/token-set.js'
import { SharedStateUnavailable } from '../errors/shared-state-unavailable.js'
import { RedisScript } from '../redis/redis-script.js'
import type { SharedRedis } from '../redis/shared-redis.js'

/** What a Redis outage means here, for the outage's one log line. */
const CONSEQUENCE = 'a token due for a refresh is used until it expires; past that the request answers 503'

/**
 * One round trip: a logout's mark wins, then a result another instance already has, then the
 * lock; otherwise how long the lock still has to live.
 */
const ACQUIRE = new RedisScript(`
if redis.call('EXISTS', KEYS[3]) == 1 then return {'revoked'} end
local result = redis.call('GET', KEYS[2])
if result then return {'result', result} end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return {'won'} end
return {'wait', redis.call('PTTL', KEYS[1])}
`)

/**
 * Releases the lock if this fence still holds it, and keeps the result unless a logout marked
 * the refresh token in the meantime. A winner whose lock expired still keeps its result when
 * there is none: its new set is the only live one, Discord having rotated the old token.
 */
const FINISH = new RedisScript(`
local held = redis.call('GET', KEYS[1]) == ARGV[1]
if held then redis.call('DEL', KEYS[1]) end
if redis.call('EXISTS', KEYS[3]) == 1 then return 'revoked' end
if held or redis.call('EXISTS', KEYS[2]) == 0 then redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3]) end
return 'kept'
`)

const RELEASE = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0
`)

/** Options of {@link SharedRefreshes}. */
export interface SharedRefreshesOptions {
  redis: SharedRedis
  /** Seals the token sets kept in Redis (the session key's cipher). */
  sealer: Sealer
  /**
   * How long a lock lives, ms, and so the longest a request waits for another instance's
   * refresh: longer than a refresh at Discord may take.
   */
  lockTtl: number
  /** How long a refresh's result is handed to requests still carrying the old refresh token, ms. */
  resultTtl: number
}

/**
 * The refresh was ended by a logout (on any instance) while it ran or before it started. When
 * the refresh did happen at Discord, `tokens` is the set it returned, for the caller to revoke:
 * it must not be written back anywhere.
 */
export class RefreshRevoked extends Error {
  override name = 'RefreshRevoked'
  readonly tokens: TokenSet | null

  constructor (tokens: TokenSet | null) {
    super('the session was logged out while its token was being refreshed')
    this.tokens = tokens
  }
}

/**
 * Refreshes coordinated through Redis, keyed by a hash of the refresh token (never the token):
 * `refresh:{<hash>}:lock` holds a random fence while one instance refreshes, `…:result` the
 * sealed new set, `…:revoked` a logout's mark. The hash tag keeps the three in one slot.
 */
export class SharedRefreshes {
  readonly #redis: SharedRedis
  readonly #sealer: Sealer
  readonly #lockTtl: number
  readonly #resultTtl: number

  constructor (options: SharedRefreshesOptions) {
    this.#redis = options.redis
    this.#sealer = options.sealer
    this.#lockTtl = options.lockTtl
    this.#resultTtl = options.resultTtl
  }

  /**
   * The set that replaces the refresh token hashed as `hash`: another instance's result, or
   * `run()`'s once this instance holds the lock.
   *
   * @throws SharedStateUnavailable when Redis does not answer, or the lock outlives the wait
   * @throws RefreshRevoked when a logout ended this authorization
   */
  async refresh (hash: string, run: () => Promise<TokenSet>): Promise<TokenSet> {
    const keys = this.#keys(hash)
    const fence = randomBytes(16).toString('base64url')
    const deadline = Date.now() + this.#lockTtl
    let delay = MIN_POLL
    for (;;) {
      const answer = await this.#script(ACQUIRE, keys, [fence, this.#lockTtl]) as [string, (string | number)?]
      switch (answer[0]) {
        case 'revoked':
          throw new RefreshRevoked(null)
        case 'result':
          return this.#open(String(answer[1]))
        case 'won':
          return await this.#win(keys, fence, run)
      }
      const left = deadline - Date.now()
      if (left <= 0) throw new SharedStateUnavailable('waiting for the token refresh under way on another instance', 1)
      await sleep(Math.min(delay, left, Math.max(1, Number(answer[1]))))
      delay = Math.min(delay * 2, MAX_POLL)
    }
  }

  /** The set that replaced the refresh token hashed as `hash`, when an instance kept it; `null` otherwise or when Redis is down. */
  async result (hash: string): Promise<TokenSet | null> {
    const redis = this.#redis
    try {
      const sealed = await redis.call(CONSEQUENCE, async (client) => await client.get(this.#keys(hash)[1]))
      if (sealed === null) return null
      const value = this.#sealer.open(sealed)
      return isTokenSet(value) ? value : null
    } catch {
      return null
    }
  }

  /**
   * Marks the refresh token hashed as `hash` as logged out: a refresh of it under way on any
   * instance hands its result to no one, and none starts. False when Redis could not take it.
   */
  async markRevoked (hash: string): Promise<boolean> {
    const redis = this.#redis
    try {
      await redis.call(CONSEQUENCE, async (client) => await client.set(this.#keys(hash)[2], '1', 'PX', Math.max(this.#lockTtl, this.#resultTtl)))
      return true
    } catch {
      return false
    }
  }

  async #win (keys: readonly string[], fence: string, run: () => Promise<TokenSet>): Promise<TokenSet> {
    let tokens: TokenSet
    try {
      tokens = await run()
    } catch (err) {
      await this.#script(RELEASE, keys.slice(0, 1), [fence]).catch(() => {})
      throw err
    }
    let outcome: unknown
    try {
      outcome = await this.#script(FINISH, keys, [fence, this.#sealer.seal(tokens), this.#resultTtl])
    } catch {
      // Discord has rotated the token: the new set is the only live one, so this request uses
      // it even though no other instance can be told.
      return tokens
    }
    if (outcome === 'revoked') throw new RefreshRevoked(tokens)
    return tokens
  }

  #open (sealed: string): TokenSet {
    const value = this.#sealer.open(sealed)
    // A box no instance can open (another session key): nothing to hand out, and the old
    // token is dead at Discord.
    if (!isTokenSet(value)) throw new RefreshRevoked(null)
    return value
  }

  #keys (hash: string): [lock: string, result: string, revoked: string] {
    const base = this.#redis.key('refresh', `{${hash}}`)
    return [`${base}:lock`, `${base}:result`, `${base}:revoked`]
  }

  async #script (script: RedisScript, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
    try {
      return await this.#redis.script(CONSEQUENCE, script, keys, args)
    } catch (err) {
      throw new SharedStateUnavailable('the token refresh', 1, { cause: err })
    }
  }
}

/** First and longest pause between two looks at another instance's refresh, ms. */
const MIN_POLL = 10
const MAX_POLL = 100
