import { ErrorCodes } from '../errors/codes.js'
import { ConfigurationError } from '../errors/configuration-error.js'
import type { RestClient } from '../rest/rest-client.js'
import type { ShapedCallOptions } from '../contracts/request-options.js'
import type { BotRequest } from './resource-types.js'

/**
 * Calls to the API with `Authorization: Bot <botToken>`, for `botRequest()`, `fetchBot()` and
 * `user.addToGuild()`.
 *
 * @param rest - the REST client
 * @param botToken - the application's bot token, or `null` when none was configured
 * @returns a function that throws ConfigurationError (`FST_DISCORD_NO_BOT_TOKEN`) without a bot token
 */
export function createBotRequest (rest: Pick<RestClient, 'request'>, botToken: string | null): BotRequest {
  return async function botRequest<ResultType = unknown> (route: string, options: ShapedCallOptions = {}): Promise<ResultType> {
    if (botToken === null) {
      throw new ConfigurationError('a bot token is needed for this call: pass `botToken` to register() or set DISCORD_BOT_TOKEN', ErrorCodes.NO_BOT_TOKEN)
    }
    return await rest.request<ResultType>(route, { ...options, auth: { type: 'Bot', token: botToken } })
  }
}
