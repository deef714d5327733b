import { ErrorCodes } from './codes.js'
import { DiscordError } from './discord-error.js'

/** The OAuth2 `state` of a callback is missing, unknown, expired, replayed or belongs to another session. */
export class InvalidState extends DiscordError {
  override name = 'InvalidState' as const

  constructor (message = 'The OAuth2 state is missing, expired or does not belong to this session') {
    super(message, 400, ErrorCodes.INVALID_STATE)
  }
}
