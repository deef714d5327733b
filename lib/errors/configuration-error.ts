import { ErrorCodes } from './codes.js'
import { DiscordError } from './discord-error.js'

/**
 * A registration option is missing or malformed, or an operation needs configuration that is
 * absent (a bot token). Messages name the option and its environment variable, never its value.
 */
export class ConfigurationError extends DiscordError {
  override name = 'ConfigurationError' as const

  constructor (message: string, code: typeof ErrorCodes.OPTIONS | typeof ErrorCodes.NO_BOT_TOKEN = ErrorCodes.OPTIONS) {
    super(message, 500, code)
  }
}
