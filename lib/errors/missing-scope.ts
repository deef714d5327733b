import { ErrorCodes } from './codes.js'
import { DiscordError } from './discord-error.js'

/** The session was granted fewer OAuth2 scopes than the operation needs. */
export class MissingScope extends DiscordError {
  override name = 'MissingScope' as const
  /** The scopes the operation needs that the session was not granted. */
  readonly missingScopes: string[]

  constructor (missingScopes: string[], operation: string) {
    super(`${operation} needs the OAuth2 scope${missingScopes.length === 1 ? '' : 's'} ${missingScopes.map((s) => `\`${s}\``).join(', ')}, which this session was not granted`, 403, ErrorCodes.MISSING_SCOPE)
    this.missingScopes = missingScopes
  }
}
