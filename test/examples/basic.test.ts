import t from 'tap'
import { build, example } from '../../examples/basic.js'
import { runExample } from '../../examples/helpers/run-example.js'
import { BROWSER, injectWithJar, login } from '../helpers/build-app.js'
import { CookieJar } from '../helpers/cookie-jar.js'
import { asTestApp, browse, sessionKey, startFake } from './helpers/example-app.js'

t.test('the home page offers the login, then greets the logged-in user with their avatar', async (t) => {
  const fake = await startFake(t)
  const testApp = await asTestApp(t, fake, await build({ discord: { ...fake.pluginOptions, session: sessionKey() } }))
  const before = await injectWithJar(testApp, { url: '/' })
  t.equal(before.statusCode, 200)
  t.match(before.body, '<a href="/login">Log in with Discord</a>')

  const callback = await login(testApp)
  t.equal(callback.statusCode, 302)
  const home = await injectWithJar(testApp, { url: '/' })
  t.equal(home.statusCode, 200)
  t.match(home.body, 'Hello Nelly')
  t.match(home.body, `${fake.pluginOptions.cdnBaseUrl}/avatars/${fake.seedUsers.migrated}/`)
  t.match(home.body, '<form method="post" action="/logout">')
})

t.test('the guarded routes answer JSON to a logged-in user', async (t) => {
  const fake = await startFake(t)
  const testApp = await asTestApp(t, fake, await build({ discord: { ...fake.pluginOptions, session: sessionKey() } }))
  await login(testApp)
  const me = await injectWithJar(testApp, { url: '/me' })
  t.equal(me.statusCode, 200)
  t.match(me.json(), { id: fake.seedUsers.migrated, username: 'nelly', displayName: 'Nelly' })
  const guilds = await injectWithJar(testApp, { url: '/guilds' })
  t.equal(guilds.statusCode, 200)
  t.match(guilds.json(), [{ id: fake.seedGuilds.owned, owner: true }])
})

t.test('the guarded routes refuse a logged-out API client and send a browser to the login', async (t) => {
  const fake = await startFake(t)
  const testApp = await asTestApp(t, fake, await build({ discord: { ...fake.pluginOptions, session: sessionKey() } }))
  const api = await injectWithJar(testApp, { url: '/me' })
  t.equal(api.statusCode, 401)
  const browser = await injectWithJar(testApp, { url: '/guilds', headers: { accept: BROWSER } })
  t.equal(browser.statusCode, 302)
  t.equal(browser.headers.location, '/login?next=%2Fguilds')
})

t.test('run on its own against the fake, a browser logs in over HTTP and is greeted', async (t) => {
  const lines: string[] = []
  const running = await runExample({
    ...example,
    env: { PORT: '0', LOG_LEVEL: 'silent' },
    fake: { consent: 'approve' },
    print: (line) => lines.push(line)
  })
  t.teardown(running.close)
  t.ok(running.fake)
  t.match(lines.join('\n'), `Basic example: ${running.url}/`)
  t.match(lines.join('\n'), `Fake Discord: ${running.fake?.url}`)
  const jar = new CookieJar()
  const { res, url } = await browse(`${running.url}/login`, jar, running.url)
  t.equal(url, `${running.url}/`)
  t.equal(res.status, 200)
  t.match(await res.text(), 'Hello Nelly')
})
