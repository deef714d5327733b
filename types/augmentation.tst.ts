import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import { describe, expect, test } from 'tstyche'
import type {
  AppRequestOptions, AuthorizationGuard, Authorization, Bot, CreateSessionOptions, DiscordApp, DiscordHttpMethod,
  DiscordRequestOptions, DiscordSession, Grant, GrantWebhook, Guild, GuildMember, RequireAuthorizationOptions, RestClient, TokenSet, User,
  UserConnection, UsersCache
} from 'fastify-discord'
import { RoleConnectionMetadataType, type RoleConnection, type RoleConnectionMetadataRecord } from 'fastify-discord'
import { PermissionFlagsBits } from 'discord-api-types/v10'

const app = Fastify()
declare const request: FastifyRequest
declare const reply: FastifyReply

describe('request.session', () => {
  test('is @fastify/secure-session\'s session, with no import of secure-session by the app', () => {
    expect(request.session.get('cart')).type.toBe<any>()
    expect(request.session.touch).type.toBeCallableWith()
    expect(request.session.changed).type.toBe<boolean>()
    expect(request.session.regenerate).type.toBeCallableWith()
    expect(request.session.delete).type.toBeCallableWith()
    expect(app.decodeSecureSession('value')).type.toBe<ReturnType<FastifyInstance['createSecureSession']> | null>()
    expect(app.encodeSecureSession(app.createSecureSession({ cart: [] }))).type.toBe<string>()
  })
})

describe('request.discord', () => {
  test('is a DiscordSession in a plain route handler, with no declarations of the user', () => {
    app.get('/me', async (req) => {
      expect(req.discord).type.toBe<DiscordSession>()
      return 'ok'
    })
    expect(request.discord).type.toBe<DiscordSession>()
  })

  test('exposes the session state with its documented types', () => {
    expect(request.discord.authorized).type.toBe<boolean>()
    expect(request.discord.userId).type.toBe<string | null>()
    expect(request.discord.scopes).type.toBe<string[]>()
  })

  test('exposes what the callback granted', () => {
    expect(request.discord.grant).type.toBe<Grant | null>()
    const grant = request.discord.grant
    if (grant !== null) {
      expect(grant.guild).type.toBe<Guild | null>()
      expect(grant.webhook).type.toBe<GrantWebhook | null>()
      expect(grant.permissions).type.toBe<bigint | null>()
      expect(grant.scopes).type.toBe<readonly string[]>()
      expect(grant.webhook?.token).type.toBe<string | undefined>()
    }
  })

  test('reads and writes the Linked Roles connection', () => {
    expect(request.discord.fetchRoleConnection()).type.toBe<Promise<RoleConnection>>()
    expect(request.discord.updateRoleConnection({ platformName: 'Game', metadata: { level: 3, verified: true, since: new Date() } })).type.toBe<Promise<RoleConnection>>()
    expect(request.discord.updateRoleConnection).type.not.toBeCallableWith({ metadata: { level: [1] } })
    expect(app.discord.setRoleConnectionMetadata([{ type: RoleConnectionMetadataType.BooleanEqual, key: 'ok', name: 'OK', description: 'ok' }])).type.toBe<Promise<RoleConnectionMetadataRecord[]>>()
    expect(app.discord.setRoleConnectionMetadata).type.not.toBeCallableWith([{ type: 9, key: 'ok', name: 'OK', description: 'ok' }])
  })

  test('fetches typed models', () => {
    expect(request.discord.fetchUser()).type.toBe<Promise<User>>()
    expect(request.discord.fetchUser({ cache: false })).type.toBe<Promise<User>>()
    expect(request.discord.fetchGuilds()).type.toBe<Promise<Guild[]>>()
    expect(request.discord.fetchConnections()).type.toBe<Promise<UserConnection[]>>()
    expect(request.discord.fetchGuildMember('613425648685547541')).type.toBe<Promise<GuildMember>>()
    expect(request.discord.fetchGuildMember('613425648685547541', { cache: false })).type.toBe<Promise<GuildMember>>()
    expect(request.discord.fetchGuilds({ withCounts: true, cache: false })).type.toBe<Promise<Guild[]>>()
    expect(request.discord.fetchGuilds).type.not.toBeCallableWith({ withCounts: 'yes' })
    expect(request.discord.fetchAuthorization()).type.toBe<Promise<Authorization>>()
  })

  test('rejects a guild id that is not a string', () => {
    expect(request.discord.fetchGuildMember).type.not.toBeCallableWith(613425648685547541n)
    expect(request.discord.fetchUser).type.not.toBeCallableWith({ cache: 'no' })
  })

  test('request<T>() and botRequest<T>() resolve to the type asked for, unknown by default', () => {
    expect(request.discord.request<{ id: string }>('/users/@me')).type.toBe<Promise<{ id: string }>>()
    expect(request.discord.request('/users/@me')).type.toBe<Promise<unknown>>()
    expect(request.discord.botRequest<{ id: string }>('/applications/@me')).type.toBe<Promise<{ id: string }>>()
  })

  test('request() takes the documented options', () => {
    expect(request.discord.request).type.toBeCallableWith('/channels/1/messages', {
      method: 'POST',
      body: { content: 'hi' },
      query: { limit: 10, after: '1', with_counts: true },
      signal: AbortSignal.timeout(1000)
    })
    expect(request.discord.request).type.toBeCallableWith('/guilds', { query: new URLSearchParams({ limit: '10' }) })
    expect(request.discord.request).type.toBeCallableWith('/gateway', { oauth: false })
    expect(request.discord.request).type.not.toBeCallableWith('/users/@me', { method: 'OPTIONS' })
    expect(request.discord.botRequest).type.not.toBeCallableWith('/users/@me', { oauth: false })
  })

  test('createSession() takes the documented options and resolves to the authorize URL', () => {
    expect(request.discord.createSession()).type.toBe<Promise<string>>()
    expect(request.discord.createSession).type.toBeCallableWith({
      scope: ['identify', 'guilds'],
      data: { from: '/profile' },
      prompt: 'consent',
      guildId: '613425648685547541',
      disableGuildSelect: true,
      integrationType: 0,
      params: { custom: 'x', n: 1, flag: true },
      next: '/after'
    })
  })

  test('createSession() takes permissions as a bigint, a string or a number', () => {
    expect(request.discord.createSession).type.toBeCallableWith({ scope: ['bot'], permissions: 8n })
    expect(request.discord.createSession).type.toBeCallableWith({ scope: ['bot'], permissions: '8' })
    expect(request.discord.createSession).type.toBeCallableWith({ scope: ['bot'], permissions: 8 })
    expect(request.discord.createSession).type.not.toBeCallableWith({ scope: ['bot'], permissions: ['8'] })
  })

  test('createSession() rejects malformed options', () => {
    expect(request.discord.createSession).type.not.toBeCallableWith({ scope: 'identify' })
    expect(request.discord.createSession).type.not.toBeCallableWith({ prompt: 'login' })
    expect(request.discord.createSession).type.not.toBeCallableWith({ integrationType: 2 })
    expect(request.discord.createSession).type.not.toBeCallableWith({ guildId: 613425648 })
  })

  test('callback() resolves to the data given to createSession(), as unknown', () => {
    expect(request.discord.callback()).type.toBe<Promise<unknown>>()
    expect(request.discord.revoke()).type.toBe<Promise<void>>()
  })

  test('reads and writes the token set through the token store', () => {
    expect(request.discord.getAuthorizationToken()).type.toBe<Promise<TokenSet | null>>()
    expect(request.discord.saveAuthorizationToken).type.toBeCallableWith({
      accessToken: 'a', refreshToken: null, tokenType: 'Bearer', expiresAt: 0, scopes: ['identify']
    })
    expect(request.discord.saveAuthorizationToken).type.not.toBeCallableWith({ access_token: 'a' })
  })
})

describe('fastify.discord', () => {
  test('is the DiscordApp on the instance and inside plugins', () => {
    expect(app.discord).type.toBe<DiscordApp>()
    app.register(async (instance: FastifyInstance) => {
      expect(instance.discord).type.toBe<DiscordApp>()
    })
  })

  test('requireAuthorization is usable bare as a preHandler', () => {
    expect(app.get('/me', { preHandler: app.discord.requireAuthorization }, async (req) => req.discord.fetchUser())).type.not.toRaiseError()
    expect(app.route({ method: 'GET', url: '/me', preHandler: [app.discord.requireAuthorization], handler: async () => 'ok' })).type.not.toRaiseError()
    expect(app.discord.requireAuthorization(request, reply)).type.toBe<Promise<void>>()
  })

  test('requireAuthorization({ scopes }) returns a guard usable as a preHandler', () => {
    expect(app.discord.requireAuthorization({ scopes: ['guilds'] })).type.toBe<AuthorizationGuard>()
    expect(app.discord.requireAuthorization({})).type.toBe<AuthorizationGuard>()
    expect(app.get('/guilds', { preHandler: app.discord.requireAuthorization({ scopes: ['guilds'] }) }, async () => 'ok')).type.not.toRaiseError()
    app.addHook('preHandler', app.discord.requireAuthorization({ scopes: ['guilds', 'email'] }))
  })

  test('requireAuthorization rejects scopes that are not a string array', () => {
    expect(app.discord.requireAuthorization).type.not.toBeCallableWith({ scopes: 'guilds' })
    expect(app.discord.requireAuthorization).type.not.toBeCallableWith({ scope: ['guilds'] })
    expect(app.discord.requireAuthorization).type.not.toBeCallableWith(request)
  })

  test('botRequest<T>() and request<T>() resolve to the type asked for', () => {
    expect(app.discord.botRequest<{ id: string }>('/applications/@me')).type.toBe<Promise<{ id: string }>>()
    expect(app.discord.botRequest('/gateway/bot')).type.toBe<Promise<unknown>>()
    expect(app.discord.request<{ id: string }>('/users/@me', { token: 'access-token' })).type.toBe<Promise<{ id: string }>>()
  })

  test('request() outside a user request needs the token to use', () => {
    expect(app.discord.request).type.not.toBeCallableWith('/users/@me')
    expect(app.discord.request).type.not.toBeCallableWith('/users/@me', { method: 'GET' })
  })

  test('fetchBot() resolves to the Bot, which is a User', () => {
    expect(app.discord.fetchBot()).type.toBe<Promise<Bot>>()
    expect<Bot>().type.toBeAssignableTo<User>()
  })

  test('exposes the users cache and the REST client', () => {
    expect(app.discord.cache).type.toBe<UsersCache>()
    expect(app.discord.cache.invalidate('80351110224678912')).type.toBe<Promise<void>>()
    expect(app.discord.cache.get('80351110224678912', 'guilds')).type.toBe<Promise<unknown>>()
    expect(app.discord.cache.get).type.not.toBeCallableWith('80351110224678912', 'profile')
    expect(app.discord.rest).type.toBe<RestClient>()
    expect(app.discord.rest.invalidRequests).type.toBe<{ count: number, limit: number }>()
  })

  test('its members are read-only', () => {
    type Members = Pick<DiscordApp, 'requireAuthorization' | 'cache' | 'rest'>
    expect<Members>().type.toBe<Readonly<Members>>()
  })
})

describe('exported option types', () => {
  test('are the types the methods take, so users can declare options ahead of a call', () => {
    expect<NonNullable<Parameters<DiscordSession['createSession']>[0]>>().type.toBe<CreateSessionOptions>()
    expect<NonNullable<Parameters<DiscordSession['request']>[1]>>().type.toBe<DiscordRequestOptions>()
    expect<Parameters<DiscordApp['request']>[1]>().type.toBe<AppRequestOptions>()
    expect<DiscordRequestOptions['method']>().type.toBe<DiscordHttpMethod | undefined>()
    expect<DiscordHttpMethod>().type.toBe<'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'>()
  })

  test('requireAuthorization({ guild, roles, permissions }) returns a guard; permissions are a bigint', () => {
    expect(app.discord.requireAuthorization({ guild: '1', roles: ['2'], permissions: PermissionFlagsBits.ManageGuild })).type.toBe<AuthorizationGuard>()
    expect(app.discord.requireAuthorization({ guild: '1', scopes: ['identify'] })).type.toBe<AuthorizationGuard>()
    expect(app.get('/club', { preHandler: app.discord.requireAuthorization({ guild: '1' }) }, async () => 'ok')).type.not.toRaiseError()
    expect(app.discord.requireAuthorization).type.not.toBeCallableWith({ guild: 1n })
    expect(app.discord.requireAuthorization).type.not.toBeCallableWith({ guild: '1', roles: '2' })
    expect(app.discord.requireAuthorization).type.not.toBeCallableWith({ guild: '1', permissions: 8 })
    expect(app.discord.requireAuthorization).type.not.toBeCallableWith({ guild: '1', role: ['2'] })
    expect<RequireAuthorizationOptions['permissions']>().type.toBe<bigint | undefined>()
  })

  test('RequireAuthorizationOptions declared ahead can be passed to requireAuthorization()', () => {
    const guildsOnly: RequireAuthorizationOptions = { scopes: ['guilds'] as const }
    expect(app.discord.requireAuthorization(guildsOnly)).type.toBe<AuthorizationGuard>()
  })

  test('AppRequestOptions needs a token and has no oauth switch', () => {
    expect<AppRequestOptions>().type.toHaveProperty('token')
    expect<AppRequestOptions>().type.not.toHaveProperty('oauth')
  })
})
