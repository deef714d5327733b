import { ErrorCodes } from './codes.js'
import { DiscordError } from './discord-error.js'

/** Why a guild-gated route refused a logged-in user. */
export type ForbiddenCode = typeof ErrorCodes.NOT_GUILD_MEMBER | typeof ErrorCodes.MISSING_ROLE | typeof ErrorCodes.MISSING_PERMISSIONS

const MESSAGES: Record<ForbiddenCode, string> = {
  [ErrorCodes.NOT_GUILD_MEMBER]: 'is not a member of the guild',
  [ErrorCodes.MISSING_ROLE]: 'holds none of the roles required in the guild',
  [ErrorCodes.MISSING_PERMISSIONS]: 'lacks permissions required in the guild'
}

/**
 * The user is logged in with every scope needed, but the guild gate of
 * `requireAuthorization({ guild, roles?, permissions? })` refuses them; `code` says why. The
 * message names the guild (an id the app chose), never the user's roles or permissions.
 */
export class Forbidden extends DiscordError {
  override name = 'Forbidden' as const
  declare readonly code: ForbiddenCode
  /** The guild the route is gated on. */
  readonly guildId: string

  constructor (code: ForbiddenCode, guildId: string) {
    super(`This route is for members of guild ${guildId}; the user ${MESSAGES[code]}`, 403, code)
    this.guildId = guildId
  }
}
