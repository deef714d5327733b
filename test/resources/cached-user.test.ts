import t from 'tap'
import { User } from '../../lib/models/user.js'
import { buildApp, injectWithJar, login, readSession } from '../helpers/build-app.js'

const ME = '/api/v10/users/@me'

t.test('getCachedUser() gives the cached user without calling Discord, or null when it is not cached', async (t) => {
  const testApp = await buildApp(t, {
    routes (app) {
      app.get('/cached', async (request) => {
        const user = await request.discord.getCachedUser()
        return { cached: user instanceof User ? user.id : user }
      })
    }
  })
  t.same((await injectWithJar(testApp, { url: '/cached' })).json(), { cached: null }, 'not logged in')
  await login(testApp)
  const userId = readSession(testApp).userId as string
  const calls = testApp.fake.calls.length
  t.same((await injectWithJar(testApp, { url: '/cached' })).json(), { cached: userId }, 'the login cached the profile')
  await testApp.app.discord.cache.invalidate(userId)
  t.same((await injectWithJar(testApp, { url: '/cached' })).json(), { cached: null })
  t.equal(testApp.fake.calls.length, calls, 'Discord was never called')
})

t.test('after a login whose user lookup failed, the first fetchUser() stores the user id, and the cache serves the next', async (t) => {
  const testApp = await buildApp(t, {
    plugin: { rest: { retries: 0 } },
    routes (app) {
      app.get('/user', async (request) => ({ id: (await request.discord.fetchUser()).id }))
    }
  })
  testApp.fake.injectFault(`GET ${ME}`, { kind: 'status', status: 503, count: 1 })
  t.equal((await login(testApp)).statusCode, 302, 'the login itself succeeds')
  t.equal(readSession(testApp).userId, undefined, 'the id is unknown')
  const first = await injectWithJar(testApp, { url: '/user' })
  t.equal(first.statusCode, 200)
  t.equal(readSession(testApp).userId, first.json().id, 'learned and kept in the session')
  const calls = testApp.fake.callCount('GET', ME)
  t.same((await injectWithJar(testApp, { url: '/user' })).json(), first.json())
  t.equal(testApp.fake.callCount('GET', ME), calls, 'served from the cache')
  t.equal((await injectWithJar(testApp, { url: '/whoami' })).json().userId, first.json().id)
})

t.test('getCachedUser() is null for a session whose refresh Discord refuses, though the cache holds the user', async (t) => {
  let offset = 0
  const testApp = await buildApp(t, {
    plugin: { now: () => Date.now() + offset },
    routes (app) {
      app.get('/cached', async (request) => ({ cached: (await request.discord.getCachedUser())?.id ?? null }))
    }
  })
  await login(testApp)
  const userId = readSession(testApp).userId as string
  const tokens = readSession(testApp).tokens
  testApp.fake.revokeToken(tokens?.refreshToken as string)
  t.ok(await testApp.app.discord.cache.get(userId, 'user'))
  offset = 604_800_000 - 30_000
  t.same((await injectWithJar(testApp, { url: '/cached' })).json(), { cached: null })
})
