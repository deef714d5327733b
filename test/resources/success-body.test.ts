import t from 'tap'
import { buildApp, login } from '../helpers/build-app.js'

function routes (app: import('fastify').FastifyInstance): void {
  app.get('/me', async (request) => ({ id: (await request.discord.fetchUser({ cache: (request.query as { fresh?: string }).fresh === undefined })).id }))
  app.get('/guilds', async (request) => ({ count: (await request.discord.fetchGuilds({ cache: (request.query as { fresh?: string }).fresh === undefined })).length }))
  app.get('/connections', async (request) => ({ count: (await request.discord.fetchConnections({ cache: false })).length }))
}

t.test('an HTML or empty 200 for the user is a 502, and nothing bad is cached', async (t) => {
  const testApp = await buildApp(t, { plugin: { scope: ['identify', 'guilds', 'connections'] }, routes })
  await login(testApp, '')
  for (const kind of ['html200', 'empty200'] as const) {
    testApp.fake.injectFault('GET /api/v10/users/@me', { kind })
    const res = await testApp.app.inject({ url: '/me?fresh=1', headers: testApp.jar.headers() })
    t.equal(res.statusCode, 502, kind)
    t.match(res.json().message, /where a user was expected/)
    const after = await testApp.app.inject({ url: '/me', headers: testApp.jar.headers() })
    t.equal(after.statusCode, 200, 'the cache still answers with a good profile')
    t.equal(after.json().id, testApp.fake.seedUsers.migrated)
  }
})

t.test('an HTML 200 for the guild list is a 502, not a list of id-less guilds, and is not cached', async (t) => {
  const testApp = await buildApp(t, { fake: {}, plugin: { scope: ['identify', 'guilds', 'connections'] }, routes })
  await login(testApp, '')
  testApp.fake.injectFault('GET /api/v10/users/@me/guilds', { kind: 'html200' })
  const res = await testApp.app.inject({ url: '/guilds?fresh=1', headers: testApp.jar.headers() })
  t.equal(res.statusCode, 502)
  const calls = testApp.fake.callCount('GET', '/api/v10/users/@me/guilds')
  const after = await testApp.app.inject({ url: '/guilds', headers: testApp.jar.headers() })
  t.equal(after.statusCode, 200)
  t.ok(after.json().count > 0)
  t.equal(testApp.fake.callCount('GET', '/api/v10/users/@me/guilds'), calls + 1, 'the refused page was not cached: Discord was asked again')
  testApp.fake.injectFault('GET /api/v10/users/@me/connections', { kind: 'empty200' })
  t.equal((await testApp.app.inject({ url: '/connections', headers: testApp.jar.headers() })).statusCode, 502)
})
