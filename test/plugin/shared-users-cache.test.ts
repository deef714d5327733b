/**
 * The users cache of two apps in one process that share one Redis (a real redis-server), one
 * session key and one fake Discord: as two instances behind a load balancer, in-process so that
 * the fake's call counts and each app's cache can be looked at.
 */
import { randomBytes } from 'node:crypto'
import Fastify from 'fastify'
import t, { type Test } from 'tap'
import { MemoryCacheStore } from '../../lib/cache/memory-cache-store.js'
import { TwoLevelCacheStore } from '../../lib/cache/two-level-cache-store.js'
import type { DiscordPluginOptions } from '../../lib/options/plugin-options.js'
import fastifyDiscord from '../../lib/plugin.js'
import { createFakeDiscord } from '../../lib/testing/index.js'
import { CookieJar } from '../helpers/cookie-jar.js'
import { injectWithJar, login, readSession, REDIRECT_URI, type TestApp } from '../helpers/build-app.js'
import { redisTestOptions, startRedisServer } from '../helpers/redis-server.js'

const ME = '/api/v10/users/@me'

async function twoApps (t: Test, plugin: Partial<DiscordPluginOptions> = {}): Promise<{ a: TestApp, b: TestApp }> {
  const server = await startRedisServer(t)
  const fake = await createFakeDiscord({ consent: 'approve', redirectUris: [REDIRECT_URI] })
  t.teardown(async () => { await fake.close() })
  const key = randomBytes(32)
  const jar = new CookieJar()
  const start = async (name: string): Promise<TestApp> => {
    const app = Fastify()
    t.teardown(async () => { await app.close() })
    await app.register(fastifyDiscord, { ...fake.pluginOptions, session: { key }, redis: server.url, ...plugin })
    app.get('/me', { preHandler: app.discord.requireAuthorization }, async (request) => ({ instance: name, id: (await request.discord.fetchUser()).id }))
    await app.ready()
    return { app, fake, url: '', jar }
  }
  return { a: await start('A'), b: await start('B') }
}

t.test("a user fetched on A is served from the cache on B: Discord's user route is called once", redisTestOptions(), async (t) => {
  const { a, b } = await twoApps(t)
  t.equal(a.app.discord.cache.store.constructor, TwoLevelCacheStore)
  await login(a)
  const userId = readSession(a).userId as string
  // Start from nothing cached, as if the login had been long ago.
  await a.app.discord.cache.invalidate(userId)
  const before = a.fake.callCount('GET', ME)
  t.same((await injectWithJar(a, { url: '/me' })).json(), { instance: 'A', id: userId })
  t.equal(a.fake.callCount('GET', ME) - before, 1, 'A asked Discord')
  t.same((await injectWithJar(b, { url: '/me' })).json(), { instance: 'B', id: userId })
  t.same((await injectWithJar(b, { url: '/me' })).json(), { instance: 'B', id: userId })
  t.same((await injectWithJar(a, { url: '/me' })).json(), { instance: 'A', id: userId })
  t.equal(a.fake.callCount('GET', ME) - before, 1, 'B answered from the shared cache, then from its first level')
  t.ok(b.app.discord.cache.getNow(userId, 'user'), "B's hot path answers without a promise")

  await a.app.discord.cache.invalidate(userId)
  for (let i = 0; i < 200 && b.app.discord.cache.getNow(userId, 'user') !== undefined; i++) await new Promise((resolve) => setTimeout(resolve, 10))
  t.equal(b.app.discord.cache.getNow(userId, 'user'), undefined, "an invalidation on A drops B's copy")
  t.same((await injectWithJar(b, { url: '/me' })).json(), { instance: 'B', id: userId })
  t.equal(a.fake.callCount('GET', ME) - before, 2, 'so B asks Discord again')
})

t.test("a cache store of the app's own is used as it is, redis or not", redisTestOptions(), async (t) => {
  const store = new MemoryCacheStore({ max: 10, ttl: 1000 })
  const { a, b } = await twoApps(t, { cache: store })
  t.equal(a.app.discord.cache.store, store)
  t.equal(b.app.discord.cache.store, store)
})
