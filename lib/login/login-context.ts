import type { UsersCache } from '../cache/users-cache.js'
import type { DiscordOAuthClient } from '../oauth/discord-oauth-client.js'
import type { RestClient } from '../rest/rest-client.js'
import type { LoginDefaults } from './login-request.js'
import type { UsedStates } from './used-states.js'

/** What the login steps of one plugin registration share; built once at registration. */
export interface LoginContext extends LoginDefaults {
  readonly oauth: Pick<DiscordOAuthClient, 'createAuthorizationURL' | 'exchangeAuthorizationCode'>
  /** Reads the user right after the code exchange. */
  readonly rest: Pick<RestClient, 'request'>
  /** Where that user is cached. */
  readonly cache: Pick<UsersCache, 'set'>
  readonly usedStates: UsedStates
  /**
   * The `iss` values (RFC 9207) a callback may carry: Discord's `https://discord.com`, and the
   * origin of `authorizeUrl` when that points elsewhere (a fake Discord may announce either).
   */
  readonly issuers: readonly string[]
  readonly now: () => number
  /** Base of image URLs, for the grant's guild. */
  readonly cdnBaseUrl: string
}
