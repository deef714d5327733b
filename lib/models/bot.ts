import type { APIUser } from 'discord-api-types/v10'
import type { ModelContext } from './model-context.js'
import { User } from './user.js'
import type { GuildMember } from './guild-member.js'

/**
 * The application's bot user (Quart-Discord's `Bot`), from `GET /users/@me` with the bot token.
 */
export class Bot extends User {
  constructor (data: APIUser, context: ModelContext) {
    super(data, { cdnBaseUrl: context.cdnBaseUrl })
  }

  /**
   * Always rejects: adding a user to a guild needs that user's OAuth2 token (`guilds.join`),
   * and a bot has none. A bot joins guilds through the OAuth2 `bot` scope instead
   * (`request.discord.createSession({ scope: ['bot'], permissions, guildId })`).
   *
   * @throws TypeError always
   */
  override async addToGuild (): Promise<GuildMember | null> {
    throw new TypeError('A bot cannot be added with addToGuild(): invite it with the OAuth2 `bot` scope')
  }
}
