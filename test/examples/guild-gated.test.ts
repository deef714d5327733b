import t from 'tap'
import { fakeUser } from 'fastify-discord/testing'
import { addExampleGuild, build } from '../../examples/guild-gated.js'
import { BROWSER, injectWithJar, login, readSession, type Teardown, type TestApp } from '../helpers/build-app.js'
import { asTestApp, sessionKey, startFake } from './helpers/example-app.js'

async function setup (t: Teardown, options: { withRole?: boolean } = {}): Promise<TestApp> {
  const fake = await startFake(t)
  const { guildId, roleId } = addExampleGuild(fake)
  const app = await build({ discord: { ...fake.pluginOptions, session: sessionKey() }, guildId, roleId: options.withRole === false ? null : roleId })
  return asTestApp(t, fake, app)
}

t.test('a member with the role enters the club', async (t) => {
  const testApp = await setup(t)
  await login(testApp)
  const res = await injectWithJar(testApp, { url: '/club' })
  t.equal(res.statusCode, 200)
  t.match(res.body, 'Welcome to the club, Nelly')
  t.match(res.body, /Member since \d{4}-\d\d-\d\d/)
})

t.test('a logged-out browser is sent to the login and comes back to the club', async (t) => {
  const testApp = await setup(t)
  const home = await injectWithJar(testApp, { url: '/' })
  t.match(home.body, 'href="/club"')
  t.notMatch(home.body, 'Log out')
  const res = await injectWithJar(testApp, { url: '/club', headers: { accept: BROWSER } })
  t.equal(res.statusCode, 302)
  t.equal(res.headers.location, '/login?next=%2Fclub')
  const callback = await login(testApp, '?next=%2Fclub')
  t.equal(callback.headers.location, '/club')
  t.match((await injectWithJar(testApp, { url: '/' })).body, 'Log out')
})

t.test('a member without the role is refused with 403', async (t) => {
  const testApp = await setup(t)
  testApp.fake.setActingUser(testApp.fake.seedUsers.legacy)
  await login(testApp)
  const res = await injectWithJar(testApp, { url: '/club' })
  t.equal(res.statusCode, 403)
  t.match(res.body, 'needs a role you do not have')
})

t.test('without a required role any member enters', async (t) => {
  const testApp = await setup(t, { withRole: false })
  testApp.fake.setActingUser(testApp.fake.seedUsers.legacy)
  await login(testApp)
  const res = await injectWithJar(testApp, { url: '/club' })
  t.equal(res.statusCode, 200)
  t.match(res.body, 'Welcome to the club, oldtimer')
})

t.test('someone who is not in the server is refused with 403', async (t) => {
  const testApp = await setup(t)
  testApp.fake.addUser(fakeUser({ id: '1170000000000000099', username: 'stranger' }))
  testApp.fake.setActingUser('1170000000000000099')
  await login(testApp)
  const res = await injectWithJar(testApp, { url: '/club' })
  t.equal(res.statusCode, 403)
  t.match(res.body, 'Join the server first')
})

t.test('other Discord failures are not mistaken for "not a member"', async (t) => {
  const testApp = await setup(t)
  await login(testApp)
  const accessToken = readSession(testApp).tokens?.accessToken
  t.ok(accessToken)
  testApp.fake.revokeToken(String(accessToken))
  const res = await injectWithJar(testApp, { url: '/club' })
  t.equal(res.statusCode, 401)
})

t.test('the guard asks Discord once; the page reuses the cached member', async (t) => {
  const testApp = await setup(t)
  await login(testApp)
  for (let i = 0; i < 2; i++) t.equal((await injectWithJar(testApp, { url: '/club' })).statusCode, 200)
  t.equal(testApp.fake.callCount('GET', '/api/v10/users/@me/guilds/:guildId/member'), 1)
})

t.test('other errors still reach Fastify\'s error handler', async (t) => {
  const testApp = await setup(t)
  await login(testApp)
  testApp.fake.injectFault('GET /api/v10/users/@me/guilds/:guildId/member', { kind: 'status', status: 503, count: 10 })
  const res = await injectWithJar(testApp, { url: '/club', headers: { accept: 'application/json' } })
  t.equal(res.statusCode, 502)
  t.equal(res.json().error, 'Bad Gateway', 'in Fastify\'s JSON error shape, not the members page')
})
