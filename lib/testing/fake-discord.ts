/**
 * The public shape of the in-process fake Discord (`fastify-discord/testing`). This file is
 * the contract between the fake and every test that uses it.
 */
import type { APIConnection, APIGuild, APIUser } from 'discord-api-types/v10'

/** A clock the fake reads for token expiry and rate-limit windows; tests pass a fake one. */
export interface FakeClock {
  /** Milliseconds since the epoch. */
  now (): number
}

export interface FakeDiscordOptions {
  /** Port to listen on; 0 (default) picks a free loopback port. */
  port?: number
  /** @defaultValue '127.0.0.1' */
  host?: string
  /** @defaultValue a fixed snowflake */
  clientId?: string
  /** @defaultValue a random secret */
  clientSecret?: string
  /** @defaultValue a random bot token */
  botToken?: string
  /** Redirect URIs registered for the application; the first becomes `pluginOptions.redirectUri`. @defaultValue ['http://localhost:3000/callback'] */
  redirectUris?: string[]
  /** Application name shown on the consent page. @defaultValue 'Fake App' */
  appName?: string
  /** What `GET /oauth2/authorize` does: show the consent page, or approve/deny at once. @defaultValue 'page' */
  consent?: 'page' | 'approve' | 'deny'
  /** The user id that approves the authorization. @defaultValue the seeded migrated user */
  actingUserId?: string
  /** Lifetime of issued access tokens, seconds. @defaultValue 604800 */
  tokenExpiresIn?: number
  /** Load the demo seed (users, guilds, connections). @defaultValue true */
  seed?: boolean
  /** Clock for expiry and rate-limit windows. @defaultValue Date */
  clock?: FakeClock
  /** Log requests (a pino logger option, passed to Fastify). @defaultValue false */
  logger?: boolean
}

/** Options to spread into `app.register(fastifyDiscord, { ...fake.pluginOptions, session })`. */
export interface FakePluginOptions {
  clientId: string
  clientSecret: string
  redirectUri: string
  botToken: string
  apiBaseUrl: string
  authorizeUrl: string
  tokenUrl: string
  revokeUrl: string
  cdnBaseUrl: string
}

/** A per-bucket rate limit the fake enforces (per Authorization value × bucket). */
export interface FakeRateLimit {
  /** Requests allowed per window. */
  limit: number
  /** Window length in milliseconds. */
  windowMs: number
  /** Bucket hash sent as `X-RateLimit-Bucket`. @defaultValue derived from the route */
  bucket?: string
  /** `X-RateLimit-Scope` of its 429s. `shared` 429s do not count as invalid requests. @defaultValue 'user' */
  scope?: 'user' | 'shared'
}

/** One request the fake received. Tokens are not recorded, only which kind of auth was used. */
export interface FakeCall {
  method: string
  /** The request path without query, e.g. `/api/v10/users/@me`. */
  path: string
  /** The matched route template, e.g. `/api/v10/users/@me/guilds/:guildId/member`. */
  route: string
  query: Record<string, string>
  auth: 'bearer' | 'bot' | 'basic' | 'none'
  /** The user the bearer token belongs to, if any. */
  userId: string | null
  status: number
  at: number
}

/** A fault the fake injects into the next `count` responses matching `route` (a template or path). */
export type FakeFault =
  | { kind: 'status', status: 500 | 502 | 503 | 504, count?: number }
  | { kind: 'delay', ms: number, count?: number }
  | { kind: 'drop', count?: number }
  | { kind: 'html429', retryAfter?: number, count?: number }
  /** A 200 with an HTML page (Discord's edge during incidents). */
  | { kind: 'html200', count?: number }
  /** A 200 with an empty body and no content type. */
  | { kind: 'empty200', count?: number }

/** A token set the fake issued, as its token endpoint would return it. */
export interface FakeTokenResponse {
  access_token: string
  refresh_token: string
  token_type: 'Bearer'
  expires_in: number
  scope: string
}

export interface FakeDiscord {
  /** Base URL of the fake, e.g. `http://127.0.0.1:41234`. */
  readonly url: string
  readonly pluginOptions: FakePluginOptions
  readonly clientId: string
  readonly clientSecret: string
  readonly botToken: string
  /** Ids of the seeded users (with `seed: false` only `bot`, the application's bot user with the application's id, exists). */
  readonly seedUsers: { readonly migrated: string, readonly legacy: string, readonly bot: string }
  /** Ids of the seeded guilds: owned by the migrated user, administered by them, and plain ones. */
  readonly seedGuilds: { readonly owned: string, readonly admin: string, readonly plain: readonly string[] }
  /** Every request received, in order. */
  readonly calls: readonly FakeCall[]
  /**
   * How many calls matched (method and path or route template), only those answered with
   * `status` when given: `callCount('POST', '/api/v10/oauth2/token')` counts token calls (logins
   * and refreshes), `callCount('GET', '/api/v10/users/@me', 429)` the 429s served on that route.
   * A call still in progress has no status yet (0).
   */
  callCount (method: string, pathOrRoute: string, status?: number): number
  resetCalls (): void

  addUser (user: APIUser, extra?: { guilds?: string[], connections?: APIConnection[] }): void
  /**
   * Adds a guild; `members` maps user id → { owner?, permissions? (decimal string) }. Include the
   * bot (`seedUsers.bot`) as a member if tests add users with `PUT /guilds/{id}/members/{user}`:
   * like Discord, the fake answers 403 Missing Access to a bot that is not in the guild.
   */
  addGuild (guild: APIGuild, members?: Record<string, { owner?: boolean, permissions?: string, roles?: string[], nick?: string | null }>): void
  /** Makes `userId` a member of `guildId`; throws if the guild was never added. */
  addMember (guildId: string, userId: string, opts?: { permissions?: string, roles?: string[], nick?: string | null }): void
  /** Registers another redirect URI, e.g. the callback of an app whose port is known only after `listen()`. */
  addRedirectUri (uri: string): void
  setConsent (mode: 'page' | 'approve' | 'deny'): void
  setActingUser (userId: string): void

  /** Issues a token set directly, skipping the browser part of the flow. */
  issueToken (userId: string, scopes: string[], opts?: { expiresIn?: number }): FakeTokenResponse
  /** Revokes every token of the authorization that `token` (access or refresh) belongs to. */
  revokeToken (token: string): void

  /**
   * Enforces a rate limit on a route (`METHOD /api/v10/...` template, e.g. `GET /api/v10/users/@me`;
   * without a method it applies to every method; a concrete path works too). Setting it again replaces it.
   */
  setRateLimit (route: string, limit: FakeRateLimit): void
  /** Per-Authorization global limit (requests per second) over every `/api/...` route. `null` turns it off. */
  setGlobalRateLimit (perSecond: number | null): void
  /** The next `count` requests to any `/api/...` route get a global 429 with `retry_after` seconds. @defaultValue count 1 */
  forceGlobal429 (retryAfter: number, count?: number): void
  /** The next `count` requests to `route` get a shared-scope 429 with `retry_after` seconds. @defaultValue count 1 */
  forceShared429 (route: string, retryAfter: number, count?: number): void
  injectFault (route: string, fault: FakeFault): void
  /** Number of 429 responses served so far. */
  readonly rateLimitHits: number

  close (): Promise<void>
}
