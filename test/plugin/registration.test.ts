import { randomBytes } from 'node:crypto'
import Fastify from 'fastify'
import secureSession from '@fastify/secure-session'
import t from 'tap'
import fastifyDiscord from '../../lib/plugin.js'
import { ConfigurationError, ErrorCodes } from '../../lib/index.js'
import { createFakeDiscord } from '../../lib/testing/index.js'
import { BROWSER, buildApp, injectWithJar, login, REDIRECT_URI } from '../helpers/build-app.js'

const SECRET = 'client-secret-that-must-not-leak-0123456789'

t.test('register rejects without a session key, naming the option', async (t) => {
  const app = Fastify()
  t.teardown(async () => app.close())
  const err = await app.register(fastifyDiscord, { clientId: '123456789012345678', clientSecret: SECRET, redirectUri: REDIRECT_URI }).ready().then(() => null, (e: unknown) => e)
  t.ok(err instanceof ConfigurationError)
  t.match((err as Error).message, /`session.key`/)
})

t.test('register rejects malformed options without echoing secrets', async (t) => {
  const app = Fastify()
  t.teardown(async () => app.close())
  const err = await app.register(fastifyDiscord, { clientId: SECRET, clientSecret: SECRET, redirectUri: REDIRECT_URI, session: { key: randomBytes(32) } }).ready().then(() => null, (e: unknown) => e) as ConfigurationError
  t.equal(err.code, ErrorCodes.OPTIONS)
  t.match(err.message, /`clientId` \(or DISCORD_CLIENT_ID\)/)
  t.notMatch(err.message, SECRET)
})

t.test('a session key of the wrong length is a ConfigurationError that does not echo it', async (t) => {
  const app = Fastify()
  t.teardown(async () => app.close())
  const key = randomBytes(16)
  const err = await app.register(fastifyDiscord, { clientId: '123456789012345678', clientSecret: SECRET, redirectUri: REDIRECT_URI, session: { key } }).ready().then(() => null, (e: unknown) => e) as Error
  t.ok(err instanceof ConfigurationError)
  t.match(err.message, /`session` is malformed: key must be 32 bytes/)
  t.notMatch(err.message, key.toString('base64'))
})

t.test('an app\'s own @fastify/secure-session is reused', async (t) => {
  const testApp = await buildApp(t, {
    session: null,
    async before (app) {
      await app.register(secureSession, { key: randomBytes(32), cookieName: 'session', cookie: { path: '/' } })
    }
  })
  const res = await login(testApp)
  t.equal(res.statusCode, 302)
  t.equal((await injectWithJar(testApp, { url: '/whoami' })).json().authorized, true)
})

t.test('fastify.discord offers the guard, REST calls, the bot, the cache and the REST client', async (t) => {
  const testApp = await buildApp(t, {
    routes (app) {
      app.get('/private', { preHandler: app.discord.requireAuthorization }, async () => ({ ok: true }))
      app.get('/guilds-only', { preHandler: app.discord.requireAuthorization({ scopes: ['guilds'] }) }, async () => ({ ok: true }))
    }
  })
  const { app, fake } = testApp
  t.equal(typeof app.discord.rest.request, 'function')
  t.equal(typeof app.discord.cache.get, 'function')
  const bot = await app.discord.fetchBot()
  t.equal(bot.id, fake.clientId)
  const viaBot = await app.discord.botRequest<{ id: string }>('/users/@me')
  t.equal(viaBot.id, fake.clientId)
  const issued = fake.issueToken(fake.seedUsers.legacy, ['identify'])
  const user = await app.discord.request<{ id: string }>('/users/@me', { token: issued.access_token })
  t.equal(user.id, fake.seedUsers.legacy)
  await t.rejects(app.discord.request('/users/@me', { token: '' }), TypeError)

  t.equal((await injectWithJar(testApp, { url: '/private' })).statusCode, 401)
  const browser = await injectWithJar(testApp, { url: '/private', headers: { accept: BROWSER } })
  t.equal(browser.statusCode, 302)
  t.equal(browser.headers.location, '/login?next=%2Fprivate')
  await login(testApp)
  t.equal((await injectWithJar(testApp, { url: '/private' })).statusCode, 200)
  t.equal((await injectWithJar(testApp, { url: '/guilds-only' })).statusCode, 403, 'missing scope')
})

t.test('botRequest without a bot token is a ConfigurationError naming DISCORD_BOT_TOKEN', async (t) => {
  const fake = await createFakeDiscord({ redirectUris: [REDIRECT_URI] })
  t.teardown(async () => fake.close())
  const app = Fastify()
  t.teardown(async () => app.close())
  const { botToken: _unused, ...pluginOptions } = fake.pluginOptions
  await app.register(fastifyDiscord, { ...pluginOptions, session: { key: randomBytes(32) } })
  app.get('/bot', async (request) => request.discord.botRequest('/users/@me'))
  const err = await app.discord.botRequest('/users/@me').catch((e: unknown) => e) as ConfigurationError
  t.equal(err.code, ErrorCodes.NO_BOT_TOKEN)
  t.match(err.message, /DISCORD_BOT_TOKEN/)
  t.equal((await app.inject({ url: '/bot' })).statusCode, 500)
})

t.test('request.discord is built on first access and then reused', async (t) => {
  const testApp = await buildApp(t, {
    routes (app) {
      app.get('/same', async (request) => {
        const first = request.discord
        return { same: first === request.discord }
      })
      app.get('/untouched', async () => ({ ok: true }))
    }
  })
  t.same((await testApp.app.inject({ url: '/same' })).json(), { same: true })
  const untouched = await testApp.app.inject({ url: '/untouched' })
  t.equal(untouched.headers['set-cookie'], undefined, 'a route that never reads it leaves the session alone')
})

t.test('the secret-based session (secret + salt) works too', async (t) => {
  const testApp = await buildApp(t, { session: { secret: 'a passphrase of at least thirty-two bytes!!', salt: 'mq9hDxBVDbspDR6n' } })
  t.equal((await login(testApp)).statusCode, 302)
})

t.test('closing the app closes the REST client', async (t) => {
  const testApp = await buildApp(t)
  await testApp.app.close()
  await t.rejects(testApp.app.discord.botRequest('/users/@me'), /closed/)
})

t.test('a Discord rate limit reaches the client as 429 with Retry-After, even past an app error handler', async (t) => {
  const testApp = await buildApp(t, {
    before (app) {
      app.setErrorHandler(async (err: { statusCode?: number }, _request, reply) => reply.code(err.statusCode ?? 500).send({ custom: true }))
    }
  })
  await login(testApp)
  testApp.fake.forceShared429('GET /api/v10/users/@me', 60)
  const res = await injectWithJar(testApp, { url: '/api/me' })
  t.equal(res.statusCode, 429)
  t.equal(res.headers['retry-after'], '60')
})
