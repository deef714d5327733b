import t from 'tap'
import { build } from '../../examples/demo.js'
import { BROWSER, authorizeAtFake, finishLogin, injectWithJar, login, startLogin } from '../helpers/build-app.js'
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
