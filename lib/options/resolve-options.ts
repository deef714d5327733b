import type { CacheStore } from '../cache/cache-store.js'
import { ConfigurationError } from '../errors/configuration-error.js'
import { resolveRestClientOptions, type ResolvedRestClientOptions } from '../rest/rest-options.js'
import type { TokenStore } from '../shared/token-store.js'
import { didYouMean } from './did-you-mean.js'
import { checkOptions, ENV, knownOptions, REGISTER_OPTIONS, REST_KEYS } from './options-schema.js'
import { DEFAULTS, type DiscordCacheOptions, type DiscordPluginOptions, type DiscordRestOptions, type DiscordSessionOptions, type ResolvedOptions } from './plugin-options.js'

const DISCORD_ISSUER = 'https://discord.com'

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
  const { now, onGrant, cache, tokenStore, rest, ...plain } = input
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
  if (onGrant !== undefined && typeof onGrant !== 'function') throw invalid('onGrant', 'a function')
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
    now: now ?? Date.now,
    onGrant: onGrant ?? null
  })
}

/**
 * The one check that requires a session key: of a `session` option here, at resolution, and of
 * no `session` at all at registration, when the app has not registered `@fastify/secure-session`.
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
  return ['get', 'set', 'delete', 'deleteUser'].every((method) => typeof store[method] === 'function')
}

function isTokenStore (value: unknown): value is TokenStore {
  const store = value as Record<string, unknown>
  return ['get', 'set', 'delete'].every((method) => typeof store[method] === 'function')
}
