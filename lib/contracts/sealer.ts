/**
 * Encrypts what the plugin keeps outside the cookie (token sets in Redis) with the session key,
 * so that reading Redis does not give away a token. Built from @fastify/secure-session's own
 * seal, so key rotation works as it does for the cookie.
 */
export interface Sealer {
  /** The value (JSON-serialisable), encrypted and authenticated. */
  seal (value: unknown): string
  /** The value sealed in `text`, or `undefined` when it was tampered with, sealed with another key, or expired. */
  open (text: string): unknown
}
