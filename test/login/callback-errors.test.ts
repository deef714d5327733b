import t from 'tap'
import {
  authorizeAtFake, BROWSER, buildApp, CALLBACK_PATH, finishLogin, injectWithJar, startLogin
} from '../helpers/build-app.js'

t.test('access denied: an API client gets a 403 AccessDenied carrying Discord\'s error', async (t) => {
  const testApp = await buildApp(t, { fake: { consent: 'deny' } })
  const res = await finishLogin(testApp, await authorizeAtFake(await startLogin(testApp)), { accept: 'application/json' })
  t.equal(res.statusCode, 403)
  t.equal(res.json().code, 'FST_DISCORD_ACCESS_DENIED')
  t.match(res.json().message, /access_denied.*denied the request/)
})

t.test('access denied: a browser goes to failureRedirect when it is set', async (t) => {
  const testApp = await buildApp(t, { fake: { consent: 'deny' }, plugin: { failureRedirect: '/login-failed' } })
  const res = await finishLogin(testApp, await authorizeAtFake(await startLogin(testApp)), { accept: BROWSER })
  t.equal(res.statusCode, 302)
  t.equal(res.headers.location, '/login-failed')
})

t.test('access denied: without failureRedirect a browser also gets the 403', async (t) => {
  const testApp = await buildApp(t, { fake: { consent: 'deny' } })
  const res = await finishLogin(testApp, await authorizeAtFake(await startLogin(testApp)), { accept: BROWSER })
  t.equal(res.statusCode, 403)
})

t.test('another OAuth2 error from Discord is a 400 naming it', async (t) => {
  const testApp = await buildApp(t)
  const url = await startLogin(testApp)
  const res = await injectWithJar(testApp, { url: `${CALLBACK_PATH}?error=invalid_scope&error_description=bad+scope&state=${url.searchParams.get('state') ?? ''}` })
  t.equal(res.statusCode, 400)
  t.equal(res.json().code, 'FST_DISCORD_OAUTH2')
  t.match(res.json().message, /invalid_scope: bad scope/)
  const again = await finishLogin(testApp, await authorizeAtFake(url))
  t.equal(again.statusCode, 400, 'the state was consumed by the error callback')
})

t.test('every bad state is a 400 InvalidState, never a 500', async (t) => {
  let now = Date.now()
  const testApp = await buildApp(t, { plugin: { now: () => now } })
  const expectInvalid = async (url: string, why: string): Promise<void> => {
    const res = await injectWithJar(testApp, { url })
    t.equal(res.statusCode, 400, why)
    t.equal(res.json().code, 'FST_DISCORD_INVALID_STATE', why)
  }

  const callback = await authorizeAtFake(await startLogin(testApp))
  const code = callback.searchParams.get('code') ?? ''
  await expectInvalid(`${CALLBACK_PATH}?code=${code}`, 'missing state')
  await expectInvalid(`${CALLBACK_PATH}?code=${code}&state=unknown-state-value`, 'unknown state')

  now += 10 * 60 * 1000
  await expectInvalid(`${CALLBACK_PATH}${callback.search}`, 'expired state (10 minutes)')
  now = Date.now()

  const fresh = await authorizeAtFake(await startLogin(testApp))
  const oldCookie = testApp.jar.header() as string
  const ok = await finishLogin(testApp, fresh)
  t.equal(ok.statusCode, 302, 'the fresh state logs in')
  await expectInvalid(`${CALLBACK_PATH}${fresh.search}`, 'replayed with the new session')
  const replay = await testApp.app.inject({ url: `${CALLBACK_PATH}${fresh.search}`, headers: { cookie: oldCookie } })
  t.equal(replay.statusCode, 400, 'replayed with an old copy of the cookie')
  t.equal(replay.json().code, 'FST_DISCORD_INVALID_STATE')

  const foreign = await authorizeAtFake(await startLogin(testApp))
  const other = await testApp.app.inject({ url: `${CALLBACK_PATH}${foreign.search}` })
  t.equal(other.statusCode, 400, 'a state from another session (no cookie)')
  t.equal(other.json().code, 'FST_DISCORD_INVALID_STATE')
})

t.test('an expired state sends a browser to failureRedirect', async (t) => {
  let now = Date.now()
  const testApp = await buildApp(t, { plugin: { now: () => now, failureRedirect: '/oops' } })
  const callback = await authorizeAtFake(await startLogin(testApp))
  now += 11 * 60 * 1000
  const res = await finishLogin(testApp, callback, { accept: BROWSER })
  t.equal(res.statusCode, 302)
  t.equal(res.headers.location, '/oops')
})

t.test('malformed callback input is a 400 before any work', async (t) => {
  const testApp = await buildApp(t)
  const url = await startLogin(testApp)
  const state = url.searchParams.get('state') ?? ''
  for (const query of [`?state=${'s'.repeat(300)}&code=x`, `?state=${state}&state=${state}&code=x`, `?code=${'c'.repeat(600)}&state=${state}`, `?error=${'e'.repeat(200)}`]) {
    const res = await injectWithJar(testApp, { url: `${CALLBACK_PATH}${query}` })
    t.equal(res.statusCode, 400, query.slice(0, 40))
  }
  const noCode = await injectWithJar(testApp, { url: `${CALLBACK_PATH}?state=${state}` })
  t.equal(noCode.statusCode, 400, 'a known state without a code')
  t.equal(noCode.json().code, 'FST_DISCORD_OAUTH2')
  t.equal(testApp.fake.callCount('POST', '/api/v10/oauth2/token'), 0, 'no token request was made')
})

t.test('an iss other than Discord\'s is refused; Discord\'s is accepted', async (t) => {
  const testApp = await buildApp(t)
  const callback = await authorizeAtFake(await startLogin(testApp))
  t.equal(callback.searchParams.get('iss'), 'https://discord.com', 'the fake announces Discord as issuer')
  const forged = new URL(callback)
  forged.searchParams.set('iss', 'https://evil.example')
  const res = await finishLogin(testApp, forged)
  t.equal(res.statusCode, 400)
  t.match(res.json().message, /issuer/)

  const second = await authorizeAtFake(await startLogin(testApp))
  const good = await finishLogin(testApp, second)
  t.equal(good.statusCode, 302)
})

t.test('Discord refusing the code exchange is a 400 OAuth2Error; Discord down is a 502', async (t) => {
  const testApp = await buildApp(t)
  const callback = await authorizeAtFake(await startLogin(testApp))
  const forged = new URL(callback)
  forged.searchParams.set('code', 'not-a-real-code')
  const res = await finishLogin(testApp, forged)
  t.equal(res.statusCode, 400)
  t.equal(res.json().code, 'FST_DISCORD_OAUTH2')

  const second = await authorizeAtFake(await startLogin(testApp))
  testApp.fake.injectFault('POST /api/v10/oauth2/token', { kind: 'status', status: 503 })
  const down = await finishLogin(testApp, second)
  t.equal(down.statusCode, 502)
  t.match(down.json().message, /answered 503/)
})

t.test('a browser is sent to failureRedirect when Discord is down; an API client gets the 502', async (t) => {
  const testApp = await buildApp(t, { plugin: { failureRedirect: '/oops' } })
  const first = await authorizeAtFake(await startLogin(testApp))
  testApp.fake.injectFault('POST /api/v10/oauth2/token', { kind: 'status', status: 503, count: 2 })
  const browser = await finishLogin(testApp, first, { accept: BROWSER })
  t.equal(browser.statusCode, 302)
  t.equal(browser.headers.location, '/oops')
  const second = await authorizeAtFake(await startLogin(testApp))
  const api = await finishLogin(testApp, second, { accept: 'application/json' })
  t.equal(api.statusCode, 502)
})
