import type { APIGuildMember } from 'discord-api-types/v10'
import { GuildMember } from '../models/guild-member.js'
import { requireScopes } from './require-scopes.js'
import { requireToken } from './require-token.js'
import type { FetchOptions, ResourceContext, ResourceSession } from './resource-types.js'
import { assertSnowflake } from './snowflake.js'
import { BodyShapes } from '../contracts/body-shapes.js'

const MEMBERS_READ = ['guilds.members.read'] as const

/**
 * The session user's membership of one guild (`GET /users/@me/guilds/{guildId}/member`, needs
 * `guilds.members.read`): roles, nick, joined at. Cached in the users cache like the profile
 * (entry `member:<guildId>`), since a guild-gated page asks on every request; `cache: false`
 * fetches a fresh one. A refusal (not a member) is not cached.
 *
 * @throws TypeError for a `guildId` that is not a snowflake, MissingScope without
 * `guilds.members.read` (no call to Discord), Unauthorized (also on a cache hit), RateLimited,
 * HttpException (404 / 10004 Unknown Guild when the user is not a member)
 */
export async function fetchGuildMember (session: ResourceSession, ctx: ResourceContext, guildId: string, opts: FetchOptions = {}): Promise<GuildMember> {
  assertSnowflake(guildId, 'guildId')
  requireScopes(session, MEMBERS_READ, 'fetchGuildMember()')
  await requireToken(session)
  const load = async (): Promise<APIGuildMember> => await session.request<APIGuildMember>(`/users/@me/guilds/${guildId}/member`, { expect: BodyShapes.member })
  const userId = session.userId
  const data = userId === null
    ? await load()
    : await ctx.cache.load(userId, `member:${guildId}`, load, { refresh: opts.cache === false })
  return new GuildMember(data, { cdnBaseUrl: ctx.cdnBaseUrl, guildId })
}
