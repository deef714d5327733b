import t from 'tap'
import { fakeGuild } from 'fastify-discord/testing'
import { BOT_PERMISSIONS, build } from '../../examples/bot-invite.js'
import { authorizeAtFake, BROWSER, finishLogin, injectWithJar, type Teardown, type TestApp } from '../helpers/build-app.js'
import { asTestApp, sessionKey, startFake } from './helpers/example-app.js'

const NEW_GUILD = '1180000000000000001'

async function setup (t: Teardown): Promise<TestApp> {
  const fake = await startFake(t)
  // A server the seeded user owns and the bot has not joined yet.
  fake.addGuild(fakeGuild({ id: NEW_GUILD, name: 'Fresh Server', owner_id: fake.seedUsers.migrated }), {
    [fake.seedUsers.migrated]: { owner: true }
  })
  return asTestApp(t, fake, await build({ discord: { ...fake.pluginOptions, session: sessionKey() } }))
}

t.test('the home page names the bot and links to the invite', async (t) => {
  const testApp = await setup(t)
  const res = await injectWithJar(testApp, { url: '/' })
  t.equal(res.statusCode, 200)
  t.match(res.body, /<h1>Add fake_app to your server<\/h1>/)
  t.match(res.body, 'href="/invite"')
  t.notMatch(res.body, 'cancelled')
})

t.test('the invite URL asks for the bot scopes, the permissions and the chosen server only', async (t) => {
  const testApp = await setup(t)
  const res = await injectWithJar(testApp, { url: `/invite?guild=${NEW_GUILD}` })
  t.equal(res.statusCode, 302)
  const url = new URL(String(res.headers.location))
  t.equal(url.searchParams.get('scope'), 'bot applications.commands')
  t.equal(url.searchParams.get('permissions'), BOT_PERMISSIONS.toString())
  t.equal(url.searchParams.get('guild_id'), NEW_GUILD)
  t.equal(url.searchParams.get('disable_guild_select'), 'true')
  t.match(url.searchParams.get('code_challenge'), /^[\w-]{43}$/)
})

t.test('without a server the user picks one at Discord', async (t) => {
  const testApp = await setup(t)
  const res = await injectWithJar(testApp, { url: '/invite' })
  const url = new URL(String(res.headers.location))
  t.equal(url.searchParams.get('guild_id'), null)
  t.equal(url.searchParams.get('disable_guild_select'), null)
  t.equal(url.searchParams.get('permissions'), BOT_PERMISSIONS.toString())
})

t.test('a malformed server id is refused before any work', async (t) => {
  const testApp = await setup(t)
  const res = await injectWithJar(testApp, { url: '/invite?guild=not-a-snowflake' })
  t.equal(res.statusCode, 400)
})

t.test('after the invite the page names the server from the grant, without listing the bot\'s servers', async (t) => {
  const testApp = await setup(t)
  const invite = await injectWithJar(testApp, { url: `/invite?guild=${NEW_GUILD}` })
  testApp.fake.resetCalls()
  const callback = await finishLogin(testApp, await authorizeAtFake(new URL(String(invite.headers.location))))
  t.equal(callback.statusCode, 200)
  t.match(callback.body, `Added to <strong>Fresh Server</strong> (${NEW_GUILD})`)
  t.match(callback.body, `Permissions granted to the bot: ${BOT_PERMISSIONS.toString()} (all it asked for)`)
  t.notMatch(callback.body, 'Nelly&#39;s Workshop', 'no other server is listed')
  t.equal(testApp.fake.callCount('GET', '/api/v10/users/@me/guilds'), 0, 'the bot\'s guilds are not fetched')
})

t.test('a cancelled invite comes back to the home page with a note', async (t) => {
  const testApp = await setup(t)
  testApp.fake.setConsent('deny')
  const invite = await injectWithJar(testApp, { url: '/invite' })
  const callback = await finishLogin(testApp, await authorizeAtFake(new URL(String(invite.headers.location))), { accept: BROWSER })
  t.equal(callback.statusCode, 302)
  t.equal(callback.headers.location, '/?cancelled=1')
  const home = await injectWithJar(testApp, { url: '/?cancelled=1' })
  t.match(home.body, 'The invite was cancelled.')
})

t.test('a replayed callback is refused with 400, not a 500', async (t) => {
  const testApp = await setup(t)
  const invite = await injectWithJar(testApp, { url: '/invite' })
  const callbackUrl = await authorizeAtFake(new URL(String(invite.headers.location)))
  t.equal((await finishLogin(testApp, callbackUrl)).statusCode, 200)
  t.equal((await finishLogin(testApp, callbackUrl)).statusCode, 400)
})
