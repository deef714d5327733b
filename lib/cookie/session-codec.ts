import type { DiscordSessionData, PendingLogin } from './session-data.js'
import type { TokenSet } from '../contracts/token-set.js'

/**
 * How {@link DiscordSessionData} travels in the encrypted cookie: one flat object with one-letter
 * keys. A token set spelled out (`"accessToken"`, `"refreshToken"`, `"tokenType":"Bearer"`, a
 * scopes array) nearly doubles the cookie, which has to share its 4 KB with pending logins and
 * the app's own session data, and every request decrypts and parses it: its size shows in
 * every request's cost (bench/README.md, "Where C's extra time goes", has the profile).
 */
export interface StoredSessionData {
  /** userId */
  u?: string
  /** tokens.accessToken */
  a?: string
  /** tokens.refreshToken; absent when Discord gave none */
  r?: string
  /** tokens.expiresAt, epoch ms */
  e?: number
  /** tokens.tokenType; absent for `Bearer`, the only type Discord issues */
  t?: string
  /** The granted scopes, space-separated as in OAuth2 (tokens.scopes, or scopes next to a token-store id) */
  s?: string
  /** tokenId */
  i?: string
  /** pending */
  p?: PendingLogin[]
  /** sessionId */
  n?: string
}

/** The session data a stored value holds; anything unexpected reads as an empty (logged-out) session. */
export function decodeSessionData (value: unknown): DiscordSessionData {
  if (typeof value !== 'object' || value === null) return {}
  const stored = value as StoredSessionData
  const data: DiscordSessionData = {}
  if (Array.isArray(stored.p)) data.pending = stored.p.filter(isPendingLogin)
  if (typeof stored.u === 'string') data.userId = stored.u
  if (typeof stored.n === 'string') data.sessionId = stored.n
  const scopes = typeof stored.s === 'string' ? splitScopes(stored.s) : []
  if (typeof stored.i === 'string') {
    data.tokenId = stored.i
    data.scopes = scopes
  } else if (typeof stored.a === 'string' && typeof stored.e === 'number') {
    data.tokens = {
      accessToken: stored.a,
      refreshToken: typeof stored.r === 'string' ? stored.r : null,
      tokenType: typeof stored.t === 'string' ? stored.t : 'Bearer',
      expiresAt: stored.e,
      scopes
    }
  }
  return data
}

/** The stored form of {@link DiscordSessionData}. */
export function encodeSessionData (data: DiscordSessionData): StoredSessionData {
  const stored: StoredSessionData = {}
  if (data.userId !== undefined) stored.u = data.userId
  if (data.sessionId !== undefined) stored.n = data.sessionId
  const tokens: TokenSet | undefined = data.tokens
  if (data.tokenId !== undefined) {
    stored.i = data.tokenId
    stored.s = (data.scopes ?? []).join(' ')
  } else if (tokens !== undefined) {
    stored.a = tokens.accessToken
    if (tokens.refreshToken !== null) stored.r = tokens.refreshToken
    stored.e = tokens.expiresAt
    if (tokens.tokenType !== 'Bearer') stored.t = tokens.tokenType
    stored.s = tokens.scopes.join(' ')
  }
  if (data.pending !== undefined && data.pending.length > 0) stored.p = data.pending
  return stored
}

function isPendingLogin (value: unknown): value is PendingLogin {
  const p = value as Partial<PendingLogin> | null
  return typeof p === 'object' && p !== null && typeof p.state === 'string' && (p.verifier === undefined || typeof p.verifier === 'string') && typeof p.createdAt === 'number'
}

function splitScopes (scopes: string): string[] {
  return scopes === '' ? [] : scopes.split(' ')
}
