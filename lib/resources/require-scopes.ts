import { MissingScope } from '../errors/missing-scope.js'

/**
 * Throws before any call to Discord when the session lacks a scope the operation needs: Discord
 * would answer 401/403, and those count towards its invalid-request limit.
 *
 * @throws MissingScope naming the scopes that are missing
 */
export function requireScopes (granted: readonly string[], needed: readonly string[], operation: string): void {
  for (const scope of needed) {
    if (!granted.includes(scope)) throw new MissingScope(needed.filter((s) => !granted.includes(s)), operation)
  }
}
