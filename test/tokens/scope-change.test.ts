import t, { type Test } from 'tap'
import type { TokenSet } from '../../lib/contracts/token-set.js'
import { buildApp, injectWithJar, login, readSession, type TestApp } from '../helpers/build-app.js'

const WEEK = 604_800_000

async function setup (t: Test): Promise<{ testApp: TestApp, userId: string, nearExpiry: () => void }> {
  let offset = 0
  const testApp = await buildApp(t, {
    plugin: { scope: ['identify', 'guilds'], now: () => Date.now() + offset },
    routes (app) {
      app.get('/warm', async (request) => {
        await request.discord.fetchUser()
        await request.discord.fetchGuilds()
        return {}
      })
      // Stands for a grant that Discord has since changed: the session believes other scopes.
      app.post('/believe', async (request) => {
        const tokens = await request.discord.getAuthorizationToken() as TokenSet
        await request.discord.saveAuthorizationToken({ ...tokens, scopes: request.body as string[] })
        return {}
      })
    }
  })
  await login(testApp)
  const userId = readSession(testApp).userId as string
  await injectWithJar(testApp, { url: '/warm' })
  t.ok(await testApp.app.discord.cache.get(userId, 'user'))
  t.ok(await testApp.app.discord.cache.get(userId, 'guilds'))
  return { testApp, userId, nearExpiry: () => { offset = WEEK - 30_000 } }
}

async function believe (testApp: TestApp, scopes: string[]): Promise<void> {
  await testApp.app.inject({ method: 'POST', url: '/believe', headers: { ...testApp.jar.headers(), 'content-type': 'application/json' }, payload: JSON.stringify(scopes) })
    .then((res) => { testApp.jar.update(res.headers['set-cookie']) })
}

t.test('a refresh that changes the granted scopes drops the user\'s cache entries', async (t) => {
  const { testApp, userId, nearExpiry } = await setup(t)
  await believe(testApp, ['identify'])
  nearExpiry()
  t.equal((await injectWithJar(testApp, { url: '/api/me' })).statusCode, 200)
  t.equal(testApp.fake.callCount('POST', '/api/v10/oauth2/token'), 2, 'refreshed')
  t.same(readSession(testApp).tokens?.scopes, ['identify', 'guilds'], 'the session now holds what Discord granted')
  t.equal(await testApp.app.discord.cache.get(userId, 'user'), undefined)
  t.equal(await testApp.app.discord.cache.get(userId, 'guilds'), undefined)
})

t.test('a refresh that keeps the granted scopes (in any order) keeps the cache entries', async (t) => {
  const { testApp, userId, nearExpiry } = await setup(t)
  await believe(testApp, ['guilds', 'identify'])
  nearExpiry()
  t.equal((await injectWithJar(testApp, { url: '/api/me' })).statusCode, 200)
  t.equal(testApp.fake.callCount('POST', '/api/v10/oauth2/token'), 2, 'refreshed')
  t.ok(await testApp.app.discord.cache.get(userId, 'user'))
  t.ok(await testApp.app.discord.cache.get(userId, 'guilds'))
})
