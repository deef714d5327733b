import t from 'tap'
import { createUsersCache } from '../../lib/cache/users-cache.js'
import { MissingScope } from '../../lib/errors/missing-scope.js'
import { User } from '../../lib/models/user.js'
import { fetchConnections } from '../../lib/resources/fetch-connections.js'
import { fetchGuilds } from '../../lib/resources/fetch-guilds.js'
import { fetchUser, getCachedUser } from '../../lib/resources/fetch-user.js'
import type { TokenSet } from '../../lib/contracts/token-set.js'
import { connection, guild, legacyUser, migratedUser, publicProfile } from '../models/helpers/payloads.js'
import { stubContext, stubSession } from './helpers/stubs.js'
import type { StubHandler } from './helpers/stubs.js'

const MIGRATED = migratedUser()
const LEGACY = legacyUser()

/** Answers like Discord for one user, honouring the email scope. */
function discordFor (user: typeof MIGRATED, scopes: string[]): StubHandler {
  return (route) => {
    if (route === '/users/@me') return scopes.includes('email') ? { ...user } : publicProfile(user)
    if (route === '/users/@me/guilds') return [guild({ id: `${user.id.slice(0, 5)}1` })]
    if (route === '/users/@me/connections') return [connection({ name: `${user.username}-gh` })]
    throw new Error(`unexpected ${route}`)
  }
}

function sessionFor (user: typeof MIGRATED, scopes: string[], userId: string | null = user.id): ReturnType<typeof stubSession> {
  return stubSession({ userId, scopes, handler: discordFor(user, scopes) })
}

t.test('without identify it throws MissingScope and does not call Discord', async (t) => {
  const { session, calls } = sessionFor(MIGRATED, ['guilds'])
  const { ctx } = stubContext()
  await t.rejects(fetchUser(session, ctx), MissingScope)
  const err = await fetchUser(session, ctx).catch((error: unknown) => error)
  t.ok(err instanceof MissingScope)
  t.same((err as MissingScope).missingScopes, ['identify'])
  t.equal((err as MissingScope).statusCode, 403)
  t.equal(calls.length, 0)
})

t.test('a miss fetches /users/@me, then hits come from the cache', async (t) => {
  const { session, calls } = sessionFor(MIGRATED, ['identify', 'email'])
  const { ctx } = stubContext()
  const first = await fetchUser(session, ctx)
  t.ok(first instanceof User)
  t.equal(first.username, 'nelly')
  t.equal(first.email, 'nelly@example.com')
  const second = await fetchUser(session, ctx)
  t.equal(second.id, first.id)
  t.equal(calls.length, 1, 'one upstream call')
  t.equal(calls[0]?.route, '/users/@me')
})

t.test('cache: false bypasses and refreshes the cache', async (t) => {
  let name = 'nelly'
  const session = stubSession({ userId: MIGRATED.id, scopes: ['identify'], handler: () => publicProfile(migratedUser({ username: name })) })
  const { ctx } = stubContext()
  t.equal((await fetchUser(session.session, ctx)).username, 'nelly')
  name = 'nelly2'
  t.equal((await fetchUser(session.session, ctx)).username, 'nelly', 'still cached')
  t.equal((await fetchUser(session.session, ctx, { cache: false })).username, 'nelly2')
  t.equal((await fetchUser(session.session, ctx)).username, 'nelly2', 'the refresh was cached')
  t.equal(session.calls.length, 2)
})

t.test('concurrent misses make one upstream call', async (t) => {
  const { session, calls } = sessionFor(MIGRATED, ['identify'])
  const { ctx } = stubContext()
  const users = await Promise.all(Array.from({ length: 10 }, async () => await fetchUser(session, ctx)))
  t.equal(calls.length, 1)
  t.ok(users.every((user) => user.id === MIGRATED.id))
})

t.test('entries never leak across users', async (t) => {
  const { ctx } = stubContext()
  const a = sessionFor(MIGRATED, ['identify', 'guilds', 'connections'])
  const b = sessionFor(LEGACY, ['identify', 'guilds', 'connections'])
  await fetchGuilds(a.session, ctx)
  await fetchConnections(a.session, ctx)
  const [userA, userB] = await Promise.all([fetchUser(a.session, ctx), fetchUser(b.session, ctx)])
  t.equal(userA.id, MIGRATED.id)
  t.equal(userB.id, LEGACY.id)
  t.equal(userA.guilds.size, 1)
  t.equal(userB.guilds.size, 0, 'b does not see a\'s guilds')
  t.same(userB.connections, [])
  t.equal((await fetchUser(b.session, ctx)).id, LEGACY.id)
  t.equal(b.calls.length, 1)
  t.equal(a.calls.filter((call) => call.route === '/users/@me').length, 1)
})

t.test('user.guilds and user.connections reflect what was fetched', async (t) => {
  const { session, calls } = sessionFor(MIGRATED, ['identify', 'guilds', 'connections'])
  const { ctx } = stubContext()
  const before = await fetchUser(session, ctx)
  t.equal(before.guilds.size, 0)
  t.same(before.connections, [])
  await fetchGuilds(session, ctx)
  await fetchConnections(session, ctx)
  const after = await fetchUser(session, ctx)
  t.same([...after.guilds.keys()], ['803511'])
  t.equal(after.connections[0]?.name, 'nelly-gh')
  t.equal(calls.filter((call) => call.route === '/users/@me').length, 1, 'the profile stayed cached')
})

t.test('cached guilds and connections stay hidden from a session without those scopes', async (t) => {
  const { ctx } = stubContext()
  const full = sessionFor(MIGRATED, ['identify', 'guilds', 'connections'])
  await fetchGuilds(full.session, ctx)
  await fetchConnections(full.session, ctx)
  const narrow = sessionFor(MIGRATED, ['identify'])
  const user = await fetchUser(narrow.session, ctx)
  t.equal(user.guilds.size, 0)
  t.same(user.connections, [])
  const connectionsOnly = await fetchUser(sessionFor(MIGRATED, ['identify', 'connections']).session, ctx)
  t.equal(connectionsOnly.guilds.size, 0)
  t.equal(connectionsOnly.connections.length, 1)
  const guildsOnly = await fetchUser(sessionFor(MIGRATED, ['identify', 'guilds']).session, ctx)
  t.equal(guildsOnly.guilds.size, 1)
  t.same(guildsOnly.connections, [])
})

t.test('a session without the email scope never sees a cached email', async (t) => {
  const { ctx } = stubContext()
  const withEmail = sessionFor(MIGRATED, ['identify', 'email'])
  t.equal((await fetchUser(withEmail.session, ctx)).email, 'nelly@example.com')
  const without = sessionFor(MIGRATED, ['identify'])
  const user = await fetchUser(without.session, ctx)
  t.equal(user.email, null)
  t.equal(user.verified, null)
  t.equal(user.toJSON().email, null)
  t.equal(without.calls.length, 0, 'served from the cache')
})

t.test('a session with the email scope refetches a profile cached without it', async (t) => {
  const { ctx } = stubContext()
  const without = sessionFor(MIGRATED, ['identify'])
  t.equal((await fetchUser(without.session, ctx)).email, null)
  const withEmail = sessionFor(MIGRATED, ['identify', 'email'])
  t.equal((await fetchUser(withEmail.session, ctx)).email, 'nelly@example.com')
  t.equal(withEmail.calls.length, 1)
  t.equal((await fetchUser(without.session, ctx)).email, null, 'and the narrow session still gets none')
})

t.test('without a known user id it fetches, then caches under the returned id', async (t) => {
  const { ctx } = stubContext()
  const anonymous = sessionFor(MIGRATED, ['identify'], null)
  t.equal((await fetchUser(anonymous.session, ctx)).id, MIGRATED.id)
  t.equal((await fetchUser(anonymous.session, ctx)).id, MIGRATED.id)
  t.equal(anonymous.calls.length, 2, 'no cache read without a user id')
  const known = sessionFor(MIGRATED, ['identify'])
  await fetchUser(known.session, ctx)
  t.equal(known.calls.length, 0, 'a session that knows its id finds the entry')
})

t.test('an invalidated user is fetched again', async (t) => {
  const { session, calls } = sessionFor(MIGRATED, ['identify'])
  const { ctx } = stubContext()
  await fetchUser(session, ctx)
  await ctx.cache.invalidate(MIGRATED.id)
  await fetchUser(session, ctx)
  t.equal(calls.length, 2)
})

t.test('an expired entry is fetched again (fake clock)', async (t) => {
  let now = 0
  const { ctx } = stubContext({ cache: createUsersCache({ max: 10, ttl: 1000, now: () => now }) })
  const { session, calls } = sessionFor(MIGRATED, ['identify'])
  await fetchUser(session, ctx)
  now = 999
  await fetchUser(session, ctx)
  t.equal(calls.length, 1)
  now = 1001
  await fetchUser(session, ctx)
  t.equal(calls.length, 2)
})

t.test('getCachedUser reads the cache only', async (t) => {
  const { ctx } = stubContext()
  const { session, calls } = sessionFor(MIGRATED, ['identify', 'guilds'])
  t.equal(await getCachedUser(session, ctx), null)
  await fetchUser(session, ctx)
  await fetchGuilds(session, ctx)
  const cached = await getCachedUser(session, ctx)
  t.equal(cached?.id, MIGRATED.id)
  t.equal(cached?.guilds.size, 1)
  t.equal(calls.length, 2)
  t.equal(await getCachedUser(sessionFor(MIGRATED, ['guilds']).session, ctx), null, 'not without identify')
  t.equal(await getCachedUser(sessionFor(MIGRATED, ['identify'], null).session, ctx), null, 'not without a user id')
  t.equal(await getCachedUser(sessionFor(MIGRATED, ['identify', 'email']).session, ctx), null, 'not when the cached profile lacks the email')
  const narrow = await getCachedUser(sessionFor(MIGRATED, ['identify']).session, ctx)
  t.equal(narrow?.email, null)
})

t.test('getCachedUser gives the email to a session with the scope', async (t) => {
  const { ctx } = stubContext()
  const { session } = sessionFor(MIGRATED, ['identify', 'email'])
  await fetchUser(session, ctx)
  t.equal((await getCachedUser(session, ctx))?.email, 'nelly@example.com')
})

t.test('upstream errors reach the caller and nothing is cached', async (t) => {
  const { ctx } = stubContext()
  const failing = stubSession({ userId: '1', scopes: ['identify'], handler: () => { throw new Error('boom') } })
  await t.rejects(fetchUser(failing.session, ctx), { message: 'boom' })
  t.equal(await ctx.cache.get('1', 'user'), undefined)
})

t.test('getCachedUser passes on a token failure that is not Unauthorized (Discord down during a due refresh)', async (t) => {
  const { ctx } = stubContext()
  const { session, calls } = sessionFor(MIGRATED, ['identify'])
  await fetchUser(session, ctx)
  const down = Object.assign(new Error('token endpoint down'), { statusCode: 502 })
  const failing = { ...session, request: session.request, async getAuthorizationToken (): Promise<never> { throw down } }
  await t.rejects(getCachedUser(failing, ctx), down)
  t.equal(calls.length, 1, 'no other call')
  t.equal((await getCachedUser(session, ctx))?.id, MIGRATED.id, 'the entry is still there')
})

/** A stub session with the token at hand (as a cookie session not due for a refresh), counting token checks. */
function atHand (user: typeof MIGRATED, scopes: string[]): ReturnType<typeof stubSession> & { tokenChecks: () => number } {
  const stub = sessionFor(user, scopes)
  const token: TokenSet = { accessToken: 'at-hand', refreshToken: 'r', tokenType: 'Bearer', expiresAt: Date.now() + 3_600_000, scopes }
  let checks = 0
  const getToken = stub.session.getAuthorizationToken.bind(stub.session)
  Object.assign(stub.session, {
    tokenAtHand: () => token,
    async getAuthorizationToken () { checks++; return await getToken() }
  })
  return { ...stub, tokenChecks: () => checks }
}

t.test('with the token at hand, a cached profile is served without a token check or a call', async (t) => {
  const { ctx } = stubContext()
  const { session, calls, tokenChecks } = atHand(MIGRATED, ['identify'])
  const first = await fetchUser(session, ctx)
  t.equal(calls.length, 1, 'a miss goes upstream')
  t.equal(tokenChecks(), 1, 'through the asynchronous path')
  const second = await fetchUser(session, ctx)
  t.equal(second.id, MIGRATED.id)
  t.same(second.toJSON(), first.toJSON())
  t.equal(second.toJSON(), first.toJSON(), 'the same memoised JSON')
  t.equal(calls.length, 1)
  t.equal(tokenChecks(), 1, 'the hit did not check the token again')
  t.equal(second.email, null, 'no email scope')
})

t.test('with the token at hand but without identify, fetchUser still throws MissingScope', async (t) => {
  const { ctx } = stubContext()
  await ctx.cache.set(MIGRATED.id, 'user', { ...MIGRATED })
  const { session, calls } = atHand(MIGRATED, ['guilds'])
  await t.rejects(fetchUser(session, ctx), MissingScope)
  t.equal(calls.length, 0)
})

t.test('with the token at hand, a profile evicted from the cache is fetched again', async (t) => {
  const { ctx } = stubContext()
  const { session, calls } = atHand(MIGRATED, ['identify', 'email'])
  t.equal((await fetchUser(session, ctx)).email, 'nelly@example.com')
  await ctx.cache.invalidate(MIGRATED.id)
  t.equal((await fetchUser(session, ctx)).email, 'nelly@example.com')
  t.equal(calls.length, 2)
  t.equal((await fetchUser(session, ctx)).email, 'nelly@example.com')
  t.equal(calls.length, 2, 'then cached again')
})
