import { randomBytes } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import type { Authorization } from '../models/authorization.js'
import type { GuildMember } from '../models/guild-member.js'
import type { Guild } from '../models/guild.js'
import type { UserConnection } from '../models/user-connection.js'
import type { User } from '../models/user.js'
import type { UsersCache } from '../cache/users-cache.js'
import { AccessDenied } from '../errors/access-denied.js'
import { ConfigurationError } from '../errors/configuration-error.js'
import { InvalidArgument } from '../errors/invalid-argument.js'
import { InvalidState } from '../errors/invalid-state.js'
import { OAuth2Error } from '../errors/oauth2-error.js'
import { Unauthorized } from '../errors/unauthorized.js'
import type { DiscordOAuthClient } from '../oauth/discord-oauth-client.js'
import { createCodeChallenge, createCodeVerifier, createState } from '../oauth/pkce.js'
import { safeNext } from '../oauth/safe-next.js'
import type { ResolvedOptions } from '../options.js'
import { kRememberUserId } from '../resources/resource-types.js'
import type { RefreshCoordinator } from './refresh-coordinator.js'
import { decodeSessionData, encodeSessionData } from './session-codec.js'
import { kTokenAtHand } from './token-at-hand.js'
import {
  MAX_DATA_LENGTH, MAX_NEXT_LENGTH, MAX_PENDING, PENDING_BUDGET, REFRESH_MARGIN, SESSION_KEY, STATE_TTL,
  type DiscordSessionData, type PendingLogin
} from './session-data.js'
import type { TokenSet } from './token-set.js'
import type { UsedStates } from './used-states.js'

/** HTTP methods of {@link DiscordRequestOptions}. */
export type DiscordHttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/** Options of `request.discord.request()` and `botRequest()`. */
export interface DiscordRequestOptions {
  /** @defaultValue `'GET'` */
  method?: DiscordHttpMethod | undefined
  query?: Record<string, string | number | boolean | bigint | null | undefined> | URLSearchParams | undefined
  /** Sent as JSON. */
  body?: unknown | undefined
  signal?: AbortSignal | undefined
  /** `false` sends no Authorization header. @defaultValue `true` */
  oauth?: boolean | undefined
}

/** Options of `request.discord.createSession()`. */
export interface CreateSessionOptions {
  /** Scopes to ask for. @defaultValue the plugin's `scope` option */
  scope?: readonly string[] | undefined
  /** Any JSON value (at most 512 characters of JSON), handed back by `callback()`. */
  data?: unknown | undefined
  /** @defaultValue the plugin's `prompt` option (`'consent'`) */
  prompt?: 'consent' | 'none' | undefined
  /** Bot permissions for the `bot` scope. */
  permissions?: bigint | string | number | undefined
  /** Pre-selects the guild of a bot or webhook install. */
  guildId?: string | undefined
  /** With `guildId`: the user may not pick another guild. */
  disableGuildSelect?: boolean | undefined
  /** 0 installs to a guild, 1 to the user. */
  integrationType?: 0 | 1 | undefined
  /**
   * Extra query parameters of the authorize URL (at most 20, of at most 2048 characters
   * together); they never override the ones above, nor `response_type`, `client_id` or `redirect_uri`.
   */
  params?: Record<string, string | number | boolean> | undefined
  /** Where the callback route sends the user afterwards; only a same-origin relative path of at most 512 characters is kept. */
  next?: string | undefined
}

/** The REST client, as the session uses it. */
export interface SessionRest {
  request<ResultType = unknown> (route: string, options: {
    method?: DiscordHttpMethod | undefined
    query?: DiscordRequestOptions['query']
    body?: unknown
    signal?: AbortSignal | undefined
    auth: { type: 'Bearer', token: string } | { type: 'Bot', token: string } | { type: 'None' }
  }): Promise<ResultType>
}

/** The resource functions (`lib/resources`), bound to the plugin's resource context. */
export interface SessionResources {
  fetchUser (session: DiscordSession, options?: { cache?: boolean }): Promise<User>
  fetchGuilds (session: DiscordSession, options?: { cache?: boolean }): Promise<Guild[]>
  fetchConnections (session: DiscordSession, options?: { cache?: boolean }): Promise<UserConnection[]>
  fetchGuildMember (session: DiscordSession, guildId: string): Promise<GuildMember>
  fetchAuthorization (session: DiscordSession): Promise<Authorization>
  getCachedUser (session: DiscordSession): Promise<User | null>
  botRequest<ResultType = unknown> (route: string, options?: Omit<DiscordRequestOptions, 'oauth'>): Promise<ResultType>
}

/** What every `request.discord` of one plugin registration shares; built once at registration. */
export interface SessionContext {
  readonly options: ResolvedOptions
  readonly oauth: DiscordOAuthClient
  readonly rest: SessionRest
  readonly cache: UsersCache
  readonly refresher: RefreshCoordinator
  readonly usedStates: UsedStates
  readonly resources: SessionResources
}

/** What the callback route needs beyond `callback()`'s result. */
export interface CallbackResult {
  data: unknown
  next: string | null
}

/** Runs the callback and also returns `next`; used by the built-in callback route. */
export const kCompleteCallback = Symbol('fastify-discord.completeCallback')

/** The `iss` RFC 9207 lets Discord add to the callback. */
interface CallbackQuery {
  code?: unknown
  state?: unknown
  error?: unknown
  error_description?: unknown
  iss?: unknown
}

interface SecureSession {
  get (key: string): unknown
  set (key: string, value: unknown): void
  regenerate (ignoreFields?: string[]): void
}

const NOTHING_READ = Symbol('nothing read')

/**
 * `request.discord`: the Discord OAuth2 session of one request (Quart-Discord's
 * `DiscordOAuth2Session`). Created on first access; holds nothing but its request.
 */
export class DiscordSession {
  readonly #request: FastifyRequest
  readonly #ctx: SessionContext
  /** Token set read during this request (`null`: none), so a store is read once per request. */
  #tokens: TokenSet | null | undefined
  /**
   * The session's `get`, taken once per request: secure-session's Proxy wraps its methods in a
   * new Proxy on every property read, and a guarded request reads the session several times.
   */
  #get: SecureSession['get'] | undefined
  #getOf: SecureSession | undefined
  /** The stored value last read or written, and what it decodes to. */
  #stored: unknown = NOTHING_READ
  #decoded: DiscordSessionData = {}

  constructor (request: FastifyRequest, ctx: SessionContext) {
    this.#request = request
    this.#ctx = ctx
  }

  /**
   * The session holds a token set (or the id of one in the token store) that has not expired or
   * can be refreshed. Being synchronous, it cannot know whether the token store still has that
   * set, nor whether Discord will accept the refresh: `await getAuthorizationToken()` does (not
   * `null`, no `Unauthorized`), and `requireAuthorization` asks it.
   */
  get authorized (): boolean {
    const data = this.#read()
    if (data.tokenId !== undefined) return true
    const tokens = data.tokens
    if (tokens === undefined) return false
    return tokens.refreshToken !== null || tokens.expiresAt > this.#ctx.options.now()
  }

  /** The Discord user id of this session, when the `identify` scope was granted. */
  get userId (): string | null {
    return this.#read().userId ?? null
  }

  /** The scopes Discord granted to this session. */
  get scopes (): string[] {
    const data = this.#read()
    return [...(data.tokens?.scopes ?? data.scopes ?? [])]
  }

  /**
   * Starts a login: stores a fresh state (with its PKCE verifier, `data` and `next`) in the
   * session and returns Discord's authorize URL to redirect to.
   * @throws InvalidArgument (400) for malformed options: apps pass on values from a query string
   */
  async createSession (options: CreateSessionOptions = {}): Promise<string> {
    const opts = options ?? {}
    const scope = opts.scope ?? this.#ctx.options.scope
    if (!Array.isArray(scope) || scope.length === 0 || !scope.every((s) => typeof s === 'string' && /^[^\s]+$/.test(s))) {
      throw new InvalidArgument('`scope` must be a non-empty array of OAuth2 scope names')
    }
    const prompt = opts.prompt ?? this.#ctx.options.prompt
    if (prompt !== 'consent' && prompt !== 'none') throw new InvalidArgument('`prompt` must be \'consent\' or \'none\'')
    const pending: PendingLogin = { state: createState(), verifier: createCodeVerifier(), createdAt: this.#ctx.options.now() }
    if (opts.data !== undefined) {
      const json = jsonOf(opts.data)
      if (json === undefined) throw new InvalidArgument('`data` must be a JSON value')
      if (json.length > MAX_DATA_LENGTH) throw new InvalidArgument(`\`data\` must be at most ${MAX_DATA_LENGTH} characters of JSON: it travels in the session cookie`)
      pending.data = JSON.parse(json)
    }
    const next = safeNext(opts.next)
    if (next !== null && next.length <= MAX_NEXT_LENGTH) pending.next = next

    // Built before the session is written, so that a refused argument leaves the session alone.
    const url = this.#ctx.oauth.createAuthorizationURL({
      state: pending.state,
      codeChallenge: createCodeChallenge(pending.verifier),
      scope,
      prompt,
      ...optionalParams(opts)
    })
    const data = this.#read()
    const now = this.#ctx.options.now()
    const kept = [...(data.pending ?? []).filter((p) => now - p.createdAt < STATE_TTL), pending]
    while (kept.length > MAX_PENDING || (kept.length > 1 && JSON.stringify(kept).length > PENDING_BUDGET)) kept.shift()
    this.#write({ ...data, pending: kept })
    return url
  }

  /**
   * Finishes a login on the callback request: checks `error`, then `state` (single use, 10
   * minutes, this session only), then `iss`; exchanges the code with the PKCE verifier, saves
   * the token set in a regenerated session, and returns the `data` given to `createSession()`.
   * @throws AccessDenied, OAuth2Error, InvalidState, RateLimited, HttpException
   */
  async callback (): Promise<unknown> {
    return (await this[kCompleteCallback]()).data
  }

  /** {@link DiscordSession.callback}, also returning `next`. */
  async [kCompleteCallback] (): Promise<CallbackResult> {
    const query = (this.#request.query ?? {}) as CallbackQuery
    const log = this.#request.log
    const data = this.#read()
    const state = typeof query.state === 'string' ? query.state : undefined
    const pending = state === undefined ? undefined : data.pending?.find((p) => p.state === state)
    if (pending !== undefined) {
      // Consumed before the session is touched: a duplicate of this callback (double submit, a
      // retried navigation) carries the same pre-login cookie, and writing it back would let
      // its Set-Cookie overwrite the login of the first one.
      if (!this.#ctx.usedStates.consume(pending.state)) {
        log.warn('fastify-discord: callback state replayed')
        throw new InvalidState('The OAuth2 state was already used')
      }
      // Single use: the state is gone whatever happens next.
      this.#write({ ...data, pending: (data.pending ?? []).filter((p) => p !== pending) })
    }

    if (query.error !== undefined) {
      const error = stringParam(query.error, 'error')
      const description = typeof query.error_description === 'string' ? query.error_description : null
      log.info({ oauthError: error }, 'fastify-discord: Discord returned an error to the callback')
      if (error === 'access_denied') throw new AccessDenied(error, description)
      throw new OAuth2Error(error, description, 400)
    }
    if (state === undefined) {
      log.warn('fastify-discord: callback without state')
      throw new InvalidState('The OAuth2 callback carries no state')
    }
    if (pending === undefined) {
      log.warn('fastify-discord: callback state unknown to this session (replayed, from another session, or superseded)')
      throw new InvalidState()
    }
    if (this.#ctx.options.now() - pending.createdAt >= STATE_TTL) {
      log.warn('fastify-discord: callback state expired')
      throw new InvalidState('The OAuth2 state has expired: log in again')
    }
    if (query.iss !== undefined && !this.#ctx.options.issuers.includes(String(query.iss))) {
      log.warn('fastify-discord: callback issuer does not match the authorization server')
      throw new OAuth2Error('invalid_request', 'the callback comes from another issuer', 400)
    }
    const code = stringParam(query.code, 'code')

    const tokens = await this.#ctx.oauth.validateAuthorizationCode(code, pending.verifier)
    const userId = tokens.scopes.includes('identify') ? await this.#learnUser(tokens) : null

    // No fixation: a fresh session (and token-store id) for the new login.
    const previousId = data.tokenId
    if (previousId !== undefined && this.#ctx.options.tokenStore !== null) await this.#ctx.options.tokenStore.delete(previousId)
    this.#session().regenerate()
    this.#write(userId === null ? {} : { userId })
    await this.saveAuthorizationToken(tokens)
    log.info({ discordUserId: userId }, 'fastify-discord: login completed')
    return { data: pending.data ?? null, next: pending.next ?? null }
  }

  /**
   * Revokes the authorization at Discord, then clears it from the session, the token store and
   * the users cache — the local part happens even when Discord cannot be reached.
   */
  async revoke (): Promise<void> {
    let tokens: TokenSet | null = null
    try {
      tokens = await this.#readTokens()
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
    await this.#clear()
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
      const newest = (tokens.refreshToken === null ? null : await this.#ctx.refresher.latest(tokens.refreshToken)) ?? tokens
      const token = newest.refreshToken ?? newest.accessToken
      if (token === revoked) return
      await this.#ctx.oauth.revokeToken(token, newest.refreshToken === null ? 'access_token' : 'refresh_token')
      revoked = token
    }
  }

  /**
   * `GET /users/@me`, cached. Not async: it hands on the resource's own promise instead of
   * wrapping it in one more (its cached path runs on every guarded page).
   */
  fetchUser (options?: { cache?: boolean }): Promise<User> {
    return this.#ctx.resources.fetchUser(this, options)
  }

  /** `GET /users/@me/guilds`, cached. */
  async fetchGuilds (options?: { cache?: boolean }): Promise<Guild[]> {
    return this.#ctx.resources.fetchGuilds(this, options)
  }

  /** `GET /users/@me/connections`, cached. */
  async fetchConnections (options?: { cache?: boolean }): Promise<UserConnection[]> {
    return this.#ctx.resources.fetchConnections(this, options)
  }

  /** `GET /users/@me/guilds/{guildId}/member`. */
  async fetchGuildMember (guildId: string): Promise<GuildMember> {
    return this.#ctx.resources.fetchGuildMember(this, guildId)
  }

  /** `GET /oauth2/@me`: granted scopes, expiry and application. */
  async fetchAuthorization (): Promise<Authorization> {
    return this.#ctx.resources.fetchAuthorization(this)
  }

  /**
   * The session's user from the users cache, or `null` when it is not cached or the session has
   * no usable token (Quart-Discord's `User.get_from_cache()`). Calls Discord only to refresh a
   * token that expires within a minute.
   */
  async getCachedUser (): Promise<User | null> {
    return this.#ctx.resources.getCachedUser(this)
  }

  /** Keeps the id a fetch learned, when the lookup after login failed (so the cache is used from now on). */
  [kRememberUserId] (userId: string): void {
    const data = this.#read()
    if (data.userId !== undefined || (data.tokens === undefined && data.tokenId === undefined)) return
    this.#write({ ...data, userId })
  }

  /**
   * Calls any API route with this session's bearer token (refreshed first when needed).
   * A 401 from Discord means the authorization is gone: the session is cleared.
   * @throws Unauthorized when there is no usable token
   */
  async request<ResultType = unknown> (route: string, options: DiscordRequestOptions = {}): Promise<ResultType> {
    const { oauth, ...rest } = options
    if (oauth === false) return this.#ctx.rest.request<ResultType>(route, { ...rest, auth: { type: 'None' } })
    const tokens = await this.getAuthorizationToken()
    if (tokens === null) throw new Unauthorized()
    try {
      return await this.#ctx.rest.request<ResultType>(route, { ...rest, auth: { type: 'Bearer', token: tokens.accessToken } })
    } catch (err) {
      if (err instanceof Unauthorized) {
        this.#request.log.info('fastify-discord: Discord refused the access token; clearing the session')
        await this.#clear()
      }
      throw err
    }
  }

  /** The same as {@link DiscordSession.request} with the bot token. */
  async botRequest<ResultType = unknown> (route: string, options: Omit<DiscordRequestOptions, 'oauth'> = {}): Promise<ResultType> {
    return this.#ctx.resources.botRequest<ResultType>(route, options)
  }

  /**
   * This session's token set, refreshed first when it expires within a minute (once per
   * refresh token, however many requests ask at the same time); `null` when there is none.
   * @throws Unauthorized when Discord refuses the refresh (the session is cleared)
   */
  async getAuthorizationToken (): Promise<TokenSet | null> {
    const tokens = await this.#readTokens()
    if (tokens === null) return null
    const now = this.#ctx.options.now()
    if (tokens.expiresAt - now > REFRESH_MARGIN) return tokens
    const refreshToken = tokens.refreshToken
    if (refreshToken === null) {
      if (tokens.expiresAt > now) return tokens
      await this.#clear()
      return null
    }
    let fresh: TokenSet
    try {
      fresh = await this.#ctx.refresher.refresh(refreshToken, async () => this.#ctx.oauth.refreshAccessToken(refreshToken))
    } catch (err) {
      if (err instanceof OAuth2Error && (err.error === 'invalid_grant' || err.statusCode === 400)) {
        this.#request.log.info({ oauthError: err.error }, 'fastify-discord: Discord refused the refresh; clearing the session')
        await this.#clear()
        throw new Unauthorized('Discord refused to refresh the authorization: log in again')
      }
      if (tokens.expiresAt > now) {
        this.#warn(err, 'fastify-discord: refresh failed; using the token until it expires')
        return tokens
      }
      throw err
    }
    await this.saveAuthorizationToken(fresh)
    const userId = this.#read().userId
    if (userId !== undefined && !sameScopes(tokens.scopes, fresh.scopes)) {
      // What the user may see changed (guilds granted or withdrawn, email): the cached payloads are stale.
      try {
        await this.#ctx.cache.invalidate(userId)
      } catch (err) {
        this.#warn(err, 'fastify-discord: could not clear the users cache')
      }
    }
    return fresh
  }

  /** Saves a token set through the token store (default: inside the encrypted session cookie). */
  async saveAuthorizationToken (tokens: TokenSet): Promise<void> {
    const copy: TokenSet = {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      tokenType: tokens.tokenType,
      expiresAt: tokens.expiresAt,
      scopes: [...tokens.scopes]
    }
    const store = this.#ctx.options.tokenStore
    const data = this.#read()
    if (store === null) {
      this.#write({ ...data, tokens: copy })
    } else {
      const tokenId = data.tokenId ?? randomBytes(24).toString('base64url')
      await store.set(tokenId, copy)
      const { tokens: _unused, ...rest } = data
      this.#write({ ...rest, tokenId, scopes: copy.scopes })
    }
    this.#tokens = copy
  }

  async #learnUser (tokens: TokenSet): Promise<string | null> {
    try {
      const user = await this.#ctx.rest.request<{ id?: unknown }>('/users/@me', { auth: { type: 'Bearer', token: tokens.accessToken } })
      if (typeof user.id !== 'string') return null
      await this.#ctx.cache.set(user.id, 'user', user)
      return user.id
    } catch (err) {
      this.#warn(err, 'fastify-discord: could not read the user after login; userId stays null')
      return null
    }
  }

  /** See {@link kTokenAtHand}. */
  [kTokenAtHand] (): TokenSet | undefined {
    // Read from the session each time (its decoding is memoised): the app may have cleared it
    // since the token was last read this request.
    const data = this.#read()
    let tokens: TokenSet | null | undefined
    if (this.#ctx.options.tokenStore === null) {
      tokens = data.tokens
    } else {
      // A token store is read asynchronously: a set is at hand only once read this request.
      if (data.tokenId === undefined) return undefined
      tokens = this.#tokens
    }
    if (tokens === undefined || tokens === null || tokens.expiresAt - this.#ctx.options.now() <= REFRESH_MARGIN) return undefined
    return tokens
  }

  async #readTokens (): Promise<TokenSet | null> {
    if (this.#tokens !== undefined) return this.#tokens
    const data = this.#read()
    const store = this.#ctx.options.tokenStore
    let tokens: TokenSet | null = data.tokens ?? null
    if (store !== null && data.tokenId !== undefined) {
      tokens = (await store.get(data.tokenId)) ?? null
      if (tokens === null) {
        // The store lost it (expired, or revoked elsewhere): the session is logged out.
        this.#write({})
      }
    }
    this.#tokens = tokens
    return tokens
  }

  async #clear (): Promise<void> {
    const data = this.#read()
    this.#tokens = null
    this.#write({})
    const store = this.#ctx.options.tokenStore
    if (store !== null && data.tokenId !== undefined) {
      try {
        await store.delete(data.tokenId)
      } catch (err) {
        this.#warn(err, 'fastify-discord: could not delete the token set from the token store')
      }
    }
    if (data.userId !== undefined) {
      try {
        await this.#ctx.cache.invalidate(data.userId)
      } catch (err) {
        this.#warn(err, 'fastify-discord: could not clear the users cache')
      }
    }
  }

  #session (): SecureSession {
    const session = (this.#request as unknown as { session?: SecureSession | null }).session
    if (session === undefined || session === null) {
      throw new ConfigurationError('fastify-discord needs `request.session` from @fastify/secure-session (default session name)')
    }
    return session
  }

  #read (): DiscordSessionData {
    const session = this.#session()
    if (session !== this.#getOf) {
      this.#getOf = session
      this.#get = session.get
    }
    const value = (this.#get as SecureSession['get']).call(session, SESSION_KEY)
    // Decoded once per stored value: whoever replaces it (we, or the app's regenerate()) makes a new one.
    if (value !== this.#stored) {
      this.#stored = value
      this.#decoded = decodeSessionData(value)
    }
    return this.#decoded
  }

  #write (data: DiscordSessionData): void {
    const stored = encodeSessionData(data)
    this.#session().set(SESSION_KEY, stored)
    this.#stored = stored
    // What the next request will read, not what was passed in (the stored form drops what it cannot hold).
    this.#decoded = decodeSessionData(stored)
  }

  /** Logs a failure by its kind only: messages of our errors hold no secrets, others might. */
  #warn (err: unknown, message: string): void {
    const e = err as { name?: unknown, code?: unknown, statusCode?: unknown, status?: unknown }
    this.#request.log.warn({ errorName: e?.name, errorCode: e?.code, statusCode: e?.statusCode, upstreamStatus: e?.status }, message)
  }
}

function sameScopes (a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((scope) => b.includes(scope))
}

/** `JSON.stringify`, with what it throws on (a BigInt, a cycle) as `undefined`: not a JSON value. */
function jsonOf (value: unknown): string | undefined {
  try {
    return JSON.stringify(value)
  } catch {
    return undefined
  }
}

function stringParam (value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') throw new OAuth2Error('invalid_request', `the callback has no usable \`${name}\``, 400)
  return value
}

function optionalParams (opts: CreateSessionOptions): {
  permissions?: string
  guildId?: string
  disableGuildSelect?: boolean
  integrationType?: number
  params?: Record<string, string>
} {
  const out: ReturnType<typeof optionalParams> = {}
  if (opts.permissions !== undefined) {
    const permissions = ['bigint', 'string', 'number'].includes(typeof opts.permissions) ? String(opts.permissions) : ''
    if (!/^[0-9]{1,30}$/.test(permissions)) throw new InvalidArgument('`permissions` must be a non-negative integer (bigint, string or number)')
    out.permissions = BigInt(permissions).toString()
  }
  if (opts.guildId !== undefined) {
    if (typeof opts.guildId !== 'string' || !/^[0-9]{1,25}$/.test(opts.guildId)) throw new InvalidArgument('`guildId` must be a snowflake string')
    out.guildId = opts.guildId
  }
  if (opts.disableGuildSelect !== undefined) {
    if (typeof opts.disableGuildSelect !== 'boolean') throw new InvalidArgument('`disableGuildSelect` must be a boolean')
    out.disableGuildSelect = opts.disableGuildSelect
  }
  if (opts.integrationType !== undefined) {
    if (opts.integrationType !== 0 && opts.integrationType !== 1) throw new InvalidArgument('`integrationType` must be 0 (guild install) or 1 (user install)')
    out.integrationType = opts.integrationType
  }
  if (opts.params !== undefined) {
    const params: unknown = opts.params
    if (typeof params !== 'object' || params === null || Array.isArray(params)) throw new InvalidArgument('`params` must be an object of query parameters')
    out.params = Object.fromEntries(Object.entries(params).map(([key, value]) => {
      if (!['string', 'number', 'boolean'].includes(typeof value)) throw new InvalidArgument('`params` values must be strings, numbers or booleans')
      return [key, String(value)]
    }))
  }
  return out
}
