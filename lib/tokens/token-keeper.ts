import { randomBytes } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import type { UsersCache } from '../cache/users-cache.js'
import type { SessionCookie } from '../cookie/session-cookie.js'
import type { DiscordSessionData } from '../cookie/session-data.js'
import { failureFields } from '../errors/failure-fields.js'
import { OAuth2Error } from '../errors/oauth2-error.js'
import { SharedStateUnavailable } from '../errors/shared-state-unavailable.js'
import { Unauthorized } from '../errors/unauthorized.js'
import type { DiscordOAuthClient } from '../oauth/discord-oauth-client.js'
import type { RestClient } from '../rest/rest-client.js'
import type { ShapedCallOptions } from '../contracts/request-options.js'
import type { TokenSet } from '../contracts/token-set.js'
import type { TokenStore } from '../contracts/token-store.js'
import type { RefreshCoordinator } from './refresh-coordinator.js'
import type { RevokedSessions } from './revoked-sessions.js'
import { RefreshRevoked } from './shared-refreshes.js'

/** A token within this many ms of expiry is refreshed before use. */
export const REFRESH_MARGIN = 60 * 1000

/** What the token keepers of one plugin registration share; built once at registration. */
export interface TokenKeeping {
  readonly oauth: Pick<DiscordOAuthClient, 'refreshAccessToken' | 'revokeToken'>
  readonly rest: Pick<RestClient, 'request'>
  readonly cache: Pick<UsersCache, 'invalidate'>
  readonly refresher: RefreshCoordinator
  /** `null`: token sets live in the encrypted cookie. */
  readonly tokenStore: TokenStore | null
  readonly now: () => number
  /** Logged-out sessions, checked on every read of the session. */
  readonly revoked: RevokedSessions
  /** How long a logout is remembered, ms: the session cookie's lifetime, after which every copy has expired. */
  readonly sessionLifetime: number
}

const NOTHING: DiscordSessionData = Object.freeze({}) as DiscordSessionData

/**
 * The token lifecycle of one request's session: reads the token set (from the cookie or the
 * token store), refreshes it when due, saves, revokes and clears it, and calls Discord with it.
 */
export class TokenKeeper {
  readonly #cookie: SessionCookie
  /** The request, for its logger: read at each line, since an app may give the request a child logger. */
  readonly #request: { readonly log: FastifyBaseLogger }
  readonly #ctx: TokenKeeping
  /** Token set read during this request (`null`: none), so a store is read once per request. */
  #tokens: TokenSet | null | undefined
  /** The cookie's value last found not logged out. */
  #live: DiscordSessionData | undefined

  constructor (cookie: SessionCookie, request: { readonly log: FastifyBaseLogger }, ctx: TokenKeeping) {
    this.#cookie = cookie
    this.#request = request
    this.#ctx = ctx
  }

  /** See `DiscordSession.authorized`. */
  get authorized (): boolean {
    const data = this.#data()
    if (data.tokenId !== undefined) return true
    const tokens = data.tokens
    if (tokens === undefined) return false
    return tokens.refreshToken !== null || tokens.expiresAt > this.#ctx.now()
  }

  /** The Discord user id of this session, when the `identify` scope was granted. */
  get userId (): string | null {
    return this.#data().userId ?? null
  }

  /** The scopes Discord granted to this session (a copy). */
  get scopes (): string[] {
    const data = this.#data()
    return [...(data.tokens?.scopes ?? data.scopes ?? [])]
  }

  /**
   * The token set when it is usable without any I/O (held in the cookie, or already read this
   * request, and not due for a refresh), else `undefined`, which means "ask
   * {@link TokenKeeper.getAuthorizationToken}". The guard and the cached fetches take this
   * synchronous path on every guarded page; anything it cannot decide goes the asynchronous way.
   */
  tokenAtHand (): TokenSet | undefined {
    // Read from the cookie each time (its decoding is memoised): the app may have cleared it
    // since the token was last read this request.
    const data = this.#data()
    let tokens: TokenSet | null | undefined
    if (this.#ctx.tokenStore === null) {
      tokens = data.tokens
    } else {
      // A token store is read asynchronously: a set is at hand only once read this request.
      if (data.tokenId === undefined) return undefined
      tokens = this.#tokens
    }
    if (tokens === undefined || tokens === null || tokens.expiresAt - this.#ctx.now() <= REFRESH_MARGIN) return undefined
    return tokens
  }

  /**
   * This session's token set, refreshed first when it expires within a minute (once per
   * refresh token, however many requests ask at the same time); `null` when there is none.
   * @throws Unauthorized when Discord refuses the refresh (the session is cleared)
   */
  async getAuthorizationToken (): Promise<TokenSet | null> {
    const tokens = await this.#read()
    if (tokens === null) return null
    const now = this.#ctx.now()
    if (tokens.expiresAt - now > REFRESH_MARGIN) return tokens
    const refreshToken = tokens.refreshToken
    if (refreshToken === null) {
      if (tokens.expiresAt > now) return tokens
      await this.clear()
      return null
    }
    let fresh: TokenSet
    try {
      fresh = await this.#ctx.refresher.refresh(refreshToken, async () => this.#ctx.oauth.refreshAccessToken(refreshToken))
    } catch (err) {
      if (err instanceof RefreshRevoked) {
        // A logout on another instance ended this authorization while it was refreshed here.
        if (err.tokens !== null) await this.#revokeQuietly(err.tokens)
        await this.clear()
        throw new Unauthorized('This session was logged out: log in again')
      }
      if (err instanceof OAuth2Error && (err.error === 'invalid_grant' || err.statusCode === 400)) {
        this.#request.log.info({ oauthError: err.error }, 'fastify-discord: Discord refused the refresh; clearing the session')
        await this.clear()
        throw new Unauthorized('Discord refused to refresh the authorization: log in again')
      }
      if (tokens.expiresAt > now) {
        // A Redis outage is logged once by the shared state, not on each request.
        if (!(err instanceof SharedStateUnavailable)) this.#warn(err, 'fastify-discord: refresh failed; using the token until it expires')
        return tokens
      }
      throw err
    }
    await this.save(fresh)
    const userId = this.#cookie.read().userId
    if (userId !== undefined && !sameScopes(tokens.scopes, fresh.scopes)) {
      // What the user may see changed (guilds granted or withdrawn, email): the cached payloads are stale.
      await this.#invalidateUser(userId)
    }
    return fresh
  }

  /** Saves a token set through the token store (default: inside the encrypted session cookie). */
  async save (tokens: TokenSet): Promise<void> {
    const copy: TokenSet = {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      tokenType: tokens.tokenType,
      expiresAt: tokens.expiresAt,
      scopes: [...tokens.scopes]
    }
    const store = this.#ctx.tokenStore
    const data = this.#cookie.read()
    if (store === null) {
      this.#cookie.write({ ...data, tokens: copy })
    } else {
      const tokenId = data.tokenId ?? randomBytes(24).toString('base64url')
      await store.set(tokenId, copy)
      const { tokens: _unused, ...rest } = data
      this.#cookie.write({ ...rest, tokenId, scopes: copy.scopes })
    }
    this.#tokens = copy
  }

  /**
   * Starts the authorization a login has just obtained, in a fresh session: no fixation, and a
   * fresh token-store id. The previous login's token set, if any, leaves the token store.
   */
  async begin (tokens: TokenSet, userId: string | null): Promise<void> {
    const previousId = this.#cookie.read().tokenId
    if (previousId !== undefined && this.#ctx.tokenStore !== null) await this.#ctx.tokenStore.delete(previousId)
    this.#cookie.regenerate()
    const sessionId = randomBytes(16).toString('base64url')
    this.#cookie.write(userId === null ? { sessionId } : { userId, sessionId })
    await this.save(tokens)
  }

  /** Keeps the id a fetch learned, when the lookup after login failed (so the cache is used from now on). */
  rememberUserId (userId: string): void {
    const data = this.#cookie.read()
    if (data.userId !== undefined || (data.tokens === undefined && data.tokenId === undefined)) return
    this.#cookie.write({ ...data, userId })
  }

  /**
   * Calls an API route with this session's bearer token (refreshed first when needed). A 401
   * from Discord means the authorization is gone: the session is cleared.
   * @throws Unauthorized when there is no usable token
   */
  async request<ResultType = unknown> (route: string, options: ShapedCallOptions = {}): Promise<ResultType> {
    const tokens = await this.getAuthorizationToken()
    if (tokens === null) throw new Unauthorized()
    try {
      return await this.#ctx.rest.request<ResultType>(route, { ...options, auth: { type: 'Bearer', token: tokens.accessToken } })
    } catch (err) {
      if (err instanceof Unauthorized) {
        this.#request.log.info('fastify-discord: Discord refused the access token; clearing the session')
        await this.clear()
      }
      throw err
    }
  }

  /**
   * Revokes the authorization at Discord, then clears it from the session, the token store and
   * the users cache — the local part happens even when Discord cannot be reached.
   */
  async revoke (): Promise<void> {
    let tokens: TokenSet | null = null
    try {
      tokens = await this.#read()
    } catch (err) {
      this.#warn(err, 'fastify-discord: could not read the token set to revoke it')
    }
    if (tokens !== null) {
      try {
        await this.#revokeNewest(tokens)
      } catch (err) {
        this.#warn(err, 'fastify-discord: revoking at Discord failed; the session is cleared anyway')
      }
    }
    await this.clear()
  }

  /** Forgets the authorization here: the cookie, the token store's set and the user's cached payloads. */
  async clear (): Promise<void> {
    const data = this.#cookie.read()
    this.#tokens = null
    this.#cookie.write({})
    if (data.sessionId !== undefined) this.#ctx.revoked.revoke(data.sessionId, this.#ctx.now() + this.#ctx.sessionLifetime)
    const store = this.#ctx.tokenStore
    if (store !== null && data.tokenId !== undefined) {
      try {
        await store.delete(data.tokenId)
      } catch (err) {
        this.#warn(err, 'fastify-discord: could not delete the token set from the token store')
      }
    }
    if (data.userId !== undefined) await this.#invalidateUser(data.userId)
  }

  /**
   * Revokes the newest token set of this authorization. Another request of this session may be
   * refreshing (or have just refreshed) with this cookie's refresh token: revoking that rotated-out
   * token would leave the new authorization alive, and the other request's cookie working. A
   * refresh that completes while the first revoke is under way is caught by the second round.
   */
  async #revokeNewest (tokens: TokenSet): Promise<void> {
    let revoked: string | null = null
    for (let round = 0; round < 2; round++) {
      const newest = (tokens.refreshToken === null ? null : await this.#ctx.refresher.latest(tokens.refreshToken, { end: true })) ?? tokens
      const token = newest.refreshToken ?? newest.accessToken
      if (token === revoked) return
      await this.#ctx.oauth.revokeToken(token, newest.refreshToken === null ? 'access_token' : 'refresh_token')
      revoked = token
    }
  }

  async #revokeQuietly (tokens: TokenSet): Promise<void> {
    try {
      await this.#ctx.oauth.revokeToken(tokens.refreshToken ?? tokens.accessToken, tokens.refreshToken === null ? 'access_token' : 'refresh_token')
    } catch (err) {
      this.#warn(err, 'fastify-discord: revoking at Discord failed; the session is cleared anyway')
    }
  }

  async #read (): Promise<TokenSet | null> {
    if (this.#tokens !== undefined) return this.#tokens
    const data = this.#data()
    const store = this.#ctx.tokenStore
    let tokens: TokenSet | null = data.tokens ?? null
    if (store !== null && data.tokenId !== undefined) {
      tokens = (await store.get(data.tokenId)) ?? null
      if (tokens === null) {
        // The store lost it (expired, or revoked elsewhere): the session is logged out.
        this.#cookie.write({})
      }
    }
    this.#tokens = tokens
    return tokens
  }

  async #invalidateUser (userId: string): Promise<void> {
    try {
      await this.#ctx.cache.invalidate(userId)
    } catch (err) {
      this.#warn(err, 'fastify-discord: could not clear the users cache')
    }
  }

  /** What the cookie holds, or nothing when this session was logged out elsewhere (a copy of its cookie). */
  #data (): DiscordSessionData {
    const data = this.#cookie.read()
    // A guarded page reads the session several times: each decoded value is looked up once
    // (a write, or a logout here, decodes a new one).
    if (data === this.#live || data.sessionId === undefined) return data
    if (this.#ctx.revoked.isRevoked(data.sessionId)) return NOTHING
    this.#live = data
    return data
  }

  #warn (err: unknown, message: string): void {
    this.#request.log.warn(failureFields(err), message)
  }
}

function sameScopes (a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((scope) => b.includes(scope))
}
