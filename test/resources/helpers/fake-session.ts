import { createUsersCache } from '../../../lib/cache/users-cache.js'
import type { ResourceContext, ResourceSession } from '../../../lib/resources/resource-types.js'
import type { CallOptions } from '../../../lib/contracts/request-options.js'
import { RestClient } from '../../../lib/rest/rest-client.js'
import type { FakeDiscord } from '../../../lib/testing/fake-discord.js'

/** A session of `userId` on the fake, with a token the fake issued for `scopes`, over the real REST client. */
export function fakeSession (fake: FakeDiscord, rest: RestClient, userId: string, scopes: string[]): ResourceSession {
  const issued = fake.issueToken(userId, scopes)
  const token = { accessToken: issued.access_token, refreshToken: issued.refresh_token, tokenType: 'Bearer', expiresAt: Date.now() + issued.expires_in * 1000, scopes }
  return {
    userId,
    scopes,
    authorized: true,
    async request<ResultType> (route: string, opts: CallOptions = {}): Promise<ResultType> {
      return await rest.request<ResultType>(route, { ...opts, auth: { type: 'Bearer', token: token.accessToken } })
    },
    async getAuthorizationToken () { return token }
  }
}

/** A resource context on the fake: a fresh users cache, the fake's CDN, bot calls with its bot token. */
export function fakeContext (fake: FakeDiscord, rest: RestClient): ResourceContext {
  return {
    cache: createUsersCache({ max: 100, ttl: 60_000 }),
    cdnBaseUrl: fake.pluginOptions.cdnBaseUrl,
    applicationId: fake.clientId,
    async botRequest<ResultType> (route: string, opts: CallOptions = {}): Promise<ResultType> {
      return await rest.request<ResultType>(route, { ...opts, auth: { type: 'Bot', token: fake.botToken } })
    }
  }
}

/** The REST client pointed at the fake. */
export function fakeRest (fake: FakeDiscord): RestClient {
  return new RestClient({ apiBaseUrl: fake.pluginOptions.apiBaseUrl })
}
