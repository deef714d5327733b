import type { APIUser } from 'discord-api-types/v10'
import type { FastifyInstance } from 'fastify'
import t, { type Test } from 'tap'
import { MemoryTokenStore } from 'fastify-discord'
import type { MemoryCacheStore } from '../../lib/cache/memory-cache-store.js'
import type { DiscordPluginOptions } from '../../lib/options/plugin-options.js'
import type { TokenSet } from '../../lib/contracts/token-set.js'
import { authorizeAtFake, buildApp, finishLogin, injectWithJar, readSession, type TestApp } from '../helpers/build-app.js'
import { CookieJar } from '../helpers/cookie-jar.js'

const ME = '/api/v10/users/@me'
const GUILDS = '/api/v10/users/@me/guilds'
const CONNECTIONS = '/api/v10/users/@me/connections'
const TOKEN = '/api/v10/oauth2/token'
const WEEK = 604_800_000

/** What `/user` answers: the user as JSON, and what the model exposes beyond it. */
interface UserReply {
  user: Record<string, unknown>
  email: string | null
  verified: boolean | null
  guilds: number
  connections: number
}

/** Records the users cache's asynchronous reads: the fast path makes none, the slow path reads the profile. */
interface StoreProbe {
  gets: string[]
  reset: () => void
}

function probeStore (testApp: TestApp): StoreProbe {
  const store = testApp.app.discord.cache.store as MemoryCacheStore
  const gets: string[] = []
  const original = store.get.bind(store)
  store.get = async (key: string): Promise<unknown> => {
    gets.push(key)
    return await original(key)
  }
  return { gets, reset: () => { gets.length = 0 } }
}

async function appWithRoutes (t: Test, plugin: Partial<DiscordPluginOptions> = {}, moreRoutes?: (app: FastifyInstance) => void): Promise<TestApp & { probe: StoreProbe }> {
  const testApp = await buildApp(t, {
    plugin,
    routes (app) {
      moreRoutes?.(app)
      app.get('/login-as', async (request, reply) => {
        const { scope } = request.query as { scope: string }
        return reply.redirect(await request.discord.createSession({ scope: scope.split(' ') }), 302)
      })
      app.get('/user', async (request): Promise<UserReply> => {
        const { fresh } = request.query as { fresh?: string }
        const user = await request.discord.fetchUser(fresh === undefined ? undefined : { cache: false })
        return { user: user.toJSON() as unknown as Record<string, unknown>, email: user.email, verified: user.verified, guilds: user.guilds.size, connections: user.connections.length }
      })
      app.get('/guarded-user', { preHandler: app.discord.requireAuthorization }, async (request) => (await request.discord.fetchUser()).toJSON())
      app.get('/cached-user', async (request) => (await request.discord.getCachedUser())?.toJSON() ?? null)
      app.get('/guilds', async (request) => (await request.discord.fetchGuilds()).length)
      app.get('/connections', async (request) => (await request.discord.fetchConnections()).length)
    }
  })
  return { ...testApp, probe: probeStore(testApp) }
}

/** Another browser on the same app: its own cookie jar. */
function otherBrowser<AppType extends TestApp> (testApp: AppType): AppType {
  return { ...testApp, jar: new CookieJar() }
}

/** Logs in through the fake with the given scopes (the acting user is the seeded migrated user). */
async function loginWith (testApp: TestApp, scopes: string[]): Promise<void> {
  const start = await injectWithJar(testApp, { url: `/login-as?scope=${encodeURIComponent(scopes.join(' '))}` })
  const callback = await finishLogin(testApp, await authorizeAtFake(new URL(String(start.headers.location))))
  if (callback.statusCode !== 302) throw new Error(`callback answered ${callback.statusCode}`)
}

async function getUser (testApp: TestApp, query = ''): Promise<UserReply> {
  const res = await injectWithJar(testApp, { url: `/user${query}` })
  if (res.statusCode !== 200) throw new Error(`/user answered ${res.statusCode}: ${res.body}`)
  return res.json()
}

t.test('a cached profile is served without a call to Discord, and equals what Discord and the slow paths give', async (t) => {
  const testApp = await appWithRoutes(t)
  await loginWith(testApp, ['identify'])
  const userId = testApp.fake.seedUsers.migrated
  t.equal(testApp.fake.callCount('GET', ME), 1, 'the login read the user and cached it')

  testApp.probe.reset()
  const first = await getUser(testApp)
  t.equal(first.user['id'], userId)
  t.equal(first.user['username'], 'nelly')
  t.equal(first.user['displayName'], 'Nelly')
  t.equal(first.user['email'], null, 'no email scope')
  t.same(testApp.probe.gets, [], 'answered from memory, without an asynchronous cache read')
  const second = await getUser(testApp)
  t.same(second, first, 'a later request gets the same user')
  t.same(testApp.probe.gets, [])
  t.equal(testApp.fake.callCount('GET', ME), 1, 'Discord was not called again')

  const cachedUser = await injectWithJar(testApp, { url: '/cached-user' })
  t.same(cachedUser.json(), first.user, 'getCachedUser (the asynchronous read) gives the same user')
  t.ok(testApp.probe.gets.includes(`user:${userId}:profile`), 'and did read the store')

  const fresh = await getUser(testApp, '?fresh=1')
  t.equal(testApp.fake.callCount('GET', ME), 2)
  t.same(fresh, first, 'Discord\'s own answer is the same user')
  const after = await getUser(testApp)
  t.same(after, first)
  t.equal(testApp.fake.callCount('GET', ME), 2)
})

t.test('a session with the email scope is not served a profile cached without the email', async (t) => {
  const testApp = await appWithRoutes(t)
  await loginWith(testApp, ['identify', 'email'])
  const userId = testApp.fake.seedUsers.migrated
  const cache = testApp.app.discord.cache
  const full = await cache.get(userId, 'user') as APIUser
  t.equal(full.email, 'nelly@example.com')
  const { email: _email, verified: _verified, ...withoutEmail } = full
  await cache.set(userId, 'user', withoutEmail)
  const calls = testApp.fake.callCount('GET', ME)

  testApp.probe.reset()
  const user = await getUser(testApp)
  t.equal(testApp.fake.callCount('GET', ME), calls + 1, 'fetched from Discord')
  t.equal(user.email, 'nelly@example.com')
  t.equal(user.verified, true)
  t.equal(user.user['email'], 'nelly@example.com')
  t.equal(user.user['verified'], true)
  t.ok(testApp.probe.gets.includes(`user:${userId}:profile`), 'the fast path left it to the asynchronous one')
  t.equal((await cache.get(userId, 'user') as APIUser).email, 'nelly@example.com', 'the full profile replaced the narrow one')

  testApp.probe.reset()
  t.same(await getUser(testApp), user, 'then the full profile is served from the cache')
  t.equal(testApp.fake.callCount('GET', ME), calls + 1)
  t.same(testApp.probe.gets, [])
})

t.test('a session without the email scope never sees the email of a profile cached with it', async (t) => {
  const narrow = await appWithRoutes(t)
  await loginWith(narrow, ['identify'])
  const wide = otherBrowser(narrow)
  await loginWith(wide, ['identify', 'email'])
  const userId = narrow.fake.seedUsers.migrated
  t.equal((await narrow.app.discord.cache.get(userId, 'user') as APIUser).email, 'nelly@example.com', 'the cache holds the email')
  const calls = narrow.fake.callCount('GET', ME)

  narrow.probe.reset()
  const res = await injectWithJar(narrow, { url: '/user' })
  const user: UserReply = res.json()
  t.equal(user.email, null)
  t.equal(user.verified, null)
  t.equal(user.user['email'], null)
  t.equal(user.user['verified'], null)
  t.notMatch(res.body, 'nelly@example.com')
  t.equal(user.user['id'], userId)
  t.same(narrow.probe.gets, [], 'served by the fast path')
  t.equal(narrow.fake.callCount('GET', ME), calls)

  const full = await getUser(wide)
  t.equal(full.email, 'nelly@example.com', 'the other session still gets it')
  t.same({ ...full.user, email: null, verified: null }, user.user, 'and otherwise the same user')
  t.same((await injectWithJar(narrow, { url: '/cached-user' })).json(), user.user, 'the asynchronous read agrees')
  t.equal(narrow.fake.callCount('GET', ME), calls)
})

t.test('guilds: empty before fetchGuilds, then in every later fetchUser without another profile call', async (t) => {
  const testApp = await appWithRoutes(t)
  await loginWith(testApp, ['identify', 'guilds'])
  const calls = testApp.fake.callCount('GET', ME)
  const before = await getUser(testApp)
  t.equal(before.guilds, 0)
  const count = (await injectWithJar(testApp, { url: '/guilds' })).json()
  t.ok(count > 0, 'the user has guilds')
  t.equal(testApp.fake.callCount('GET', GUILDS), 1)

  testApp.probe.reset()
  const after = await getUser(testApp)
  t.equal(after.guilds, count)
  t.equal(after.connections, 0)
  t.same(testApp.probe.gets, [], 'served by the fast path')
  t.same(after.user, before.user)
  t.equal(testApp.fake.callCount('GET', ME), calls, 'no call for the profile')
  t.equal(testApp.fake.callCount('GET', GUILDS), 1, 'nor for the guilds')
})

t.test('connections: empty before fetchConnections, then in every later fetchUser without another profile call', async (t) => {
  const testApp = await appWithRoutes(t)
  await loginWith(testApp, ['identify', 'connections'])
  const calls = testApp.fake.callCount('GET', ME)
  t.equal((await getUser(testApp)).connections, 0)
  const count = (await injectWithJar(testApp, { url: '/connections' })).json()
  t.ok(count > 0, 'the user has connections')

  testApp.probe.reset()
  const after = await getUser(testApp)
  t.equal(after.connections, count)
  t.equal(after.guilds, 0)
  t.same(testApp.probe.gets, [], 'served by the fast path')
  t.equal(testApp.fake.callCount('GET', ME), calls)
  t.equal(testApp.fake.callCount('GET', CONNECTIONS), 1)
})

t.test('with guilds and connections granted, each shows up once fetched, and only to sessions granted it', async (t) => {
  const testApp = await appWithRoutes(t)
  await loginWith(testApp, ['identify', 'guilds', 'connections'])
  const calls = testApp.fake.callCount('GET', ME)
  const guilds = (await injectWithJar(testApp, { url: '/guilds' })).json()
  const onlyGuilds = await getUser(testApp)
  t.equal(onlyGuilds.guilds, guilds)
  t.equal(onlyGuilds.connections, 0, 'connections not fetched yet')
  const connections = (await injectWithJar(testApp, { url: '/connections' })).json()

  testApp.probe.reset()
  const both = await getUser(testApp)
  t.equal(both.guilds, guilds)
  t.equal(both.connections, connections)
  t.same(testApp.probe.gets, [], 'served by the fast path')

  const narrow = otherBrowser(testApp)
  await loginWith(narrow, ['identify'])
  testApp.probe.reset()
  const narrowUser = await getUser(narrow)
  t.equal(narrowUser.guilds, 0, 'a session without guilds does not see the cached ones')
  t.equal(narrowUser.connections, 0)
  t.same(testApp.probe.gets, [], 'served by the fast path')
  const guildsOnly = otherBrowser(testApp)
  await loginWith(guildsOnly, ['identify', 'guilds'])
  const guildsOnlyUser = await getUser(guildsOnly)
  t.equal(guildsOnlyUser.guilds, guilds)
  t.equal(guildsOnlyUser.connections, 0, 'connections stay hidden')
  t.equal(testApp.fake.callCount('GET', ME), calls + 2, 'only the two logins read the profile')
})

t.test('a token within a minute of expiry is refreshed before the cached profile is served', async (t) => {
  let offset = 0
  const testApp = await appWithRoutes(t, { now: () => Date.now() + offset })
  await loginWith(testApp, ['identify'])
  const before = readSession(testApp).tokens as TokenSet
  const user = await getUser(testApp)
  const calls = testApp.fake.callCount('GET', ME)
  t.equal(testApp.fake.callCount('POST', TOKEN), 1, 'the code exchange only')

  offset = WEEK - 30_000
  testApp.probe.reset()
  t.same(await getUser(testApp), user)
  t.equal(testApp.fake.callCount('POST', TOKEN), 2, 'refreshed')
  t.equal(testApp.fake.callCount('GET', ME), calls, 'the profile still came from the cache')
  t.ok(testApp.probe.gets.length > 0, 'through the asynchronous path')
  const after = readSession(testApp).tokens as TokenSet
  t.not(after.accessToken, before.accessToken, 'the new token set is in the cookie')
  t.ok(after.expiresAt > before.expiresAt)

  testApp.probe.reset()
  t.same(await getUser(testApp), user)
  t.equal(testApp.fake.callCount('POST', TOKEN), 2, 'the fresh token needs no refresh')
  t.same(testApp.probe.gets, [], 'and is at hand again')
})

t.test('an expired token is refreshed before the cached profile is served', async (t) => {
  let offset = 0
  const testApp = await appWithRoutes(t, { now: () => Date.now() + offset })
  await loginWith(testApp, ['identify'])
  const user = await getUser(testApp)
  offset = WEEK + 60_000
  t.same(await getUser(testApp), user)
  t.equal(testApp.fake.callCount('POST', TOKEN), 2)
  t.equal(testApp.fake.callCount('GET', ME), 1, 'the login\'s read only')
})

t.test('a cached profile is not served once Discord refuses the refresh', async (t) => {
  let offset = 0
  const testApp = await appWithRoutes(t, { now: () => Date.now() + offset })
  await loginWith(testApp, ['identify'])
  const userId = testApp.fake.seedUsers.migrated
  await getUser(testApp)
  testApp.fake.revokeToken((readSession(testApp).tokens as TokenSet).refreshToken as string)
  offset = WEEK - 30_000
  const calls = testApp.fake.callCount('GET', ME)
  t.ok(await testApp.app.discord.cache.get(userId, 'user'), 'the cache holds the user')
  const res = await injectWithJar(testApp, { url: '/user' })
  t.equal(res.statusCode, 401)
  t.equal(res.json().code, 'FST_DISCORD_UNAUTHORIZED')
  t.equal(testApp.fake.callCount('GET', ME), calls)
  t.same(readSession(testApp), {}, 'logged out')
})

t.test('a token without a refresh token is served from the cache until it expires, then not at all', async (t) => {
  let offset = 0
  const testApp = await appWithRoutes(t, { now: () => Date.now() + offset }, (app) => {
    app.get('/short-lived', async (request) => {
      const tokens = await request.discord.getAuthorizationToken() as TokenSet
      await request.discord.saveAuthorizationToken({ ...tokens, refreshToken: null, expiresAt: Date.now() + offset + 120_000 })
      return {}
    })
  })
  await loginWith(testApp, ['identify'])
  const user = await getUser(testApp)
  await injectWithJar(testApp, { url: '/short-lived' })
  t.equal(readSession(testApp).tokens?.refreshToken, null)
  offset = 90_000
  t.same(await getUser(testApp), user, 'within the last minute, still served')
  offset = 130_000
  t.equal((await injectWithJar(testApp, { url: '/user' })).statusCode, 401, 'expired: not served from the cache')
  t.equal(testApp.fake.callCount('POST', TOKEN), 1, 'no refresh was attempted')
  t.equal(testApp.fake.callCount('GET', ME), 1)
})

t.test('with a token store fetchUser still answers from the cache', async (t) => {
  const tokenStore = new MemoryTokenStore()
  const testApp = await appWithRoutes(t, { tokenStore })
  await loginWith(testApp, ['identify'])
  const userId = testApp.fake.seedUsers.migrated
  t.ok(readSession(testApp).tokenId, 'the cookie holds a token-store id')
  t.equal(readSession(testApp).tokens, undefined)
  const calls = testApp.fake.callCount('GET', ME)

  testApp.probe.reset()
  const user = await getUser(testApp)
  t.equal(user.user['id'], userId)
  t.equal(testApp.fake.callCount('GET', ME), calls, 'no call to Discord')
  t.ok(testApp.probe.gets.includes(`user:${userId}:profile`), 'the token store is read asynchronously, so the slow path answers')

  testApp.probe.reset()
  const guarded = await injectWithJar(testApp, { url: '/guarded-user' })
  t.equal(guarded.statusCode, 200)
  t.same(guarded.json(), user.user, 'the same user behind the guard')
  t.same(testApp.probe.gets, [], 'the guard read the token, so the profile came from memory')
  t.equal(testApp.fake.callCount('GET', ME), calls)

  t.same(await getUser(testApp, '?fresh=1'), user, 'and the same as Discord\'s answer')
  t.equal(testApp.fake.callCount('GET', ME), calls + 1)
})

t.test('fetchUser({ cache: false }) always calls Discord, and what it gets is served afterwards', async (t) => {
  const testApp = await appWithRoutes(t)
  await loginWith(testApp, ['identify', 'email'])
  const userId = testApp.fake.seedUsers.migrated
  const calls = testApp.fake.callCount('GET', ME)
  t.equal((await getUser(testApp, '?fresh=1')).user['username'], 'nelly')
  t.equal((await getUser(testApp, '?fresh=1')).user['username'], 'nelly')
  t.equal(testApp.fake.callCount('GET', ME), calls + 2, 'one call each, though the profile was cached')

  const full = await testApp.app.discord.cache.get(userId, 'user') as APIUser
  testApp.fake.addUser({ ...full, username: 'renamed' })
  t.equal((await getUser(testApp)).user['username'], 'nelly', 'the cache still answers')
  t.equal(testApp.fake.callCount('GET', ME), calls + 2)
  const fresh = await getUser(testApp, '?fresh=1')
  t.equal(fresh.user['username'], 'renamed', 'cache: false sees the change')
  t.equal(fresh.email, 'nelly@example.com')
  t.equal(testApp.fake.callCount('GET', ME), calls + 3)

  testApp.probe.reset()
  const cached = await getUser(testApp)
  t.same(cached, fresh, 'and the refreshed profile is what the cache serves next')
  t.same(testApp.probe.gets, [], 'from memory')
  t.equal(testApp.fake.callCount('GET', ME), calls + 3)
})

t.test('a failure on the fast path is a rejection, never a synchronous throw; null options read as none', async (t) => {
  const { fetchUser } = await import('../../lib/resources/fetch-user.js')
  const { createUsersCache } = await import('../../lib/cache/users-cache.js')
  const ctx = { cache: createUsersCache(), cdnBaseUrl: 'https://cdn.example', applicationId: '1', botRequest: async () => { throw new Error('unused') } }
  const broken = {
    userId: '1',
    authorized: true,
    scopes: ['identify'],
    request: async () => { throw new Error('unused') },
    getAuthorizationToken: async () => null,
    tokenAtHand (): undefined { throw new Error('no request.session') }
  }
  let promise: Promise<unknown> | undefined
  t.doesNotThrow(() => { promise = fetchUser(broken, ctx) }, 'nothing is thrown synchronously')
  await t.rejects(promise as Promise<unknown>, { message: 'no request.session' })

  const user = { id: '1', username: 'a', discriminator: '0', global_name: null, avatar: null }
  await ctx.cache.set('1', 'user', user)
  const tokens = { accessToken: 'x', refreshToken: null, tokenType: 'Bearer', expiresAt: Date.now() + 3_600_000, scopes: ['identify'] }
  const session = { ...broken, getAuthorizationToken: async () => tokens, tokenAtHand: () => undefined }
  t.equal((await fetchUser(session, ctx, null)).id, '1', 'null options on the slow path')
})
