import { createHash } from 'node:crypto'
import type { FakeRateLimit } from './fake-discord.js'
import { matchesRoute } from './route-match.js'

/** Response headers and, when limited, the 429 body. */
export type RateLimitDecision =
  | { limited: false, headers: Record<string, string> }
  | { limited: true, headers: Record<string, string>, body: { message: string, retry_after: number, global: boolean } }

interface Window {
  count: number
  resetAt: number
}

interface ConfiguredLimit {
  readonly route: string
  readonly limit: number
  readonly windowMs: number
  readonly bucket: string
  readonly scope: 'user' | 'shared'
}

interface Forced {
  readonly route: string | null
  readonly retryAfter: number
  remaining: number
}

const MESSAGE = 'You are being rate limited.'

/** Seconds with millisecond precision, as Discord formats its rate-limit numbers. */
function seconds (ms: number): number {
  return Math.round(ms) / 1000
}

/**
 * Discord's rate limits for one fake: per (Authorization value × bucket) windows on routes a test
 * configured, an optional per-Authorization global limit, and forced global/shared 429s. Routes
 * with no configured limit get no headers at all, like Discord's.
 */
export class RateLimiter {
  readonly #limits: ConfiguredLimit[] = []
  readonly #windows = new Map<string, Window>()
  readonly #globalWindows = new Map<string, Window>()
  readonly #forced: Forced[] = []
  #globalPerSecond: number | null = null
  readonly #now: () => number

  constructor (now: () => number) {
    this.#now = now
  }

  setLimit (route: string, limit: FakeRateLimit): void {
    if (!Number.isInteger(limit.limit) || limit.limit < 1) throw new RangeError('`limit` must be a positive integer')
    if (!(limit.windowMs > 0)) throw new RangeError('`windowMs` must be positive')
    const existing = this.#limits.findIndex((l) => l.route === route)
    if (existing !== -1) this.#limits.splice(existing, 1)
    this.#limits.push({
      route,
      limit: limit.limit,
      windowMs: limit.windowMs,
      bucket: limit.bucket ?? createHash('sha1').update(route).digest('hex').slice(0, 32),
      scope: limit.scope ?? 'user'
    })
  }

  setGlobal (perSecond: number | null): void {
    if (perSecond !== null && (!Number.isInteger(perSecond) || perSecond < 1)) throw new RangeError('`perSecond` must be a positive integer or null')
    this.#globalPerSecond = perSecond
  }

  /** Queues forced 429s; `route` null means every API route (the global limit). */
  force (route: string | null, retryAfter: number, count: number): void {
    if (!(retryAfter >= 0)) throw new RangeError('`retryAfter` must be a non-negative number of seconds')
    if (!Number.isInteger(count) || count < 1) throw new RangeError('`count` must be a positive integer')
    this.#forced.push({ route, retryAfter, remaining: count })
  }

  /** Decides one API request; counts it against its window unless it is refused. */
  check (method: string, path: string, template: string, authorization: string): RateLimitDecision {
    const now = this.#now()
    const forcedGlobal = this.#takeForced((f) => f.route === null)
    if (forcedGlobal !== undefined) return globalLimited(forcedGlobal.retryAfter)

    if (this.#globalPerSecond !== null) {
      const w = this.#window(this.#globalWindows, authorization, 1000, now)
      if (w.count >= this.#globalPerSecond) return globalLimited(seconds(w.resetAt - now))
      w.count++
    }

    const limit = this.#limits.find((l) => matchesRoute(l.route, method, path, template))
    const forcedShared = this.#takeForced((f) => f.route !== null && matchesRoute(f.route, method, path, template))
    if (limit === undefined) {
      if (forcedShared === undefined) return { limited: false, headers: {} }
      return limited({}, forcedShared.retryAfter, 'shared')
    }

    const w = this.#window(this.#windows, `${authorization}\0${limit.bucket}`, limit.windowMs, now)
    if (forcedShared !== undefined) return limited(bucketHeaders(limit, w, now), forcedShared.retryAfter, 'shared')
    if (w.count >= limit.limit) return limited(bucketHeaders(limit, w, now), seconds(w.resetAt - now), limit.scope)
    w.count++
    return { limited: false, headers: bucketHeaders(limit, w, now) }
  }

  #window (map: Map<string, Window>, key: string, windowMs: number, now: number): Window {
    let w = map.get(key)
    if (w === undefined || now >= w.resetAt) {
      w = { count: 0, resetAt: now + windowMs }
      map.set(key, w)
    }
    return w
  }

  #takeForced (match: (f: Forced) => boolean): Forced | undefined {
    const index = this.#forced.findIndex(match)
    if (index === -1) return undefined
    const forced = this.#forced[index]!
    forced.remaining--
    if (forced.remaining === 0) this.#forced.splice(index, 1)
    return forced
  }
}

function bucketHeaders (limit: ConfiguredLimit, w: Window, now: number): Record<string, string> {
  return {
    'x-ratelimit-limit': String(limit.limit),
    'x-ratelimit-remaining': String(Math.max(0, limit.limit - w.count)),
    'x-ratelimit-reset': (w.resetAt / 1000).toFixed(3),
    'x-ratelimit-reset-after': ((w.resetAt - now) / 1000).toFixed(3),
    'x-ratelimit-bucket': limit.bucket
  }
}

function limited (headers: Record<string, string>, retryAfter: number, scope: 'user' | 'shared'): RateLimitDecision {
  return {
    limited: true,
    headers: { ...headers, 'retry-after': String(Math.ceil(retryAfter)), 'x-ratelimit-scope': scope },
    body: { message: MESSAGE, retry_after: retryAfter, global: false }
  }
}

function globalLimited (retryAfter: number): RateLimitDecision {
  return {
    limited: true,
    headers: { 'retry-after': String(Math.ceil(retryAfter)), 'x-ratelimit-global': 'true', 'x-ratelimit-scope': 'global' },
    body: { message: MESSAGE, retry_after: retryAfter, global: true }
  }
}
