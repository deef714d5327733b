/**
 * The OAuth2 token set of one session, as stored by a {@link TokenStore}. Plain JSON: it must
 * survive a cookie or a Redis round trip, so the expiry is an absolute epoch in milliseconds
 * (simple-oauth2's `expires_at` Date does not survive JSON).
 */
export interface TokenSet {
  accessToken: string
  refreshToken: string | null
  /** `Bearer` for Discord user tokens. */
  tokenType: string
  /** Absolute expiry, milliseconds since the epoch. */
  expiresAt: number
  /** Granted scopes, as Discord returned them. */
  scopes: string[]
}

/** Whether `value` has the shape of a {@link TokenSet} (what comes back out of Redis is checked). */
export function isTokenSet (value: unknown): value is TokenSet {
  if (typeof value !== 'object' || value === null) return false
  const tokens = value as Partial<TokenSet>
  return typeof tokens.accessToken === 'string' &&
    (tokens.refreshToken === null || typeof tokens.refreshToken === 'string') &&
    typeof tokens.tokenType === 'string' &&
    typeof tokens.expiresAt === 'number' &&
    Array.isArray(tokens.scopes) && tokens.scopes.every((scope) => typeof scope === 'string')
}
