import Fastify from 'fastify'
import { expect, test } from 'tstyche'
import fastifyDiscord from 'fastify-discord'

// Under exactOptionalPropertyTypes (which this project's tsconfig enables, as many apps do),
// an option read from the environment is `string | undefined`; the plugin treats undefined
// as "not given", so its types must accept it.
const env: Record<string, string | undefined> = {}
const key = Buffer.alloc(32)

test('options accept undefined values, as read from process.env', () => {
  const app = Fastify()
  expect(app.register).type.toBeCallableWith(fastifyDiscord, {
    clientId: env['DISCORD_CLIENT_ID'],
    botToken: env['DISCORD_BOT_TOKEN'],
    failureRedirect: env['FAILURE_REDIRECT'],
    cache: { max: undefined, ttl: undefined },
    session: { key, cookieName: undefined }
  })
})

test('createSession and requireAuthorization options accept undefined values', () => {
  const app = Fastify()
  app.get('/invite', async (request) => {
    const guild = (request.query as { guild?: string }).guild
    expect(request.discord.createSession).type.toBeCallableWith({ guildId: guild, next: undefined, data: undefined })
    expect(request.discord.request).type.toBeCallableWith('/users/@me', { method: undefined, signal: undefined })
    return null
  })
  expect(app.discord.requireAuthorization).type.toBeCallableWith({ scopes: undefined })
})

test('requireAuthorization is a preHandler of an HTTP/2 app too', () => {
  const app = Fastify({ http2: true })
  app.get('/me', { preHandler: app.discord.requireAuthorization }, async () => null)
  app.get('/guilds', { preHandler: app.discord.requireAuthorization({ scopes: ['guilds'] }) }, async () => null)
  expect(app.route).type.toBeCallableWith({ method: 'GET', url: '/x', preHandler: app.discord.requireAuthorization, handler: async () => null })
})
