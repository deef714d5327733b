import type { FastifyRequest } from 'fastify'
import { SessionCookie } from '../cookie/session-cookie.js'
import { completeLogin, type CompletedLogin } from '../login/complete-login.js'
import type { CreateSessionOptions } from '../login/login-request.js'
import { startLogin } from '../login/start-login.js'
import type { Authorization } from '../models/authorization.js'
import type { Grant } from '../models/grant.js'
import type { GuildMember } from '../models/guild-member.js'
import type { Guild } from '../models/guild.js'
import type { UserConnection } from '../models/user-connection.js'
import type { User } from '../models/user.js'
import { fetchAuthorization } from '../resources/fetch-authorization.js'
import { fetchConnections } from '../resources/fetch-connections.js'
import { fetchGuildMember } from '../resources/fetch-guild-member.js'
import { fetchGuilds } from '../resources/fetch-guilds.js'
import type { FetchGuildsOptions } from '../resources/fetch-guilds.js'
import { fetchUser, getCachedUser } from '../resources/fetch-user.js'
import { fetchRoleConnection, updateRoleConnection, type RoleConnection, type RoleConnectionUpdate } from '../resources/role-connection.js'
import type { CallOptions, DiscordRequestOptions } from '../contracts/request-options.js'
import type { TokenSet } from '../contracts/token-set.js'
import { TokenKeeper } from '../tokens/token-keeper.js'
import type { SessionContext } from './session-context.js'

/** See {@link completeCallback}; set once, by the class's static block. */
let complete: (session: DiscordSession) => Promise<CompletedLogin>
/** See {@link tokenAtHand}; set once, by the class's static block. */
let atHand: (session: DiscordSession) => TokenSet | undefined

/**
 * `request.discord`: the Discord OAuth2 session of one request (Quart-Discord's
 * `DiscordOAuth2Session`). Created on first access; a facade over the session cookie, the token
 * keeper, the login steps and the resources, holding nothing but its request's parts.
 */
export class DiscordSession {
  readonly #request: FastifyRequest
  readonly #ctx: SessionContext
  readonly #cookie: SessionCookie
  readonly #tokens: TokenKeeper
  #grant: Grant | null = null

  static {
    complete = async (session) => {
      const completed = await completeLogin(session.#request, session.#cookie, session.#tokens, session.#ctx.login)
      session.#grant = completed.grant
      return completed
    }
    atHand = (session) => session.#tokens.tokenAtHand()
  }

  constructor (request: FastifyRequest, ctx: SessionContext) {
    this.#request = request
    this.#ctx = ctx
    this.#cookie = new SessionCookie(request)
    this.#tokens = new TokenKeeper(this.#cookie, request, ctx.tokens)
  }

  /**
   * The session holds a token set (or the id of one in the token store) that has not expired or
   * can be refreshed. Being synchronous, it cannot know whether the token store still has that
   * set, nor whether Discord will accept the refresh: `await getAuthorizationToken()` does (not
   * `null`, no `Unauthorized`), and `requireAuthorization` asks it.
   */
  get authorized (): boolean {
    return this.#tokens.authorized
  }

  /** The Discord user id of this session, when the `identify` scope was granted. */
  get userId (): string | null {
    return this.#tokens.userId
  }

  /** The scopes Discord granted to this session. */
  get scopes (): string[] {
    return this.#tokens.scopes
  }

  /**
   * What this request's callback obtained besides tokens: `{ scopes, guild, webhook,
   * permissions }`; `null` before a callback, and on every other request (it is not kept in the
   * session: the webhook's token is a secret).
   */
  get grant (): Grant | null {
    return this.#grant
  }

  /**
   * Starts a login: stores a fresh state (with its PKCE verifier, `data` and `next`) in the
   * session and returns Discord's authorize URL to redirect to.
   * @throws InvalidArgument (400) for malformed options: apps pass on values from a query string
   */
  async createSession (options: CreateSessionOptions = {}): Promise<string> {
    return startLogin(this.#cookie, this.#ctx.login, options)
  }

  /**
   * Finishes a login on the callback request: checks `error`, then `state` (single use, 10
   * minutes, this session only), then `iss`; exchanges the code with the PKCE verifier, saves
   * the token set in a regenerated session, and returns the `data` given to `createSession()`.
   * @throws AccessDenied, OAuth2Error, InvalidState, RateLimited, HttpException
   */
  async callback (): Promise<unknown> {
    return (await complete(this)).data
  }

  /**
   * Revokes the authorization at Discord, then clears it from the session, the token store and
   * the users cache — the local part happens even when Discord cannot be reached.
   */
  async revoke (): Promise<void> {
    await this.#tokens.revoke()
  }

  /**
   * `GET /users/@me`, cached. Not async: it hands on the resource's own promise instead of
   * wrapping it in one more (its cached path runs on every guarded page).
   */
  fetchUser (options?: { cache?: boolean }): Promise<User> {
    return fetchUser(this.#tokens, this.#ctx.resources, options)
  }

  /** `GET /users/@me/guilds`, cached; `withCounts` fills the approximate member and presence counts. */
  async fetchGuilds (options?: FetchGuildsOptions): Promise<Guild[]> {
    return await fetchGuilds(this.#tokens, this.#ctx.resources, options)
  }

  /** `GET /users/@me/connections`, cached. */
  async fetchConnections (options?: { cache?: boolean }): Promise<UserConnection[]> {
    return await fetchConnections(this.#tokens, this.#ctx.resources, options)
  }

  /** `GET /users/@me/guilds/{guildId}/member`, cached. */
  async fetchGuildMember (guildId: string, options?: { cache?: boolean }): Promise<GuildMember> {
    return await fetchGuildMember(this.#tokens, this.#ctx.resources, guildId, options)
  }

  /** The user's Linked Roles connection for this application. Needs `role_connections.write`. */
  async fetchRoleConnection (): Promise<RoleConnection> {
    return await fetchRoleConnection(this.#tokens, this.#ctx.resources)
  }

  /**
   * Replaces the user's Linked Roles connection: `{ platformName, platformUsername, metadata }`.
   * Needs `role_connections.write`.
   * @throws InvalidArgument (400) for malformed input, before any call to Discord
   */
  async updateRoleConnection (update: RoleConnectionUpdate): Promise<RoleConnection> {
    return await updateRoleConnection(this.#tokens, this.#ctx.resources, update)
  }

  /** `GET /oauth2/@me`: granted scopes, expiry and application. */
  async fetchAuthorization (): Promise<Authorization> {
    return await fetchAuthorization(this.#tokens, this.#ctx.resources)
  }

  /**
   * The session's user from the users cache, or `null` when it is not cached or the session has
   * no usable token (Quart-Discord's `User.get_from_cache()`). Calls Discord only to refresh a
   * token that expires within a minute.
   */
  async getCachedUser (): Promise<User | null> {
    return await getCachedUser(this.#tokens, this.#ctx.resources)
  }

  /**
   * Calls any API route with this session's bearer token (refreshed first when needed).
   * A 401 from Discord means the authorization is gone: the session is cleared.
   * @throws Unauthorized when there is no usable token
   */
  async request<ResultType = unknown> (route: string, options: DiscordRequestOptions = {}): Promise<ResultType> {
    const { oauth, ...call } = options
    if (oauth === false) return await this.#ctx.rest.request<ResultType>(route, { ...call, auth: { type: 'None' } })
    return await this.#tokens.request<ResultType>(route, call)
  }

  /** The same as {@link DiscordSession.request} with the bot token. */
  async botRequest<ResultType = unknown> (route: string, options: CallOptions = {}): Promise<ResultType> {
    return await this.#ctx.resources.botRequest<ResultType>(route, options)
  }

  /**
   * This session's token set, refreshed first when it expires within a minute (once per
   * refresh token, however many requests ask at the same time); `null` when there is none.
   * @throws Unauthorized when Discord refuses the refresh (the session is cleared)
   */
  async getAuthorizationToken (): Promise<TokenSet | null> {
    return await this.#tokens.getAuthorizationToken()
  }

  /** Saves a token set through the token store (default: inside the encrypted session cookie). */
  async saveAuthorizationToken (tokens: TokenSet): Promise<void> {
    await this.#tokens.save(tokens)
  }
}

/**
 * Runs the callback like {@link DiscordSession.callback}, also returning `next`: for the built-in
 * callback route, which redirects there. A function rather than a method, so that it is no part
 * of `request.discord`'s public face.
 */
export async function completeCallback (session: DiscordSession): Promise<CompletedLogin> {
  return await complete(session)
}

/**
 * The session's token set when it is usable without any I/O, else `undefined` (ask
 * `getAuthorizationToken()`); `undefined` too for a `request.discord` that is not a
 * {@link DiscordSession}. The guard's synchronous path on every guarded page.
 */
export function tokenAtHand (session: unknown): TokenSet | undefined {
  return session instanceof DiscordSession ? atHand(session) : undefined
}
