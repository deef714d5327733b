import FakeTimers from '@sinonjs/fake-timers'
import t from 'tap'
import { MemoryRevokedSessions } from '../../lib/tokens/revoked-sessions.js'
import { BROWSER, buildApp, injectWithJar, login } from '../helpers/build-app.js'

t.test('after logout, a copy of the old cookie is logged out everywhere it is checked', async (t) => {
  const testApp = await buildApp(t, {
    routes (app) {
      app.get('/private', { preHandler: app.discord.requireAuthorization }, async () => ({ ok: true }))
      app.get('/token', async (request) => ({ token: (await request.discord.getAuthorizationToken()) !== null }))
    }
  })
  await login(testApp)
  const copy = testApp.jar.headers()
  t.equal((await testApp.app.inject({ url: '/private', headers: copy })).statusCode, 200, 'logged in')
  t.equal((await injectWithJar(testApp, { method: 'POST', url: '/logout' })).statusCode, 302)

  const guarded = await testApp.app.inject({ url: '/private', headers: copy })
  t.equal(guarded.statusCode, 401, 'the guard refuses the copy')
  const browser = await testApp.app.inject({ url: '/private', headers: { ...copy, accept: BROWSER } })
  t.equal(browser.statusCode, 302, 'a browser with the copy is sent to log in')
  t.same((await testApp.app.inject({ url: '/whoami', headers: copy })).json(), { authorized: false, userId: null, scopes: [] })
  t.same((await testApp.app.inject({ url: '/token', headers: copy })).json(), { token: false })
  t.equal((await testApp.app.inject({ url: '/api/me', headers: copy })).statusCode, 401)

  testApp.jar.clear()
  await login(testApp)
  t.equal((await injectWithJar(testApp, { url: '/private' })).statusCode, 200, 'a new login of the same user is not affected')
})

t.test('the store forgets a revocation at its expiry and past its bound', async (t) => {
  const clock = FakeTimers.createClock(1_000)
  const revoked = new MemoryRevokedSessions({ now: () => clock.now, max: 2 })
  revoked.revoke('a', clock.now + 100)
  t.ok(revoked.isRevoked('a'))
  clock.tick(100)
  t.notOk(revoked.isRevoked('a'), 'expired')
  revoked.revoke('b', clock.now + 100)
  revoked.revoke('c', clock.now + 100)
  revoked.revoke('d', clock.now + 100)
  t.equal(revoked.size, 2)
  t.notOk(revoked.isRevoked('b'), 'the oldest went first')
  t.ok(revoked.isRevoked('c') && revoked.isRevoked('d'))
  clock.tick(100)
  revoked.revoke('e', clock.now + 100)
  t.equal(revoked.size, 1, 'expired entries are purged on the next revocation')
  revoked.clear()
  t.equal(revoked.size, 0)
  t.throws(() => new MemoryRevokedSessions({ now: Date.now, max: 0 }), RangeError)
})
