/**
 * Logged-out sessions shared by the instances: each keeps the set in memory (its checks stay
 * synchronous and off the network), fed by the others through Redis.
 */
import { RedisScript } from '../redis/redis-script.js'
import type { SharedRedis } from '../redis/shared-redis.js'
import { MemoryRevokedSessions, type RevokedSessions } from './revoked-sessions.js'

const CHANNEL = 'revoked-sessions'

/** How long after a failed read of the shared set it is read again, ms. */
const LOAD_RETRY = 500

/** What a Redis outage means here, for the outage's one log line. */
const CONSEQUENCE = 'a logout is known to this instance only (its tokens are still revoked at Discord)'

/**
 * One sorted set of session ids scored by when their cookies have all expired: added, trimmed
 * (expired first, then the oldest past `max`) and announced in one round trip.
 */
const REVOKE = new RedisScript(`
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
local extra = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[4])
if extra > 0 then redis.call('ZREMRANGEBYRANK', KEYS[1], 0, extra - 1) end
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('PUBLISH', ARGV[6], ARGV[2] .. ' ' .. ARGV[1])
return 0
`)

const LOAD = new RedisScript(`
return redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '+inf', 'WITHSCORES')
`)

/** Options of {@link SharedRevokedSessions}. */
export interface SharedRevokedSessionsOptions {
  redis: SharedRedis
  /** The plugin's clock, epoch ms. */
  now: () => number
  /** How long a logout is remembered, ms: the session cookie's lifetime. */
  lifetime: number
  /** Most sessions remembered. @defaultValue 100000 */
  max?: number
}

/**
 * {@link RevokedSessions} across instances. A logout is remembered here at once and reaches the
 * others through a Redis message; an instance that starts, or whose subscription comes back
 * after an outage, reads the whole set, having missed messages.
 */
export class SharedRevokedSessions implements RevokedSessions {
  readonly #local: MemoryRevokedSessions
  readonly #redis: SharedRedis
  readonly #now: () => number
  readonly #lifetime: number
  readonly #max: number
  /** A load that failed is tried again after LOAD_RETRY ms, until one succeeds or the app closes. */
  #retry: NodeJS.Timeout | null = null
  #closed = false

  constructor (options: SharedRevokedSessionsOptions) {
    this.#max = options.max ?? 100_000
    this.#local = new MemoryRevokedSessions({ now: options.now, max: this.#max })
    this.#redis = options.redis
    this.#now = options.now
    this.#lifetime = options.lifetime
  }

  /** Subscribes to the other instances' logouts and reads those made before. */
  async start (): Promise<void> {
    await this.#redis.subscribe(CHANNEL, (message) => { this.#receive(message) })
    this.#redis.onReconnect(() => { this.#load().catch(() => {}) })
    await this.#load()
  }

  revoke (sessionId: string, until: number): void {
    this.#local.revoke(sessionId, until)
    const redis = this.#redis
    redis.script(CONSEQUENCE, REVOKE, [redis.key(CHANNEL)], [sessionId, until, this.#now(), this.#max, this.#lifetime, redis.prefix + CHANNEL])
      .catch(() => { /* logged once per outage by SharedRedis */ })
  }

  isRevoked (sessionId: string): boolean {
    return this.#local.isRevoked(sessionId)
  }

  /** Forgets this instance's copy (on app close); the shared set stays for the others. */
  clear (): void {
    this.#closed = true
    if (this.#retry !== null) clearTimeout(this.#retry)
    this.#local.clear()
  }

  #receive (message: string): void {
    const space = message.indexOf(' ')
    const until = Number(message.slice(0, space))
    if (space < 1 || !Number.isFinite(until) || until <= this.#now()) return
    this.#local.revoke(message.slice(space + 1), until)
  }

  async #load (): Promise<void> {
    const redis = this.#redis
    let entries: string[]
    try {
      // ZRANGEBYSCORE … WITHSCORES: member, score, member, score…
      entries = await redis.script(CONSEQUENCE, LOAD, [redis.key(CHANNEL)], [this.#now()]) as string[]
    } catch {
      // The subscription can be back before the command connection is (each reconnects on its
      // own backoff): the logouts missed meanwhile are read once Redis answers.
      if (!this.#closed && this.#retry === null) {
        this.#retry = setTimeout(() => {
          this.#retry = null
          this.#load().catch(() => {})
        }, LOAD_RETRY)
        this.#retry.unref()
      }
      return
    }
    for (let i = 0; i + 1 < entries.length; i += 2) this.#receive(`${String(entries[i + 1])} ${String(entries[i])}`)
  }
}
