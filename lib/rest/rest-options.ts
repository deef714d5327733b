import { createRequire } from 'node:module'
import type { SharedRedis } from '../redis/shared-redis.js'
import { systemClock, type RestClock } from './clock.js'
import type { FetchFunction } from './transport.js'

/** What a rate-limit policy sees when a request would have to wait. */
export interface RateLimitWaitInfo {
  /** `bot:<digest>`, `bearer:<digest>` or `none`; never a token. */
  identity: string
  method: string
  /** The bucket route, e.g. `GET /users/@me/guilds`. */
  route: string
  /** The token-free request path, e.g. `/users/@me/guilds`. */
  path: string
  /** Milliseconds the request would wait. */
  wait: number
  global: boolean
  bucket: string | null
}

/** A pino-like logger (Fastify's `app.log` fits). */
export interface RestLogger {
  debug (obj: Record<string, unknown>, msg: string): void
  warn (obj: Record<string, unknown>, msg: string): void
}

/** Options of a {@link RestClient}. */
export interface RestClientOptions {
  /** Base URL of Discord's API, versioned, e.g. `https://discord.com/api/v10`. */
  apiBaseUrl: string
  /** Appended to the `User-Agent` Discord requires. @defaultValue '' */
  userAgentAppendix?: string
  /** Milliseconds one attempt (request and body) may take. @defaultValue 15000 */
  timeout?: number
  /** Retries of an idempotent request (GET, PUT, DELETE) after a 5xx, a connection failure or a timeout. @defaultValue 2 */
  retries?: number
  /** Backoff before the first retry, in ms; it doubles for every further retry. @defaultValue 250 */
  retryDelay?: number
  /** Retries after a 429 before giving up with `RateLimited`. @defaultValue 3 */
  rateLimitRetries?: number
  /** Requests per second each identity may send (Discord's global limit). @defaultValue 50 */
  globalRequestsPerSecond?: number
  /**
   * Throw `RateLimited` instead of waiting: always (`true`), for routes starting with one of the
   * given prefixes (matched against the path and the route template), or when the predicate says so.
   * @defaultValue false
   */
  rejectOnRateLimit?: boolean | readonly string[] | ((info: RateLimitWaitInfo) => boolean)
  /** Longest rate-limit wait (ms, queueing included) a request accepts before it throws `RateLimited` instead. @defaultValue 5000 */
  maxRateLimitWait?: number
  /** Milliseconds added to every learned bucket reset, to absorb rounding. @defaultValue 5 */
  rateLimitOffset?: number
  /** Milliseconds between sweeps of idle buckets and identities; 0 turns sweeping off. @defaultValue 60000 */
  sweepInterval?: number
  /**
   * Milliseconds one call may take in all, across its retries, backoffs and rate-limit waits;
   * past it the caller gets the timeout `HttpException` (`FST_DISCORD_TIMEOUT`).
   * @defaultValue the longer of `timeout` and a finite `maxRateLimitWait`, plus 5000
   */
  deadline?: number
  /**
   * Invalid requests (401, 403, 429 other than `shared` scope) in 10 minutes past which this
   * process refuses further calls locally with `InvalidRequestLimit` (503, `Retry-After`) instead
   * of sending them; a warning is logged at half. Discord bans the IP for an hour at 10,000.
   * @defaultValue 5000
   */
  invalidRequestLimit?: number
  /** The fetch to call. @defaultValue globalThis.fetch */
  fetch?: FetchFunction
  /** Clock and timers. @defaultValue the system clock */
  clock?: RestClock
  /** Receives debug and warn logs (never a token). @defaultValue no logging */
  logger?: RestLogger
}

/** Options after defaults and checks. */
export interface ResolvedRestClientOptions {
  readonly apiBaseUrl: string
  readonly userAgent: string
  readonly timeout: number
  readonly retries: number
  readonly retryDelay: number
  readonly rateLimitRetries: number
  readonly globalRequestsPerSecond: number
  readonly rejectOnRateLimit: (info: RateLimitWaitInfo) => boolean
  readonly maxRateLimitWait: number
  readonly rateLimitOffset: number
  readonly sweepInterval: number
  readonly deadline: number
  readonly invalidRequestLimit: number
  readonly fetch: FetchFunction
  readonly clock: RestClock
  readonly logger: RestLogger
  /** Where the rate limits of several instances are shared; `null`: this process alone counts. */
  readonly redis: SharedRedis | null
}

const REPOSITORY = 'https://github.com/fastify-discord/fastify-discord'
const { version } = createRequire(import.meta.url)('../../package.json') as { version: string }

/** Discord requires `DiscordBot ($url, $versionNumber)` (https://discord.com/developers/docs/reference#user-agent). */
export const USER_AGENT = `DiscordBot (${REPOSITORY}, ${version})`

const DEFAULTS = {
  userAgentAppendix: '',
  timeout: 15_000,
  retries: 2,
  retryDelay: 250,
  rateLimitRetries: 3,
  globalRequestsPerSecond: 50,
  rejectOnRateLimit: false,
  maxRateLimitWait: 5_000,
  rateLimitOffset: 5,
  sweepInterval: 60_000,
  // Enough for one attempt that times out, and a retry or a rate-limit wait after it.
  deadline: 15_000 + 5_000,
  // Half Discord's ban threshold: room for other processes behind the same IP.
  invalidRequestLimit: 5_000
} as const satisfies Required<Omit<RestClientOptions, 'apiBaseUrl' | 'fetch' | 'clock' | 'logger'>>

/** How much longer than one attempt's `timeout` the default `deadline` is. */
const DEADLINE_OVER_TIMEOUT = DEFAULTS.deadline - DEFAULTS.timeout

const silentLogger: RestLogger = { debug () {}, warn () {} }

/** What {@link resolveRestClientOptions} returned: checked already, so it is taken as it is. */
const resolvedOptions = new WeakSet<object>()

/**
 * Applies defaults and validates: the one check of the REST settings, whether they come from the
 * plugin's `rest` option or from `new RestClient()`. Options it resolved itself are returned as
 * they are, so the plugin's are checked once, at register.
 *
 * @throws TypeError or RangeError naming the option
 */
export function resolveRestClientOptions (options: RestClientOptions): ResolvedRestClientOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('RestClient options must be an object')
  if (resolvedOptions.has(options)) return options as ResolvedRestClientOptions
  const { apiBaseUrl } = options
  if (typeof apiBaseUrl !== 'string' || !URL.canParse(apiBaseUrl)) throw new TypeError('`apiBaseUrl` must be an absolute URL')
  const appendix = options.userAgentAppendix ?? DEFAULTS.userAgentAppendix
  if (typeof appendix !== 'string') throw new TypeError('`userAgentAppendix` must be a string')
  const fetchFn = options.fetch ?? globalThis.fetch
  if (typeof fetchFn !== 'function') throw new TypeError('`fetch` must be a function')
  const clock = options.clock ?? systemClock
  if (typeof clock.now !== 'function' || typeof clock.setTimeout !== 'function' || typeof clock.clearTimeout !== 'function') {
    throw new TypeError('`clock` must have now(), setTimeout() and clearTimeout()')
  }
  const timeout = positive('timeout', options.timeout ?? DEFAULTS.timeout, false)
  const maxRateLimitWait = maxWait(options.maxRateLimitWait ?? DEFAULTS.maxRateLimitWait)
  return registered({
    apiBaseUrl: apiBaseUrl.replace(/\/+$/, ''),
    userAgent: appendix === '' ? USER_AGENT : `${USER_AGENT} ${appendix}`,
    timeout,
    retries: count('retries', options.retries ?? DEFAULTS.retries),
    retryDelay: positive('retryDelay', options.retryDelay ?? DEFAULTS.retryDelay, true),
    rateLimitRetries: count('rateLimitRetries', options.rateLimitRetries ?? DEFAULTS.rateLimitRetries),
    globalRequestsPerSecond: positive('globalRequestsPerSecond', options.globalRequestsPerSecond ?? DEFAULTS.globalRequestsPerSecond, false),
    rejectOnRateLimit: normalizeRejectOnRateLimit(options.rejectOnRateLimit ?? DEFAULTS.rejectOnRateLimit),
    maxRateLimitWait,
    rateLimitOffset: positive('rateLimitOffset', options.rateLimitOffset ?? DEFAULTS.rateLimitOffset, true),
    sweepInterval: positive('sweepInterval', options.sweepInterval ?? DEFAULTS.sweepInterval, true),
    deadline: positive('deadline', options.deadline ?? defaultDeadline(timeout, maxRateLimitWait), false),
    invalidRequestLimit: limit(options.invalidRequestLimit ?? DEFAULTS.invalidRequestLimit),
    fetch: fetchFn,
    clock,
    logger: options.logger ?? silentLogger,
    redis: null
  })
}

/**
 * Resolved options with what the plugin knows only at register: Fastify's logger, and the Redis
 * through which the instances share rate limits (`null` without the `redis` option).
 */
export function withPluginContext (options: ResolvedRestClientOptions, logger: RestLogger, redis: SharedRedis | null): ResolvedRestClientOptions {
  return registered({ ...options, logger, redis })
}

function registered (options: ResolvedRestClientOptions): ResolvedRestClientOptions {
  const frozen = Object.freeze(options)
  resolvedOptions.add(frozen)
  return frozen
}

/** Turns every form of `rejectOnRateLimit` into one predicate. */
export function normalizeRejectOnRateLimit (value: NonNullable<RestClientOptions['rejectOnRateLimit']>): (info: RateLimitWaitInfo) => boolean {
  if (typeof value === 'boolean') return () => value
  if (typeof value === 'function') return value
  if (Array.isArray(value) && value.every((prefix) => typeof prefix === 'string')) {
    const prefixes = [...value]
    return (info) => prefixes.some((prefix) => info.path.startsWith(prefix) || info.route.slice(info.route.indexOf(' ') + 1).startsWith(prefix))
  }
  throw new TypeError('`rejectOnRateLimit` must be a boolean, an array of route prefixes or a function')
}

function positive (name: string, value: number, zeroAllowed: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!zeroAllowed && value === 0)) {
    throw new RangeError(`\`${name}\` must be a ${zeroAllowed ? 'non-negative' : 'positive'} finite number`)
  }
  return value
}

function count (name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`\`${name}\` must be a non-negative integer`)
  return value
}

/**
 * Room for one attempt, or for the longest rate-limit wait the app accepts, and a retry after it.
 * An unbounded wait (`Infinity`) does not make the call unbounded: the deadline still ends it.
 */
function defaultDeadline (timeout: number, maxRateLimitWait: number): number {
  return Math.max(timeout, Number.isFinite(maxRateLimitWait) ? maxRateLimitWait : 0) + DEADLINE_OVER_TIMEOUT
}

function limit (value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError('`invalidRequestLimit` must be a positive integer')
  return value
}

function maxWait (value: number): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) throw new RangeError('`maxRateLimitWait` must be a non-negative number (Infinity to always wait)')
  return value
}
