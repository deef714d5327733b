import type { CacheStore } from '../cache/cache-store.js'
import { ConfigurationError } from '../errors/configuration-error.js'
import { isRedisClient } from '../redis/redis-client.js'
import { resolveRestClientOptions, type ResolvedRestClientOptions } from '../rest/rest-options.js'
import type { TokenStore } from '../contracts/token-store.js'
import { didYouMean } from './did-you-mean.js'
import { checkOptions, ENV, knownOptions, REGISTER_OPTIONS, REST_KEYS } from './options-schema.js'
import { unknownScopes } from './scopes.js'
import { DEFAULTS, type DiscordCacheOptions, type DiscordPluginOptions, type DiscordRestOptions, type DiscordSessionOptions, type ResolvedOptions } from './plugin-options.js'

/** @fastify/secure-session's default `expiry`, seconds (a day and a second). */
const SECURE_SESSION_EXPIRY = 86_401

const DISCORD_ISSUER = 'https://discord.com'

/** What a malformed option should have been, for the options whose type alone does not say it. */
const EXPECTED: Record<string, string> = {
  clientId: 'a snowflake: 17–20 digits',
  clientSecret: 'a non-empty string',
  botToken: 'a non-empty string',
  redirectUri: 'an absolute http(s) URL',
  loginPath: 'a path starting with `/`, or false',
  callbackPath: 'a path starting with `/`, or false',
  logoutPath: 'a path starting with `/`, or false',
  prompt: "'consent' or 'none'",
  'session.expiry': 'whole seconds, at least 60',
  'session.remember': 'a whole number of cookies, 0 to remember none',
  'cache.max': 'a whole number of users, at least 1',
  'cache.ttl': 'whole milliseconds, at least 1',
  redis: 'an ioredis client (Redis or Cluster) or a redis:// or rediss:// URL',
  redisPrefix: 'a non-empty string without `{` or `}` (they would break Redis Cluster hash tags)',
  tokenStore: "a TokenStore (async get, set and delete) or 'redis'"
}

const REQUIRED = ['clientId', 'clientSecret', 'redirectUri'] as const

/** How the plugin calls resolveOptions(): what it knows about the app it is registered on. */
export interface ResolveContext {
  /**
   * Whether the app registered `@fastify/secure-session` itself, so that a missing `session`
   * is fine. The plugin always says; the default suits checking the options alone (tests).
   * @defaultValue true
   */
  sessionRegistered?: boolean
}

/**
 * Applies defaults and environment fallbacks to the plugin options and checks them once, at
 * registration. Every problem found is reported in one error, so that a new app is fixed in one
 * run, not one option per run. Errors name the option (and its environment variable), never
 * its value.
 *
 * @param input - the options given to `register`
 * @param env - where the environment fallbacks are read
 * @param context - what the plugin knows about the app
 * @throws ConfigurationError when an option is missing or malformed
 */
export function resolveOptions (input: DiscordPluginOptions = {}, env: NodeJS.ProcessEnv = process.env, context: ResolveContext = {}): ResolvedOptions {
  if (typeof input !== 'object' || input === null) throw new ConfigurationError('fastify-discord options must be an object')
  const { now, onGrant, cache, tokenStore, rest, redis, ...plain } = input
  const withEnv: Record<string, unknown> = { ...dropUndefined(plain) }
  for (const name of REGISTER_OPTIONS) delete withEnv[name]
  for (const name of ['clientId', 'clientSecret', 'redirectUri', 'botToken'] as const) {
    const fromEnv = env[ENV[name]]
    if (withEnv[name] === undefined && fromEnv !== undefined && fromEnv !== '') withEnv[name] = fromEnv
  }
  if (cache !== undefined && typeof (cache as { get?: unknown }).get === 'function' && !isCacheStore(cache)) {
    throw new ConfigurationError('`cache` must be `{ max, ttl }`, `{ store, ttl }` or a CacheStore with get, set and delete methods (deleteUser optional)')
  }
  if (isCacheStore(cache)) {
    // A store is checked by shape, not by the schema below.
  } else if (cache !== undefined) {
    withEnv['cache'] = dropUndefined(cache)
  }
  if (tokenStore !== undefined) withEnv['tokenStore'] = tokenStore
  // A client is checked by shape below; the schema sees only that it is an object.
  if (redis !== undefined) withEnv['redis'] = typeof redis === 'string' || !isRedisClient(redis) ? redis : {}

  const problems = [...schemaProblems(withEnv), ...missingProblems(withEnv)]
  const malformed = new Set(problems.map((problem) => /^`([^`]+)`/.exec(problem)?.[1]))
  for (const name of ['redirectUri', 'apiBaseUrl', 'authorizeUrl', 'tokenUrl', 'revokeUrl', 'cdnBaseUrl']) {
    const value = withEnv[name]
    if (typeof value === 'string' && !malformed.has(name) && !isAbsoluteUrl(value)) problems.push(invalid(name, 'an absolute http(s) URL').message)
  }
  if (Array.isArray(withEnv['scope']) && !malformed.has('scope')) problems.push(...unknownScopes(withEnv['scope'] as string[]))
  if (redis !== undefined && !malformed.has('redis') && (typeof redis === 'string' ? !isRedisUrl(redis) : !isRedisClient(redis))) problems.push(invalid('redis', EXPECTED['redis']).message)
  if (tokenStore === 'redis' && redis === undefined) problems.push("`tokenStore: 'redis'` keeps token sets in the `redis` option's Redis: set `redis` too")
  problems.push(...sessionProblems(withEnv['session'] as DiscordSessionOptions | undefined, malformed.has('session.key'), context.sessionRegistered ?? true))
  if (problems.length === 1) throw new ConfigurationError(problems[0] as string)
  if (problems.length > 1) throw new ConfigurationError(`fastify-discord options have ${problems.length} problems:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`)

  const options = withEnv as DiscordPluginOptions
  if (now !== undefined && typeof now !== 'function') throw invalid('now')
  if (onGrant !== undefined && typeof onGrant !== 'function') throw invalid('onGrant', 'a function')
  if (tokenStore !== undefined && tokenStore !== 'redis' && !isTokenStore(tokenStore)) throw new ConfigurationError('`tokenStore` must have async get, set and delete methods')
  const cacheOptions = isCacheStore(cache) ? undefined : options.cache as DiscordCacheOptions | undefined
  if (cacheOptions?.store !== undefined) {
    if (!isCacheStore(cacheOptions.store)) throw new ConfigurationError('`cache.store` must be a CacheStore with get, set and delete methods (deleteUser optional)')
    if (cacheOptions.max !== undefined) throw new ConfigurationError('`cache.max` sizes the default store only: size `cache.store` yourself, or leave it out')
  }

  // Present and well-formed: checked above.
  const clientId = options.clientId as string
  const clientSecret = options.clientSecret as string
  const redirectUri = options.redirectUri as string
  const apiBaseUrl = trimSlash(options.apiBaseUrl ?? DEFAULTS.apiBaseUrl)
  const authorizeUrl = options.authorizeUrl ?? DEFAULTS.authorizeUrl
  const tokenUrl = options.tokenUrl ?? `${apiBaseUrl}/oauth2/token`
  const revokeUrl = options.revokeUrl ?? `${apiBaseUrl}/oauth2/token/revoke`
  const cdnBaseUrl = trimSlash(options.cdnBaseUrl ?? DEFAULTS.cdnBaseUrl)
  const failureRedirect = options.failureRedirect ?? null
  const loginPath = options.loginPath ?? DEFAULTS.loginPath
  const callbackPath = options.callbackPath ?? new URL(redirectUri).pathname
  const logoutPath = options.logoutPath ?? DEFAULTS.logoutPath
  distinctPaths({ loginPath, callbackPath, logoutPath }, options.callbackPath === undefined)

  const session = options.session === undefined ? null : { ...options.session }

  return Object.freeze({
    rest: resolveRest(rest, apiBaseUrl),
    clientId,
    clientSecret,
    redirectUri,
    botToken: options.botToken ?? null,
    scope: Object.freeze([...(options.scope ?? DEFAULTS.scope)]),
    session,
    sessionLifetime: (session?.expiry ?? SECURE_SESSION_EXPIRY) * 1000,
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
    redis: redis ?? null,
    redisPrefix: options.redisPrefix ?? DEFAULTS.redisPrefix,
    prompt: options.prompt ?? DEFAULTS.prompt,
    issuers: Object.freeze([...new Set([DISCORD_ISSUER, new URL(authorizeUrl).origin])]),
    now: now ?? Date.now,
    onGrant: onGrant ?? null
  })
}

function isRedisUrl (value: string): boolean {
  try {
    const url = new URL(value)
    return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== ''
  } catch {
    return false
  }
}

/** Every unknown option first (a typo explains the rest), then every malformed one, once each. */
function schemaProblems (withEnv: Record<string, unknown>): string[] {
  if (checkOptions.Check(withEnv)) return []
  const errors = [...checkOptions.Errors(withEnv)]
  // An unknown key gives two errors: the parent's `additionalProperties` (listing the keys) and
  // the key's own `schema is false`; the first names them all.
  const unknownNames = errors.flatMap((error) => {
    if (error.keyword !== 'additionalProperties') return []
    const base = optionName(error.instancePath)
    const extra = (error.params as { additionalProperties?: unknown[] }).additionalProperties ?? []
    return extra.map((key) => base === '' ? String(key) : `${base}.${String(key)}`)
  })
  const malformed = errors
    .filter((error) => error.keyword !== 'additionalProperties' && !error.schemaPath.endsWith('/additionalProperties'))
    .map((error) => optionName(error.instancePath))
  return [
    ...[...new Set(unknownNames)].map((name) => unknownOption(name).message),
    ...[...new Set(malformed)].map((name) => invalid(name === '' ? 'options' : name, expectation(name, withEnv)).message)
  ]
}

function expectation (name: string, withEnv: Record<string, unknown>): string | undefined {
  if (name === 'scope') {
    const scope = withEnv['scope']
    const spaced = typeof scope === 'string' || (Array.isArray(scope) && scope.some((entry) => typeof entry === 'string' && /\s/.test(entry)))
    return spaced ? "an array of scope strings, not one space-separated string: `['identify', 'guilds']`" : 'a non-empty array of scope strings'
  }
  return EXPECTED[name]
}

/** Every missing credential at once. */
function missingProblems (withEnv: Record<string, unknown>): string[] {
  const missing = REQUIRED.filter((name) => withEnv[name] === undefined)
  if (missing.length === 0) return []
  const list = (names: readonly string[]): string => names.length === 1 ? names[0] as string : `${names.slice(0, -1).join(', ')} and ${names.at(-1) as string}`
  const options = list(missing.map((name) => `\`${name}\``))
  const variables = list(missing.map((name) => ENV[name]))
  return missing.length === 1
    ? [`${options} is required: pass it to register() or set ${variables}`]
    : [`${options} are required: pass them to register() or set ${variables}`]
}

/** A missing key, or a key written the way another tool prints it. Never shows the key. */
function sessionProblems (session: DiscordSessionOptions | undefined, malformed: boolean, sessionRegistered: boolean): string[] {
  if (session === undefined) return sessionRegistered ? [] : [MISSING_KEY]
  if (session.key === undefined && session.secret === undefined) return [MISSING_KEY]
  if (malformed) return []
  const keys = Array.isArray(session.key) ? session.key : [session.key]
  return keys.some((key) => typeof key === 'string' && /^[0-9a-f]{64}$/i.test(key))
    ? ["`session.key` looks like 64 hex characters (32 bytes written as hex), but a string key is read as base64: pass `Buffer.from(key, 'hex')`, a base64 string of 44 characters, or the file from `npx @fastify/secure-session > secret-key` as `readFileSync('secret-key')`"]
    : []
}

const MISSING_KEY = '`session.key` (or `session.secret` with `session.salt`) is required to encrypt the session cookie, unless @fastify/secure-session is registered before fastify-discord'

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

function resolveRest (rest: DiscordRestOptions | undefined, apiBaseUrl: string): ResolvedRestClientOptions {
  if (rest !== undefined && (typeof rest !== 'object' || rest === null)) throw invalid('rest')
  const unknown = Object.keys(rest ?? {}).find((name) => !REST_KEYS.includes(name))
  if (unknown !== undefined) throw unknownOption(`rest.${unknown}`)
  try {
    // The client's own check, run now so that a bad knob fails register(), not the first call;
    // the client takes what it resolved as it is.
    return resolveRestClientOptions({ ...rest, apiBaseUrl })
  } catch (err) {
    throw new ConfigurationError(`\`rest\` is malformed: ${(err as Error).message.replace(/^`/, '`rest.')}`)
  }
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

function isAbsoluteUrl (value: string): boolean {
  try {
    const { protocol } = new URL(value)
    return protocol === 'https:' || protocol === 'http:'
  } catch {
    return false
  }
}

function invalid (name: string, expected?: string): ConfigurationError {
  const envName = (ENV as Record<string, string | undefined>)[name]
  const where = envName === undefined ? `\`${name}\`` : `\`${name}\` (or ${envName})`
  return new ConfigurationError(`${where} is malformed${expected === undefined ? '' : `: expected ${expected}`}`)
}

function unknownOption (name: string): ConfigurationError {
  const dot = name.lastIndexOf('.')
  const parent = name.slice(0, Math.max(dot, 0))
  const guess = didYouMean(name.slice(dot + 1), knownOptions(parent))
  const shown = name.length > 64 ? `${name.slice(0, 64)}…` : name
  const hint = guess === undefined ? '' : ` (did you mean \`${parent === '' ? '' : `${parent}.`}${guess}\`?)`
  return new ConfigurationError(`\`${shown}\` is not a fastify-discord option${hint}`)
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
  return ['get', 'set', 'delete'].every((method) => typeof store[method] === 'function') &&
    (store['deleteUser'] === undefined || typeof store['deleteUser'] === 'function')
}

function isTokenStore (value: unknown): value is TokenStore {
  const store = value as Record<string, unknown>
  return ['get', 'set', 'delete'].every((method) => typeof store[method] === 'function')
}
