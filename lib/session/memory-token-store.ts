import type { TokenSet } from './token-set.js'
import type { TokenStore } from './token-store.js'

/**
 * A {@link TokenStore} in this process's memory, for tests and examples. Sessions do not survive
 * a restart and are not shared between processes; production wants Redis or a database.
 */
export class MemoryTokenStore implements TokenStore {
  readonly #sets = new Map<string, string>()

  /** Number of token sets held. */
  get size (): number {
    return this.#sets.size
  }

  async get (id: string): Promise<TokenSet | undefined> {
    const json = this.#sets.get(id)
    // Stored as JSON so that callers never share (or mutate) the stored object.
    return json === undefined ? undefined : JSON.parse(json) as TokenSet
  }

  async set (id: string, tokens: TokenSet): Promise<void> {
    this.#sets.set(id, JSON.stringify(tokens))
  }

  async delete (id: string): Promise<void> {
    this.#sets.delete(id)
  }
}
