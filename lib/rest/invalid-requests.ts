/**
 * Process-wide state: the invalid requests (401, 403, and 429 other than `shared` scope) this
 * process's REST client received in the last 10 minutes. Discord bans an IP for an hour past
 * 10,000 of them (https://discord.com/developers/docs/topics/rate-limits#invalid-request-limit-aka-cloudflare-bans),
 * and a ban takes every process behind that IP down with it, so the client stops short of it.
 * The count is not shared through Redis like the rate limits: it is per IP, and which instances
 * share an egress IP is not something a process can know; the default limit is half Discord's
 * threshold to leave room for the others.
 */

/** Discord's window for the invalid-request limit. */
export const INVALID_REQUEST_WINDOW = 10 * 60 * 1000

/** What {@link InvalidRequestCounter.record} reports, for the warning it may need. */
export type InvalidRequestLevel = 'below-half' | 'reached-half' | 'above-half'

/**
 * A sliding 10-minute count of invalid requests. Timestamps are kept in arrival order; the
 * client refuses calls past the limit, so at most about `limit` plus those in flight are held.
 */
export class InvalidRequestCounter {
  readonly #limit: number
  readonly #times: number[] = []
  #head = 0
  #warned = false

  constructor (limit: number) {
    this.#limit = limit
  }

  /** The configured limit. */
  get limit (): number {
    return this.#limit
  }

  /** Invalid requests in the window ending at `now`. */
  count (now: number): number {
    this.#expire(now)
    return this.#times.length - this.#head
  }

  /** Counts one invalid request; says whether the count has just reached half the limit (warn once per crossing). */
  record (now: number): InvalidRequestLevel {
    this.#expire(now)
    this.#times.push(now)
    const count = this.#times.length - this.#head
    if (count * 2 < this.#limit) return 'below-half'
    if (this.#warned) return 'above-half'
    this.#warned = true
    return 'reached-half'
  }

  /** Milliseconds until calls may be sent again, or 0 when the count is below the limit. */
  blockedFor (now: number): number {
    const count = this.count(now)
    if (count < this.#limit) return 0
    // The count drops below the limit when the entry `count - limit` from the oldest leaves the window.
    const leaving = this.#times[this.#head + count - this.#limit] as number
    return Math.max(1, leaving + INVALID_REQUEST_WINDOW - now)
  }

  #expire (now: number): void {
    const oldest = now - INVALID_REQUEST_WINDOW
    while (this.#head < this.#times.length && (this.#times[this.#head] as number) <= oldest) this.#head++
    if (this.#head > 1024 && this.#head * 2 > this.#times.length) {
      this.#times.splice(0, this.#head)
      this.#head = 0
    }
    if ((this.#times.length - this.#head) * 2 < this.#limit) this.#warned = false
  }
}
