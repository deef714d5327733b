import Fastify, { type FastifyRequest } from 'fastify'
import { describe, expect, test } from 'tstyche'
import fastifyDiscord, { fastifyDiscord as namedFastifyDiscord, type DiscordPluginOptions, type Grant } from 'fastify-discord'

const app = Fastify()
const key = Buffer.alloc(32)
const required = { clientId: '123456789012345678', clientSecret: 'secret', redirectUri: 'http://localhost:3000/callback' }

describe('app.register(fastifyDiscord, options)', () => {
  test('accepts every documented option with its documented type', () => {
    expect(app.register).type.toBeCallableWith(fastifyDiscord, {
      ...required,
      botToken: 'bot-token',
      scope: ['identify', 'guilds'],
      session: { key, cookieName: 'sid', expiry: 3600, remember: 500, cookie: { secure: true } },
      apiBaseUrl: 'https://discord.com/api/v10',
      authorizeUrl: 'https://discord.com/oauth2/authorize',
      tokenUrl: 'https://discord.com/api/v10/oauth2/token',
      revokeUrl: 'https://discord.com/api/v10/oauth2/token/revoke',
      cdnBaseUrl: 'https://cdn.discordapp.com',
      loginPath: '/auth/login',
      callbackPath: '/auth/callback',
      logoutPath: false,
      successRedirect: '/me',
      failureRedirect: '/denied',
      cache: { max: 100, ttl: 60_000 },
      prompt: 'none',
      now: () => Date.now()
    })
  })

  test('accepts the session key in each documented form', () => {
    expect(app.register).type.toBeCallableWith(fastifyDiscord, { ...required, session: { key: 'base64key' } })
    expect(app.register).type.toBeCallableWith(fastifyDiscord, { ...required, session: { key: [key, 'previous-key'] } })
    expect(app.register).type.toBeCallableWith(fastifyDiscord, { ...required, session: { secret: 'a passphrase of at least thirty-two bytes', salt: 'mq9hDxBVDbspDR6n' } })
  })

  test('works without options, reading the environment', () => {
    expect(app.register).type.toBeCallableWith(fastifyDiscord)
    expect(app.register).type.toBeCallableWith(fastifyDiscord, {})
  })

  test('the default and the named export are the same plugin', () => {
    expect(namedFastifyDiscord).type.toBe<typeof fastifyDiscord>()
  })

  test('accepts a prefix alongside the plugin options', () => {
    expect(app.register).type.toBeCallableWith(fastifyDiscord, { ...required, prefix: '/discord' })
  })

  test('rejects a numeric clientId', () => {
    expect(app.register).type.not.toBeCallableWith(fastifyDiscord, { ...required, clientId: 123456789 })
  })

  test('rejects a scope given as a string instead of an array', () => {
    expect(app.register).type.not.toBeCallableWith(fastifyDiscord, { ...required, scope: 'identify guilds' })
  })

  test('rejects a prompt value Discord does not know', () => {
    expect(app.register).type.not.toBeCallableWith(fastifyDiscord, { ...required, prompt: 'login' })
  })

  test('rejects a cache of the wrong shape', () => {
    expect(app.register).type.not.toBeCallableWith(fastifyDiscord, { ...required, cache: { max: '100' } })
    expect(app.register).type.not.toBeCallableWith(fastifyDiscord, { ...required, cache: 100 })
    expect(app.register).type.not.toBeCallableWith(fastifyDiscord, { ...required, cache: { size: 100 } })
  })

  test('rejects a route path that is neither a string nor false', () => {
    expect(app.register).type.not.toBeCallableWith(fastifyDiscord, { ...required, loginPath: true })
  })

  test('rejects a session key of the wrong type', () => {
    expect(app.register).type.not.toBeCallableWith(fastifyDiscord, { ...required, session: { key: 32 } })
  })

  test('rejects a misspelt option', () => {
    expect(app.register).type.not.toBeCallableWith(fastifyDiscord, { ...required, clientSecrett: 'secret' })
  })

  test('takes an onGrant hook whose string is the redirect', () => {
    expect(app.register).type.toBeCallableWith(fastifyDiscord, { ...required, onGrant: async (_request: FastifyRequest, grant: Grant) => grant.guild === null ? undefined : `/installed/${grant.guild.id}` })
    expect(app.register).type.toBeCallableWith(fastifyDiscord, { ...required, onGrant: () => {} })
    expect(app.register).type.not.toBeCallableWith(fastifyDiscord, { ...required, onGrant: async () => 42 })
  })

  test('rejects a clock that does not return milliseconds', () => {
    expect(app.register).type.not.toBeCallableWith(fastifyDiscord, { ...required, now: () => new Date() })
  })
})

describe('DiscordPluginOptions', () => {
  test('has every option optional, since each falls back to the environment or a default', () => {
    expect<{}>().type.toBeAssignableTo<DiscordPluginOptions>()
  })

  test('types each option as documented', () => {
    expect<DiscordPluginOptions['scope']>().type.toBe<string[] | undefined>()
    expect<DiscordPluginOptions['loginPath']>().type.toBe<string | false | undefined>()
    expect<DiscordPluginOptions['prompt']>().type.toBe<'consent' | 'none' | undefined>()
  })
})

describe('rest deadline and invalid-request limit', () => {
  const base = { clientId: '123456789012345678', clientSecret: 'secret', redirectUri: 'http://localhost:3000/callback', session: { key: Buffer.alloc(32) } }
  test('take numbers', () => {
    expect(Fastify().register).type.toBeCallableWith(fastifyDiscord, { ...base, rest: { deadline: 20_000, invalidRequestLimit: 2_000 } })
  })
  test('refuse other types', () => {
    expect(Fastify().register).type.not.toBeCallableWith(fastifyDiscord, { ...base, rest: { deadline: '20s' } })
    expect(Fastify().register).type.not.toBeCallableWith(fastifyDiscord, { ...base, rest: { invalidRequestLimit: true } })
  })
})
