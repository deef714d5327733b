import type { APIConnection, APIUser, RESTAPIPartialCurrentUserGuild } from 'discord-api-types/v10'
import type { UsersCacheLoadOptions } from '../cache/users-cache.js'
import type { GuildMember } from '../models/guild-member.js'
import { Unauthorized } from '../errors/unauthorized.js'
import { User } from '../models/user.js'
import type { AddToGuildOptions, UserContext, UserRelated } from '../models/user.js'
import { addUserToGuild } from './add-user-to-guild.js'
import { requireScopes } from './require-scopes.js'
import { requireToken } from './require-token.js'
import type { FetchOptions, ResourceContext, ResourceSession } from './resource-types.js'
import { BodyShapes } from '../contracts/body-shapes.js'

const IDENTIFY = ['identify'] as const

// Built once: the cached path is the hot one (every guarded page), so it allocates no options.
const CACHED: UsersCacheLoadOptions = { refresh: false }
const FRESH: UsersCacheLoadOptions = { refresh: true }
const CACHED_WITH_EMAIL: UsersCacheLoadOptions = { refresh: false, accept: hasEmail }
const FRESH_WITH_EMAIL: UsersCacheLoadOptions = { refresh: true, accept: hasEmail }

/**
 * The session's user (`GET /users/@me`, needs `identify`), from the users cache when fresh.
 * `user.guilds` and `user.connections` hold what `fetchGuilds()`/`fetchConnections()` cached.
 *
 * Two sessions of one user share the cache entry, but a session without the `email` scope never
 * sees `email`/`verified`, and one with it never gets a profile cached without them.
 *
 * @throws MissingScope without `identify` (no call to Discord), Unauthorized (also on a cache hit), RateLimited, HttpException
 */
export function fetchUser (session: ResourceSession, ctx: ResourceContext, opts: FetchOptions | null = {}): Promise<User> {
  const options = opts ?? {}
  if (options.cache !== false) {
    let user: User | undefined
    try {
      user = cachedUserAtHand(session, ctx)
    } catch (err) {
      // Not async, yet it must fail like one: a rejection, never a throw (e.g. no `request.session`).
      return Promise.reject(err)
    }
    if (user !== undefined) return Promise.resolve(user)
  }
  return loadUser(session, ctx, options)
}

/**
 * The hot path of {@link fetchUser}, without a single await: the token is at hand (see
 * `ResourceSession.tokenAtHand`) and the memory store holds everything the session may see.
 * `undefined` sends the call down the asynchronous path, which decides every other case (and throws).
 */
function cachedUserAtHand (session: ResourceSession, ctx: ResourceContext): User | undefined {
  if (session.tokenAtHand?.() === undefined) return undefined
  const userId = session.userId
  if (userId === null) return undefined
  const scopes = session.scopes
  if (!scopes.includes('identify')) return undefined
  const data = ctx.cache.getNow(userId, 'user') as APIUser | undefined
  if (data === undefined) return undefined
  const withEmail = scopes.includes('email')
  if (withEmail && !hasEmail(data)) return undefined
  let rel = NOTHING_RELATED
  if (seesRelated(scopes)) {
    const guilds = scopes.includes('guilds') ? ctx.cache.getNow(userId, 'guilds') : null
    const connections = scopes.includes('connections') ? ctx.cache.getNow(userId, 'connections') : null
    // Not cached, or not answerable at once: the asynchronous path reads the store itself.
    if (guilds === undefined || connections === undefined) return undefined
    rel = relatedOf(guilds, connections)
  }
  return buildUser(session, ctx, withEmail ? data : withoutEmail(data), rel)
}

async function loadUser (session: ResourceSession, ctx: ResourceContext, opts: FetchOptions): Promise<User> {
  // Read once: every read of `scopes` copies the granted list out of the session.
  requireScopes(session, IDENTIFY, 'fetchUser()')
  const scopes = session.scopes
  await requireToken(session)
  const withEmail = scopes.includes('email')
  const userId = session.userId
  const load = requestProfile.bind(null, session)
  let data: APIUser
  if (userId === null) {
    data = await load()
    await ctx.cache.set(data.id, 'user', data)
    session.rememberUserId?.(data.id)
  } else {
    const refresh = opts.cache === false
    data = await ctx.cache.load(userId, 'user', load, withEmail ? (refresh ? FRESH_WITH_EMAIL : CACHED_WITH_EMAIL) : (refresh ? FRESH : CACHED))
  }
  const rel = seesRelated(scopes) ? await related(scopes, ctx, data.id) : NOTHING_RELATED
  return buildUser(session, ctx, withEmail ? data : withoutEmail(data), rel)
}

/**
 * The session's user from the users cache only, or `null` when it is not cached or the session
 * has no usable token (Quart-Discord's `User.get_from_cache()`). Calls Discord only to refresh a
 * token about to expire.
 */
export async function getCachedUser (session: ResourceSession, ctx: ResourceContext): Promise<User | null> {
  const scopes = session.scopes
  const userId = session.userId
  if (userId === null || !scopes.includes('identify')) return null
  try {
    await requireToken(session)
  } catch (err) {
    if (err instanceof Unauthorized) return null
    throw err
  }
  const data = await ctx.cache.get(userId, 'user') as APIUser | undefined
  if (data === undefined) return null
  const withEmail = scopes.includes('email')
  if (withEmail && !hasEmail(data)) return null
  const rel = seesRelated(scopes) ? await related(scopes, ctx, data.id) : NOTHING_RELATED
  return buildUser(session, ctx, withEmail ? data : withoutEmail(data), rel)
}

async function requestProfile (session: ResourceSession): Promise<APIUser> {
  return await session.request<APIUser>('/users/@me', { expect: BodyShapes.user })
}

function hasEmail (value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'email' in value
}

/** The context of a fetched user: `addToGuild` acts for the session that fetched it. */
class SessionUserContext implements UserContext {
  readonly cdnBaseUrl: string
  readonly #session: ResourceSession
  readonly #ctx: ResourceContext
  readonly #userId: string

  constructor (session: ResourceSession, ctx: ResourceContext, userId: string) {
    this.cdnBaseUrl = ctx.cdnBaseUrl
    this.#session = session
    this.#ctx = ctx
    this.#userId = userId
  }

  async addToGuild (guildId: string, options: AddToGuildOptions): Promise<GuildMember | null> {
    return await addUserToGuild(this.#session, this.#ctx, this.#userId, guildId, options)
  }
}

function buildUser (session: ResourceSession, ctx: ResourceContext, data: APIUser, rel: UserRelated): User {
  return new User(data, new SessionUserContext(session, ctx, data.id), rel)
}

const NOTHING_RELATED: UserRelated = {}

/**
 * Whether the scopes let the session see cached guilds or connections. Checked before calling
 * `related()`: most logins grant neither, and each `await` costs the hot path a microtask.
 */
function seesRelated (scopes: readonly string[]): boolean {
  return scopes.includes('guilds') || scopes.includes('connections')
}

/** The cached guilds and connections the session's scopes allow it to see. */
async function related (scopes: readonly string[], ctx: ResourceContext, userId: string): Promise<UserRelated> {
  const withGuilds = scopes.includes('guilds')
  const withConnections = scopes.includes('connections')
  const guilds = withGuilds ? await ctx.cache.get(userId, 'guilds') : undefined
  const connections = withConnections ? await ctx.cache.get(userId, 'connections') : undefined
  return relatedOf(guilds, connections)
}

/** What the store held for the guild and connection lists, as the model takes them. */
function relatedOf (guilds: unknown, connections: unknown): UserRelated {
  return {
    guilds: Array.isArray(guilds) ? guilds as RESTAPIPartialCurrentUserGuild[] : undefined,
    connections: Array.isArray(connections) ? connections as APIConnection[] : undefined
  }
}

/** Copies made by {@link withoutEmail}, by cached payload: one per payload, so its model JSON is memoised too. */
const withoutEmailCopies = new WeakMap<APIUser, APIUser>()

function withoutEmail (data: APIUser): APIUser {
  if (!('email' in data) && !('verified' in data)) return data
  let copy = withoutEmailCopies.get(data)
  if (copy === undefined) {
    const { email: _email, verified: _verified, ...rest } = data
    copy = rest
    withoutEmailCopies.set(data, copy)
  }
  return copy
}
