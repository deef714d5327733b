import t from 'tap'
import { buildApp, injectWithJar, login } from '../helpers/build-app.js'

const WEEK = 604_800_000

t.test('addToGuild() with a token near expiry refreshes it through the session before the PUT, with no extra call', async (t) => {
  let offset = 0
  const testApp = await buildApp(t, {
    plugin: { scope: ['identify', 'guilds.join'], now: () => Date.now() + offset },
    routes (app) {
      app.post('/join', async (request) => {
        const user = await request.discord.fetchUser()
        return { member: await user.addToGuild(testApp.fake.seedGuilds.owned) }
      })
    }
  })
  await login(testApp)
  offset = WEEK - 30_000
  testApp.fake.resetCalls()
  const res = await injectWithJar(testApp, { method: 'POST', url: '/join' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { member: null }, 'already a member: 204')
  const routes = testApp.fake.calls.map((call) => `${call.method} ${call.path}`)
  t.same(routes, ['POST /api/v10/oauth2/token', `PUT /api/v10/guilds/${testApp.fake.seedGuilds.owned}/members/${testApp.fake.seedUsers.migrated}`],
    'one refresh, then the PUT: no /oauth2/@me, and the cached profile needs no call')
})

t.test('addToGuild() with a fresh token does not refresh', async (t) => {
  const testApp = await buildApp(t, {
    plugin: { scope: ['identify', 'guilds.join'] },
    routes (app) {
      app.post('/join', async (request) => ({ member: await (await request.discord.fetchUser()).addToGuild(testApp.fake.seedGuilds.owned) }))
    }
  })
  await login(testApp)
  testApp.fake.resetCalls()
  t.equal((await injectWithJar(testApp, { method: 'POST', url: '/join' })).statusCode, 200)
  t.same(testApp.fake.calls.map((call) => call.method), ['PUT'])
})

t.test('addToGuild() after a transient refresh failure uses the still-valid token, with no /oauth2/@me detour', async (t) => {
  const testApp = await buildApp(t, {
    fake: { tokenExpiresIn: 30 },
    plugin: { scope: ['identify', 'guilds.join'] },
    routes (app) {
      app.post('/join', async (request) => ({ member: await (await request.discord.fetchUser()).addToGuild(testApp.fake.seedGuilds.owned) }))
    }
  })
  await login(testApp)
  testApp.fake.resetCalls()
  testApp.fake.injectFault('POST /api/v10/oauth2/token', { kind: 'status', status: 503, count: 2 })
  const res = await injectWithJar(testApp, { method: 'POST', url: '/join' })
  t.equal(res.statusCode, 200)
  const routes = testApp.fake.calls.map((call) => `${call.method} ${call.path}`)
  t.notOk(routes.includes('GET /api/v10/oauth2/@me'), routes.join(', '))
  t.match(routes.at(-1), /^PUT /)
  t.equal(testApp.fake.calls.at(-1)?.status, 204, 'Discord accepted the token')
})
