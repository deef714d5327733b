import type { RESTAPIPartialCurrentUserGuild } from 'discord-api-types/v10'
import { Guild } from '../models/guild.js'
import { requireScopes } from './require-scopes.js'
import { requireToken } from './require-token.js'
import type { FetchOptions, ResourceContext, ResourceSession } from './resource-types.js'
import { BodyShapes } from '../contracts/body-shapes.js'

/** Options of {@link fetchGuilds}. */
export interface FetchGuildsOptions extends FetchOptions {
  /**
   * Ask Discord for `approximate_member_count` and `approximate_presence_count` (`with_counts`),
   * which fill the guilds' `approximateMemberCount` / `approximatePresenceCount`.
   * @defaultValue false
   */
  withCounts?: boolean
}

/** Discord's maximum page size for `GET /users/@me/guilds`. */
const PAGE_SIZE = 200
/** A bound on paging, in case an upstream never sends a short page: 100 pages is 20,000 guilds. */
const MAX_PAGES = 100

/**
 * The session's guilds (`GET /users/@me/guilds`, needs `guilds`), from the users cache when
 * fresh. Pages with `after` past 200 guilds until a short page. One list is cached per user:
 * asked `withCounts`, a list cached without the counts counts as a miss, and the list with them
 * then serves both kinds of call.
 *
 * @throws MissingScope without `guilds` (no call to Discord), Unauthorized (also on a cache hit), RateLimited, HttpException
 */
export async function fetchGuilds (session: ResourceSession, ctx: ResourceContext, opts: FetchGuildsOptions = {}): Promise<Guild[]> {
  requireScopes(session, ['guilds'], 'fetchGuilds()')
  if (opts.withCounts !== undefined && typeof opts.withCounts !== 'boolean') {
    throw new TypeError('`withCounts` of fetchGuilds() must be a boolean')
  }
  await requireToken(session)
  const withCounts = opts.withCounts === true
  const load = async (): Promise<RESTAPIPartialCurrentUserGuild[]> => await fetchAllPages(session, withCounts)
  const refresh = opts.cache === false
  const payloads = session.userId === null
    ? await load()
    : await ctx.cache.load(session.userId, 'guilds', load, withCounts ? { refresh, accept: hasCounts } : { refresh })
  const context = { cdnBaseUrl: ctx.cdnBaseUrl }
  return payloads.map((payload) => new Guild(payload, context))
}

/** A cached list fetched `with_counts` (an empty list has nothing to count). */
function hasCounts (value: unknown): boolean {
  return Array.isArray(value) && (value.length === 0 || 'approximate_member_count' in (value[0] as object))
}

async function fetchAllPages (session: ResourceSession, withCounts: boolean): Promise<RESTAPIPartialCurrentUserGuild[]> {
  const guilds: RESTAPIPartialCurrentUserGuild[] = []
  let after: string | undefined
  for (let page = 0; page < MAX_PAGES; page++) {
    const base = withCounts ? { limit: PAGE_SIZE, with_counts: 'true' } : { limit: PAGE_SIZE }
    const query = after === undefined ? base : { ...base, after }
    const batch = await session.request<RESTAPIPartialCurrentUserGuild[]>('/users/@me/guilds', { query, expect: BodyShapes.guilds })
    guilds.push(...batch)
    const last = batch.at(-1)
    if (batch.length < PAGE_SIZE || last === undefined || last.id === after) break
    after = last.id
  }
  return guilds
}
