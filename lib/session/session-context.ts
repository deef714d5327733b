import type { LoginContext } from '../login/login-context.js'
import type { ResourceContext } from '../resources/resource-types.js'
import type { RestClient } from '../rest/rest-client.js'
import type { TokenKeeping } from '../tokens/token-keeper.js'

/** What every `request.discord` of one plugin registration shares; built once at registration. */
export interface SessionContext {
  readonly tokens: TokenKeeping
  readonly login: LoginContext
  readonly resources: ResourceContext
  /** For `request({ oauth: false })`, which sends no credentials. */
  readonly rest: Pick<RestClient, 'request'>
}
