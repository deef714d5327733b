/**
 * Rate limits shared by every instance of the app through Redis: before a request goes, its
 * instance reserves a slot in the identity's bucket and global window (atomically, in
 * {@link RESERVE}); Discord's answer is recorded for all ({@link SETTLE}). Together the instances
 * never exceed a bucket or the global limit.
 *
 * The process-local buckets (bucket.ts) keep running underneath: they queue this process's
 * requests and learn from every answer, so when Redis is unavailable the client falls back to
 * them alone. That is safe: Discord still enforces its limits, and the client handles its 429s;
 * instances only lose the guarantee of never meeting one. The invalid-request counter
 * (invalid-requests.ts) stays per process on purpose: Discord counts invalid requests per IP
 * address, and which instances share an egress IP is not something the plugin can know.
 */
import { randomUUID } from 'node:crypto'
import { RedisUnavailable, type SharedRedis } from '../redis/shared-redis.js'
import type { Wait } from './bucket.js'
import { resetInMs, type RateLimitHeaders } from './rate-limit-headers.js'
import { RESERVE, SETTLE } from './rate-limit-scripts.js'
import type { RouteData } from './route-key.js'

/** The outage's one log line says this. */
export const RATE_LIMIT_FALLBACK = 'rate limits fall back to process-local buckets (Discord still enforces them)'

/** How often a request asks again while another one, maybe on another instance, learns its bucket. */
export const LEARN_POLL_MS = 20
/** How long a bucket's state outlives its last window without use. */
const KEEP_MS = 60_000
/** A learned route → bucket hash mapping is dropped after a day without use, like Discord's own hashes. */
const ROUTE_LIFETIME_MS = 24 * 60 * 60 * 1000

/** The slot a request reserved: hand it back with {@link SharedRateLimits.settle}. */
export interface SharedSlot {
  readonly route: string
  readonly global: string
  readonly globalWindow: string
  readonly bucket: string
  readonly window: number
  /** The request's member in the global window. */
  readonly sent: string
  /** This request learns an unknown bucket, alone across the instances. */
  readonly learning: boolean
  readonly major: string
  readonly identity: string
}

/**
 * Go with a slot now; or wait for a rate limit and ask again; or ask again after `poll` ms, once
 * an answer on its way has told more (not a rate-limit wait: no policy refuses it, as no policy
 * refuses the local bucket's wait for its learning request).
 */
export type Reservation = { slot: SharedSlot } | { wait: Wait } | { poll: number }

/** A 429's verdict: the bucket is blocked or the identity paused, for `ms`. */
export interface SharedVerdict {
  kind: 'bucket' | 'global'
  ms: number
}

/** What {@link SharedRateLimits} needs from the client's options. */
export interface SharedRateLimitsOptions {
  readonly globalRequestsPerSecond: number
  /** Added to every learned reset, to absorb rounding of Discord's `reset_after`. */
  readonly offset: number
  /** Longest an attempt may take: a learning request that never answers frees its bucket after it. */
  readonly learnMs: number
}

/**
 * The Redis side of the REST client's rate limits. Every call goes through
 * {@link SharedRedis.script}, so an outage is logged once; while Redis is known to be down,
 * requests use the local buckets alone and at most one probe at a time checks whether it is back.
 */
export class SharedRateLimits {
  readonly #redis: SharedRedis
  readonly #options: SharedRateLimitsOptions
  #probe: Promise<void> | null = null

  constructor (redis: SharedRedis, options: SharedRateLimitsOptions) {
    this.#redis = redis
    this.#options = options
  }

  /**
   * Reserves a slot for a request of `identity` on `route`, or says how long to wait first.
   * `null`: Redis is unavailable, and the local buckets alone decide.
   *
   * @param hash - the bucket hash this process knows for the route, if any
   */
  async reserve (identity: string, route: RouteData, hash: string | null): Promise<Reservation | null> {
    if (this.#redis.down) {
      this.#startProbe()
      return null
    }
    const { globalRequestsPerSecond, learnMs, offset } = this.#options
    let known = hash
    const sent = randomUUID()
    try {
      // Asks again, at most once per remapping, when Redis knows the route under another hash.
      for (;;) {
        const keys = this.#keys(identity, route, known)
        const answer = await this.#redis.script(RATE_LIMIT_FALLBACK, RESERVE, [keys.route, keys.global, keys.bucket, keys.globalWindow],
          [known ?? '', globalRequestsPerSecond, learnMs, LEARN_POLL_MS, offset, KEEP_MS, ROUTE_LIFETIME_MS, sent]) as [string, number | string, number?]
        if (answer[0] === 'hash') {
          known = String(answer[1])
          continue
        }
        if (answer[0] === 'wait') return { wait: { ms: Number(answer[1]), global: answer[2] === 1 } }
        if (answer[0] === 'poll') return { poll: Number(answer[1]) }
        return { slot: { ...keys, window: Number(answer[1]), sent, learning: answer[2] === 1, major: route.major, identity } }
      }
    } catch (err) {
      if (err instanceof RedisUnavailable) return null
      throw err
    }
  }

  /**
   * Records what became of a reserved request, without waiting for Redis: its answer's headers
   * (`null` when no answer came) and a 429's verdict. Commands of one connection run in order,
   * so this process's next reservation sees it, except when Redis has to load the script first
   * (NOSCRIPT: a new or restarted server); the scripts allow for an answer recorded late.
   */
  settle (slot: SharedSlot, headers: RateLimitHeaders | null, status: number, verdict: SharedVerdict | null, now: number): void {
    if (this.#redis.down) return
    const to = headers?.bucket == null ? slot.bucket : this.#bucketKey(slot.identity, headers.bucket, slot.major)
    const outcome = headers === null ? 'none' : !headers.present && status !== 429 ? 'unlimited' : 'answer'
    const resetIn = headers === null ? null : resetInMs(headers, now)
    const args = [
      slot.window, slot.learning ? 1 : 0, outcome, headers?.limit ?? -1, headers?.remaining ?? -1, resetIn ?? -1,
      headers?.bucket ?? '', verdict?.kind ?? '', verdict?.ms ?? 0, this.#options.offset, KEEP_MS, ROUTE_LIFETIME_MS, slot.sent
    ]
    this.#redis.script(RATE_LIMIT_FALLBACK, SETTLE, [slot.route, slot.global, slot.bucket, to, slot.globalWindow], args).catch(() => {
      // Logged once per outage by SharedRedis; the local bucket learned the same answer.
    })
  }

  /** One call at a time checks whether Redis is back; SharedRedis logs the recovery. */
  #startProbe (): void {
    if (this.#probe !== null) return
    // A GET of a key no one writes: the RedisClient contract has no PING.
    const key = this.#redis.key('rate-limit', 'probe')
    this.#probe = this.#redis.call(RATE_LIMIT_FALLBACK, async (client) => { await client.get(key) })
      .catch(() => {})
      .finally(() => { this.#probe = null })
  }

  #keys (identity: string, route: RouteData, hash: string | null): { route: string, global: string, globalWindow: string, bucket: string } {
    return {
      route: this.#redis.key('rate-limit', `{${identity}}`, 'route', route.key),
      global: this.#redis.key('rate-limit', `{${identity}}`, 'global'),
      globalWindow: this.#redis.key('rate-limit', `{${identity}}`, 'global-window'),
      bucket: this.#bucketKey(identity, hash ?? route.key, route.major)
    }
  }

  #bucketKey (identity: string, hashOrRoute: string, major: string): string {
    return this.#redis.key('rate-limit', `{${identity}}`, 'bucket', hashOrRoute, major)
  }
}
