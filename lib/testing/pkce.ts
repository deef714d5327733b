import { createHash } from 'node:crypto'

/** RFC 7636 §4.1: 43–128 characters from the unreserved set. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/
/** An S256 challenge is the base64url SHA-256 of the verifier: always 43 characters. */
const CHALLENGE = /^[A-Za-z0-9\-_]{43}$/

export function isValidVerifier (verifier: string): boolean {
  return VERIFIER.test(verifier)
}

export function isValidChallenge (challenge: string): boolean {
  return CHALLENGE.test(challenge)
}

/** The S256 code challenge of `verifier`. */
export function s256 (verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url')
}
