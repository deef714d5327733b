/**
 * Owns process-wide state: the refreshes in flight and the results of recent ones, shared by
 * every request of one plugin registration.
 */
import { createHash } from 'node:crypto'
import { LRUCache } from 'lru-cache'
import type { TokenSet } from './token-set.js'

/** Options of {@link RefreshCoordinator}. */
export interface RefreshCoordinatorOptions {
  /** How long the result of a refresh is handed to requests still carrying the old refresh token, ms. @defaultValue `60000` */
  ttl?: number
  /** Most recent results kept. @defaultValue `10000` */
  max?: number
}

/**
 * Makes a refresh happen once per refresh token, however many requests need it.
 *
 * Discord rotates refresh tokens: after one refresh the old token is dead, and a second refresh
 * with it gets `invalid_grant`. Concurrent requests of one browser all carry the same old cookie,
 * so they share the refresh in flight, and a request that arrives just after it (still with the
 * old cookie) gets its result from a short-lived memory instead of logging the user out.
 * Keys are SHA-256 hashes of refresh tokens, never the tokens.
 */
export class RefreshCoordinator {
  readonly #inflight = new Map<string, Promise<TokenSet>>()
  readonly #recent: LRUCache<string, TokenSet>

  constructor (options: RefreshCoordinatorOptions = {}) {
    this.#recent = new LRUCache({ max: options.max ?? 10_000, ttl: options.ttl ?? 60_000 })
  }

  /**
   * The token set that replaces `refreshToken`: a recent result, the refresh in flight, or
   * the result of `run()`.
   *
   * @param refreshToken - the refresh token the caller holds
   * @param run - performs the refresh at Discord
   */
  async refresh (refreshToken: string, run: () => Promise<TokenSet>): Promise<TokenSet> {
    const key = createHash('sha256').update(refreshToken).digest('base64url')
    const recent = this.#recent.get(key)
    if (recent !== undefined) return recent
    let pending = this.#inflight.get(key)
    if (pending === undefined) {
      pending = run().then((tokens) => {
        this.#recent.set(key, tokens)
        return tokens
      }).finally(() => {
        this.#inflight.delete(key)
      })
      this.#inflight.set(key, pending)
    }
    return pending
  }

  /** Forgets every result (on close). */
  clear (): void {
    this.#recent.clear()
  }
}
