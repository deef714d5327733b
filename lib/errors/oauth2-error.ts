import { ErrorCodes } from './codes.js'
import { DiscordError } from './discord-error.js'

/**
 * The authorization callback carried an OAuth2 error other than `access_denied`
 * (e.g. `invalid_scope`), or Discord refused the code exchange (`invalid_grant`).
 */
export class OAuth2Error extends DiscordError {
  override name = 'OAuth2Error' as const
  /** The RFC 6749 error code, e.g. `invalid_grant`. */
  readonly error: string
  readonly errorDescription: string | null

  constructor (error: string, errorDescription: string | null = null, statusCode = 400) {
    super(errorDescription === null ? `Discord OAuth2 error: ${error}` : `Discord OAuth2 error: ${error}: ${errorDescription}`, statusCode, ErrorCodes.OAUTH2)
    this.error = error
    this.errorDescription = errorDescription
  }
}
