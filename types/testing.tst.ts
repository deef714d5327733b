import Fastify from 'fastify'
import { describe, expect, test } from 'tstyche'
import fastifyDiscord from 'fastify-discord'
import {
  createFakeDiscord, fakeGuild, fakeUser, type FakeCall, type FakeDiscord, type FakePluginOptions
} from 'fastify-discord/testing'

declare const fake: FakeDiscord

describe('createFakeDiscord()', () => {
  test('resolves to a FakeDiscord, with or without options', () => {
    expect(createFakeDiscord()).type.toBe<Promise<FakeDiscord>>()
    expect(createFakeDiscord({ port: 0, consent: 'approve', seed: false, clock: { now: () => 0 } })).type.toBe<Promise<FakeDiscord>>()
  })

  test('rejects unknown consent modes and a clock that does not return milliseconds', () => {
    expect(createFakeDiscord).type.not.toBeCallableWith({ consent: 'maybe' })
    expect(createFakeDiscord).type.not.toBeCallableWith({ clock: { now: () => new Date() } })
  })

  test('the fake has its url, its plugin options and close()', () => {
    expect(fake.url).type.toBe<string>()
    expect(fake.pluginOptions).type.toBe<FakePluginOptions>()
    expect(fake.close()).type.toBe<Promise<void>>()
    expect(fake.calls).type.toBe<readonly FakeCall[]>()
  })

  test('callCount() counts by method and route, and by status when given', () => {
    expect(fake.callCount('POST', '/api/v10/oauth2/token')).type.toBe<number>()
    expect(fake.callCount('GET', '/api/v10/users/@me', 429)).type.toBe<number>()
    expect(fake.callCount).type.not.toBeCallableWith('GET', '/api/v10/users/@me', '429')
  })
})

describe('pluginOptions', () => {
  test('spreads into the register options of the plugin', () => {
    const app = Fastify()
    expect(app.register).type.toBeCallableWith(fastifyDiscord, { ...fake.pluginOptions, session: { key: Buffer.alloc(32) } })
    expect(app.register).type.toBeCallableWith(fastifyDiscord, { ...fake.pluginOptions, scope: ['identify', 'guilds'], session: { key: 'base64key' } })
  })

  test('holds the client credentials and every endpoint option', () => {
    expect<FakePluginOptions>().type.toHaveProperty('clientId')
    expect<FakePluginOptions>().type.toHaveProperty('clientSecret')
    expect<FakePluginOptions>().type.toHaveProperty('redirectUri')
    expect<FakePluginOptions>().type.toHaveProperty('apiBaseUrl')
    expect<FakePluginOptions>().type.toHaveProperty('authorizeUrl')
    expect<FakePluginOptions>().type.toHaveProperty('tokenUrl')
    expect<FakePluginOptions>().type.toHaveProperty('revokeUrl')
    expect<FakePluginOptions>().type.toHaveProperty('cdnBaseUrl')
  })
})

describe('seeding the fake', () => {
  test('fakeUser() and fakeGuild() need only an id and a name', () => {
    expect(fake.addUser).type.toBeCallableWith(fakeUser({ id: '1', username: 'someone' }), { guilds: ['2'] })
    expect(fake.addGuild).type.toBeCallableWith(fakeGuild({ id: '2', name: 'Guild' }), { 1: { owner: true, permissions: '8' } })
    expect(fakeUser).type.not.toBeCallableWith({ username: 'someone' })
  })

  test('issueToken() returns the token endpoint payload', () => {
    expect(fake.issueToken('1', ['identify']).access_token).type.toBe<string>()
    expect(fake.issueToken).type.not.toBeCallableWith('1', 'identify')
  })
})
