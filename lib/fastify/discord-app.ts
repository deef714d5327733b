import type { UsersCache } from '../cache/users-cache.js'
import type { Bot } from '../models/bot.js'
import { fetchBot } from '../resources/fetch-bot.js'
import type { ResourceContext } from '../resources/resource-types.js'
import { fetchRoleConnectionMetadata, setRoleConnectionMetadata, type RoleConnectionMetadataRecord } from '../resources/role-connection.js'
import type { RestClient } from '../rest/rest-client.js'
import type { CallOptions } from '../contracts/request-options.js'
import type { RequireAuthorization } from './require-authorization.js'

/** Options of `fastify.discord.request()`: a REST call with a bearer token you hold. */
export interface AppRequestOptions extends CallOptions {
  /** A user's OAuth2 access token. */
  token: string
}

/** `fastify.discord`: the app-level Discord client. */
export interface DiscordApp {
  /** preHandler guard: bare, or `requireAuthorization({ scopes, guild, roles, permissions })`. */
  readonly requireAuthorization: RequireAuthorization
  /** Calls an API route with a bearer token you hold (outside a user's request). */
  request<ResultType = unknown> (route: string, options: AppRequestOptions): Promise<ResultType>
  /** Calls an API route with `Authorization: Bot <botToken>`. @throws ConfigurationError without a bot token */
  botRequest<ResultType = unknown> (route: string, options?: CallOptions): Promise<ResultType>
  /** The application's bot user. */
  fetchBot (): Promise<Bot>
  /** The application's Linked Roles metadata records (bot token). */
  fetchRoleConnectionMetadata (): Promise<RoleConnectionMetadataRecord[]>
  /**
   * Replaces the application's Linked Roles metadata records (bot token).
   * @throws InvalidArgument (400) for malformed records, before any call to Discord
   */
  setRoleConnectionMetadata (records: readonly RoleConnectionMetadataRecord[]): Promise<RoleConnectionMetadataRecord[]>
  /** The users cache. */
  readonly cache: UsersCache
  /** The REST client shared by every request. */
  readonly rest: RestClient
}

/**
 * Builds `fastify.discord` from the parts the plugin made at registration.
 *
 * @param parts - the guard, the REST client and the resources' context (users cache, bot calls)
 */
export function createDiscordApp (parts: { requireAuthorization: RequireAuthorization, rest: RestClient, resources: ResourceContext }): DiscordApp {
  const { requireAuthorization, rest, resources } = parts
  return {
    requireAuthorization,
    async request<ResultType = unknown> (route: string, { token, ...options }: AppRequestOptions): Promise<ResultType> {
      if (typeof token !== 'string' || token === '') throw new TypeError('`token` must be an OAuth2 access token')
      return await rest.request<ResultType>(route, { ...options, auth: { type: 'Bearer', token } })
    },
    botRequest: resources.botRequest,
    fetchBot: async () => await fetchBot(resources),
    fetchRoleConnectionMetadata: async () => await fetchRoleConnectionMetadata(resources),
    setRoleConnectionMetadata: async (records) => await setRoleConnectionMetadata(resources, records),
    cache: resources.cache,
    rest
  }
}
