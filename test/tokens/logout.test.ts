import t from 'tap'
import { MemoryTokenStore } from '../../lib/tokens/memory-token-store.js'
import type { TokenSet } from '../../lib/contracts/token-set.js'
import { buildApp, injectWithJar, login, readSession } from '../helpers/build-app.js'

const REVOKE = '/api/v10/oauth2/token/revoke'

t.test('POST /logout revokes at Discord, clears the session and the user\'s cache, and redirects to /', async (t) => {
  const testApp = await buildApp(t)
  await login(testApp)
  const userId = testApp.fake.seedUsers.migrated
  const tokens = readSession(testApp).tokens as TokenSet
  t.ok(await testApp.app.discord.cache.get(userId, 'user'), 'login primed the users cache')
  const res = await injectWithJar(testApp, { method: 'POST', url: '/logout', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: '' })
  t.equal(res.statusCode, 302)
  t.equal(res.headers.location, '/')
  t.equal(testApp.fake.callCount('POST', REVOKE), 1)
  t.match(String(res.headers['set-cookie']), /session=;.*Max-Age=0|session=;.*Expires=Thu, 01 Jan 1970/, 'the cookie is deleted')
  t.equal(testApp.jar.get('session'), undefined)
  t.equal(await testApp.app.discord.cache.get(userId, 'user'), undefined, 'the cache entries are gone')
  const check = await fetch(`${testApp.fake.url}/api/v10/users/@me`, { headers: { authorization: `Bearer ${tokens.accessToken}` } })
  t.equal(check.status, 401, 'the token is dead at Discord')
  t.equal((await injectWithJar(testApp, { url: '/whoami' })).json().authorized, false)
})

t.test('logout still logs out when Discord is down, and says so at warn level', async (t) => {
  const lines: string[] = []
  const stream = { write (line: string) { lines.push(line) } }
  const testApp = await buildApp(t, { fastify: { logger: { level: 'warn', stream } } })
  await login(testApp)
  testApp.fake.injectFault(`POST ${REVOKE}`, { kind: 'status', status: 503 })
  const res = await injectWithJar(testApp, { method: 'POST', url: '/logout' })
  t.equal(res.statusCode, 302)
  t.equal(testApp.jar.get('session'), undefined)
  t.ok(lines.some((l) => /revoking at Discord failed/.test(l) && /"level":40/.test(l)))
})

t.test('logout with nothing to revoke just clears the session', async (t) => {
  const testApp = await buildApp(t)
  const res = await injectWithJar(testApp, { method: 'POST', url: '/logout', headers: { 'content-type': 'application/json' }, payload: '{}' })
  t.equal(res.statusCode, 302)
  t.equal(testApp.fake.callCount('POST', REVOKE), 0)
})

t.test('revoke() with a token store deletes the stored token set', async (t) => {
  const tokenStore = new MemoryTokenStore()
  const testApp = await buildApp(t, {
    plugin: { tokenStore },
    routes (app) {
      app.post('/revoke', async (request) => {
        await request.discord.revoke()
        return { authorized: request.discord.authorized }
      })
    }
  })
  await login(testApp)
  t.equal(tokenStore.size, 1)
  const res = await injectWithJar(testApp, { method: 'POST', url: '/revoke' })
  t.same(res.json(), { authorized: false })
  t.equal(tokenStore.size, 0)
  t.equal(testApp.fake.callCount('POST', REVOKE), 1)
})

t.test('the logout route can be turned off', async (t) => {
  const testApp = await buildApp(t, { plugin: { logoutPath: false, loginPath: false } })
  t.equal((await testApp.app.inject({ method: 'POST', url: '/logout' })).statusCode, 404)
  t.equal((await testApp.app.inject({ url: '/login' })).statusCode, 404)
})

t.test('a new login regenerates the session: old data is gone and the token id changes', async (t) => {
  const tokenStore = new MemoryTokenStore()
  const testApp = await buildApp(t, {
    plugin: { tokenStore },
    routes (app) {
      app.post('/mark', async (request) => {
        request.session.set('planted' as never, 'by-attacker' as never)
        return { ok: true }
      })
      app.get('/mark', async (request) => ({ planted: request.session.get('planted') ?? null }))
    }
  })
  await injectWithJar(testApp, { method: 'POST', url: '/mark' })
  await login(testApp)
  t.same((await injectWithJar(testApp, { url: '/mark' })).json(), { planted: null })
  const firstId = readSession(testApp).tokenId
  await login(testApp)
  const secondId = readSession(testApp).tokenId
  t.ok(firstId !== undefined && secondId !== undefined)
  t.not(secondId, firstId, 'a fresh token-store id')
  t.equal(await tokenStore.get(firstId as string), undefined, 'the previous token set is deleted')
  t.equal(tokenStore.size, 1)
})

t.test('the session cookie stays well under 4 KB, even with pending logins carrying the largest data', async (t) => {
  const testApp = await buildApp(t, {
    plugin: { scope: ['identify', 'email', 'guilds', 'guilds.members.read', 'connections'] },
    routes (app) {
      app.get('/start', async (request, reply) => reply.redirect(await request.discord.createSession({ data: 'd'.repeat(500), next: `/${'n'.repeat(500)}` }), 302))
    }
  })
  await login(testApp)
  const loggedIn = testApp.jar.get('session') as string
  t.ok(loggedIn.length < 1024, `logged in: ${loggedIn.length} bytes`)
  for (let i = 0; i < 5; i++) await injectWithJar(testApp, { url: '/login?next=/a' })
  t.equal(readSession(testApp).pending?.length, 3, 'at most 3 pending logins are kept')
  for (let i = 0; i < 5; i++) await injectWithJar(testApp, { url: '/start' })
  const worst = testApp.jar.get('session') as string
  t.ok(worst.length < 2600, `logged in with pending logins carrying the largest data: ${worst.length} bytes`)
  t.ok(readSession(testApp).tokens, 'the token set is still there')
})

t.test('createSession refuses data too large for a cookie and malformed options', async (t) => {
  const testApp = await buildApp(t, {
    routes (app) {
      app.post('/start', async (request) => {
        const body = request.body as Record<string, unknown>
        try {
          return { url: await request.discord.createSession(body as never) }
        } catch (err) {
          return { error: (err as Error).name }
        }
      })
    }
  })
  const call = async (body: unknown): Promise<{ url?: string, error?: string }> => (await testApp.app.inject({ method: 'POST', url: '/start', payload: body as Record<string, unknown> })).json()
  t.same(await call({ data: 'x'.repeat(600) }), { error: 'InvalidArgument' })
  t.same(await call({ scope: [] }), { error: 'InvalidArgument' })
  t.same(await call({ permissions: '-1' }), { error: 'InvalidArgument' })
  t.same(await call({ guildId: 'abc' }), { error: 'InvalidArgument' })
  t.same(await call({ integrationType: 3 }), { error: 'InvalidArgument' })
  const ok = await call({
    scope: ['bot', 'applications.commands'],
    permissions: '2147483648',
    guildId: '123456789012345678',
    disableGuildSelect: true,
    integrationType: 0,
    prompt: 'none',
    params: { foo: 'bar', state: 'hijack' }
  })
  const url = new URL(ok.url as string)
  t.equal(url.searchParams.get('permissions'), '2147483648')
  t.equal(url.searchParams.get('guild_id'), '123456789012345678')
  t.equal(url.searchParams.get('disable_guild_select'), 'true')
  t.equal(url.searchParams.get('integration_type'), '0')
  t.equal(url.searchParams.get('prompt'), 'none')
  t.equal(url.searchParams.get('scope'), 'bot applications.commands')
  t.equal(url.searchParams.get('foo'), 'bar')
  t.not(url.searchParams.get('state'), 'hijack', 'extra params never override ours')
})
