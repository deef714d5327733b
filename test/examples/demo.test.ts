import t from 'tap'
import { fakeUser } from 'fastify-discord/testing'
import { build } from '../../examples/demo.js'
import { BROWSER, authorizeAtFake, finishLogin, injectWithJar, login, startLogin, type Teardown, type TestApp } from '../helpers/build-app.js'
import { asTestApp, sessionKey, startFake } from './helpers/example-app.js'

async function demo (t: Parameters<typeof startFake>[0], consent: 'approve' | 'deny' = 'approve'): Promise<Awaited<ReturnType<typeof asTestApp>>> {
  const fake = await startFake(t, { consent })
  return asTestApp(t, fake, await build({ discord: { ...fake.pluginOptions, session: sessionKey() }, fake, env: {}, fastify: {} }))
}

t.test('the logged-in home page greets the user by name', async (t) => {
  const testApp = await demo(t)
  const before = await injectWithJar(testApp, { url: '/' })
  t.match(before.body, '<h1>fastify-discord demo</h1>')
  t.notMatch(before.body, 'Hello,')
  await login(testApp)
  const home = await injectWithJar(testApp, { url: '/' })
  t.equal(home.statusCode, 200)
  t.match(home.body, '<h1>Hello, Nelly!</h1>')
  t.match(home.body, 'logged in as @nelly')
  t.match(home.body, '<form method="post" action="/logout">')
})

t.test('Cancel at Discord and an expired login get different messages', async (t) => {
  const cancelled = await demo(t, 'deny')
  const denied = await finishLogin(cancelled, await authorizeAtFake(await startLogin(cancelled)), { accept: BROWSER })
  t.equal(denied.statusCode, 302)
  t.equal(denied.headers.location, '/?login=cancelled')
  const cancelPage = await injectWithJar(cancelled, { url: '/?login=cancelled' })
  t.match(cancelPage.body, 'You cancelled the login')
  t.notMatch(cancelPage.body, 'expired')

  const expired = await demo(t)
  const callbackUrl = await authorizeAtFake(await startLogin(expired))
  await finishLogin(expired, callbackUrl, { accept: BROWSER })
  const replay = await finishLogin(expired, callbackUrl, { accept: BROWSER })
  t.equal(replay.headers.location, '/?login=expired', 'a used (or timed-out) state reads as an expired login')
  const expiredPage = await injectWithJar(expired, { url: '/?login=expired' })
  t.match(expiredPage.body, 'The login expired')
  t.notMatch(expiredPage.body, 'cancelled')

  t.match((await injectWithJar(expired, { url: '/?login=failed' })).body, 'The login did not complete')
  t.notMatch((await injectWithJar(expired, { url: '/?login=%3Cscript%3E' })).body, /<p class="error">/, 'an unknown value shows nothing')
})

t.test('an API client still gets the error itself, not a redirect', async (t) => {
  const testApp = await demo(t, 'deny')
  const denied = await finishLogin(testApp, await authorizeAtFake(await startLogin(testApp)), { accept: 'application/json' })
  t.equal(denied.statusCode, 403)
  t.match(denied.json(), { code: 'FST_DISCORD_ACCESS_DENIED' })
})

t.test('pages carry an icon and /favicon.ico answers, so the console shows no 404', async (t) => {
  const testApp = await demo(t)
  const home = await injectWithJar(testApp, { url: '/' })
  t.match(home.body, '<link rel="icon" href="data:image/svg+xml,')
  const ico = await testApp.app.inject('/favicon.ico')
  t.equal(ico.statusCode, 301)
  t.equal(ico.headers.location, '/favicon.svg')
  const svg = await testApp.app.inject('/favicon.svg')
  t.equal(svg.statusCode, 200)
  t.equal(svg.headers['content-type'], 'image/svg+xml')
  t.match(svg.body, /^<svg /)
})

async function setup (t: Teardown, env: NodeJS.ProcessEnv = {}, withFake = true): Promise<TestApp> {
  const fake = await startFake(t)
  const app = await build({ discord: { ...fake.pluginOptions, session: sessionKey() }, fake: withFake ? fake : null, env, fastify: {} })
  return asTestApp(t, fake, app)
}

t.test('the profile shows the avatar decoration and the server tag with its badge', async (t) => {
  const testApp = await setup(t)
  await login(testApp)
  const res = await injectWithJar(testApp, { url: '/me' })
  t.equal(res.statusCode, 200)
  const cdn = testApp.fake.pluginOptions.cdnBaseUrl
  t.match(res.body, new RegExp(`<img class="decoration" src="${cdn}/avatar-decoration-presets/a_[0-9a-f]+\\.png"`))
  t.match(res.body, new RegExp(`<span class="tag" title="Server tag"><img src="${cdn}/guild-tag-badges/${testApp.fake.seedGuilds.owned}/[0-9a-f]+\\.png" alt="">NELY</span>`))
})

t.test('a user without a decoration or a tag gets neither', async (t) => {
  const testApp = await setup(t)
  testApp.fake.setActingUser(testApp.fake.seedUsers.legacy)
  await login(testApp)
  const res = await injectWithJar(testApp, { url: '/me' })
  t.equal(res.statusCode, 200)
  t.notMatch(res.body, 'class="decoration"')
  t.notMatch(res.body, 'class="tag"')
})

t.test('the members-only page lets a member of the server in', async (t) => {
  const testApp = await setup(t)
  await login(testApp)
  t.match((await injectWithJar(testApp, { url: '/' })).body, 'href="/members"')
  const res = await injectWithJar(testApp, { url: '/members' })
  t.equal(res.statusCode, 200)
  t.match(res.body, 'Members of Nelly&#39;s Workshop')
})

t.test('the members-only page refuses someone outside the server with 403', async (t) => {
  const testApp = await setup(t)
  testApp.fake.addUser(fakeUser({ id: '1180000000000000001', username: 'stranger' }))
  testApp.fake.setActingUser('1180000000000000001')
  await login(testApp)
  const res = await injectWithJar(testApp, { url: '/members' })
  t.equal(res.statusCode, 403)
  t.match(res.body, 'Join it, then come back')
})

t.test('the members-only page sends a logged-out browser to the login', async (t) => {
  const testApp = await setup(t)
  const res = await injectWithJar(testApp, { url: '/members', headers: { accept: BROWSER } })
  t.equal(res.statusCode, 302)
  t.equal(res.headers.location, '/login?next=%2Fmembers')
})

t.test('against the real Discord the members server comes from MEMBERS_GUILD_ID', async (t) => {
  const testApp = await setup(t, { MEMBERS_GUILD_ID: '' }, false)
  await login(testApp)
  const res = await injectWithJar(testApp, { url: '/members' })
  t.equal(res.statusCode, 200)
  t.match(res.body, 'Set MEMBERS_GUILD_ID')
  const chosen = await setup(t, { MEMBERS_GUILD_ID: testApp.fake.seedGuilds.owned }, false)
  await login(chosen)
  t.match((await injectWithJar(chosen, { url: '/members' })).body, 'Members of Nelly&#39;s Workshop')
  const fake = testApp.fake
  await t.rejects(build({ discord: { ...fake.pluginOptions, session: sessionKey() }, fake: null, env: { MEMBERS_GUILD_ID: 'nope' }, fastify: {} }), /MEMBERS_GUILD_ID must be the id of a Discord server/)
})

t.test('the members-only page asks Discord about the membership once, then uses the cache', async (t) => {
  const testApp = await setup(t)
  await login(testApp)
  for (let i = 0; i < 2; i++) t.equal((await injectWithJar(testApp, { url: '/members' })).statusCode, 200)
  t.equal(testApp.fake.callCount('GET', `/api/v10/users/@me/guilds/${testApp.fake.seedGuilds.owned}/member`), 1)
})
