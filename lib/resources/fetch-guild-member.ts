import type { APIGuildMember } from 'discord-api-types/v10'
import { GuildMember } from '../models/guild-member.js'
import { requireScopes } from './require-scopes.js'
import type { ResourceContext, ResourceSession } from './resource-types.js'
import { assertSnowflake } from './snowflake.js'
import { BodyShapes } from '../shared/body-shapes.js'

/**
 * The session user's membership of one guild (`GET /users/@me/guilds/{guildId}/member`, needs
 * `guilds.members.read`): roles, nick, joined at. Not cached.
 *
 * @throws TypeError for a `guildId` that is not a snowflake, MissingScope without
 * `guilds.members.read` (no call to Discord), Unauthorized, RateLimited, HttpException (404 / 10004
 * Unknown Guild when the user is not a member)
 */
export async function fetchGuildMember (session: ResourceSession, ctx: ResourceContext, guildId: string): Promise<GuildMember> {
  assertSnowflake(guildId, 'guildId')
  requireScopes(session, ['guilds.members.read'], 'fetchGuildMember()')
  const data = await session.request<APIGuildMember>(`/users/@me/guilds/${guildId}/member`, { expect: BodyShapes.member })
  return new GuildMember(data, { cdnBaseUrl: ctx.cdnBaseUrl, guildId })
}
