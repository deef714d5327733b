import { randomBytes } from 'node:crypto'
import Fastify from 'fastify'
import secureSession from '@fastify/secure-session'
import t from 'tap'
import fastifyDiscord from '../../lib/plugin.js'
import type { TokenSet } from '../../lib/contracts/token-set.js'
import type { TokenStore } from '../../lib/contracts/token-store.js'
import { createFakeDiscord } from '../../lib/testing/index.js'
import { buildApp, injectWithJar, login, REDIRECT_URI } from '../helpers/build-app.js'

t.test('the fetch methods, request() and botRequest() reach Discord through the session', async (t) => {
  const testApp = await buildApp(t, {
    plugin: { scope: ['identify', 'guilds', 'connections', 'guilds.members.read'] },
    routes (app) {
      app.get('/all', async (request) => {
        const d = request.discord
        const guilds = await d.fetchGuilds()
        const guildId = (guilds[0] as { id: string }).id
        const [user, connections, member, authorization, bot, open] = await Promise.all([
          d.fetchUser(), d.fetchConnections(), d.fetchGuildMember(guildId), d.fetchAuthorization(),
          d.botRequest<{ id: string }>('/users/@me'),
          d.request('/users/@me', { oauth: false }).then(() => 'sent auth', (err: Error) => err.name)
        ])
        return {
          user: user.id,
          guilds: guilds.length,
          connections: connections.length,
          member: member.guildId === guildId,
          scopes: authorization.scopes,
          bot: bot.id,
          open
        }
      })
    }
  })
  await login(testApp)
  const res = await injectWithJar(testApp, { url: '/all' })
  t.equal(res.statusCode, 200, res.body)
  const body = res.json()
  t.equal(body.user, testApp.fake.seedUsers.migrated)
  t.ok(body.guilds > 0)
  t.ok(body.connections > 0)
  t.equal(body.member, true)
  t.same(body.scopes, ['identify', 'guilds', 'connections', 'guilds.members.read'])
  t.equal(body.bot, testApp.fake.clientId)
  t.equal(body.open, 'Unauthorized', 'oauth: false sends no Authorization header')
  t.equal((await injectWithJar(testApp, { url: '/whoami' })).json().authorized, true, 'and does not end the session')
})

t.test('an app session under another name is a clear error on use, not a crash at startup', async (t) => {
  const fake = await createFakeDiscord({ redirectUris: [REDIRECT_URI] })
  t.teardown(async () => fake.close())
  const app = Fastify()
  t.teardown(async () => app.close())
  await app.register(secureSession, { key: randomBytes(32), sessionName: 'other' })
  await app.register(fastifyDiscord, fake.pluginOptions)
  const res = await app.inject({ url: '/login' })
  t.equal(res.statusCode, 500)
  t.match(res.json().message, /request\.session/)
})

t.test('createSession refuses data that is not JSON', async (t) => {
  const testApp = await buildApp(t, {
    routes (app) {
      app.get('/bad', async (request) => request.discord.createSession({ data: () => 1 }).then(() => 'ok', (err: Error) => err.name))
    }
  })
  t.equal((await testApp.app.inject({ url: '/bad' })).body, 'InvalidArgument')
})

t.test('a login without the identify scope has no user id', async (t) => {
  const testApp = await buildApp(t, { plugin: { scope: ['guilds'] } })
  await login(testApp)
  t.same((await injectWithJar(testApp, { url: '/whoami' })).json(), { authorized: true, userId: null, scopes: ['guilds'] })
})

t.test('a user lookup failing after login still logs in, without a user id', async (t) => {
  const testApp = await buildApp(t)
  testApp.fake.injectFault('GET /api/v10/users/@me', { kind: 'status', status: 500, count: 5 })
  t.equal((await login(testApp)).statusCode, 302)
  const me = (await injectWithJar(testApp, { url: '/whoami' })).json()
  t.equal(me.authorized, true)
  t.equal(me.userId, null)
})

t.test('a failing token store never loses a logout', async (t) => {
  const lines: string[] = []
  const sets = new Map<string, TokenSet>()
  let broken = false
  const tokenStore: TokenStore = {
    async get (id) { if (broken) throw new Error('store down'); return sets.get(id) },
    async set (id, tokens) { sets.set(id, tokens) },
    async delete () { throw new Error('store down') }
  }
  const testApp = await buildApp(t, { plugin: { tokenStore }, fastify: { logger: { level: 'warn', stream: { write (l: string) { lines.push(l) } } } } })
  await login(testApp)
  broken = true
  const res = await injectWithJar(testApp, { method: 'POST', url: '/logout' })
  t.equal(res.statusCode, 302)
  t.equal(testApp.jar.get('session'), undefined)
  t.ok(lines.some((l) => /could not read the token set/.test(l)))
  t.ok(lines.some((l) => /could not delete the token set/.test(l)))
})

t.test('an app cache store is used, and a failing one never loses a logout', async (t) => {
  const lines: string[] = []
  const entries = new Map<string, unknown>()
  const cache = {
    async get (key: string) { return entries.get(key) },
    async set (key: string, value: unknown) { entries.set(key, value) },
    async delete (key: string) { entries.delete(key) },
    async deleteUser () { throw new Error('cache down') }
  }
  const testApp = await buildApp(t, { plugin: { cache }, fastify: { logger: { level: 'warn', stream: { write (l: string) { lines.push(l) } } } } })
  await login(testApp)
  t.ok(entries.size > 0, 'login primed the app\'s store')
  t.equal((await injectWithJar(testApp, { method: 'POST', url: '/logout' })).statusCode, 302)
  t.equal(testApp.jar.get('session'), undefined)
  t.ok(lines.some((l) => /could not clear the users cache/.test(l)))
})

t.test('the session option chooses the cookie name and lifetime', async (t) => {
  const testApp = await buildApp(t, { session: { key: randomBytes(32), cookieName: 'sid', expiry: 3600, cookie: { sameSite: 'strict' } } })
  const res = await testApp.app.inject({ url: '/login' })
  t.match(String(res.headers['set-cookie']), /^sid=.*SameSite=Strict/)
})
