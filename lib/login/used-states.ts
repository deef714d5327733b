/**
 * Owns process-wide state: the OAuth2 states consumed in the last 10 minutes, shared by every
 * request of one plugin registration.
 */
import { createHash } from 'node:crypto'
import { LRUCache } from 'lru-cache'
import { STATE_TTL } from '../cookie/session-data.js'

/**
 * Remembers consumed states, so that a callback replayed with an old copy of the session
 * cookie (which still lists the state) is refused. The cookie alone cannot enforce single use:
 * the client keeps every cookie it was ever sent. Keys are SHA-256 hashes of states.
 */
export class UsedStates {
  readonly #used: LRUCache<string, true>

  constructor (options: { max?: number } = {}) {
    this.#used = new LRUCache({ max: options.max ?? 100_000, ttl: STATE_TTL })
  }

  /** Marks `state` consumed; false when it already was. */
  consume (state: string): boolean {
    const key = createHash('sha256').update(state).digest('base64url')
    if (this.#used.has(key)) return false
    this.#used.set(key, true)
    return true
  }

  clear (): void {
    this.#used.clear()
  }
}
