import { ErrorCodes } from './codes.js'
import { DiscordError } from './discord-error.js'

/** The user pressed Cancel on Discord's consent screen, or Discord refused the request. */
export class AccessDenied extends DiscordError {
  override name = 'AccessDenied' as const
  /** The OAuth2 `error` Discord sent back, e.g. `access_denied`. */
  readonly error: string
  /** Discord's human-readable `error_description`, when it sent one. */
  readonly errorDescription: string | null

  constructor (error = 'access_denied', errorDescription: string | null = null) {
    super(errorDescription === null
      ? `Discord authorization was denied (${error})`
      : `Discord authorization was denied (${error}): ${errorDescription}`, 403, ErrorCodes.ACCESS_DENIED)
    this.error = error
    this.errorDescription = errorDescription
  }
}
