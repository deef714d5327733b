import t from 'tap'
import { api, login, startFake } from './helpers/fake.js'
import { DiscordSpec } from './helpers/openapi.js'
import { ConnectionService, ConnectionVisibility } from 'discord-api-types/v10'
import { fakeUser } from '../../lib/testing/index.js'
import type { FakeDiscord } from '../../lib/testing/index.js'

// Vendored with its licence and origin (see fixtures/discord-openapi/README.md), so a clone needs nothing beside it.
const spec = new DiscordSpec(new URL('./fixtures/discord-openapi/openapi.json', import.meta.url))

interface Case {
  name: string
  path: string
  method: 'get' | 'put'
  status: string
  request: (fake: FakeDiscord) => Promise<Response>
  /** Where Discord's real responses (and its documentation) differ from the OpenAPI document. */
  deviation?: { why: string, adjust: (body: any) => unknown }
}

/**
 * Discord documents the 429 body as {message, retry_after, global} and real responses carry no
 * `code`; the OpenAPI document marks `code` required. The fake sends the documented body.
 */
const RATE_LIMIT_CODE = {
  why: 'the OpenAPI document requires `code` on 429 bodies, which Discord does not send',
  adjust: (body: any) => ({ code: 0, ...body })
}

function bearer (fake: FakeDiscord, scopes: string[], userId = fake.seedUsers.migrated): string {
  return `Bearer ${fake.issueToken(userId, scopes).access_token}`
}

function putMember (fake: FakeDiscord, guildId: string, userId: string, token: string): Promise<Response> {
  return api(fake, `/guilds/${guildId}/members/${userId}`, `Bot ${fake.botToken}`, {
    method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ access_token: token, nick: 'n' })
  })
}

async function putMetadata (fake: FakeDiscord): Promise<Response> {
  return api(fake, `/applications/${fake.clientId}/role-connections/metadata`, `Bot ${fake.botToken}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([{ type: 2, key: 'level', name: 'Level', description: 'Level reached', name_localizations: { fr: 'Niveau' } }])
  })
}

const cases: Case[] = [
  { name: 'current user with email', path: '/users/@me', method: 'get', status: '200', request: async (f) => api(f, '/users/@me', bearer(f, ['identify', 'email'])) },
  { name: 'current user without email', path: '/users/@me', method: 'get', status: '200', request: async (f) => api(f, '/users/@me', bearer(f, ['identify'])) },
  { name: 'legacy current user', path: '/users/@me', method: 'get', status: '200', request: async (f) => api(f, '/users/@me', bearer(f, ['identify', 'email'], f.seedUsers.legacy)) },
  {
    name: 'minimal user added by a test',
    path: '/users/@me',
    method: 'get',
    status: '200',
    request: async (f) => {
      f.addUser({ id: '1000', username: 'sys', discriminator: '0000', global_name: null, avatar: null, system: true })
      return api(f, '/users/@me', bearer(f, ['identify', 'email'], '1000'))
    }
  },
  {
    name: 'revoked connection',
    path: '/users/@me/connections',
    method: 'get',
    status: '200',
    request: async (f) => {
      f.addUser(fakeUser({ id: '1001', username: 'c' }), {
        connections: [{ id: 'r', name: 'r', type: ConnectionService.Reddit, verified: false, friend_sync: false, show_activity: false, two_way_link: false, visibility: ConnectionVisibility.None, revoked: true }]
      })
      return api(f, '/users/@me/connections', bearer(f, ['connections'], '1001'))
    }
  },
  {
    name: 'user with an avatar decoration and a server tag',
    path: '/users/@me',
    method: 'get',
    status: '200',
    request: async (f) => {
      f.addUser(fakeUser({
        id: '1002',
        username: 'tagged',
        avatar_decoration_data: { asset: 'a_0123456789abcdef0123456789abcdef', sku_id: '1003' },
        primary_guild: { identity_guild_id: f.seedGuilds.owned, identity_enabled: true, tag: 'TAG', badge: 'fedcba9876543210fedcba9876543210' }
      }))
      return api(f, '/users/@me', bearer(f, ['identify'], '1002'))
    }
  },
  { name: 'bot current user', path: '/users/@me', method: 'get', status: '200', request: async (f) => api(f, '/users/@me', `Bot ${f.botToken}`) },
  { name: 'guilds', path: '/users/@me/guilds', method: 'get', status: '200', request: async (f) => api(f, '/users/@me/guilds', bearer(f, ['guilds'])) },
  { name: 'guilds with counts', path: '/users/@me/guilds', method: 'get', status: '200', request: async (f) => api(f, '/users/@me/guilds?with_counts=true', bearer(f, ['guilds'])) },
  { name: 'bot guilds', path: '/users/@me/guilds', method: 'get', status: '200', request: async (f) => api(f, '/users/@me/guilds', `Bot ${f.botToken}`) },
  { name: 'connections', path: '/users/@me/connections', method: 'get', status: '200', request: async (f) => api(f, '/users/@me/connections', bearer(f, ['connections'])) },
  { name: 'own member', path: '/users/@me/guilds/{guild_id}/member', method: 'get', status: '200', request: async (f) => api(f, `/users/@me/guilds/${f.seedGuilds.owned}/member`, bearer(f, ['guilds.members.read'])) },
  { name: 'authorization with user', path: '/oauth2/@me', method: 'get', status: '200', request: async (f) => api(f, '/oauth2/@me', bearer(f, ['identify', 'guilds'])) },
  { name: 'authorization without user', path: '/oauth2/@me', method: 'get', status: '200', request: async (f) => api(f, '/oauth2/@me', bearer(f, ['guilds'])) },
  { name: 'user by id', path: '/users/{user_id}', method: 'get', status: '200', request: async (f) => api(f, `/users/${f.seedUsers.legacy}`, `Bot ${f.botToken}`) },
  { name: 'added member', path: '/guilds/{guild_id}/members/{user_id}', method: 'put', status: '201', request: async (f) => putMember(f, f.seedGuilds.owned, f.seedUsers.legacy, bearer(f, ['guilds.join'], f.seedUsers.legacy).slice(7)) },
  { name: 'role-connection metadata', path: '/applications/{application_id}/role-connections/metadata', method: 'put', status: '200', request: async (f) => putMetadata(f) },
  { name: 'listed role-connection metadata', path: '/applications/{application_id}/role-connections/metadata', method: 'get', status: '200', request: async (f) => { await putMetadata(f); return api(f, `/applications/${f.clientId}/role-connections/metadata`, `Bot ${f.botToken}`) } },
  { name: 'empty role connection', path: '/users/@me/applications/{application_id}/role-connection', method: 'get', status: '200', request: async (f) => api(f, `/users/@me/applications/${f.clientId}/role-connection`, bearer(f, ['role_connections.write'])) },
  {
    name: 'updated role connection',
    path: '/users/@me/applications/{application_id}/role-connection',
    method: 'put',
    status: '200',
    request: async (f) => {
      await putMetadata(f)
      return api(f, `/users/@me/applications/${f.clientId}/role-connection`, bearer(f, ['role_connections.write']), {
        method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ platform_name: 'Game', platform_username: null, metadata: { level: '3' } })
      })
    }
  },
  { name: '401 body', path: '/users/@me', method: 'get', status: '4XX', request: async (f) => api(f, '/users/@me', 'Bearer nope') },
  { name: '404 Unknown Guild body', path: '/users/@me/guilds/{guild_id}/member', method: 'get', status: '4XX', request: async (f) => api(f, '/users/@me/guilds/1/member', bearer(f, ['guilds.members.read'])) },
  {
    name: '400 Invalid Form Body',
    path: '/users/@me/guilds',
    method: 'get',
    status: '4XX',
    request: async (f) => api(f, '/users/@me/guilds?limit=0', bearer(f, ['guilds'])),
    // Field errors carry string codes such as "NUMBER_TYPE_COERCE" (discord-api-types'
    // RESTErrorFieldInformation); the OpenAPI document types them as integers.
    deviation: { why: 'field error codes are strings', adjust: ({ errors, ...rest }: any) => rest }
  },
  { name: '403 invalid token body', path: '/guilds/{guild_id}/members/{user_id}', method: 'put', status: '4XX', request: async (f) => putMember(f, f.seedGuilds.owned, f.seedUsers.legacy, 'nope') },
  {
    name: 'route 429 body',
    path: '/users/@me',
    method: 'get',
    status: '429',
    request: async (f) => {
      f.setRateLimit('GET /api/v10/users/@me', { limit: 1, windowMs: 60_000 })
      await api(f, '/users/@me', `Bot ${f.botToken}`)
      return api(f, '/users/@me', `Bot ${f.botToken}`)
    },
    deviation: RATE_LIMIT_CODE
  },
  {
    name: 'global 429 body',
    path: '/users/@me',
    method: 'get',
    status: '429',
    request: async (f) => {
      f.forceGlobal429(0.5)
      return api(f, '/users/@me', `Bot ${f.botToken}`)
    },
    deviation: RATE_LIMIT_CODE
  }
]

for (const c of cases) {
  t.test(`${c.name}: the ${c.status} payload of ${c.method.toUpperCase()} ${c.path} validates against Discord's spec`, async (t) => {
    const fake = await startFake(t)
    const res = await c.request(fake)
    const expected = c.status === '4XX' ? /^4/ : new RegExp(`^${c.status}$`)
    t.match(String(res.status), expected)
    const body: unknown = await res.json()
    const validate = spec.validator(c.path, c.method, c.status)
    const checked = c.deviation === undefined ? body : c.deviation.adjust(body)
    t.ok(validate(checked), JSON.stringify(validate.errors))
    if (c.status.startsWith('2')) {
      // The spec's objects are open, so also check the fake sends no field Discord's schema does not declare.
      const declared = spec.declaredProperties(spec.responseSchema(c.path, c.method, c.status))
      for (const item of Array.isArray(body) ? body : [body]) {
        for (const key of Object.keys(item as object)) t.ok(declared.has(key), `${key} is declared`)
      }
    }
  })
}

t.test('an Invalid Form Body error nests string field codes the way Discord sends them', async (t) => {
  const fake = await startFake(t)
  const res = await api(fake, '/users/@me/guilds?limit=500', bearer(fake, ['guilds']))
  t.match(await res.json(), { code: 50035, message: 'Invalid Form Body', errors: { limit: { _errors: [{ code: String, message: String }] } } })
})

t.test('the validators reject a payload that breaks the schema', async (t) => {
  const validate = spec.validator('/users/@me/guilds', 'get', '200')
  t.notOk(validate([{ id: '1', name: 'x', icon: null, banner: null, owner: false, permissions: 8, features: [] }]), 'permissions must be a string')
  t.throws(() => spec.validator('/nope', 'get', '200'), /no 200 response/)
  t.throws(() => spec.validator('/users/@me/guilds/{guild_id}/member', 'get', '204'), /no 204 response/)
})

/** Payloads of the token endpoint, which the OpenAPI document does not describe, checked against the component schemas they are. */
const tokenExtras: Array<{ name: string, scope: string, field: 'guild' | 'webhook', schema: string }> = [
  { name: 'a bot grant\'s guild', scope: 'bot applications.commands', field: 'guild', schema: 'GuildResponse' },
  { name: 'a webhook.incoming grant\'s webhook', scope: 'webhook.incoming', field: 'webhook', schema: 'GuildIncomingWebhookResponse' }
]

for (const c of tokenExtras) {
  t.test(`${c.name} in the token response validates against ${c.schema}`, async (t) => {
    const fake = await startFake(t)
    const body = await login(fake, c.scope)
    const payload = body[c.field] as Record<string, unknown>
    t.type(payload, 'object')
    const validate = spec.componentValidator(c.schema)
    t.ok(validate(payload), JSON.stringify(validate.errors))
    const declared = spec.declaredProperties({ $ref: `#/components/schemas/${c.schema}` })
    for (const key of Object.keys(payload)) t.ok(declared.has(key), `${key} is declared`)
  })
}

t.test('the component validators reject a payload that breaks the schema', async (t) => {
  t.notOk(spec.componentValidator('GuildIncomingWebhookResponse')({ id: '1', name: 'x', type: 2, avatar: null, channel_id: null, application_id: null }), 'type must be 1')
  t.throws(() => spec.componentValidator('NoSuchSchema'), /no component schema/)
})
