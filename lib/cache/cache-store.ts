/**
 * The users cache contract (Quart-Discord's `users_cache`). Values are plain JSON payloads as
 * Discord sent them, so a store may serialise them (Redis) or keep them as they are (memory).
 *
 * Keys are namespaced by the user id, e.g. `user:<id>:profile`, so that
 * {@link CacheStore.deleteUser} can drop one user's entries. `get`, `set` and `delete` are the
 * contract (API.md §6); `deleteUser` is an optional shortcut.
 */
export interface CacheStore {
  get (key: string): Promise<unknown>
  /** @param ttl - time to live in milliseconds; the store's default when omitted */
  set (key: string, value: unknown, ttl?: number): Promise<void>
  delete (key: string): Promise<void>
  /**
   * Drops every entry of one user (on revoke, logout, or a change of granted scopes). Optional:
   * without it the users cache deletes the keys it writes for a user (`user:<id>:profile`,
   * `:guilds`, `:connections`) one by one.
   */
  deleteUser? (userId: string): Promise<void>
}
