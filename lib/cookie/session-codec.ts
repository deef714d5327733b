import type { DiscordSessionData, PendingLogin } from './session-data.js'

/**
 * How {@link DiscordSessionData} travels in the encrypted cookie: one JSON array, each field at
 * its place, `0` for a field that is absent, trailing absent fields left out. Field names and a
 * spelled-out token set (`"accessToken"`, `"tokenType":"Bearer"`, a scopes array) would nearly
 * double the cookie, which has to share its 4 KB with pending logins and the app's own session
 * data, and which every authorized request decrypts and parses (bench/README.md, "Where the
 * time goes").
 *
 * A value in any other shape (the keyed object of earlier versions, or anything tampered with
 * that still decrypts) reads as an empty, logged-out session.
 */
export type StoredSessionData = [
  userId?: string | 0,
  /** The random id of this login, by which a logout is remembered. */
  sessionId?: string | 0,
  /** The granted scopes, space-separated as in OAuth2 (tokens.scopes, or the scopes next to a token-store id). */
  scopes?: string | 0,
  /** tokens.accessToken */
  accessToken?: string | 0,
  /** tokens.expiresAt, epoch ms */
  expiresAt?: number | 0,
  /** tokens.refreshToken; `0` when Discord gave none */
  refreshToken?: string | 0,
  /** tokens.tokenType; `0` for `Bearer`, the only type Discord issues */
  tokenType?: string | 0,
  /** The id of the token set in the token store, instead of the token set. */
  tokenId?: string | 0,
  pending?: StoredPendingLogin[]
]

/** A {@link PendingLogin}: `[state, createdAt, verifier or 0, next or 0, data]`, `data` only when given. */
export type StoredPendingLogin = [state: string, createdAt: number, verifier: string | 0, next: string | 0, data?: unknown]

const USER_ID = 0
const SESSION_ID = 1
const SCOPES = 2
const ACCESS_TOKEN = 3
const EXPIRES_AT = 4
const REFRESH_TOKEN = 5
const TOKEN_TYPE = 6
const TOKEN_ID = 7
const PENDING = 8

/** The session data a stored value holds; anything unexpected reads as an empty (logged-out) session. */
export function decodeSessionData (value: unknown): DiscordSessionData {
  if (!Array.isArray(value)) return {}
  const stored = value as unknown[]
  const data: DiscordSessionData = {}
  const pending = stored[PENDING]
  if (Array.isArray(pending)) data.pending = decodePending(pending)
  const userId = stored[USER_ID]
  if (typeof userId === 'string') data.userId = userId
  const sessionId = stored[SESSION_ID]
  if (typeof sessionId === 'string') data.sessionId = sessionId
  const scopes = stored[SCOPES]
  const tokenId = stored[TOKEN_ID]
  if (typeof tokenId === 'string') {
    data.tokenId = tokenId
    data.scopes = splitScopes(scopes)
    return data
  }
  const accessToken = stored[ACCESS_TOKEN]
  const expiresAt = stored[EXPIRES_AT]
  if (typeof accessToken === 'string' && typeof expiresAt === 'number') {
    const refreshToken = stored[REFRESH_TOKEN]
    const tokenType = stored[TOKEN_TYPE]
    data.tokens = {
      accessToken,
      refreshToken: typeof refreshToken === 'string' ? refreshToken : null,
      tokenType: typeof tokenType === 'string' ? tokenType : 'Bearer',
      expiresAt,
      scopes: splitScopes(scopes)
    }
  }
  return data
}

/** The stored form of {@link DiscordSessionData}. */
export function encodeSessionData (data: DiscordSessionData): StoredSessionData {
  const stored: Array<string | number | StoredPendingLogin[]> = [
    data.userId ?? 0,
    data.sessionId ?? 0
  ]
  const tokens = data.tokens
  if (data.tokenId !== undefined) {
    stored.push((data.scopes ?? []).join(' '), 0, 0, 0, 0, data.tokenId)
  } else if (tokens !== undefined) {
    stored.push(tokens.scopes.join(' '), tokens.accessToken, tokens.expiresAt, tokens.refreshToken ?? 0, tokens.tokenType === 'Bearer' ? 0 : tokens.tokenType)
  }
  if (data.pending !== undefined && data.pending.length > 0) {
    while (stored.length < PENDING) stored.push(0)
    stored.push(data.pending.map(encodePending))
  }
  // A token set keeps its expiry even at 0: without it, it would read as no token set.
  const kept = data.tokenId === undefined && tokens !== undefined ? EXPIRES_AT + 1 : 0
  while (stored.length > kept && stored[stored.length - 1] === 0) stored.pop()
  return stored as StoredSessionData
}

function encodePending (login: PendingLogin): StoredPendingLogin {
  const stored: StoredPendingLogin = [login.state, login.createdAt, login.verifier ?? 0, login.next ?? 0]
  if (login.data !== undefined) stored.push(login.data)
  return stored
}

/** The well-formed pending logins of a stored list; the others are dropped. */
function decodePending (stored: unknown[]): PendingLogin[] {
  const logins: PendingLogin[] = []
  for (const item of stored) {
    if (!Array.isArray(item)) continue
    const [state, createdAt, verifier, next] = item as unknown[]
    if (typeof state !== 'string' || typeof createdAt !== 'number') continue
    if (verifier !== 0 && typeof verifier !== 'string') continue
    const login: PendingLogin = { state, createdAt }
    if (typeof verifier === 'string') login.verifier = verifier
    if (typeof next === 'string') login.next = next
    if (item.length > 4) login.data = item[4]
    logins.push(login)
  }
  return logins
}

function splitScopes (scopes: unknown): string[] {
  return typeof scopes !== 'string' || scopes === '' ? [] : scopes.split(' ')
}
