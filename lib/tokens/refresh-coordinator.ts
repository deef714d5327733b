/**
 * Owns process-wide state: the refreshes in flight and the results of recent ones, shared by
 * every request of one plugin registration, and through Redis by every instance when the
 * plugin has `redis`.
 */
import { createHash } from 'node:crypto'
import { LRUCache } from 'lru-cache'
import type { TokenSet } from '../contracts/token-set.js'
import { RefreshRevoked, type SharedRefreshes } from './shared-refreshes.js'

/** Options of {@link RefreshCoordinator}. */
export interface RefreshCoordinatorOptions {
  /** How long the result of a refresh is handed to requests still carrying the old refresh token, ms. @defaultValue `60000` */
  ttl?: number
  /** Most recent results kept. @defaultValue `10000` */
  max?: number
  /** The same, across instances; `null`: this process only. */
  shared?: SharedRefreshes | null
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
  readonly #shared: SharedRefreshes | null

  constructor (options: RefreshCoordinatorOptions = {}) {
    this.#recent = new LRUCache({ max: options.max ?? 10_000, ttl: options.ttl ?? 60_000 })
    this.#shared = options.shared ?? null
  }

  /**
   * The token set that replaces `refreshToken`: a recent result, the refresh in flight, or
   * the result of `run()`.
   *
   * @param refreshToken - the refresh token the caller holds
   * @param run - performs the refresh at Discord
   * @throws SharedStateUnavailable, RefreshRevoked (with `shared`: see {@link SharedRefreshes.refresh})
   */
  async refresh (refreshToken: string, run: () => Promise<TokenSet>): Promise<TokenSet> {
    const key = keyOf(refreshToken)
    const recent = this.#recent.get(key)
    if (recent !== undefined) return recent
    let pending = this.#inflight.get(key)
    if (pending === undefined) {
      const shared = this.#shared
      pending = (shared === null ? run() : shared.refresh(key, run)).then((tokens) => {
        this.#recent.set(key, tokens)
        return tokens
      }).finally(() => {
        this.#inflight.delete(key)
      })
      this.#inflight.set(key, pending)
    }
    return pending
  }

  /**
   * The newest token set that replaced `refreshToken`, following the rotations remembered here
   * or by another instance and waiting for one in flight here; `null` when it was not refreshed
   * lately (or the refresh failed). Logout revokes that set rather than a rotated-out token, and
   * first marks each token of the chain (`end`) so that a refresh of it under way on another
   * instance hands its result to no one.
   */
  async latest (refreshToken: string, options: { end?: boolean } = {}): Promise<TokenSet | null> {
    const shared = this.#shared
    let newest: TokenSet | null = null
    let current: string | null = refreshToken
    // Bounded: each hop is one refresh within the last `ttl`.
    for (let hop = 0; current !== null && hop < MAX_HOPS; hop++) {
      const key = keyOf(current)
      // Marked before the result is looked up: another instance's refresh either kept its
      // result before the mark (and it is found below) or finds the mark.
      if (options.end === true && shared !== null) await shared.markRevoked(key)
      let next = this.#recent.get(key)
      if (next === undefined) {
        const pending = this.#inflight.get(key)
        try {
          next = pending === undefined ? (await shared?.result(key)) ?? undefined : await pending
        } catch (err) {
          // A refresh this logout ended: its set is the newest, and must be revoked too.
          if (!(err instanceof RefreshRevoked) || err.tokens === null) break
          next = err.tokens
        }
        if (next === undefined) break
      }
      newest = next
      current = next.refreshToken === current ? null : next.refreshToken
    }
    return newest
  }

  /** Forgets every result (on close). */
  clear (): void {
    this.#recent.clear()
  }
}

const MAX_HOPS = 10

function keyOf (refreshToken: string): string {
  return createHash('sha256').update(refreshToken).digest('base64url')
}
