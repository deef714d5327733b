import type { TokenSet } from '../contracts/token-set.js'

/** The session key under which fastify-discord keeps everything it stores. */
export const SESSION_KEY = 'discord'

/** One login attempt waiting for its callback. */
export interface PendingLogin {
  state: string
  /**
   * PKCE code verifier; encrypted with the rest of the session, never sent anywhere but the token
   * endpoint. Absent for a login Discord refuses PKCE for (`role_connections.write`).
   */
  verifier?: string
  /** When the attempt started, epoch ms; it expires after {@link STATE_TTL}. */
  createdAt: number
  data?: unknown
  next?: string
}

/** What fastify-discord keeps in the encrypted session, under {@link SESSION_KEY}. */
export interface DiscordSessionData {
  /** Login attempts in progress, oldest first, at most {@link MAX_PENDING}. */
  pending?: PendingLogin[]
  /** The token set, when no server-side token store is configured. */
  tokens?: TokenSet
  /** The opaque id of the token set in the server-side token store. */
  tokenId?: string
  /** Granted scopes, kept next to `tokenId` so `scopes` stays synchronous with a token store. */
  scopes?: string[]
  userId?: string
  /** A random id of this login, by which a logout is remembered (copies of the cookie read as logged out). */
  sessionId?: string
}

/** A state is good for 10 minutes. */
export const STATE_TTL = 10 * 60 * 1000

/** Login attempts kept per session (several tabs); bounds the cookie's size. */
export const MAX_PENDING = 3

/**
 * Most characters of JSON the pending logins may take together; older ones are dropped first
 * (the newest is always kept). With the token set this keeps the cookie near 2 KB at worst.
 */
export const PENDING_BUDGET = 1200

/** A longer `next` is ignored (the user lands on `successRedirect`). */
export const MAX_NEXT_LENGTH = 512

/** Largest `data` (as JSON) a login attempt may carry: the cookie must stay under 4 KB. */
export const MAX_DATA_LENGTH = 512
