import type { APIConnection } from 'discord-api-types/v10'
import { UserConnection } from '../models/user-connection.js'
import { requireScopes } from './require-scopes.js'
import { requireToken } from './require-token.js'
import type { FetchOptions, ResourceContext, ResourceSession } from './resource-types.js'
import { BodyShapes } from '../contracts/body-shapes.js'

/**
 * The session's connections (`GET /users/@me/connections`, needs `connections`), from the users
 * cache when fresh.
 *
 * @throws MissingScope without `connections` (no call to Discord), Unauthorized (also on a cache hit), RateLimited, HttpException
 */
export async function fetchConnections (session: ResourceSession, ctx: ResourceContext, opts: FetchOptions = {}): Promise<UserConnection[]> {
  requireScopes(session, ['connections'], 'fetchConnections()')
  await requireToken(session)
  const load = async (): Promise<APIConnection[]> => await session.request<APIConnection[]>('/users/@me/connections', { expect: BodyShapes.connections })
  const payloads = session.userId === null
    ? await load()
    : await ctx.cache.load(session.userId, 'connections', load, { refresh: opts.cache === false })
  return payloads.map((payload) => new UserConnection(payload))
}
