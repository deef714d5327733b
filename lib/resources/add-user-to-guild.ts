import type { APIGuildMember, RESTPutAPIGuildMemberJSONBody } from 'discord-api-types/v10'
import { Unauthorized } from '../errors/unauthorized.js'
import { GuildMember } from '../models/guild-member.js'
import type { AddToGuildOptions } from '../models/user.js'
import { requireScopes } from './require-scopes.js'
import type { ResourceContext, ResourceSession } from './resource-types.js'
import { assertSnowflake } from './snowflake.js'
import { BodyShapes } from '../contracts/body-shapes.js'

/**
 * Adds the session's user to a guild with the bot token: `PUT /guilds/{guildId}/members/{userId}`
 * with the user's access token in the body (what `User.addToGuild` does).
 *
 * @returns the new member (201), or `null` when the user already was a member (204)
 * @throws TypeError for a `guildId` that is not a snowflake, MissingScope without `guilds.join`,
 * Unauthorized without a token, ConfigurationError without a bot token, HttpException with
 * Discord's code for refusals (e.g. 403 / 50013 Missing Permissions, 30001 too many guilds)
 */
export async function addUserToGuild (session: ResourceSession, ctx: ResourceContext, userId: string, guildId: string, options: AddToGuildOptions = {}): Promise<GuildMember | null> {
  assertSnowflake(guildId, 'guildId')
  assertSnowflake(userId, 'userId')
  requireScopes(session, ['guilds.join'], 'addToGuild()')
  // The token travels in a body the bot sends, where Discord refuses an expired one; the session
  // hands it out refreshed when it is within its refresh margin (on the plugin's clock).
  const token = await session.getAuthorizationToken()
  if (token === null) throw new Unauthorized('addToGuild() needs the session to be authorized')
  const body: RESTPutAPIGuildMemberJSONBody = { access_token: token.accessToken }
  if (options.nick !== undefined) body.nick = options.nick
  if (options.roles !== undefined) body.roles = [...options.roles]
  if (options.mute !== undefined) body.mute = options.mute
  if (options.deaf !== undefined) body.deaf = options.deaf
  const member = await ctx.botRequest<APIGuildMember | null | undefined | ''>(`/guilds/${guildId}/members/${userId}`, { method: 'PUT', body, expect: BodyShapes.addedMember })
  // 204 No Content: already a member. The REST client gives no body then.
  if (member === null || member === undefined || typeof member !== 'object') return null
  return new GuildMember(member, { cdnBaseUrl: ctx.cdnBaseUrl, guildId })
}
