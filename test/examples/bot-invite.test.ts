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

t.test('after the invite the bot is in the chosen server and the page lists it', async (t) => {
  const testApp = await setup(t)
  const invite = await injectWithJar(testApp, { url: `/invite?guild=${NEW_GUILD}` })
  const callback = await finishLogin(testApp, await authorizeAtFake(new URL(String(invite.headers.location))))
  t.equal(callback.statusCode, 302)
  t.equal(callback.headers.location, '/invited')
  const invited = await injectWithJar(testApp, { url: '/invited' })
  t.equal(invited.statusCode, 200)
  t.match(invited.body, '<li>Fresh Server</li>')
  t.match(invited.body, '<li>Nelly&#39;s Workshop</li>', 'the servers the bot was already in are listed too')
})

t.test('a cancelled invite comes back to the home page with a note', async (t) => {
  const testApp = await setup(t)
  testApp.fake.setConsent('deny')
  const invite = await injectWithJar(testApp, { url: '/invite' })
  // A browser coming back from the consent page; an API client would get the 403 itself.
  const callback = await finishLogin(testApp, await authorizeAtFake(new URL(String(invite.headers.location))), { accept: BROWSER })
  t.equal(callback.statusCode, 302)
  t.equal(callback.headers.location, '/?cancelled=1')
  const home = await injectWithJar(testApp, { url: '/?cancelled=1' })
  t.match(home.body, 'The invite was cancelled.')
  const invited = await injectWithJar(testApp, { url: '/invited' })
  t.equal(invited.statusCode, 401, 'no invite, no page')
})
