/**
 * Sessions ended by a logout, remembered until every copy of their cookie has expired, so that a
 * copy (another tab's, a stolen one) reads as logged out too. Keyed by the random session id
 * the login writes into the cookie.
 *
 * The default, {@link MemoryRevokedSessions}, is process-local state: each process knows only the
 * logouts it served. A shared implementation (Redis) can replace it behind this interface; its
 * `isRevoked` stays synchronous because `request.discord.authorized` is, so such a store keeps a
 * local copy fed by the shared one.
 */
export interface RevokedSessions {
  /** Remembers `sessionId` as logged out until `until` (epoch ms, on the plugin's clock). */
  revoke (sessionId: string, until: number): void
  /** Whether `sessionId` was logged out and is still remembered. */
  isRevoked (sessionId: string): boolean
}

/** Options of {@link MemoryRevokedSessions}. */
export interface MemoryRevokedSessionsOptions {
  /** The plugin's clock, epoch ms. */
  now: () => number
  /** Most sessions remembered; past it the oldest revocation is forgotten first. @defaultValue 100000 */
  max?: number
}

const DEFAULT_MAX = 100_000

/**
 * In-process {@link RevokedSessions}: a Map in revocation order, bounded, each entry dropped at
 * its expiry. Revocations arrive in time order with one lifetime, so the oldest is also the first
 * to expire, and purging from the front is enough.
 */
export class MemoryRevokedSessions implements RevokedSessions {
  readonly #until = new Map<string, number>()
  readonly #now: () => number
  readonly #max: number

  constructor (options: MemoryRevokedSessionsOptions) {
    this.#now = options.now
    this.#max = options.max ?? DEFAULT_MAX
    if (!Number.isSafeInteger(this.#max) || this.#max < 1) throw new RangeError('`max` must be a positive integer')
  }

  revoke (sessionId: string, until: number): void {
    this.#purge()
    this.#until.delete(sessionId)
    this.#until.set(sessionId, until)
    // Bounded memory: a flood of logouts forgets the oldest first (its cookie copies read as
    // logged in again only if their tokens still work at Discord, which the logout revoked).
    while (this.#until.size > this.#max) this.#until.delete(this.#until.keys().next().value as string)
  }

  isRevoked (sessionId: string): boolean {
    const until = this.#until.get(sessionId)
    if (until === undefined) return false
    if (until > this.#now()) return true
    this.#until.delete(sessionId)
    return false
  }

  /** Sessions remembered now. */
  get size (): number {
    return this.#until.size
  }

  /** Forgets every revocation (on app close). */
  clear (): void {
    this.#until.clear()
  }

  #purge (): void {
    const now = this.#now()
    for (const [id, until] of this.#until) {
      if (until > now) break
      this.#until.delete(id)
    }
  }
}
