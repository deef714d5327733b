import type {
  FastifyReply, FastifyRequest, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerBase, RouteGenericInterface
} from 'fastify'
import { ConfigurationError } from '../errors/configuration-error.js'
import { MissingScope } from '../errors/missing-scope.js'
import { Unauthorized } from '../errors/unauthorized.js'
import { MAX_NEXT_LENGTH } from '../cookie/session-data.js'
import { tokenAtHand } from '../session/discord-session.js'
import { prefersHtml } from './prefers-html.js'

// Any server type, so the guard fits HTTP/2 and HTTPS apps and routes with typed generics too.
type AnyRequest = FastifyRequest<RouteGenericInterface, RawServerBase, RawRequestDefaultExpression<RawServerBase>>
type AnyReply = FastifyReply<RouteGenericInterface, RawServerBase, RawRequestDefaultExpression<RawServerBase>, RawReplyDefaultExpression<RawServerBase>>

/** A preHandler that lets the request through only when its Discord session is authorized. */
export type AuthorizationGuard = (request: AnyRequest, reply: AnyReply) => Promise<void>

/** Options of `requireAuthorization({ ... })`. */
export interface RequireAuthorizationOptions {
  /**
   * OAuth2 scopes the session must have been granted, on top of being authorized.
   * @defaultValue `[]`
   */
  scopes?: readonly string[] | undefined
}

/**
 * `fastify.discord.requireAuthorization`: a preHandler guard used bare, or called with options
 * to get a guard that also requires scopes.
 *
 * Not authorized: a client that prefers HTML (its `Accept` ranks `text/html` above JSON) is
 * redirected (302) to the login route with `next` set to the current URL; any other client
 * gets `Unauthorized` (401), as does everyone when the login route is turned off.
 * Authorized but missing a scope: an HTML client is sent to Discord to grant the granted plus
 * the missing scopes (incremental authorization); any other client gets `MissingScope` (403)
 * naming the missing ones. Only GET and HEAD requests come back to their URL afterwards: a
 * form POST cannot be replayed, so it is not used as `next`, nor is a URL longer than 512
 * characters (the login route would refuse it).
 *
 * Authorized means a usable token: a session whose token set the token store lost, or whose
 * refresh Discord refuses, is treated as not authorized.
 *
 * @example
 * ```ts
 * app.get('/me', { preHandler: app.discord.requireAuthorization }, handler)
 * app.get('/guilds', { preHandler: app.discord.requireAuthorization({ scopes: ['guilds'] }) }, handler)
 * ```
 */
export interface RequireAuthorization {
  (request: AnyRequest, reply: AnyReply): Promise<void>
  (options: RequireAuthorizationOptions): AuthorizationGuard
}

/** Options of {@link createRequireAuthorization}, taken from the plugin's resolved options. */
export interface CreateRequireAuthorizationOptions {
  /** Path of the built-in login route, or `false` when that route is turned off (then: always 401). */
  loginPath: string | false
  /**
   * The synchronous check of a session's token: a token set usable without I/O, or `undefined`
   * to ask `getAuthorizationToken()`. @defaultValue the one of fastify-discord's `DiscordSession`
   */
  tokenAtHand?: ((session: unknown) => unknown) | undefined
}

const NO_SCOPES: readonly string[] = Object.freeze([])

/** What the guard reads from `request.discord`; the plugin's `DiscordSession` satisfies it. */
interface GuardedSession {
  readonly authorized: boolean
  readonly scopes: readonly string[]
  createSession (options: { scope: string[], next?: string }): Promise<string>
  getAuthorizationToken (): Promise<unknown>
}

/**
 * Builds the `requireAuthorization` guard of one plugin registration.
 *
 * @param options - where unauthorized HTML clients are sent
 */
export function createRequireAuthorization (options: CreateRequireAuthorizationOptions): RequireAuthorization {
  // Checked once, where it entered: resolveOptions() takes only an absolute path or false.
  const { loginPath } = options
  const atHand = options.tokenAtHand ?? tokenAtHand

  async function guard (request: AnyRequest, reply: AnyReply, scopes: readonly string[]): Promise<void> {
    const session = sessionOf(request)
    // The authorized path runs on every guarded request: it reads no header, builds no URL, and
    // with a token at hand in the cookie it awaits nothing.
    if (atHand(session) !== undefined || (session.authorized && await hasUsableToken(session))) {
      // `scopes` copies the granted list out of the session: read it only when a scope is required.
      if (scopes.length === 0) return
      const granted = session.scopes
      if (scopes.every((scope) => granted.includes(scope))) return
      await askForScopes(request, reply, session, scopes)
      return
    }
    if (loginPath === false || !prefersHtml(request.headers.accept)) throw new Unauthorized()
    const next = replayableUrl(request)
    // Awaiting the reply waits until it is written: with an async onSend hook (a session
    // store, say) `reply.sent` is still false when redirect() returns, and Fastify would run
    // the route handler too.
    await reply.redirect(next === undefined ? loginPath : `${loginPath}${loginPath.includes('?') ? '&' : '?'}next=${encodeURIComponent(next)}`, 302)
  }

  /**
   * Fastify calls a preHandler with a third argument, `done`; given one, the guard answers
   * through it (and returns nothing), and with no scopes required an authorized session with its
   * token at hand passes without a promise or a microtask. Called with two arguments, it
   * returns a promise.
   */
  function hookOrPromise (request: AnyRequest, reply: AnyReply, done: unknown, scopes: readonly string[]): Promise<void> | undefined {
    if (typeof done !== 'function') return guard(request, reply, scopes)
    const next = done as (err?: Error) => void
    if (scopes.length === 0 && atHand((request as unknown as { discord?: unknown }).discord) !== undefined) {
      next()
      return undefined
    }
    // A falsy rejection (a hand-written store's `Promise.reject()`) must not read as success.
    guard(request, reply, scopes).then(() => { next() }, (err: unknown) => { next(err instanceof Error ? err : new Unauthorized()) })
    return undefined
  }

  const bare = ((request: AnyRequest, reply: AnyReply, done?: unknown) => hookOrPromise(request, reply, done, NO_SCOPES)) as AuthorizationGuard

  function requireAuthorization (request: AnyRequest, reply: AnyReply): Promise<void>
  function requireAuthorization (options: RequireAuthorizationOptions): AuthorizationGuard
  function requireAuthorization (first: AnyRequest | RequireAuthorizationOptions, reply?: AnyReply, done?: unknown): Promise<void> | AuthorizationGuard | undefined {
    if (isReply(reply)) return hookOrPromise(first as AnyRequest, reply, done, NO_SCOPES)
    const scopes = readScopes(first)
    if (scopes.length === 0) return bare
    return ((request: AnyRequest, reply: AnyReply, done?: unknown) => hookOrPromise(request, reply, done, scopes)) as AuthorizationGuard
  }

  return requireAuthorization
}

async function askForScopes (request: AnyRequest, reply: AnyReply, session: GuardedSession, scopes: readonly string[]): Promise<void> {
  const granted = session.scopes
  const missing = scopes.filter((scope) => !granted.includes(scope))
  if (!prefersHtml(request.headers.accept)) throw new MissingScope(missing, `${request.method} ${request.routeOptions.url ?? request.url}`)
  const scope = [...new Set([...granted, ...missing])]
  const next = replayableUrl(request)
  const url = await session.createSession(next === undefined ? { scope } : { scope, next })
  await reply.redirect(url, 302)
}

/**
 * `authorized` cannot see a token set the token store lost, nor a refresh Discord refuses. The
 * token is memoised for the request, and the cookie store reads it without I/O unless it is due
 * for a refresh, which the handler would need anyway.
 */
async function hasUsableToken (session: GuardedSession): Promise<boolean> {
  try {
    return await session.getAuthorizationToken() !== null
  } catch (err) {
    if (err instanceof Unauthorized) return false
    throw err
  }
}

/**
 * Only a GET can be replayed after the detour through Discord; a form POST is not resent. A URL
 * too long to be kept as `next` is left out rather than making the login route answer 400.
 */
function replayableUrl (request: AnyRequest): string | undefined {
  if (request.method !== 'GET' && request.method !== 'HEAD') return undefined
  return request.url.length <= MAX_NEXT_LENGTH ? request.url : undefined
}

function sessionOf (request: AnyRequest): GuardedSession {
  const session = (request as unknown as { discord?: GuardedSession | null }).discord
  if (session === undefined || session === null) {
    throw new ConfigurationError('requireAuthorization needs `request.discord`: register fastify-discord on this instance or one of its parents')
  }
  return session
}

/** Fastify calls a preHandler with (request, reply, done); a reply is what tells the shapes apart. */
function isReply (value: unknown): value is AnyReply {
  return typeof value === 'object' && value !== null &&
    typeof (value as Partial<AnyReply>).send === 'function' &&
    typeof (value as Partial<AnyReply>).code === 'function'
}

function readScopes (options: unknown): string[] {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError('requireAuthorization() takes an options object such as `{ scopes: [\'guilds\'] }`')
  }
  const prototype: unknown = Object.getPrototypeOf(options)
  if (prototype !== Object.prototype && prototype !== null) {
    // A request object without its reply: the guard was called by hand with one argument.
    throw new TypeError('requireAuthorization() takes an options object; as a preHandler it needs both request and reply')
  }
  const { scopes } = options as { scopes?: unknown }
  if (scopes === undefined) return []
  if (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === 'string' && scope !== '' && !/\s/.test(scope))) {
    throw new TypeError('`scopes` of requireAuthorization() must be an array of OAuth2 scope names')
  }
  return [...new Set(scopes as string[])]
}
