import { createHash, randomBytes } from 'node:crypto'

/**
 * A PKCE code verifier: 32 random bytes in base64url, 43 characters — Discord's minimum length
 * (RFC 7636 §4.1 allows 43 to 128).
 */
export function createCodeVerifier (): string {
  return randomBytes(32).toString('base64url')
}

/** The S256 challenge of a verifier; Discord refuses the `plain` method. */
export function createCodeChallenge (verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url')
}

/** An OAuth2 `state`: 128 random bits in base64url. */
export function createState (): string {
  return randomBytes(16).toString('base64url')
}
