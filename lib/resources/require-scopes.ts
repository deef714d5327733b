import { MissingScope } from '../errors/missing-scope.js'
import { Unauthorized } from '../errors/unauthorized.js'

/**
 * Throws before any call to Discord when the session is not logged in, or lacks a scope the
 * operation needs: Discord would answer 401/403, and those count towards its invalid-request
 * limit. Logged out comes first: a session without tokens has no scopes either, and "log in" is
 * what its user must hear, not "grant `identify`" (API.md §3).
 *
 * @throws Unauthorized without a token set, MissingScope naming the scopes that are missing
 */
export function requireScopes (session: { readonly authorized: boolean, readonly scopes: readonly string[] }, needed: readonly string[], operation: string): void {
  if (!session.authorized) throw new Unauthorized(`${operation} needs a logged-in session`)
  const granted = session.scopes
  for (const scope of needed) {
    if (!granted.includes(scope)) throw new MissingScope(needed.filter((s) => !granted.includes(s)), operation)
  }
}
