import type { APIConnection, APIUser, RESTAPIPartialCurrentUserGuild } from 'discord-api-types/v10'
import type { GuildMember } from '../models/guild-member.js'
import { User } from '../models/user.js'
import type { AddToGuildOptions, UserContext, UserRelated } from '../models/user.js'
import { addUserToGuild } from './add-user-to-guild.js'
import { requireScopes } from './require-scopes.js'
import type { FetchOptions, ResourceContext, ResourceSession } from './resource-types.js'

const IDENTIFY = ['identify'] as const

/**
 * The session's user (`GET /users/@me`, needs `identify`), from the users cache when fresh.
 * `user.guilds` and `user.connections` hold what `fetchGuilds()`/`fetchConnections()` cached.
 *
 * Two sessions of one user share the cache entry, but a session without the `email` scope never
 * sees `email`/`verified`, and one with it never gets a profile cached without them.
 *
 * @throws MissingScope without `identify` (no call to Discord), Unauthorized, RateLimited, HttpException
 */
export async function fetchUser (session: ResourceSession, ctx: ResourceContext, opts: FetchOptions = {}): Promise<User> {
  requireScopes(session.scopes, IDENTIFY, 'fetchUser()')
  const withEmail = session.scopes.includes('email')
  // The cached path is the hot one: no closure is created per call (bind is cheap).
  const load = requestProfile.bind(null, session)
  let data: APIUser
  if (session.userId === null) {
    data = await load()
    await ctx.cache.set(data.id, 'user', data)
  } else {
    data = await ctx.cache.load(session.userId, 'user', load, withEmail ? { refresh: opts.cache === false, accept: hasEmail } : { refresh: opts.cache === false })
  }
  return buildUser(session, ctx, withEmail ? data : withoutEmail(data), await related(session, ctx, data.id))
}

/**
 * The session's user from the users cache only, or `null` when it is not cached (Quart-Discord's
 * `User.get_from_cache()`). Never calls Discord.
 */
export async function getCachedUser (session: ResourceSession, ctx: ResourceContext): Promise<User | null> {
  if (session.userId === null || !session.scopes.includes('identify')) return null
  const data = await ctx.cache.get(session.userId, 'user') as APIUser | undefined
  if (data === undefined) return null
  const withEmail = session.scopes.includes('email')
  if (withEmail && !hasEmail(data)) return null
  return buildUser(session, ctx, withEmail ? data : withoutEmail(data), await related(session, ctx, data.id))
}

async function requestProfile (session: ResourceSession): Promise<APIUser> {
  return await session.request<APIUser>('/users/@me')
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

/** The cached guilds and connections the session's scopes allow it to see. */
async function related (session: ResourceSession, ctx: ResourceContext, userId: string): Promise<UserRelated> {
  const withGuilds = session.scopes.includes('guilds')
  const withConnections = session.scopes.includes('connections')
  if (!withGuilds && !withConnections) return NOTHING_RELATED
  const guilds = withGuilds ? await ctx.cache.get(userId, 'guilds') : undefined
  const connections = withConnections ? await ctx.cache.get(userId, 'connections') : undefined
  return {
    guilds: Array.isArray(guilds) ? guilds as RESTAPIPartialCurrentUserGuild[] : undefined,
    connections: Array.isArray(connections) ? connections as APIConnection[] : undefined
  }
}

function withoutEmail (data: APIUser): APIUser {
  if (!('email' in data) && !('verified' in data)) return data
  const { email: _email, verified: _verified, ...rest } = data
  return rest
}
