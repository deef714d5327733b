import type { UsersCache } from '../cache/users-cache.js'
import type { ShapedCallOptions } from '../contracts/request-options.js'
import type { TokenSet } from '../contracts/token-set.js'

/**
 * What the resources need from a session: the token keeper of `request.discord` satisfies it.
 * Declared here, by its user, so that the resources depend on no session code.
 */
export interface ResourceSession {
  /** The session holds a token set that has not expired or can be refreshed (see `request.discord.authorized`). */
  readonly authorized: boolean
  /** The Discord user id of the session, known after login with `identify`. */
  readonly userId: string | null
  /** The OAuth2 scopes Discord granted. */
  readonly scopes: readonly string[]
  /** Calls the API with the session's bearer token (refreshed when needed). */
  request<ResultType = unknown> (route: string, opts?: ShapedCallOptions): Promise<ResultType>
  /** The session's current token set, or `null` when not authorized. */
  getAuthorizationToken (): Promise<TokenSet | null>
  /** Keeps a user id that a fetch learned in the session (the login could not read it); a session that cannot keep it omits it. */
  rememberUserId? (userId: string): void
  /**
   * The token set when it is usable without any I/O, else `undefined` ("ask
   * `getAuthorizationToken()`"); without it every fetch takes the asynchronous path.
   */
  tokenAtHand? (): TokenSet | undefined
}

/** Calls the API with the bot token. */
export type BotRequest = <ResultType = unknown>(route: string, opts?: ShapedCallOptions) => Promise<ResultType>

/** What the resources need from the app, built once by the plugin at registration. */
export interface ResourceContext {
  readonly cache: UsersCache
  /** Base of image URLs in the models. */
  readonly cdnBaseUrl: string
  /** The application's id (the client id), for the role-connection routes. */
  readonly applicationId: string
  /** Calls the API with the bot token; throws ConfigurationError(NO_BOT_TOKEN) without one. */
  readonly botRequest: BotRequest
}

/** Options of the cached fetches. */
export interface FetchOptions {
  /** `false` skips the cached value, fetches from Discord and caches the fresh one. @defaultValue true */
  cache?: boolean
}
