import type { RESTAPIPartialCurrentUserGuild } from 'discord-api-types/v10'
import { Guild } from '../models/guild.js'
import { requireScopes } from './require-scopes.js'
import { requireToken } from './require-token.js'
import type { FetchOptions, ResourceContext, ResourceSession } from './resource-types.js'
import { BodyShapes } from '../shared/body-shapes.js'

/** Discord's maximum page size for `GET /users/@me/guilds`. */
const PAGE_SIZE = 200
/** A bound on paging, in case an upstream never sends a short page: 100 pages is 20,000 guilds. */
const MAX_PAGES = 100

/**
 * The session's guilds (`GET /users/@me/guilds`, needs `guilds`), from the users cache when
 * fresh. Pages with `after` past 200 guilds until a short page.
 *
 * @throws MissingScope without `guilds` (no call to Discord), Unauthorized (also on a cache hit), RateLimited, HttpException
 */
export async function fetchGuilds (session: ResourceSession, ctx: ResourceContext, opts: FetchOptions = {}): Promise<Guild[]> {
  requireScopes(session, ['guilds'], 'fetchGuilds()')
  await requireToken(session)
  const load = async (): Promise<RESTAPIPartialCurrentUserGuild[]> => await fetchAllPages(session)
  const payloads = session.userId === null
    ? await load()
    : await ctx.cache.load(session.userId, 'guilds', load, { refresh: opts.cache === false })
  const context = { cdnBaseUrl: ctx.cdnBaseUrl }
  return payloads.map((payload) => new Guild(payload, context))
}

async function fetchAllPages (session: ResourceSession): Promise<RESTAPIPartialCurrentUserGuild[]> {
  const guilds: RESTAPIPartialCurrentUserGuild[] = []
  let after: string | undefined
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = after === undefined ? { limit: PAGE_SIZE } : { limit: PAGE_SIZE, after }
    const batch = await session.request<RESTAPIPartialCurrentUserGuild[]>('/users/@me/guilds', { query, expect: BodyShapes.guilds })
    guilds.push(...batch)
    const last = batch.at(-1)
    if (batch.length < PAGE_SIZE || last === undefined || last.id === after) break
    after = last.id
  }
  return guilds
}
