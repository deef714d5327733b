/** `max`, `ttl` and an optional clock, as the in-process stores take them. */
export interface BoundedLruSettings {
  max: number
  /** Milliseconds. */
  ttl: number
  /** Clock for expiry, in milliseconds; `performance.now` when absent. */
  now?: (() => number) | undefined
}

/**
 * The `lru-cache` options of a store bounded by `max` entries and a `ttl`, checked.
 *
 * @throws RangeError when `max` or `ttl` is not a positive integer
 * @throws TypeError when `now` is given but is not a function
 */
export function boundedLruOptions (settings: BoundedLruSettings): { max: number, ttl: number, perf?: { now: () => number }, ttlResolution?: number } {
  const { max, ttl, now } = settings
  if (!Number.isSafeInteger(max) || max < 1) throw new RangeError(`\`max\` must be a positive integer, got ${String(max)}`)
  if (!Number.isSafeInteger(ttl) || ttl < 1) throw new RangeError(`\`ttl\` must be a positive integer of milliseconds, got ${String(ttl)}`)
  // lru-cache memoises "now" for ttlResolution ms (default 1) behind a real timer: under load
  // that is a timer set and fired every millisecond, whose handling (and the timer lists it
  // keeps rebuilding) costs a cached read more than reading the clock each time.
  if (now === undefined) return { max, ttl, ttlResolution: 0 }
  // Checked here: lru-cache would only call it, and fail, on the first read or write.
  if (typeof now !== 'function') throw new TypeError(`\`now\` must be a function returning milliseconds, got ${typeof now}`)
  // An injected clock must be read every time too, or fake time would not move expiry.
  // lru-cache also takes a start time of 0 for "no ttl", and fake clocks
  // (@sinonjs/fake-timers) start at 0: shift by one.
  return { max, ttl, perf: { now: () => now() + 1 }, ttlResolution: 0 }
}
