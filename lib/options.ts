import { Type } from 'typebox'
import { Compile } from 'typebox/compile'
import { DEFAULT_USERS_CACHE_MAX, DEFAULT_USERS_CACHE_TTL } from './cache/cache-defaults.js'
import type { CacheStore } from './cache/cache-store.js'
import { resolveRestClientOptions, type RestClientOptions } from './rest/rest-options.js'
import { ConfigurationError } from './errors/configuration-error.js'
import type { TokenStore } from './session/token-store.js'

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
  /** Server-side token storage; the session then holds only an opaque id. @defaultValue tokens inside the encrypted session cookie */
  tokenStore?: TokenStore | undefined
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
  readonly session: DiscordSessionOptions | null
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
  readonly tokenStore: TokenStore | null
  readonly prompt: 'consent' | 'none'
  /**
   * The `iss` values (RFC 9207) a callback may carry: Discord's `https://discord.com`, and the
   * origin of `authorizeUrl` when that points elsewhere (a fake Discord may announce either).
   */
  readonly issuers: readonly string[]
  readonly rest: DiscordRestOptions
  readonly now: () => number
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
  prompt: 'consent'
} as const

const DISCORD_ISSUER = 'https://discord.com'

const ENV = {
  clientId: 'DISCORD_CLIENT_ID',
  clientSecret: 'DISCORD_CLIENT_SECRET',
  redirectUri: 'DISCORD_REDIRECT_URI',
  botToken: 'DISCORD_BOT_TOKEN',
  'cache.max': 'DISCORD_USERS_CACHE_MAX_LIMIT'
} as const

const Text = Type.String({ minLength: 1, maxLength: 2048 })
const Path = Type.Union([Type.Literal(false), Type.String({ minLength: 1, maxLength: 512, pattern: '^/' })])
const Binary = Type.Unsafe<string | Buffer>({ anyOf: [{ type: 'string' }, { type: 'object' }] })

const OptionsSchema = Type.Object({
  clientId: Type.Optional(Type.String({ pattern: '^[0-9]{1,25}$' })),
  clientSecret: Type.Optional(Text),
  redirectUri: Type.Optional(Text),
  botToken: Type.Optional(Text),
  scope: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100, pattern: '^[^\\s]+$' }), { minItems: 1, maxItems: 50 })),
  session: Type.Optional(Type.Object({
    key: Type.Optional(Type.Union([Binary, Type.Array(Binary, { minItems: 1 })])),
    secret: Type.Optional(Binary),
    salt: Type.Optional(Binary),
    cookieName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    expiry: Type.Optional(Type.Integer({ minimum: 60 })),
    // @fastify/cookie's serialize options, which that package checks; any key is its business.
    cookie: Type.Optional(Type.Object({}))
  }, { additionalProperties: false })),
  apiBaseUrl: Type.Optional(Text),
  authorizeUrl: Type.Optional(Text),
  tokenUrl: Type.Optional(Text),
  revokeUrl: Type.Optional(Text),
  cdnBaseUrl: Type.Optional(Text),
  loginPath: Type.Optional(Path),
  callbackPath: Type.Optional(Path),
  logoutPath: Type.Optional(Path),
  successRedirect: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
  failureRedirect: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
  cache: Type.Optional(Type.Object({
    max: Type.Optional(Type.Integer({ minimum: 1 })),
    ttl: Type.Optional(Type.Integer({ minimum: 1 })),
    store: Type.Optional(Type.Object({}))
  }, { additionalProperties: false })),
  tokenStore: Type.Optional(Type.Object({})),
  prompt: Type.Optional(Type.Union([Type.Literal('consent'), Type.Literal('none')]))
}, { additionalProperties: false })

/**
 * Options of Fastify's `register` itself, which Fastify leaves in the plugin's options. They
 * are not typos, so they are not refused; they have no effect, since fastify-discord is not
 * encapsulated (its routes live where `loginPath`, `callbackPath` and `logoutPath` say).
 */
const REGISTER_OPTIONS = ['prefix', 'logLevel', 'logSerializers'] as const

/** Every option `register` takes besides Fastify's own, for "did you mean" hints. */
const KNOWN_OPTIONS: ReadonlyArray<string> = [...Object.keys(OptionsSchema.properties), 'now', 'rest']

/** The `rest` knobs, listed so that a misspelt one is refused; `satisfies` keeps the list complete. */
const REST_KEYS = Object.keys({
  userAgentAppendix: true,
  timeout: true,
  retries: true,
  retryDelay: true,
  rateLimitRetries: true,
  globalRequestsPerSecond: true,
  rejectOnRateLimit: true,
  maxRateLimitWait: true,
  rateLimitOffset: true,
  sweepInterval: true,
  fetch: true,
  clock: true
} satisfies Record<keyof DiscordRestOptions, true>)

const checkOptions = Compile(OptionsSchema)

/**
 * Applies defaults and environment fallbacks to the plugin options and checks them once, at
 * registration. Errors name the option (and its environment variable), never its value.
 *
 * @param input - the options given to `register`
 * @param env - where the environment fallbacks are read
 * @throws ConfigurationError when an option is missing or malformed
 */
export function resolveOptions (input: DiscordPluginOptions = {}, env: NodeJS.ProcessEnv = process.env): ResolvedOptions {
  if (typeof input !== 'object' || input === null) throw new ConfigurationError('fastify-discord options must be an object')
  const { now, cache, tokenStore, rest, ...plain } = input
  const withEnv: Record<string, unknown> = { ...dropUndefined(plain) }
  for (const name of REGISTER_OPTIONS) delete withEnv[name]
  for (const name of ['clientId', 'clientSecret', 'redirectUri', 'botToken'] as const) {
    const fromEnv = env[ENV[name]]
    if (withEnv[name] === undefined && fromEnv !== undefined && fromEnv !== '') withEnv[name] = fromEnv
  }
  if (cache !== undefined && typeof (cache as { get?: unknown }).get === 'function' && !isCacheStore(cache)) {
    throw new ConfigurationError('`cache` must be `{ max, ttl }`, `{ store, ttl }` or a CacheStore with get, set, delete and deleteUser methods')
  }
  if (isCacheStore(cache)) {
    // A store is checked by shape, not by the schema below.
  } else if (cache !== undefined) {
    withEnv['cache'] = dropUndefined(cache)
  }
  if (tokenStore !== undefined) withEnv['tokenStore'] = tokenStore

  if (!checkOptions.Check(withEnv)) {
    const errors = [...checkOptions.Errors(withEnv)]
    const unknown = errors.find((error) => error.schemaPath.endsWith('/additionalProperties'))
    if (unknown !== undefined) throw unknownOption(optionName(unknown.instancePath))
    const [first] = errors
    throw invalid(first === undefined ? 'options' : optionName(first.instancePath))
  }
  const options = withEnv as DiscordPluginOptions
  if (now !== undefined && typeof now !== 'function') throw invalid('now')
  if (tokenStore !== undefined && !isTokenStore(tokenStore)) throw new ConfigurationError('`tokenStore` must have async get, set and delete methods')
  const cacheOptions = isCacheStore(cache) ? undefined : options.cache as DiscordCacheOptions | undefined
  if (cacheOptions?.store !== undefined) {
    if (!isCacheStore(cacheOptions.store)) throw new ConfigurationError('`cache.store` must be a CacheStore with get, set, delete and deleteUser methods')
    if (cacheOptions.max !== undefined) throw new ConfigurationError('`cache.max` sizes the default store only: size `cache.store` yourself, or leave it out')
  }

  const clientId = required(options.clientId, 'clientId')
  const clientSecret = required(options.clientSecret, 'clientSecret')
  const redirectUri = absoluteUrl(required(options.redirectUri, 'redirectUri'), 'redirectUri')
  const apiBaseUrl = trimSlash(absoluteUrl(options.apiBaseUrl ?? DEFAULTS.apiBaseUrl, 'apiBaseUrl'))
  const authorizeUrl = absoluteUrl(options.authorizeUrl ?? DEFAULTS.authorizeUrl, 'authorizeUrl')
  const tokenUrl = absoluteUrl(options.tokenUrl ?? `${apiBaseUrl}/oauth2/token`, 'tokenUrl')
  const revokeUrl = absoluteUrl(options.revokeUrl ?? `${apiBaseUrl}/oauth2/token/revoke`, 'revokeUrl')
  const cdnBaseUrl = trimSlash(absoluteUrl(options.cdnBaseUrl ?? DEFAULTS.cdnBaseUrl, 'cdnBaseUrl'))
  const failureRedirect = options.failureRedirect ?? null
  const loginPath = options.loginPath ?? DEFAULTS.loginPath
  const callbackPath = options.callbackPath ?? new URL(redirectUri).pathname
  const logoutPath = options.logoutPath ?? DEFAULTS.logoutPath
  distinctPaths({ loginPath, callbackPath, logoutPath }, options.callbackPath === undefined)

  const session = options.session === undefined ? null : requireSessionKey({ ...options.session })

  return Object.freeze({
    rest: resolveRest(rest, apiBaseUrl),
    clientId,
    clientSecret,
    redirectUri,
    botToken: options.botToken ?? null,
    scope: Object.freeze([...(options.scope ?? DEFAULTS.scope)]),
    session,
    apiBaseUrl,
    authorizeUrl,
    tokenUrl,
    revokeUrl,
    cdnBaseUrl,
    loginPath,
    callbackPath,
    logoutPath,
    successRedirect: options.successRedirect ?? DEFAULTS.successRedirect,
    failureRedirect,
    cache: isCacheStore(cache) ? cache : resolveCache(cacheOptions, env),
    tokenStore: tokenStore ?? null,
    prompt: options.prompt ?? DEFAULTS.prompt,
    issuers: Object.freeze([...new Set([DISCORD_ISSUER, new URL(authorizeUrl).origin])]),
    now: now ?? Date.now
  })
}

/**
 * The session options with which fastify-discord registers `@fastify/secure-session`: the one
 * place that requires a key, both for a `session` option without one and for no `session` at
 * all when the app has not registered `@fastify/secure-session` itself.
 *
 * @throws ConfigurationError when there is no `session.key` nor `session.secret`
 */
export function requireSessionKey (session: DiscordSessionOptions | null): DiscordSessionOptions {
  // A random per-process key would log everyone out on restart and break multi-process apps.
  if (session === null || (session.key === undefined && session.secret === undefined)) {
    throw new ConfigurationError('`session.key` (or `session.secret` with `session.salt`) is required to encrypt the session cookie, unless @fastify/secure-session is registered before fastify-discord')
  }
  return session
}

/** Two built-in routes on one path would fail later in Fastify, with an error naming no option. */
function distinctPaths (paths: Record<'loginPath' | 'callbackPath' | 'logoutPath', string | false>, callbackFromRedirectUri: boolean): void {
  const entries = Object.entries(paths)
  for (const [index, [name, path]] of entries.entries()) {
    const clash = entries.slice(index + 1).find(([, other]) => path !== false && other === path)
    if (clash !== undefined) {
      const label = (option: string): string => option === 'callbackPath' && callbackFromRedirectUri ? '`callbackPath` (the path of `redirectUri`)' : `\`${option}\``
      throw new ConfigurationError(`${label(name)} and ${label(clash[0])} are the same path: each built-in route needs its own, or \`false\` to turn it off`)
    }
  }
}

function resolveRest (rest: DiscordRestOptions | undefined, apiBaseUrl: string): DiscordRestOptions {
  if (rest === undefined) return Object.freeze({})
  if (typeof rest !== 'object' || rest === null) throw invalid('rest')
  const unknown = Object.keys(rest).find((name) => !REST_KEYS.includes(name))
  if (unknown !== undefined) throw unknownOption(`rest.${unknown}`)
  try {
    // The client's own checks, run now so that a bad knob fails register(), not the first call.
    resolveRestClientOptions({ ...rest, apiBaseUrl })
  } catch (err) {
    throw new ConfigurationError(`\`rest\` is malformed: ${(err as Error).message.replace(/^`/, '`rest.')}`)
  }
  return Object.freeze({ ...rest })
}

function resolveCache (cache: DiscordCacheOptions | undefined, env: NodeJS.ProcessEnv): ResolvedOptions['cache'] {
  if (cache?.store !== undefined) return Object.freeze({ store: cache.store, ttl: cache.ttl ?? DEFAULTS.cacheTtl })
  let max = cache?.max
  const fromEnv = env[ENV['cache.max']]
  if (max === undefined && fromEnv !== undefined && fromEnv !== '') {
    if (!/^[0-9]{1,9}$/.test(fromEnv) || Number(fromEnv) < 1) throw invalid('cache.max')
    max = Number(fromEnv)
  }
  return Object.freeze({ max: max ?? DEFAULTS.cacheMax, ttl: cache?.ttl ?? DEFAULTS.cacheTtl })
}

function required (value: string | undefined, name: keyof typeof ENV): string {
  if (value === undefined) throw new ConfigurationError(`\`${name}\` is required: pass it to register() or set ${ENV[name]}`)
  return value
}

function absoluteUrl (value: string, name: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw invalid(name, 'an absolute http(s) URL')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid(name, 'an absolute http(s) URL')
  return value
}

function invalid (name: string, expected?: string): ConfigurationError {
  const envName = (ENV as Record<string, string | undefined>)[name]
  const where = envName === undefined ? `\`${name}\`` : `\`${name}\` (or ${envName})`
  return new ConfigurationError(`${where} is malformed${expected === undefined ? '' : `: expected ${expected}`}`)
}

function unknownOption (name: string): ConfigurationError {
  const dot = name.lastIndexOf('.')
  const parent = name.slice(0, Math.max(dot, 0))
  const key = name.slice(dot + 1)
  const known = parent === '' ? KNOWN_OPTIONS : parent === 'rest' ? REST_KEYS : Object.keys(nestedProperties(parent))
  const guess = known.find((candidate) => editDistance(candidate.toLowerCase(), key.toLowerCase()) <= 2)
  const shown = name.length > 64 ? `${name.slice(0, 64)}…` : name
  const hint = guess === undefined ? '' : ` (did you mean \`${parent === '' ? '' : `${parent}.`}${guess}\`?)`
  return new ConfigurationError(`\`${shown}\` is not a fastify-discord option${hint}`)
}

function nestedProperties (parent: string): Record<string, unknown> {
  const schema = (OptionsSchema.properties as Record<string, { properties?: Record<string, unknown> } | undefined>)[parent]
  return schema?.properties ?? {}
}

/** Levenshtein distance, for short option names only. */
function editDistance (a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length] ?? 0
}

function optionName (instancePath: string): string {
  return instancePath.split('/').filter((part) => part !== '' && !/^[0-9]+$/.test(part)).join('.')
}

function trimSlash (url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url
}

function dropUndefined<ObjectType extends object> (value: ObjectType): ObjectType {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as ObjectType
}

function isCacheStore (value: unknown): value is CacheStore {
  if (typeof value !== 'object' || value === null) return false
  const store = value as Record<string, unknown>
  return ['get', 'set', 'delete', 'deleteUser'].every((method) => typeof store[method] === 'function')
}

function isTokenStore (value: unknown): value is TokenStore {
  const store = value as Record<string, unknown>
  return ['get', 'set', 'delete'].every((method) => typeof store[method] === 'function')
}
