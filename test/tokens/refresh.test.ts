import t from 'tap'
import { MemoryTokenStore } from '../../lib/tokens/memory-token-store.js'
import type { TokenSet } from '../../lib/contracts/token-set.js'
import { buildApp, injectWithJar, login, readSession } from '../helpers/build-app.js'

const TOKEN = 'POST /api/v10/oauth2/token'
const WEEK = 604_800_000

t.test('a token within a minute of expiry is refreshed once for 10 concurrent requests', async (t) => {
  let now = Date.now()
  const testApp = await buildApp(t, { plugin: { now: () => now } })
  await login(testApp)
  const before = readSession(testApp).tokens as TokenSet
  testApp.fake.resetCalls()
  now += WEEK - 30_000
  const cookie = testApp.jar.headers()
  const replies = await Promise.all(Array.from({ length: 10 }, async () => testApp.app.inject({ url: '/api/me', headers: cookie })))
  t.same(replies.map((r) => r.statusCode), Array(10).fill(200))
  t.equal(testApp.fake.callCount('POST', '/api/v10/oauth2/token'), 1, 'one refresh at the token endpoint')
  testApp.jar.update(replies[0]?.headers['set-cookie'])
  const after = readSession(testApp).tokens as TokenSet
  t.not(after.accessToken, before.accessToken)
  t.not(after.refreshToken, before.refreshToken, 'the rotated refresh token is saved')
  t.equal(after.expiresAt, now + WEEK)
})

t.test('a request still carrying the old cookie right after a refresh gets the new token set', async (t) => {
  let now = Date.now()
  const testApp = await buildApp(t, { plugin: { now: () => now } })
  await login(testApp)
  now += WEEK
  const oldCookie = testApp.jar.headers()
  const first = await testApp.app.inject({ url: '/api/me', headers: oldCookie })
  t.equal(first.statusCode, 200)
  const late = await testApp.app.inject({ url: '/api/me', headers: oldCookie })
  t.equal(late.statusCode, 200, 'no invalid_grant logout')
  t.equal(testApp.fake.callCount(TOKEN.split(' ')[0] as string, '/api/v10/oauth2/token'), 2, 'login exchange + one refresh')
})

t.test('a refresh Discord refuses clears the session and answers 401', async (t) => {
  let now = Date.now()
  const testApp = await buildApp(t, { plugin: { now: () => now } })
  await login(testApp)
  const tokens = readSession(testApp).tokens as TokenSet
  testApp.fake.revokeToken(tokens.accessToken)
  now += WEEK
  const res = await injectWithJar(testApp, { url: '/api/me' })
  t.equal(res.statusCode, 401)
  t.equal(res.json().code, 'FST_DISCORD_UNAUTHORIZED')
  t.same(readSession(testApp), {}, 'the session holds nothing any more')
  const me = await injectWithJar(testApp, { url: '/whoami' })
  t.equal(me.json().authorized, false)
})

t.test('a refresh that fails for a transient reason keeps using a still-valid token', async (t) => {
  let now = Date.now()
  const testApp = await buildApp(t, { plugin: { now: () => now } })
  await login(testApp)
  now += WEEK - 30_000
  testApp.fake.injectFault(TOKEN, { kind: 'status', status: 503, count: 1 })
  const res = await injectWithJar(testApp, { url: '/api/me' })
  t.equal(res.statusCode, 200)
  now += 60_000
  testApp.fake.injectFault(TOKEN, { kind: 'status', status: 503, count: 1 })
  const expired = await injectWithJar(testApp, { url: '/api/me' })
  t.equal(expired.statusCode, 502, 'an expired token cannot be used: Discord\'s failure shows')
  const me = await injectWithJar(testApp, { url: '/whoami' })
  t.equal(me.json().authorized, true, 'a transient failure does not log out')
})

t.test('Discord refusing the access token (401) clears the session', async (t) => {
  const testApp = await buildApp(t)
  await login(testApp)
  testApp.fake.revokeToken((readSession(testApp).tokens as TokenSet).accessToken)
  const res = await injectWithJar(testApp, { url: '/api/me' })
  t.equal(res.statusCode, 401)
  t.equal((await injectWithJar(testApp, { url: '/whoami' })).json().authorized, false)
})

t.test('with a token store the cookie holds only an opaque id, and refresh saves through the store', async (t) => {
  let now = Date.now()
  const tokenStore = new MemoryTokenStore()
  const testApp = await buildApp(t, { plugin: { now: () => now, tokenStore } })
  await login(testApp)
  const data = readSession(testApp)
  t.equal(data.tokens, undefined, 'no token in the cookie')
  t.match(data.tokenId, /^[A-Za-z0-9_-]{32}$/)
  t.same(data.scopes, ['identify'])
  const stored = await tokenStore.get(data.tokenId as string)
  t.ok(stored)
  now += WEEK
  const res = await injectWithJar(testApp, { url: '/api/me' })
  t.equal(res.statusCode, 200)
  const refreshed = await tokenStore.get(data.tokenId as string)
  t.not(refreshed?.refreshToken, stored?.refreshToken)
  t.equal(readSession(testApp).tokenId, data.tokenId)

  await tokenStore.delete(data.tokenId as string)
  const gone = await injectWithJar(testApp, { url: '/api/me' })
  t.equal(gone.statusCode, 401, 'a token set the store lost means logged out')
})

t.test('getAuthorizationToken and saveAuthorizationToken read and write through the session', async (t) => {
  const testApp = await buildApp(t, {
    routes (app) {
      app.post('/save', async (request) => {
        await request.discord.saveAuthorizationToken({ accessToken: 'a'.repeat(30), refreshToken: null, tokenType: 'Bearer', expiresAt: Date.now() + 3_600_000, scopes: ['identify', 'guilds'] })
        return { ok: true }
      })
      app.get('/token', async (request) => {
        const token = await request.discord.getAuthorizationToken()
        return { has: token !== null, scopes: token?.scopes ?? null }
      })
    }
  })
  t.same((await injectWithJar(testApp, { url: '/token' })).json(), { has: false, scopes: null })
  await injectWithJar(testApp, { method: 'POST', url: '/save' })
  t.same((await injectWithJar(testApp, { url: '/token' })).json(), { has: true, scopes: ['identify', 'guilds'] })
  t.same((await injectWithJar(testApp, { url: '/whoami' })).json(), { authorized: true, userId: null, scopes: ['identify', 'guilds'] })
})

t.test('an expired token without a refresh token means not authorized', async (t) => {
  let now = Date.now()
  const testApp = await buildApp(t, {
    plugin: { now: () => now },
    routes (app) {
      app.post('/save', async (request) => {
        await request.discord.saveAuthorizationToken({ accessToken: 'a'.repeat(30), refreshToken: null, tokenType: 'Bearer', expiresAt: now + 30_000, scopes: ['identify'] })
        return { ok: true }
      })
    }
  })
  await injectWithJar(testApp, { method: 'POST', url: '/save' })
  t.equal((await injectWithJar(testApp, { url: '/whoami' })).json().authorized, true, 'usable until it expires')
  now += 60_000
  t.equal((await injectWithJar(testApp, { url: '/whoami' })).json().authorized, false)
  t.equal((await injectWithJar(testApp, { url: '/api/me' })).statusCode, 401)
})

t.test('over real HTTP, 10 concurrent requests of one browser share one refresh', async (t) => {
  let now = Date.now()
  const testApp = await buildApp(t, { plugin: { now: () => now }, listen: true })
  await login(testApp)
  testApp.fake.resetCalls()
  now += WEEK
  const headers = testApp.jar.headers()
  const replies = await Promise.all(Array.from({ length: 10 }, async () => fetch(`${testApp.url}/api/me`, { headers })))
  t.same(replies.map((r) => r.status), Array(10).fill(200))
  t.equal(testApp.fake.callCount('POST', '/api/v10/oauth2/token'), 1)
})
