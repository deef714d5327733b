import type { UsersCache } from '../cache/users-cache.js'
import type { kTokenAtHand } from '../session/token-at-hand.js'
import type { TokenSet } from '../session/token-set.js'

/** HTTP methods the REST helpers accept. */
export type ResourceMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/** Options of a REST call made for a resource (a subset of the REST client's request options). */
export interface ResourceRequestOptions {
  /** @defaultValue 'GET' */
  method?: ResourceMethod
  query?: Record<string, string | number | boolean | bigint | null | undefined> | URLSearchParams
  body?: unknown
  signal?: AbortSignal
}

/** Keeps a user id that a fetch learned in the session (the login could not read it). */
export const kRememberUserId = Symbol('fastify-discord.rememberUserId')

/**
 * What the resources need from a session; `request.discord` (DiscordSession) satisfies it.
 */
export interface ResourceSession {
  /** The Discord user id of the session, known after login with `identify`. */
  readonly userId: string | null
  /** The OAuth2 scopes Discord granted. */
  readonly scopes: readonly string[]
  /** Calls the API with the session's bearer token (refreshed when needed). */
  request<ResultType = unknown> (route: string, opts?: ResourceRequestOptions & { oauth?: boolean }): Promise<ResultType>
  /** The session's current token set, or `null` when not authorized. */
  getAuthorizationToken (): Promise<TokenSet | null>
  /** See {@link kRememberUserId}; a session that cannot keep it omits it. */
  [kRememberUserId]? (userId: string): void
  /** See `kTokenAtHand`; without it every fetch takes the asynchronous path. */
  [kTokenAtHand]? (): TokenSet | undefined
}

/** What the resources need from the app, built once by the plugin at registration. */
export interface ResourceContext {
  readonly cache: UsersCache
  /** Base of image URLs in the models. */
  readonly cdnBaseUrl: string
  /** Calls the API with the bot token; throws ConfigurationError(NO_BOT_TOKEN) without one. */
  botRequest<ResultType = unknown> (route: string, opts?: ResourceRequestOptions): Promise<ResultType>
}

/** Options of the cached fetches. */
export interface FetchOptions {
  /** `false` skips the cached value, fetches from Discord and caches the fresh one. @defaultValue true */
  cache?: boolean
}
