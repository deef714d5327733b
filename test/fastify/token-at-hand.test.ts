import type { FastifyReply, FastifyRequest } from 'fastify'
import t, { type Test } from 'tap'
import { createRequireAuthorization } from '../../lib/fastify/require-authorization.js'
import type { TokenSet } from '../../lib/contracts/token-set.js'
import { BROWSER, buildApp, injectWithJar, login, readSession } from '../helpers/build-app.js'
import { appWithSession, BROWSER_ACCEPT, stubSession, type StubSession, type StubToken } from './helpers/stub-session.js'

const TOKEN = '/api/v10/oauth2/token'
const WEEK = 604_800_000
const AT_HAND: TokenSet = { accessToken: 'at-hand', refreshToken: 'r', tokenType: 'Bearer', expiresAt: Date.now() + WEEK, scopes: ['identify'] }

/** A stub session that counts what the guard asks of it; `atHand` adds a `tokenAtHand` method answering it. */
interface CountingSession extends StubSession {
  reads: { authorized: number, token: number, atHand: number }
}

function countingSession (state: { authorized: boolean, scopes?: string[], token?: StubToken }, atHand?: TokenSet | undefined | 'absent'): CountingSession {
  const base = stubSession(state)
  const reads = { authorized: 0, token: 0, atHand: 0 }
  const session: CountingSession = {
    ...base,
    reads,
    get authorized () {
      reads.authorized++
      return base.authorized
    },
    async getAuthorizationToken () {
      reads.token++
      return await base.getAuthorizationToken()
    }
  }
  if (atHand !== 'absent') {
    Object.assign(session, { tokenAtHand: () => { reads.atHand++; return atHand } })
  }
  return session
}

async function guarded (t: Test, session: StubSession, scopes?: string[]): Promise<ReturnType<typeof appWithSession>> {
  // The guard's synchronous check, as the plugin's sessions answer it, here asked of the stub.
  const requireAuthorization = createRequireAuthorization({ loginPath: '/login', tokenAtHand: (stub) => (stub as { tokenAtHand?: () => unknown }).tokenAtHand?.() })
  const app = appWithSession(session)
  t.teardown(() => app.close())
  app.get('/me', { preHandler: scopes === undefined ? requireAuthorization : requireAuthorization({ scopes }) }, async () => ({ ok: true }))
  app.get('/by-hand', async (request: FastifyRequest, reply: FastifyReply) => {
    await requireAuthorization(request, reply)
    return reply.sent ? reply : { ok: 'by hand' }
  })
  await app.ready()
  return app
}

t.test('a session without a token-at-hand check goes the asynchronous way: authorized, then getAuthorizationToken', async (t) => {
  const session = countingSession({ authorized: true, scopes: ['identify', 'guilds'] }, 'absent')
  t.notOk('tokenAtHand' in session)
  const app = await guarded(t, session)
  const res = await app.inject({ url: '/me', headers: { accept: 'application/json' } })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { ok: true })
  t.equal(session.reads.authorized, 1)
  t.equal(session.reads.token, 1, 'the token was checked')

  const scoped = await guarded(t, session, ['guilds'])
  t.equal((await scoped.inject({ url: '/me' })).statusCode, 200)
  t.equal(session.reads.token, 2)
  const missing = await guarded(t, session, ['email'])
  t.equal((await missing.inject({ url: '/me', headers: { accept: 'application/json' } })).statusCode, 403)
})

t.test('a session without a token-at-hand check whose token is lost or refused is turned away', async (t) => {
  for (const token of ['lost', 'refused'] as const) {
    const session = countingSession({ authorized: true, scopes: ['identify'], token }, 'absent')
    const app = await guarded(t, session)
    const api = await app.inject({ url: '/me', headers: { accept: 'application/json' } })
    t.equal(api.statusCode, 401, `${token}: 401 for an API client`)
    const browser = await app.inject({ url: '/me', headers: { accept: BROWSER_ACCEPT } })
    t.equal(browser.statusCode, 302, `${token}: a browser goes to log in`)
    t.equal(browser.headers.location, '/login?next=%2Fme')
    t.equal(session.reads.token, 2)
  }
})

t.test('a session without a token-at-hand check that is not authorized is not asked for its token', async (t) => {
  const session = countingSession({ authorized: false }, 'absent')
  const app = await guarded(t, session)
  t.equal((await app.inject({ url: '/me' })).statusCode, 401)
  t.equal(session.reads.authorized, 1)
  t.equal(session.reads.token, 0)
})

t.test('a token at hand lets the request through without the asynchronous check', async (t) => {
  const session = countingSession({ authorized: true, scopes: ['identify', 'guilds'] }, AT_HAND)
  const app = await guarded(t, session)
  const res = await app.inject({ url: '/me', headers: { accept: 'application/json' } })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { ok: true })
  t.ok(session.reads.atHand >= 1, 'the guard asked for the token at hand')
  t.equal(session.reads.token, 0, 'getAuthorizationToken was not called')
  t.equal(session.reads.authorized, 0, 'nor authorized read')

  const scoped = await guarded(t, session, ['guilds'])
  t.equal((await scoped.inject({ url: '/me' })).statusCode, 200, 'a granted scope passes')
  const missing = await guarded(t, session, ['email'])
  const res403 = await missing.inject({ url: '/me', headers: { accept: 'application/json' } })
  t.equal(res403.statusCode, 403, 'scopes are still checked')
  t.equal(res403.json().code, 'FST_DISCORD_MISSING_SCOPE')
  t.equal(session.reads.token, 0)
})

t.test('a token-at-hand check answering undefined falls back to the asynchronous check', async (t) => {
  const usable = countingSession({ authorized: true, scopes: ['identify'] }, undefined)
  const app = await guarded(t, usable)
  t.equal((await app.inject({ url: '/me' })).statusCode, 200)
  t.ok(usable.reads.atHand >= 1)
  t.equal(usable.reads.token, 1, 'the token was checked')

  const lost = countingSession({ authorized: true, scopes: ['identify'], token: 'lost' }, undefined)
  const lostApp = await guarded(t, lost)
  t.equal((await lostApp.inject({ url: '/me', headers: { accept: 'application/json' } })).statusCode, 401)
  t.equal(lost.reads.token, 1)

  const down = countingSession({ authorized: true, scopes: ['identify'], token: 'down' }, undefined)
  const downApp = await guarded(t, down)
  t.equal((await downApp.inject({ url: '/me' })).statusCode, 502, 'a failing check is an error reply')
})

t.test('called by hand with request and reply, the guard returns a promise on either path', async (t) => {
  const atHand = countingSession({ authorized: true, scopes: ['identify'] }, AT_HAND)
  const app = await guarded(t, atHand)
  const res = await app.inject({ url: '/by-hand' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { ok: 'by hand' })
  t.equal(atHand.reads.token, 0)

  const without = countingSession({ authorized: true, scopes: ['identify'] }, 'absent')
  const withoutApp = await guarded(t, without)
  t.same((await withoutApp.inject({ url: '/by-hand' })).json(), { ok: 'by hand' })
  t.equal(without.reads.token, 1)

  const lost = countingSession({ authorized: true, scopes: ['identify'], token: 'lost' }, undefined)
  const lostApp = await guarded(t, lost)
  const browser = await lostApp.inject({ url: '/by-hand', headers: { accept: BROWSER_ACCEPT } })
  t.equal(browser.statusCode, 302)
  t.equal(browser.headers.location, '/login?next=%2Fby-hand')
})

t.test('with the real plugin the guard refreshes a token within a minute of expiry before the handler runs', async (t) => {
  let offset = 0
  let handled = 0
  const testApp = await buildApp(t, {
    plugin: { now: () => Date.now() + offset },
    routes (app) {
      app.get('/profile', { preHandler: app.discord.requireAuthorization }, async (request) => {
        handled++
        return { userId: request.discord.userId }
      })
    }
  })
  await login(testApp)
  const before = readSession(testApp).tokens as TokenSet
  t.equal((await injectWithJar(testApp, { url: '/profile' })).statusCode, 200)
  t.equal(testApp.fake.callCount('POST', TOKEN), 1, 'a fresh token is not refreshed')

  offset = WEEK - 30_000
  const res = await injectWithJar(testApp, { url: '/profile', headers: { accept: BROWSER } })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { userId: testApp.fake.seedUsers.migrated })
  t.equal(testApp.fake.callCount('POST', TOKEN), 2, 'the guard refreshed')
  const after = readSession(testApp).tokens as TokenSet
  t.not(after.accessToken, before.accessToken)
  t.not(after.refreshToken, before.refreshToken)
  t.equal(handled, 2)
})

t.test('with the real plugin the guard refreshes an expired cookie token that has a refresh token', async (t) => {
  let offset = 0
  const testApp = await buildApp(t, {
    plugin: { now: () => Date.now() + offset },
    routes (app) {
      app.get('/profile', { preHandler: app.discord.requireAuthorization }, async () => ({ ok: true }))
    }
  })
  await login(testApp)
  const before = readSession(testApp).tokens as TokenSet
  offset = WEEK + 60_000
  const res = await injectWithJar(testApp, { url: '/profile', headers: { accept: BROWSER } })
  t.equal(res.statusCode, 200, 'let through, not sent to log in')
  t.equal(testApp.fake.callCount('POST', TOKEN), 2)
  const after = readSession(testApp).tokens as TokenSet
  t.not(after.accessToken, before.accessToken)
  t.ok(after.expiresAt > Date.now() + offset, 'the new token is valid')
  t.equal((await injectWithJar(testApp, { url: '/profile' })).statusCode, 200)
  t.equal(testApp.fake.callCount('POST', TOKEN), 2, 'and at hand on the next request')
})

t.test('with the real plugin an expired token whose refresh Discord refuses sends a browser to log in', async (t) => {
  let offset = 0
  let handled = 0
  const testApp = await buildApp(t, {
    plugin: { now: () => Date.now() + offset },
    routes (app) {
      app.get('/profile', { preHandler: app.discord.requireAuthorization }, async () => { handled++; return { ok: true } })
    }
  })
  await login(testApp)
  testApp.fake.revokeToken((readSession(testApp).tokens as TokenSet).refreshToken as string)
  offset = WEEK + 60_000
  const res = await injectWithJar(testApp, { url: '/profile', headers: { accept: BROWSER } })
  t.equal(res.statusCode, 302)
  t.equal(res.headers.location, '/login?next=%2Fprofile')
  t.equal(handled, 0)
  t.same(readSession(testApp), {}, 'the session was cleared')
})

t.test('a check that rejects with nothing is a refusal, never a pass', async (t) => {
  const session = countingSession({ authorized: true, scopes: ['identify'] }, undefined)
  // A hand-written token store doing `return Promise.reject()`.
  session.getAuthorizationToken = async () => { throw undefined } // eslint-disable-line no-throw-literal
  const app = await guarded(t, session)
  const res = await app.inject({ url: '/me', headers: { accept: 'application/json' } })
  t.equal(res.statusCode, 401)
  t.notMatch(res.body, 'ok')
})

t.test('a session the app cleared earlier in the request is not let through on a token read before', async (t) => {
  const testApp = await buildApp(t, {
    routes (app) {
      const guard = app.discord.requireAuthorization
      app.get('/twice', {
        preHandler: [guard, async (request) => { request.session.regenerate() }, guard]
      }, async () => ({ ok: true }))
    }
  })
  await login(testApp)
  const res = await injectWithJar(testApp, { url: '/twice', headers: { accept: 'application/json' } })
  t.equal(res.statusCode, 401, 'the second guard sees the cleared session')
})
