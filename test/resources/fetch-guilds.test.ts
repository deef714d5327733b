import t from 'tap'
import { MissingScope } from '../../lib/errors/missing-scope.js'
import { Guild } from '../../lib/models/guild.js'
import { fetchGuilds } from '../../lib/resources/fetch-guilds.js'
import { guild } from '../models/helpers/payloads.js'
import { CDN, stubContext, stubSession } from './helpers/stubs.js'
import type { StubHandler } from './helpers/stubs.js'

/** Answers /users/@me/guilds like Discord: sorted by id, `after` exclusive, at most `limit`. */
function pagedGuilds (count: number): StubHandler {
  const all = Array.from({ length: count }, (_, i) => guild({ id: String(100_000 + i), name: `Guild ${i}` }))
  return (route, opts) => {
    if (route !== '/users/@me/guilds') throw new Error(`unexpected ${route}`)
    const query = opts.query as { limit?: number, after?: string }
    const after = query.after === undefined ? -1 : Number(query.after)
    return all.filter((g) => Number(g.id) > after).slice(0, query.limit ?? 200)
  }
}

t.test('without the guilds scope it throws MissingScope and does not call Discord', async (t) => {
  const { session, calls } = stubSession({ userId: '1', scopes: ['identify'], handler: pagedGuilds(1) })
  await t.rejects(fetchGuilds(session, stubContext().ctx), MissingScope)
  t.equal(calls.length, 0)
})

t.test('builds Guild models with the CDN of the context', async (t) => {
  const { session } = stubSession({ userId: '1', scopes: ['guilds'], handler: pagedGuilds(3) })
  const guilds = await fetchGuilds(session, stubContext().ctx)
  t.equal(guilds.length, 3)
  t.ok(guilds[0] instanceof Guild)
  t.equal(guilds[0]?.iconUrl, `${CDN}/icons/100000/f64c482b807da4f539cff778d174971c.png`)
})

t.test('pages with after past 200 guilds until a short page', async (t) => {
  const { session, calls } = stubSession({ userId: '1', scopes: ['guilds'], handler: pagedGuilds(450) })
  const guilds = await fetchGuilds(session, stubContext().ctx)
  t.equal(guilds.length, 450)
  t.equal(new Set(guilds.map((g) => g.id)).size, 450, 'no duplicates')
  t.same(calls.map((call) => call.opts.query), [
    { limit: 200 },
    { limit: 200, after: '100199' },
    { limit: 200, after: '100399' }
  ])
})

t.test('exactly 200 guilds take a second, empty page', async (t) => {
  const { session, calls } = stubSession({ userId: '1', scopes: ['guilds'], handler: pagedGuilds(200) })
  t.equal((await fetchGuilds(session, stubContext().ctx)).length, 200)
  t.equal(calls.length, 2)
})

t.test('stops when an upstream repeats the same full page', async (t) => {
  const page = Array.from({ length: 200 }, (_, i) => guild({ id: String(i + 1) }))
  const { session, calls } = stubSession({ userId: '1', scopes: ['guilds'], handler: () => page })
  t.equal((await fetchGuilds(session, stubContext().ctx)).length, 400)
  t.equal(calls.length, 2, 'the second page ended where it started')
})

t.test('caches the list: hits, cache: false and single flight', async (t) => {
  const { session, calls } = stubSession({ userId: '1', scopes: ['guilds'], handler: pagedGuilds(2) })
  const { ctx } = stubContext()
  await Promise.all([fetchGuilds(session, ctx), fetchGuilds(session, ctx), fetchGuilds(session, ctx)])
  t.equal(calls.length, 1, 'concurrent misses made one call')
  await fetchGuilds(session, ctx)
  t.equal(calls.length, 1, 'hit')
  await fetchGuilds(session, ctx, { cache: false })
  t.equal(calls.length, 2, 'refresh')
  t.equal((await ctx.cache.get('1', 'guilds') as unknown[]).length, 2)
})

t.test('without a user id nothing is cached', async (t) => {
  const { session, calls } = stubSession({ userId: null, scopes: ['guilds'], handler: pagedGuilds(2) })
  const { ctx } = stubContext()
  await fetchGuilds(session, ctx)
  await fetchGuilds(session, ctx)
  t.equal(calls.length, 2)
})
