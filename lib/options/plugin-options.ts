import { DEFAULT_USERS_CACHE_MAX, DEFAULT_USERS_CACHE_TTL } from '../cache/cache-defaults.js'
import type { CacheStore } from '../cache/cache-store.js'
import type { RedisClient } from '../redis/redis-client.js'
import type { ResolvedRestClientOptions, RestClientOptions } from '../rest/rest-options.js'
import type { TokenStore } from '../contracts/token-store.js'
import type { FastifyRequest } from 'fastify'
import type { Grant } from '../models/grant.js'

/**
 * Called by the built-in callback route after a successful grant, before it redirects: a
 * returned same-origin relative path is where it redirects to (the rules of `next`); anything
 * else keeps `next` or `successRedirect`.
 */
export type OnGrant = (request: FastifyRequest, grant: Grant) => Promise<string | undefined | void> | string | undefined | void

/** Session options forwarded to `@fastify/secure-session` when the app has not registered it. */
export interface DiscordSessionOptions {
  /**
   * A 32-byte key (a Buffer, or a base64 string), or several to rotate keys (the first encrypts).
   * Generate one with `npx @fastify/secure-session > secret-key`.
   */
  key?: string | Buffer | Array<string | Buffer> | undefined
  /** A passphrase of at least 32 bytes, stretched into a key with `salt` (slower to start than `key`). */
  secret?: string | Buffer | undefined
  /** 16-byte salt used with `secret`. */
  salt?: string | Buffer | undefined
  /** @defaultValue `'session'` */
  cookieName?: string | undefined
  /** Session lifetime in seconds, checked inside the encrypted payload. @defaultValue `86400` (one day) */
  expiry?: number | undefined
  /**
   * Session cookies this process remembers once decrypted, so that the next request with the
   * same cookie skips the decryption (a logged-in browser sends the same cookie until the session
   * changes). What is remembered is the session's plaintext, tokens included, kept in the heap
   * until newer cookies push it out; `0` remembers none. @defaultValue `1000`
   */
  remember?: number | undefined
  /**
   * Cookie attributes, merged over the defaults.
   * @defaultValue `{ path: '/', httpOnly: true, sameSite: 'lax', secure: 'auto' }` (`secure` when the request is HTTPS, as Fastify's `trustProxy` sees it)
   */
  cookie?: Record<string, unknown> | undefined
}

/** The users cache: the size of the default in-process store, or a store of the app's own, and the entries' lifetime. */
export interface DiscordCacheOptions {
  /** Most users kept by the default store; not allowed with `store` (its size is the store's business). @defaultValue env `DISCORD_USERS_CACHE_MAX_LIMIT`, else `10000` */
  max?: number | undefined
  /** Lifetime of an entry in milliseconds, given to the store with every write. @defaultValue `300000` (5 minutes) */
  ttl?: number | undefined
  /** A store of the app's own (Redis…). @defaultValue an in-process LRU store of `max` users */
  store?: CacheStore | undefined
}

/** Options of `app.register(fastifyDiscord, options)`. */
export interface DiscordPluginOptions {
  /** The application's client id. @defaultValue env `DISCORD_CLIENT_ID` */
  clientId?: string | undefined
  /** The application's client secret. @defaultValue env `DISCORD_CLIENT_SECRET` */
  clientSecret?: string | undefined
  /** The absolute redirect URI registered at Discord. @defaultValue env `DISCORD_REDIRECT_URI` */
  redirectUri?: string | undefined
  /** Bot token for `botRequest()` and `fetchBot()`. @defaultValue env `DISCORD_BOT_TOKEN`, else none */
  botToken?: string | undefined
  /** Scopes the login route asks for. @defaultValue `['identify']` */
  scope?: string[] | undefined
  /** Where the session key comes from, when the app has not registered `@fastify/secure-session` itself. */
  session?: DiscordSessionOptions | undefined
  /** @defaultValue `'https://discord.com/api/v10'` */
  apiBaseUrl?: string | undefined
  /** @defaultValue `'https://discord.com/oauth2/authorize'` */
  authorizeUrl?: string | undefined
  /** @defaultValue `` `${apiBaseUrl}/oauth2/token` `` */
  tokenUrl?: string | undefined
  /** @defaultValue `` `${apiBaseUrl}/oauth2/token/revoke` `` */
  revokeUrl?: string | undefined
  /** @defaultValue `'https://cdn.discordapp.com'` */
  cdnBaseUrl?: string | undefined
  /** Path of the login route; `false` turns it off. @defaultValue `'/login'` */
  loginPath?: string | false | undefined
  /** Path of the callback route; `false` turns it off. @defaultValue the path of `redirectUri` */
  callbackPath?: string | false | undefined
  /** Path of the logout route (POST); `false` turns it off. @defaultValue `'/logout'` */
  logoutPath?: string | false | undefined
  /** Where the callback route sends the user after login when no `next` was given. @defaultValue `'/'` */
  successRedirect?: string | undefined
  /** Where the callback route sends a browser when the login failed; unset: an error reply. @defaultValue none */
  failureRedirect?: string | undefined
  /** The users cache: its size, or a store of your own (`{ store, ttl }`, or the store itself). @defaultValue `{ max: 10000, ttl: 300000 }` */
  cache?: DiscordCacheOptions | CacheStore | undefined
  /**
   * Server-side token storage; the session then holds only an opaque id. `'redis'`: in the
   * `redis` option's Redis, encrypted with the session key, expiring with the session.
   * @defaultValue tokens inside the encrypted session cookie
   */
  tokenStore?: TokenStore | 'redis' | undefined
  /**
   * The Redis that several instances of the app share (API.md §9): an ioredis `Redis` or
   * `Cluster` client (the app closes it), or a `redis://` / `rediss://` URL (the plugin connects
   * with ioredis, an optional peer dependency, and closes the client on app close).
   * @defaultValue none: every piece of state is process-local
   */
  redis?: RedisClient | string | undefined
  /**
   * Prepended to every Redis key and channel the plugin uses; without `{` or `}`, which would
   * break the hash tags that keep each script's keys in one Redis Cluster slot.
   * @defaultValue `'fastify-discord:'`
   */
  redisPrefix?: string | undefined
  /** `prompt` of the login route. @defaultValue `'consent'` */
  prompt?: 'consent' | 'none' | undefined
  /**
   * Knobs of the REST client: timeouts, retries, the per-identity global limit and the
   * wait-or-throw rate-limit policy (`rejectOnRateLimit`, `maxRateLimitWait`).
   * @defaultValue the RestClient defaults (15 s timeout, 2 retries, 50 requests/s, wait up to 5 s)
   */
  rest?: DiscordRestOptions | undefined
  /** Clock seam for tests: milliseconds since the epoch. @defaultValue `Date.now` */
  now?: (() => number) | undefined
  /** Hook of the built-in callback route after a successful grant; a returned path is the redirect. @defaultValue none */
  onGrant?: OnGrant | undefined
}

/** The REST client options the plugin lets you set (it supplies `apiBaseUrl` and the logger). */
export type DiscordRestOptions = Omit<RestClientOptions, 'apiBaseUrl' | 'logger'>

/** Options after defaults, environment fallbacks and checks; frozen. */
export interface ResolvedOptions {
  readonly clientId: string
  readonly clientSecret: string
  readonly redirectUri: string
  readonly botToken: string | null
  readonly scope: readonly string[]
  /** `null`: none given (the app may have registered `@fastify/secure-session` itself). */
  readonly session: DiscordSessionOptions | null
  /**
   * How long a session cookie lives, ms: `session.expiry`, else @fastify/secure-session's default
   * (also when the app registered it itself, whose expiry the plugin cannot read).
   */
  readonly sessionLifetime: number
  readonly apiBaseUrl: string
  readonly authorizeUrl: string
  readonly tokenUrl: string
  readonly revokeUrl: string
  readonly cdnBaseUrl: string
  readonly loginPath: string | false
  readonly callbackPath: string | false
  readonly logoutPath: string | false
  readonly successRedirect: string
  readonly failureRedirect: string | null
  readonly cache: { readonly max: number, readonly ttl: number } | { readonly store: CacheStore, readonly ttl: number } | CacheStore
  /** `'redis'`: kept in `redis` (which is then set). */
  readonly tokenStore: TokenStore | 'redis' | null
  /** `null`: no Redis; all state is process-local. */
  readonly redis: RedisClient | string | null
  readonly redisPrefix: string
  readonly prompt: 'consent' | 'none'
  /**
   * The `iss` values (RFC 9207) a callback may carry: Discord's `https://discord.com`, and the
   * origin of `authorizeUrl` when that points elsewhere (a fake Discord may announce either).
   */
  readonly issuers: readonly string[]
  /** The REST client's settings, checked and with their defaults. */
  readonly rest: ResolvedRestClientOptions
  readonly now: () => number
  readonly onGrant: OnGrant | null
}

/** Defaults of the options that have one independent of other options. */
export const DEFAULTS = {
  scope: ['identify'],
  apiBaseUrl: 'https://discord.com/api/v10',
  authorizeUrl: 'https://discord.com/oauth2/authorize',
  cdnBaseUrl: 'https://cdn.discordapp.com',
  loginPath: '/login',
  logoutPath: '/logout',
  successRedirect: '/',
  cacheMax: DEFAULT_USERS_CACHE_MAX,
  cacheTtl: DEFAULT_USERS_CACHE_TTL,
  prompt: 'consent',
  redisPrefix: 'fastify-discord:'
} as const
