import type { APIUser } from 'discord-api-types/v10'
import { Bot } from '../models/bot.js'
import type { ResourceContext } from './resource-types.js'
import { BodyShapes } from '../contracts/body-shapes.js'

/**
 * The application's bot user (`GET /users/@me` with the bot token). Not cached: the REST
 * client already shares concurrent identical calls.
 *
 * @throws ConfigurationError (`FST_DISCORD_NO_BOT_TOKEN`) without a bot token, Unauthorized for a
 * bad one, RateLimited, HttpException
 */
export async function fetchBot (ctx: ResourceContext): Promise<Bot> {
  const data = await ctx.botRequest<APIUser>('/users/@me', { expect: BodyShapes.user })
  return new Bot(data, { cdnBaseUrl: ctx.cdnBaseUrl })
}
