import type {
  FastifyReply, FastifyRequest, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerBase, RouteGenericInterface
} from 'fastify'
import { ErrorCodes } from '../errors/codes.js'
import { ConfigurationError } from '../errors/configuration-error.js'
import { Forbidden } from '../errors/forbidden.js'
import { HttpException } from '../errors/http-exception.js'
import { MissingScope } from '../errors/missing-scope.js'
import { Unauthorized } from '../errors/unauthorized.js'
import { MAX_NEXT_LENGTH } from '../cookie/session-data.js'
import { didYouMean } from '../options/did-you-mean.js'
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
  /**
   * Id (snowflake) of a guild the session's user must be a member of. Membership is read with
   * `request.discord.fetchGuildMember(guild)` from the users cache, so the guard also requires
   * the `guilds.members.read` scope (asked for like any missing scope). Refused:
   * `Forbidden` (403) with code `FST_DISCORD_NOT_GUILD_MEMBER`.
   */
  guild?: string | undefined
  /**
   * Role ids (snowflakes) in `guild`, of which the member must hold at least one. Refused:
   * `Forbidden` (403) with code `FST_DISCORD_MISSING_ROLE`. Needs `guild`.
   */
  roles?: readonly string[] | undefined
  /**
   * Permission bits (e.g. `PermissionFlagsBits.ManageGuild`, OR several together) the user must
   * all hold in `guild`; the owner and Administrators hold every permission. Read from
   * `request.discord.fetchGuilds()` (cached), so the guard also requires the `guilds` scope.
   * Refused: `Forbidden` (403) with code `FST_DISCORD_MISSING_PERMISSIONS`. Needs `guild`.
   */
  permissions?: bigint | undefined
}

/**
 * `fastify.discord.requireAuthorization`: a preHandler guard used bare, or called with options
 * to get a guard that also requires scopes, or membership (and roles, permissions) of a guild.
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
 * Authorized, with the scopes, but refused by the guild gate: `Forbidden` (403) whose `code`
 * says why (not a member, no required role, missing permissions). A token Discord refuses
 * while the gate asks about the guild counts as not authorized, as above.
 *
 * @example
 * ```ts
 * app.get('/me', { preHandler: app.discord.requireAuthorization }, handler)
 * app.get('/guilds', { preHandler: app.discord.requireAuthorization({ scopes: ['guilds'] }) }, handler)
 * app.get('/club', { preHandler: app.discord.requireAuthorization({ guild: '613425648685547541', roles: ['613425648685547542'] }) }, handler)
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

/** A guild gate, checked after the scopes. */
interface GuildGate {
  readonly guild: string
  /** At least one of these; `null`: membership is enough. */
  readonly roles: readonly string[] | null
  /** All of these bits; `null`: no permission required. */
  readonly permissions: bigint | null
}

/** What one guard requires, read once from the options. */
interface Requirement {
  /** The app's scopes plus those the gate needs to read membership and permissions. */
  readonly scopes: readonly string[]
  readonly gate: GuildGate | null
}

const BARE: Requirement = Object.freeze({ scopes: Object.freeze([]), gate: null })

/** Discord's JSON error code for "Unknown Guild", its answer to a member lookup by a non-member. */
const UNKNOWN_GUILD = 10004

/** What the guard reads from `request.discord`; the plugin's `DiscordSession` satisfies it. */
interface GuardedSession {
  readonly authorized: boolean
  readonly scopes: readonly string[]
  createSession (options: { scope: string[], next?: string }): Promise<string>
  getAuthorizationToken (): Promise<unknown>
  fetchGuildMember (guildId: string): Promise<{ readonly roles: readonly string[] }>
  fetchGuilds (options?: { cache?: boolean }): Promise<ReadonlyArray<{ readonly id: string, readonly permissions: { has (flag: bigint): boolean } }>>
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

  async function guard (request: AnyRequest, reply: AnyReply, requirement: Requirement): Promise<void> {
    const session = sessionOf(request)
    // The authorized path runs on every guarded request: it reads no header, builds no URL, and
    // with a token at hand in the cookie it awaits nothing.
    if (atHand(session) !== undefined || (session.authorized && await hasUsableToken(session))) {
      const { scopes, gate } = requirement
      // `scopes` copies the granted list out of the session: read it only when a scope is required.
      if (scopes.length === 0) return
      const granted = session.scopes
      if (!scopes.every((scope) => granted.includes(scope))) {
        await askForScopes(request, reply, session, scopes)
        return
      }
      if (gate === null) return
      try {
        await checkGate(session, gate)
        return
      } catch (err) {
        // Discord refused the token while we asked about the guild (revoked since the login):
        // that is "not logged in", answered below like the bare guard, not a 401 to a browser.
        if (!(err instanceof Unauthorized)) throw err
      }
    }
    await sendToLogin(request, reply)
  }

  async function sendToLogin (request: AnyRequest, reply: AnyReply): Promise<void> {
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
  function hookOrPromise (request: AnyRequest, reply: AnyReply, done: unknown, requirement: Requirement): Promise<void> | undefined {
    if (typeof done !== 'function') return guard(request, reply, requirement)
    const next = done as (err?: Error) => void
    if (requirement === BARE && atHand((request as unknown as { discord?: unknown }).discord) !== undefined) {
      next()
      return undefined
    }
    // A falsy rejection (a hand-written store's `Promise.reject()`) must not read as success.
    guard(request, reply, requirement).then(() => { next() }, (err: unknown) => { next(err instanceof Error ? err : new Unauthorized()) })
    return undefined
  }

  const bare = ((request: AnyRequest, reply: AnyReply, done?: unknown) => hookOrPromise(request, reply, done, BARE)) as AuthorizationGuard

  function requireAuthorization (request: AnyRequest, reply: AnyReply): Promise<void>
  function requireAuthorization (options: RequireAuthorizationOptions): AuthorizationGuard
  function requireAuthorization (first: AnyRequest | RequireAuthorizationOptions, reply?: AnyReply, done?: unknown): Promise<void> | AuthorizationGuard | undefined {
    if (isReply(reply)) return hookOrPromise(first as AnyRequest, reply, done, BARE)
    const requirement = readOptions(first)
    if (requirement === BARE) return bare
    return ((request: AnyRequest, reply: AnyReply, done?: unknown) => hookOrPromise(request, reply, done, requirement)) as AuthorizationGuard
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
 * Membership and roles from the cached member (one call to Discord per user and guild until the
 * cache entry expires; a refusal is not cached, so joining the guild takes effect at once),
 * permissions from the cached guild list.
 *
 * @throws Forbidden when the gate refuses; whatever the fetches throw otherwise
 */
async function checkGate (session: GuardedSession, gate: GuildGate): Promise<void> {
  let roles: readonly string[]
  try {
    roles = (await session.fetchGuildMember(gate.guild)).roles
  } catch (err) {
    // Discord answers 404 Unknown Guild both for a guild that does not exist and for one the user
    // is not in; any other failure is Discord's, not a refusal.
    if (err instanceof HttpException && err.status === 404 && err.code === UNKNOWN_GUILD) {
      throw new Forbidden(ErrorCodes.NOT_GUILD_MEMBER, gate.guild)
    }
    throw err
  }
  if (gate.roles !== null && !gate.roles.some((role) => roles.includes(role))) {
    throw new Forbidden(ErrorCodes.MISSING_ROLE, gate.guild)
  }
  if (gate.permissions === null) return
  // The member call just said "member": a cached list without the guild predates the join.
  const guild = (await session.fetchGuilds()).find((g) => g.id === gate.guild) ??
    (await session.fetchGuilds({ cache: false })).find((g) => g.id === gate.guild)
  if (guild === undefined) throw new Forbidden(ErrorCodes.NOT_GUILD_MEMBER, gate.guild)
  if (!guild.permissions.has(gate.permissions)) throw new Forbidden(ErrorCodes.MISSING_PERMISSIONS, gate.guild)
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

const OPTION_NAMES = ['scopes', 'guild', 'roles', 'permissions'] as const
const SNOWFLAKE = /^\d{1,20}$/

/**
 * Reads the options once, when the guard is made, so a mistake fails at startup rather than on
 * a request. An unknown key is refused: a misspelt `role` would otherwise leave a route open.
 */
function readOptions (options: unknown): Requirement {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError('requireAuthorization() takes an options object such as `{ scopes: [\'guilds\'] }`')
  }
  const prototype: unknown = Object.getPrototypeOf(options)
  if (prototype !== Object.prototype && prototype !== null) {
    // A request object without its reply: the guard was called by hand with one argument.
    throw new TypeError('requireAuthorization() takes an options object; as a preHandler it needs both request and reply')
  }
  for (const key of Object.keys(options)) {
    if ((OPTION_NAMES as readonly string[]).includes(key)) continue
    const guess = didYouMean(key, OPTION_NAMES)
    throw new TypeError(`requireAuthorization() has no option \`${key}\`${guess === undefined ? '' : ` (did you mean \`${guess}\`?)`}; it takes ${OPTION_NAMES.map((name) => `\`${name}\``).join(', ')}`)
  }
  const { scopes, guild, roles, permissions } = options as Record<typeof OPTION_NAMES[number], unknown>
  const required = readScopes(scopes)
  if (guild === undefined) {
    if (roles !== undefined || permissions !== undefined) {
      throw new TypeError(`\`${roles !== undefined ? 'roles' : 'permissions'}\` of requireAuthorization() needs \`guild\`, the guild they belong to`)
    }
    return required.length === 0 ? BARE : { scopes: required, gate: null }
  }
  if (typeof guild !== 'string' || !SNOWFLAKE.test(guild)) {
    throw new TypeError('`guild` of requireAuthorization() must be a guild id (a snowflake: a string of digits)')
  }
  if (roles !== undefined && (!Array.isArray(roles) || roles.length === 0 || !roles.every((role) => typeof role === 'string' && SNOWFLAKE.test(role)))) {
    throw new TypeError('`roles` of requireAuthorization() must be a non-empty array of role ids (snowflakes: strings of digits)')
  }
  if (permissions !== undefined && (typeof permissions !== 'bigint' || permissions <= 0n)) {
    throw new TypeError('`permissions` of requireAuthorization() must be a positive bigint of permission bits, e.g. `PermissionFlagsBits.ManageGuild`')
  }
  // The gate reads the member (guilds.members.read) and, for permissions, the guild list (guilds).
  const gateScopes = permissions === undefined ? ['guilds.members.read'] : ['guilds.members.read', 'guilds']
  return {
    scopes: [...new Set([...required, ...gateScopes])],
    gate: {
      guild,
      roles: roles === undefined ? null : [...new Set(roles as string[])],
      permissions: permissions === undefined ? null : permissions
    }
  }
}

function readScopes (scopes: unknown): string[] {
  if (scopes === undefined) return []
  if (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === 'string' && scope !== '' && !/\s/.test(scope))) {
    throw new TypeError('`scopes` of requireAuthorization() must be an array of OAuth2 scope names')
  }
  return [...new Set(scopes as string[])]
}
