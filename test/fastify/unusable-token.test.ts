import t from 'tap'
import { createRequireAuthorization } from '../../lib/fastify/require-authorization.js'
import { MemoryTokenStore } from '../../lib/tokens/memory-token-store.js'
import type { TokenSet } from '../../lib/contracts/token-set.js'
import type { TokenStore } from '../../lib/contracts/token-store.js'
import { BROWSER, buildApp, injectWithJar, login, readSession } from '../helpers/build-app.js'
import { appWithSession, BROWSER_ACCEPT, stubSession, type StubToken } from './helpers/stub-session.js'

async function guarded (t: { teardown: (fn: () => unknown) => void }, token: StubToken): Promise<{ app: ReturnType<typeof appWithSession>, handled: () => number }> {
  const app = appWithSession(stubSession({ authorized: true, scopes: ['identify'], token }))
  t.teardown(() => app.close())
  let handled = 0
  app.get('/me', { preHandler: createRequireAuthorization({ loginPath: '/login' }) }, async () => {
    handled++
    return { ok: true }
  })
  await app.ready()
  return { app, handled: () => handled }
}

t.test('an authorized session whose token is gone from the store is sent to login (browser) or refused (API)', async (t) => {
  const { app, handled } = await guarded(t, 'lost')
  const browser = await app.inject({ url: '/me', headers: { accept: BROWSER_ACCEPT } })
  t.equal(browser.statusCode, 302)
  t.equal(browser.headers.location, '/login?next=%2Fme')
  const api = await app.inject({ url: '/me', headers: { accept: 'application/json' } })
  t.equal(api.statusCode, 401)
  t.equal(api.json().code, 'FST_DISCORD_UNAUTHORIZED')
  t.equal(handled(), 0)
})

t.test('an authorized session whose refresh Discord refuses is sent to login (browser) or refused (API)', async (t) => {
  const { app, handled } = await guarded(t, 'refused')
  const browser = await app.inject({ url: '/me', headers: { accept: BROWSER_ACCEPT } })
  t.equal(browser.statusCode, 302)
  t.equal(browser.headers.location, '/login?next=%2Fme')
  t.equal((await app.inject({ url: '/me' })).statusCode, 401)
  t.equal(handled(), 0)
})

/** A token store that can lose every set it holds, as Redis does when keys expire. */
class ForgetfulStore implements TokenStore {
  readonly inner = new MemoryTokenStore()
  lost = false
  async get (id: string): Promise<TokenSet | undefined> { return this.lost ? undefined : this.inner.get(id) }
  async set (id: string, tokens: TokenSet): Promise<void> { await this.inner.set(id, tokens) }
  async delete (id: string): Promise<void> { await this.inner.delete(id) }
}

t.test('with a token store that lost the set, the guard redirects a browser instead of the handler answering 401', async (t) => {
  const store = new ForgetfulStore()
  const testApp = await buildApp(t, {
    plugin: { tokenStore: store },
    routes (app) {
      app.get('/profile', { preHandler: app.discord.requireAuthorization }, async (request) => ({ name: (await request.discord.fetchUser()).username }))
    }
  })
  await login(testApp)
  t.equal((await injectWithJar(testApp, { url: '/profile', headers: { accept: BROWSER } })).statusCode, 200)
  store.lost = true
  const browser = await injectWithJar(testApp, { url: '/profile', headers: { accept: BROWSER } })
  t.equal(browser.statusCode, 302)
  t.equal(browser.headers.location, '/login?next=%2Fprofile')
  const api = await injectWithJar(testApp, { url: '/profile' })
  t.equal(api.statusCode, 401)
})

t.test('cached fetches are not served to a session whose token is gone, though the cache still holds the user', async (t) => {
  const store = new ForgetfulStore()
  const testApp = await buildApp(t, {
    plugin: { tokenStore: store, scope: ['identify', 'guilds', 'connections'] },
    routes (app) {
      app.get('/user', async (request) => (await request.discord.fetchUser()).id)
      app.get('/guilds', async (request) => (await request.discord.fetchGuilds()).length)
      app.get('/connections', async (request) => (await request.discord.fetchConnections()).length)
    }
  })
  await login(testApp)
  const userId = readSession(testApp).userId as string
  for (const url of ['/user', '/guilds', '/connections']) t.equal((await injectWithJar(testApp, { url })).statusCode, 200, `${url} while logged in`)
  store.lost = true
  const before = testApp.fake.calls.length
  // The same logged-in cookie each time: the first 401 also clears the session it answers.
  const headers = testApp.jar.headers()
  for (const url of ['/user', '/guilds', '/connections']) {
    const res = await testApp.app.inject({ url, headers })
    t.equal(res.statusCode, 401, `${url} after the store lost the token`)
    t.equal(res.json().code, 'FST_DISCORD_UNAUTHORIZED')
  }
  t.equal(testApp.fake.calls.length, before, 'no call to Discord either')
  t.ok(await testApp.app.discord.cache.get(userId, 'user'), 'the entry was there to be served')
})

t.test('a token that cannot be checked (Discord down during a due refresh) is an error reply, and the handler does not run', async (t) => {
  const { app, handled } = await guarded(t, 'down')
  const res = await app.inject({ url: '/me', headers: { accept: BROWSER_ACCEPT } })
  t.equal(res.statusCode, 502)
  t.equal(handled(), 0)
})
