import { HttpException } from '../errors/http-exception.js'
import { InvalidRequestLimit } from '../errors/invalid-request-limit.js'
import { RateLimited } from '../errors/rate-limited.js'
import type { Bucket, Wait } from './bucket.js'
import { sleep, unrefTimer } from './clock.js'
import { digest, identityId } from './identity-id.js'
import { Identity, type IdentityHost } from './identity.js'
import { InvalidRequestCounter } from './invalid-requests.js'
import { parseRateLimitHeaders, resetInMs, retryAfterSeconds, type RateLimitHeaders } from './rate-limit-headers.js'
import { checkSuccessBody } from './response-body.js'
import { responseError } from './response-error.js'
import { authorizationHeader, type RestAuth } from './rest-auth.js'
import { RestEvents, type RestEventMap, type RestListener } from './rest-events.js'
import { resolveRestClientOptions, type RateLimitWaitInfo, type ResolvedRestClientOptions, type RestClientOptions } from './rest-options.js'
import { routeData, type RouteData } from './route-key.js'
import { SharedCall } from './shared-call.js'
import { SharedRateLimits, type SharedSlot } from './shared-rate-limits.js'
import { send, TransportFailure, type RawResponse } from './transport.js'
import type { BodyShape } from '../contracts/body-shape.js'
import type { DiscordHttpMethod, DiscordQuery } from '../contracts/request-options.js'

export type { RestAuth } from './rest-auth.js'
export type { RestClientOptions, RestLogger, RateLimitWaitInfo } from './rest-options.js'

/** Options of one {@link RestClient.request} call. */
export interface RestRequestOptions {
  /** @defaultValue 'GET' */
  method?: DiscordHttpMethod | undefined
  /** Query parameters; `null` and `undefined` values are left out. */
  query?: DiscordQuery | undefined
  /** Sent as JSON. */
  body?: unknown
  /** Extra request headers. Credentials go in `auth`, never here. */
  headers?: Record<string, string> | undefined
  /** Aborts this call (a call shared with other callers goes on for them). */
  signal?: AbortSignal | undefined
  /** What a 2xx body must look like; anything else is an `HttpException` (502). @defaultValue any body */
  expect?: BodyShape | undefined
  auth: RestAuth
}

/** What {@link RestClient.sweep} dropped. */
export type SweepResult = RestEventMap[RestEvents.Sweep]

/** A slot reserved in the buckets shared with the other instances, and where to settle it. */
interface Reserved {
  limits: SharedRateLimits
  slot: SharedSlot
}

interface PreparedRequest {
  method: string
  identity: string
  route: RouteData
  url: string
  init: RequestInit
  expect: BodyShape | undefined
}

/** Queued requests are rejected with this when the client closes; each turns it into its own error. */
const CLOSED = Symbol('closed')
/** Methods that may be repeated without changing the outcome (RFC 9110 §9.2.2). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'])
/** A learned route → bucket hash mapping is dropped after a day without use, like Discord's own hashes. */
const ROUTE_LIFETIME_MS = 24 * 60 * 60 * 1000
/** The reason a call's own signal aborts with when its deadline passes. */
const DEADLINE = Symbol('deadline')
/** Statuses Discord counts towards its invalid-request limit. */
const INVALID = new Set([401, 403, 429])

/**
 * A Discord REST client for many identities at once (each user's bearer token, the bot token):
 * per-identity rate-limit buckets learned from Discord's headers, a per-identity global limit,
 * bounded retries and coalescing of concurrent identical GETs.
 *
 * @example
 * ```ts
 * const rest = new RestClient({ apiBaseUrl: 'https://discord.com/api/v10' })
 * const guilds = await rest.request('/users/@me/guilds', { auth: { type: 'Bearer', token } })
 * ```
 */
export class RestClient {
  readonly #options: ResolvedRestClientOptions
  readonly #identities = new Map<string, Identity>()
  /** Route key → bucket hash. Hashes describe routes, not credentials, so identities share them. */
  readonly #routes = new Map<string, { hash: string, lastUsed: number }>()
  readonly #calls = new Map<string, SharedCall<unknown>>()
  readonly #listeners = new Map<keyof RestEventMap, Set<(payload: never) => void>>()
  readonly #identityHost: IdentityHost
  readonly #invalid: InvalidRequestCounter
  /** Rate limits shared with the app's other instances; `null` without Redis (the hot path stays local). */
  readonly #shared: SharedRateLimits | null
  #sweepTimer: unknown = null
  #closed = false

  constructor (options: RestClientOptions) {
    this.#options = resolveRestClientOptions(options)
    this.#invalid = new InvalidRequestCounter(this.#options.invalidRequestLimit)
    const { redis, globalRequestsPerSecond, rateLimitOffset, timeout } = this.#options
    this.#shared = redis === null ? null : new SharedRateLimits(redis, { globalRequestsPerSecond, offset: rateLimitOffset, learnMs: timeout })
    this.#identityHost = {
      clock: this.#options.clock,
      offset: this.#options.rateLimitOffset,
      globalRequestsPerSecond: this.#options.globalRequestsPerSecond,
      waiting: (identity, bucket, wait) => { this.#rateLimited(identity.id, bucket.route, bucket, wait, null, null, false) }
    }
    this.#scheduleSweep()
  }

  /**
   * Calls `route` (relative to `apiBaseUrl`, e.g. `/users/@me/guilds`). Resolves with the parsed
   * JSON, the text of a non-JSON answer, or `undefined` for 204; with `expect`, only with a JSON
   * body of that shape. Throws `Unauthorized` (401),
   * `RateLimited` (429, or a wait the rate-limit policy refuses) and `HttpException` (anything else).
   */
  request<ResultType = unknown> (route: string, options: RestRequestOptions): Promise<ResultType> {
    let prepared: PreparedRequest
    try {
      prepared = this.#prepare(route, options)
    } catch (err) {
      return Promise.reject(err)
    }
    if (this.#closed) return Promise.reject(closedError(prepared))
    const { signal } = options
    if (signal?.aborted === true) return Promise.reject(signal.reason)
    const key = coalescingKey(prepared, options)
    let call = key === null ? undefined : this.#calls.get(key)
    if (call === undefined) {
      const forget = (): void => {
        if (key !== null && this.#calls.get(key) === call) this.#calls.delete(key)
      }
      call = new SharedCall((callSignal) => this.#execute(prepared, callSignal).finally(forget), forget)
      if (key !== null) this.#calls.set(key, call)
    }
    return call.join(signal) as Promise<ResultType>
  }

  /**
   * Invalid requests (401, 403, 429 other than `shared` scope) this client received in the last
   * 10 minutes, and the limit past which it refuses calls (`rest.invalidRequestLimit`).
   */
  get invalidRequests (): { count: number, limit: number } {
    return { count: this.#invalid.count(this.#options.clock.now()), limit: this.#invalid.limit }
  }

  /** Adds a listener. Listeners run synchronously; one that throws is logged and ignored. */
  on<EventName extends keyof RestEventMap> (event: EventName, listener: RestListener<EventName>): this {
    let set = this.#listeners.get(event)
    if (set === undefined) {
      set = new Set()
      this.#listeners.set(event, set)
    }
    set.add(listener as (payload: never) => void)
    return this
  }

  /** Removes a listener added with {@link RestClient.on}. */
  off<EventName extends keyof RestEventMap> (event: EventName, listener: RestListener<EventName>): this {
    this.#listeners.get(event)?.delete(listener as (payload: never) => void)
    return this
  }

  /** Drops idle buckets, identities and stale route hashes now (the sweeper does this periodically). */
  sweep (): SweepResult {
    const now = this.#options.clock.now()
    const idleBefore = now - this.#options.sweepInterval
    const result: SweepResult = { buckets: 0, identities: 0, routes: 0 }
    for (const [id, identity] of this.#identities) {
      result.buckets += identity.sweep(now, idleBefore)
      if (identity.idle(now) && identity.lastUsed <= idleBefore) {
        this.#identities.delete(id)
        result.identities++
      }
    }
    for (const [key, route] of this.#routes) {
      if (route.lastUsed <= now - ROUTE_LIFETIME_MS) {
        this.#routes.delete(key)
        result.routes++
      }
    }
    if (result.buckets + result.identities + result.routes > 0) {
      this.#options.logger.debug({ ...result }, 'fastify-discord: swept idle rate-limit state')
    }
    this.#emit(RestEvents.Sweep, result)
    return result
  }

  /** Stops the sweeper and rejects queued requests; requests already sent finish. */
  close (): void {
    if (this.#closed) return
    this.#closed = true
    if (this.#sweepTimer !== null) this.#options.clock.clearTimeout(this.#sweepTimer)
    this.#sweepTimer = null
    for (const identity of this.#identities.values()) {
      identity.close(CLOSED)
    }
  }

  #prepare (route: string, options: RestRequestOptions): PreparedRequest {
    if (typeof route !== 'string' || !route.startsWith('/') || route.startsWith('//')) {
      throw new TypeError('`route` must be a path relative to `apiBaseUrl`, starting with a single /')
    }
    if (typeof options !== 'object' || options === null || typeof options.auth !== 'object' || options.auth === null) {
      throw new TypeError('`auth` is required: { type: \'Bearer\' | \'Bot\', token } or { type: \'None\' }')
    }
    const method = options.method ?? 'GET'
    const authorization = authorizationHeader(options.auth)
    const mark = route.indexOf('?')
    const path = mark === -1 ? route : route.slice(0, mark)
    const search = new URLSearchParams(mark === -1 ? '' : route.slice(mark + 1))
    appendQuery(search, options.query)
    const query = search.toString()
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      if (name.toLowerCase() === 'authorization') throw new TypeError('pass credentials through `auth`, not `headers`')
      headers[name] = value
    }
    headers['user-agent'] = this.#options.userAgent
    if (authorization !== null) headers.authorization = authorization
    // A redirect would carry the token elsewhere; Discord's API does not redirect, so one is an error.
    const init: RequestInit = { method, headers, redirect: 'manual' }
    if (options.body !== undefined && method !== 'GET') {
      headers['content-type'] = 'application/json'
      init.body = JSON.stringify(options.body)
    }
    return {
      method,
      identity: identityId(options.auth),
      route: routeData(method, path, this.#options.clock.now()),
      url: `${this.#options.apiBaseUrl}${path}${query === '' ? '' : `?${query}`}`,
      init,
      expect: options.expect
    }
  }

  /** Runs the call's attempts within its total deadline (`rest.deadline`). */
  async #execute (req: PreparedRequest, signal: AbortSignal): Promise<unknown> {
    const { clock, deadline } = this.#options
    const controller = new AbortController()
    const onAbort = (): void => { controller.abort(signal.reason) }
    signal.addEventListener('abort', onAbort, { once: true })
    const timer = clock.setTimeout(() => { controller.abort(DEADLINE) }, deadline)
    try {
      return await this.#attempts(req, controller.signal)
    } catch (err) {
      if (err !== DEADLINE) throw err
      this.#options.logger.warn({ identity: req.identity, route: req.route.key, deadline }, 'fastify-discord: a Discord call ran out of its deadline')
      throw new HttpException({ status: 0, discordCode: 0, message: `no answer within the ${deadline} ms deadline (retries and rate-limit waits included)`, body: undefined, method: req.method, url: req.route.safePath, timeout: true })
    } finally {
      clock.clearTimeout(timer)
      signal.removeEventListener('abort', onAbort)
    }
  }

  async #attempts (req: PreparedRequest, signal: AbortSignal): Promise<unknown> {
    const { clock } = this.#options
    let failures = 0
    let limited = 0
    let front = false
    for (;;) {
      const blocked = this.#invalid.blockedFor(clock.now())
      if (blocked > 0) throw new InvalidRequestLimit(blocked / 1000, this.#invalid.limit)
      const identity = this.#identity(req.identity)
      const bucket = identity.bucketFor(req.route, this.#hashOf(req.route.key))
      const ticket = await bucket.acquire(signal, (wait, waited) => this.#policy(req, bucket, wait, waited), front)
        .catch((err: unknown) => { throw err === CLOSED ? closedError(req) : err })
      front = true
      let shared: Reserved | null = null
      if (this.#shared !== null) {
        try {
          const slot = await this.#sharedSlot(this.#shared, req, bucket, signal)
          if (slot !== null) shared = { limits: this.#shared, slot }
        } catch (err) {
          bucket.release(ticket, null, 0)
          throw err
        }
      }
      let res: RawResponse
      try {
        res = await send(this.#options.fetch, clock, this.#options.timeout, req.url, req.init, signal)
      } catch (err) {
        bucket.release(ticket, null, 0)
        shared?.limits.settle(shared.slot, null, 0, null, clock.now())
        if (!(err instanceof TransportFailure)) throw err
        const error = new HttpException({ status: 0, discordCode: 0, message: err.message, body: undefined, method: req.method, url: req.route.safePath, timeout: err.timeout }, { cause: err.cause })
        if (!IDEMPOTENT.has(req.method) || failures >= this.#options.retries) throw error
        failures++
        await this.#backoff(req, failures, err.timeout ? 'timeout' : 'network', 0, signal)
        continue
      }
      const now = clock.now()
      const headers = parseRateLimitHeaders(res.headers)
      // Discord does not count 429s of `shared` scope (a resource's limit, not ours).
      if (INVALID.has(res.status) && !(res.status === 429 && headers.scope === 'shared')) this.#countInvalid(req, res.status, now)
      if (headers.bucket !== null) this.#learn(identity, bucket, req.route.key, headers.bucket, now)
      bucket.release(ticket, headers, res.status)
      if (res.status !== 429) shared?.limits.settle(shared.slot, headers, res.status, null, now)
      this.#emit(RestEvents.Response, { identity: req.identity, method: req.method, route: req.route.key, path: req.route.safePath, status: res.status })
      if (res.status >= 200 && res.status < 300) return checkSuccessBody(res, req.expect, this.#failed(req, bucket))
      if (res.status === 429) {
        limited++
        const ownWait = this.#onTooManyRequests(req, identity, bucket, res, headers, limited, now, shared)
        if (ownWait > 0) await sleep(clock, ownWait, signal)
        continue
      }
      if (res.status >= 500 && IDEMPOTENT.has(req.method) && failures < this.#options.retries) {
        failures++
        await this.#backoff(req, failures, 'status', res.status, signal)
        continue
      }
      if (res.status === 401) {
        this.#emit(RestEvents.Unauthorized, { identity: req.identity, method: req.method, route: req.route.key })
        this.#options.logger.warn({ identity: req.identity, route: req.route.key }, 'fastify-discord: Discord answered 401')
      }
      throw responseError(res, this.#failed(req, bucket), now)
    }
  }

  /**
   * Applies a 429: pauses the identity (global), blocks the bucket, or leaves both alone when only
   * this request is affected (`scope: shared`, or a sublimit while the bucket still has room).
   * Throws `RateLimited` when retries are used up or the policy refuses to wait. Returns how long
   * this request alone must wait (0 when the identity or bucket wait covers it).
   */
  #onTooManyRequests (req: PreparedRequest, identity: Identity, bucket: Bucket, res: RawResponse, headers: RateLimitHeaders, limited: number, now: number, shared: Reserved | null): number {
    const seconds = retryAfterSeconds(res.headers, res.json ? res.body : undefined, now) ??
      (res.json ? (resetInMs(headers, now) ?? 1000) / 1000 : null)
    const global = !res.json || headers.global || headers.scope === 'global' || (res.body as { global?: unknown } | null)?.global === true
    const wait: Wait = { ms: (seconds ?? 0) * 1000, global }
    // A Cloudflare page without Retry-After says nothing about when to come back: fail fast.
    const refused = seconds === null || limited > this.#options.rateLimitRetries || this.#policy(req, bucket, wait, 0, true) !== null
    this.#rateLimited(req.identity, req.route.key, bucket, wait, headers.scope, 429, refused)
    this.#options.logger.warn({ identity: req.identity, route: req.route.key, bucket: bucket.hash, wait: wait.ms, global, scope: headers.scope }, 'fastify-discord: Discord answered 429')
    // Discord's verdict binds every request of the identity or bucket, also when this one gives up.
    let ownWait = 0
    let verdict: 'global' | 'bucket' | null = null
    if (seconds === null) {
      // Nothing known to wait for.
    } else if (global) {
      identity.pause(now + wait.ms)
      verdict = 'global'
    } else if (headers.scope === 'shared' || (headers.remaining !== null && headers.remaining > 0)) {
      // Shared-scope limits and sublimits (429 while the bucket still has room) concern this request only.
      ownWait = wait.ms
    } else {
      bucket.block(now + wait.ms)
      verdict = 'bucket'
    }
    shared?.limits.settle(shared.slot, headers, 429, verdict === null ? null : { kind: verdict, ms: wait.ms }, now)
    if (refused) throw responseError(res, this.#failed(req, bucket), now)
    return ownWait
  }

  /**
   * Reserves the request's slot in the buckets shared with the other instances, waiting as they
   * say; `null` when Redis is unavailable (the local bucket's slot alone then lets it go).
   */
  async #sharedSlot (shared: SharedRateLimits, req: PreparedRequest, bucket: Bucket, signal: AbortSignal): Promise<SharedSlot | null> {
    let waited = 0
    for (;;) {
      const reservation = await shared.reserve(req.identity, req.route, bucket.hash)
      if (reservation === null) return null
      if ('slot' in reservation) return reservation.slot
      if ('poll' in reservation) {
        await sleep(this.#options.clock, reservation.poll, signal)
        continue
      }
      const { wait } = reservation
      const refusal = this.#policy(req, bucket, wait, waited)
      if (refusal !== null) throw refusal
      this.#rateLimited(req.identity, req.route.key, bucket, wait, null, null, false)
      await sleep(this.#options.clock, wait.ms, signal)
      waited += wait.ms
    }
  }

  #policy (req: PreparedRequest, bucket: Bucket, wait: Wait, waitedMs: number, silent = false): RateLimited | null {
    const info: RateLimitWaitInfo = { identity: req.identity, method: req.method, route: req.route.key, path: req.route.safePath, wait: wait.ms, global: wait.global, bucket: bucket.hash }
    if (waitedMs + wait.ms <= this.#options.maxRateLimitWait && !this.#options.rejectOnRateLimit(info)) return null
    if (!silent) this.#rateLimited(req.identity, req.route.key, bucket, wait, null, null, true)
    return new RateLimited({ retryAfter: wait.ms / 1000, global: wait.global, scope: wait.global ? 'global' : 'user', bucket: bucket.hash, route: req.route.key, headers: {}, body: null })
  }

  async #backoff (req: PreparedRequest, attempt: number, reason: 'status' | 'network' | 'timeout', status: number, signal: AbortSignal): Promise<void> {
    const wait = this.#options.retryDelay * 2 ** (attempt - 1)
    this.#emit(RestEvents.Retry, { identity: req.identity, method: req.method, route: req.route.key, attempt, wait, reason, status })
    this.#options.logger.debug({ identity: req.identity, route: req.route.key, attempt, wait, reason, status }, 'fastify-discord: retrying a failed Discord request')
    await sleep(this.#options.clock, wait, signal)
  }

  #countInvalid (req: PreparedRequest, status: number, now: number): void {
    if (this.#invalid.record(now) !== 'reached-half') return
    this.#options.logger.warn({ identity: req.identity, route: req.route.key, status, limit: this.#invalid.limit },
      'fastify-discord: half the invalid-request limit reached in 10 minutes; past it, calls to Discord are refused locally')
  }

  #learn (identity: Identity, bucket: Bucket, routeKey: string, hash: string, now: number): void {
    const known = this.#routes.get(routeKey)
    if (known === undefined || known.hash !== hash) this.#routes.set(routeKey, { hash, lastUsed: now })
    else known.lastUsed = now
    if (bucket.hash !== hash) identity.rekey(bucket, hash)
  }

  #hashOf (routeKey: string): string | undefined {
    const known = this.#routes.get(routeKey)
    if (known === undefined) return undefined
    known.lastUsed = this.#options.clock.now()
    return known.hash
  }

  #identity (id: string): Identity {
    let identity = this.#identities.get(id)
    if (identity === undefined) {
      identity = new Identity(this.#identityHost, id)
      this.#identities.set(id, identity)
    }
    return identity
  }

  #failed (req: PreparedRequest, bucket: Bucket): { method: string, path: string, route: string, bucket: string | null } {
    return { method: req.method, path: req.route.safePath, route: req.route.key, bucket: bucket.hash }
  }

  #rateLimited (identity: string, route: string, bucket: Bucket, wait: Wait, scope: string | null, status: 429 | null, rejected: boolean): void {
    const event = {
      identity,
      method: route.split(' ', 1)[0] as string,
      route,
      bucket: bucket.hash,
      majorParameter: bucket.major,
      wait: wait.ms,
      global: wait.global,
      scope: scope ?? (wait.global ? 'global' : 'user'),
      limit: bucket.limit,
      status,
      rejected
    }
    if (status === null) this.#options.logger.debug({ ...event }, rejected ? 'fastify-discord: refusing to wait for a rate limit' : 'fastify-discord: waiting for a rate limit')
    this.#emit(RestEvents.RateLimited, event)
  }

  #emit<EventName extends keyof RestEventMap> (event: EventName, payload: RestEventMap[EventName]): void {
    const listeners = this.#listeners.get(event)
    if (listeners === undefined) return
    for (const listener of listeners) {
      try {
        (listener as RestListener<EventName>)(payload)
      } catch (err) {
        this.#options.logger.warn({ event, err }, 'fastify-discord: a REST event listener threw')
      }
    }
  }

  #scheduleSweep (): void {
    const interval = this.#options.sweepInterval
    if (interval === 0 || this.#closed) return
    this.#sweepTimer = this.#options.clock.setTimeout(() => {
      this.sweep()
      this.#scheduleSweep()
    }, interval)
    unrefTimer(this.#sweepTimer)
  }
}

function appendQuery (search: URLSearchParams, query: RestRequestOptions['query']): void {
  if (query === undefined) return
  if (query instanceof URLSearchParams) {
    for (const [name, value] of query) search.append(name, value)
    return
  }
  for (const [name, value] of Object.entries(query)) {
    if (value !== null && value !== undefined) search.append(name, String(value))
  }
}

/** Identical GETs of one identity share a call; the key holds digests only, never a token. */
function coalescingKey (req: PreparedRequest, options: RestRequestOptions): string | null {
  if (req.method !== 'GET') return null
  const extra = options.headers === undefined ? '' : ` ${digest(JSON.stringify(Object.entries(options.headers).sort()))}`
  // Callers expecting different shapes must not share one check.
  const shape = req.expect === undefined ? '' : ` ${req.expect.name}`
  return `${req.identity} ${req.url}${extra}${shape}`
}

function closedError (req: PreparedRequest): HttpException {
  return new HttpException({ status: 0, discordCode: 0, message: 'the REST client was closed', body: undefined, method: req.method, url: req.route.safePath })
}
