import { ErrorCodes } from './codes.js'
import { DiscordError } from './discord-error.js'

/** The request has no usable Discord authorization (never logged in, revoked, or refresh refused). */
export class Unauthorized extends DiscordError {
  override name = 'Unauthorized' as const

  constructor (message = 'Discord authorization is required', options?: ErrorOptions) {
    super(message, 401, ErrorCodes.UNAUTHORIZED, options)
  }
}
