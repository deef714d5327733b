import t from 'tap'
import { buildApp, login } from '../helpers/build-app.js'
import { RefreshCoordinator } from '../../lib/tokens/refresh-coordinator.js'
import type { TokenSet } from '../../lib/contracts/token-set.js'

const WEEK = 604_800_000
const TOKEN = 'POST /api/v10/oauth2/token'

function tokens (refreshToken: string): TokenSet {
  return { accessToken: `a-${refreshToken}`, refreshToken, tokenType: 'Bearer', expiresAt: 1, scopes: ['identify'] }
}

t.test('a logout sent with the cookie from before a refresh revokes the refreshed authorization', async (t) => {
  let offset = 0
  const testApp = await buildApp(t, { plugin: { now: () => Date.now() + offset } })
  await login(testApp)
  const beforeRefresh = testApp.jar.headers()
  offset = WEEK - 30_000
  const refreshed = await testApp.app.inject({ url: '/api/me', headers: beforeRefresh })
  t.equal(refreshed.statusCode, 200)
  t.equal(testApp.fake.callCount('POST', '/api/v10/oauth2/token'), 2, 'the code exchange and one refresh')
  const afterRefresh = { cookie: String(refreshed.headers['set-cookie']).split(';')[0] as string }

  const logout = await testApp.app.inject({ method: 'POST', url: '/logout', headers: beforeRefresh })
  t.equal(logout.statusCode, 302)
  t.equal(testApp.fake.callCount('POST', '/api/v10/oauth2/token/revoke'), 1)
  const me = await testApp.app.inject({ url: '/api/me', headers: afterRefresh })
  t.equal(me.statusCode, 401, 'the refreshed cookie no longer works: its authorization was revoked')
})

t.test('a logout racing a refresh leaves no working authorization behind', async (t) => {
  let offset = 0
  const testApp = await buildApp(t, { plugin: { now: () => Date.now() + offset } })
  await login(testApp)
  const cookie = testApp.jar.headers()
  offset = WEEK - 30_000
  // The refresh is slow, so the logout arrives while it is in flight.
  testApp.fake.injectFault(TOKEN, { kind: 'delay', ms: 150, count: 1 })
  const [me, logout] = await Promise.all([
    testApp.app.inject({ url: '/api/me', headers: cookie }),
    testApp.app.inject({ method: 'POST', url: '/logout', headers: cookie })
  ])
  t.equal(logout.statusCode, 302)
  t.equal(testApp.fake.callCount('POST', '/api/v10/oauth2/token/revoke'), 1)
  const setCookie = me.headers['set-cookie']
  if (me.statusCode === 200 && setCookie !== undefined) {
    const again = await testApp.app.inject({ url: '/api/me', headers: { cookie: String(setCookie).split(';')[0] as string } })
    t.equal(again.statusCode, 401, 'the cookie of the racing request does not work')
  } else {
    t.pass(`the racing request answered ${me.statusCode}`)
  }
})

t.test('RefreshCoordinator.latest follows a refresh token to the newest set, in flight or recent', async (t) => {
  const coordinator = new RefreshCoordinator()
  t.equal(await coordinator.latest('rt0'), null, 'never refreshed')
  await coordinator.refresh('rt0', async () => tokens('rt1'))
  let finish: (value: TokenSet) => void = () => {}
  const inflight = coordinator.refresh('rt1', async () => new Promise<TokenSet>((resolve) => { finish = resolve }))
  const newest = coordinator.latest('rt0')
  finish(tokens('rt2'))
  await inflight
  t.equal((await newest)?.refreshToken, 'rt2', 'waited for the refresh in flight at the end of the chain')
  t.equal((await coordinator.latest('rt1'))?.refreshToken, 'rt2')
  t.equal(await coordinator.latest('rt2'), null)

  const failing = coordinator.refresh('rt9', async () => { throw new Error('down') })
  const afterFailure = coordinator.latest('rt9')
  await t.rejects(failing)
  t.equal(await afterFailure, null, 'a failed refresh leaves the token as it was')
})

t.test('a refresh that completes while the logout\'s revoke is under way is revoked too', async (t) => {
  let offset = 0
  const testApp = await buildApp(t, { plugin: { now: () => Date.now() + offset } })
  await login(testApp)
  const cookie = testApp.jar.headers()
  offset = WEEK - 30_000
  // The revoke is slow: the racing request refreshes (and rotates the token) meanwhile.
  testApp.fake.injectFault('POST /api/v10/oauth2/token/revoke', { kind: 'delay', ms: 200, count: 1 })
  const logout = testApp.app.inject({ method: 'POST', url: '/logout', headers: cookie })
  await new Promise((resolve) => setTimeout(resolve, 50))
  const me = await testApp.app.inject({ url: '/api/me', headers: cookie })
  t.equal(me.statusCode, 200, 'the racing request refreshed before the revoke landed')
  t.equal((await logout).statusCode, 302)
  t.equal(testApp.fake.callCount('POST', '/api/v10/oauth2/token/revoke'), 2, 'the old token, then the refreshed one')
  const again = await testApp.app.inject({ url: '/api/me', headers: { cookie: String(me.headers['set-cookie']).split(';')[0] as string } })
  t.equal(again.statusCode, 401, 'the refreshed cookie does not work')
})
