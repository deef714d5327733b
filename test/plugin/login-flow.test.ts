import { createHash } from 'node:crypto'
import t from 'tap'
import { authorizeAtFake, buildApp, CALLBACK_PATH, finishLogin, injectWithJar, login, startLogin } from '../helpers/build-app.js'

t.test('the login route redirects to Discord with everything the authorize endpoint expects', async (t) => {
  const testApp = await buildApp(t, { plugin: { scope: ['identify', 'guilds'] } })
  const url = await startLogin(testApp)
  t.equal(`${url.origin}${url.pathname}`, testApp.fake.pluginOptions.authorizeUrl)
  const q = url.searchParams
  t.equal(q.get('response_type'), 'code')
  t.equal(q.get('client_id'), testApp.fake.clientId)
  t.equal(q.get('redirect_uri'), testApp.fake.pluginOptions.redirectUri)
  t.equal(q.get('scope'), 'identify guilds')
  t.match(q.get('state'), /^[A-Za-z0-9_-]{22}$/)
  t.equal(q.get('prompt'), 'consent')
  t.match(q.get('code_challenge'), /^[A-Za-z0-9_-]{43}$/)
  t.equal(q.get('code_challenge_method'), 'S256')
  t.ok(testApp.jar.get('session'), 'the state lives in the encrypted session cookie')
})

t.test('scopes come from the options, never from the query string', async (t) => {
  const testApp = await buildApp(t)
  const url = await startLogin(testApp, '?scope=guilds.join%20bot&prompt=none')
  t.equal(url.searchParams.get('scope'), 'identify')
  t.equal(url.searchParams.get('prompt'), 'consent')
})

t.test('a full login through inject stores the token set and learns the user', async (t) => {
  const testApp = await buildApp(t)
  const before = await injectWithJar(testApp, { url: '/whoami' })
  t.same(before.json(), { authorized: false, userId: null, scopes: [] })
  const res = await login(testApp)
  t.equal(res.statusCode, 302)
  t.equal(res.headers.location, '/', 'successRedirect by default')
  const me = await injectWithJar(testApp, { url: '/whoami' })
  t.same(me.json(), { authorized: true, userId: testApp.fake.seedUsers.migrated, scopes: ['identify'] })
  const api = await injectWithJar(testApp, { url: '/api/me' })
  t.same(api.json(), { id: testApp.fake.seedUsers.migrated })
  t.equal(testApp.fake.callCount('POST', '/api/v10/oauth2/token'), 1)
})

t.test('the session cookie is path=/, HttpOnly, SameSite=Lax, and Secure only over HTTPS', async (t) => {
  const testApp = await buildApp(t, { fastify: { trustProxy: true } })
  const plain = await testApp.app.inject({ url: '/login' })
  const cookie = String(plain.headers['set-cookie'])
  t.match(cookie, /Path=\//)
  t.match(cookie, /HttpOnly/)
  t.match(cookie, /SameSite=Lax/)
  t.notMatch(cookie, /Secure/)
  const https = await testApp.app.inject({ url: '/login', headers: { 'x-forwarded-proto': 'https' } })
  t.match(String(https.headers['set-cookie']), /Secure/, 'trustProxy sees HTTPS')
})

t.test('next is honoured only when it is a same-origin relative path', async (t) => {
  const cases: Array<[string, string]> = [
    ['/guilds?x=1', '/guilds?x=1'],
    ['//evil.example', '/'],
    ['https://evil.example', '/'],
    ['/\\evil.example', '/']
  ]
  for (const [next, expected] of cases) {
    const testApp = await buildApp(t)
    const res = await login(testApp, `?next=${encodeURIComponent(next)}`)
    t.equal(res.statusCode, 302)
    t.equal(res.headers.location, expected, `next=${next}`)
  }
})

t.test('createSession data comes back from callback()', async (t) => {
  const testApp = await buildApp(t, {
    plugin: { callbackPath: false },
    routes (app) {
      app.get('/start', async (request, reply) => reply.redirect(await request.discord.createSession({ data: { cart: [1, 2], note: 'é' }, scope: ['identify', 'email'] }), 302))
      app.get(CALLBACK_PATH, async (request) => ({ data: await request.discord.callback(), scopes: request.discord.scopes }))
    }
  })
  const res = await injectWithJar(testApp, { url: '/start' })
  const callback = await authorizeAtFake(new URL(String(res.headers.location)))
  const done = await finishLogin(testApp, callback)
  t.equal(done.statusCode, 200)
  t.same(done.json(), { data: { cart: [1, 2], note: 'é' }, scopes: ['identify', 'email'] })
})

t.test('PKCE: the verifier is sent, and the fake refuses a code bound to another challenge', async (t) => {
  const testApp = await buildApp(t)
  const url = await startLogin(testApp)
  // Another valid S256 challenge, as if an attacker had swapped the authorization request.
  url.searchParams.set('code_challenge', createHash('sha256').update('x'.repeat(43)).digest('base64url'))
  const res = await finishLogin(testApp, await authorizeAtFake(url))
  t.equal(res.statusCode, 400)
  t.equal(res.json().code, 'FST_DISCORD_OAUTH2')
  t.match(res.json().message, /invalid_grant/)
  const me = await injectWithJar(testApp, { url: '/whoami' })
  t.equal(me.json().authorized, false)
})

t.test('a login over real HTTP against the fake works end to end', async (t) => {
  const testApp = await buildApp(t, { listen: true })
  const jar = testApp.jar
  const start = await fetch(`${testApp.url}/login?next=/profile`, { redirect: 'manual' })
  jar.update(start.headers.getSetCookie())
  t.equal(start.status, 302)
  const callback = await authorizeAtFake(new URL(String(start.headers.get('location'))))
  const done = await fetch(`${testApp.url}${callback.pathname}${callback.search}`, { redirect: 'manual', headers: jar.headers() })
  jar.update(done.headers.getSetCookie())
  t.equal(done.status, 302)
  t.equal(done.headers.get('location'), '/profile')
  const me = await fetch(`${testApp.url}/api/me`, { headers: jar.headers() })
  t.same(await me.json(), { id: testApp.fake.seedUsers.migrated })
})
