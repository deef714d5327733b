/** Discord's `X-RateLimit-*` headers of one response, parsed. `null` where a header was absent or unreadable. */
export interface RateLimitHeaders {
  /** At least one `X-RateLimit-*` header was present. Routes without limits send none. */
  present: boolean
  limit: number | null
  remaining: number | null
  /** Seconds until the bucket resets (relative: immune to clock skew). */
  resetAfter: number | null
  /** Epoch seconds at which the bucket resets (absolute: wrong when clocks differ). */
  reset: number | null
  bucket: string | null
  global: boolean
  scope: string | null
}

/** Reads the rate-limit headers of a response. */
export function parseRateLimitHeaders (headers: Headers): RateLimitHeaders {
  const bucket = headers.get('x-ratelimit-bucket')
  const scope = headers.get('x-ratelimit-scope')
  const limit = number(headers.get('x-ratelimit-limit'))
  const remaining = number(headers.get('x-ratelimit-remaining'))
  const resetAfter = number(headers.get('x-ratelimit-reset-after'))
  const reset = number(headers.get('x-ratelimit-reset'))
  const global = headers.get('x-ratelimit-global')
  return {
    present: bucket !== null || limit !== null || remaining !== null || resetAfter !== null || reset !== null || global !== null,
    limit,
    remaining,
    resetAfter,
    reset,
    bucket,
    global: global !== null && global.toLowerCase() !== 'false',
    scope
  }
}

/**
 * Milliseconds until the bucket resets, measured from `now`: `X-RateLimit-Reset-After` when
 * present, else the absolute `X-RateLimit-Reset`, else `null`.
 */
export function resetInMs (headers: RateLimitHeaders, now: number): number | null {
  if (headers.resetAfter !== null) return Math.max(0, headers.resetAfter * 1000)
  if (headers.reset !== null) return Math.max(0, headers.reset * 1000 - now)
  return null
}

/**
 * Seconds to wait after a 429: the body's `retry_after` (float seconds in API v10), else the
 * `Retry-After` header (whole seconds, or an HTTP date), else `null`.
 */
export function retryAfterSeconds (headers: Headers, body: unknown, now: number): number | null {
  if (typeof body === 'object' && body !== null) {
    const value = (body as { retry_after?: unknown }).retry_after
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value
  }
  const header = headers.get('retry-after')
  if (header === null) return null
  const seconds = number(header)
  if (seconds !== null) return Math.max(0, seconds)
  const date = Date.parse(header)
  return Number.isNaN(date) ? null : Math.max(0, (date - now) / 1000)
}

function number (value: string | null): number | null {
  if (value === null || value.trim() === '') return null
  const parsed = Number(value)
  return Number.isFinite(parsed) ? parsed : null
}
