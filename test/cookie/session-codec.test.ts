import t from 'tap'
import { MemoryTokenStore } from '../../lib/tokens/memory-token-store.js'
import { decodeSessionData, encodeSessionData } from '../../lib/cookie/session-codec.js'
import { SESSION_KEY, type DiscordSessionData, type PendingLogin } from '../../lib/cookie/session-data.js'
import type { TokenSet } from '../../lib/contracts/token-set.js'
import { buildApp, login, readSession, type TestApp } from '../helpers/build-app.js'

const COMPACT_KEYS = ['a', 'e', 'i', 'n', 'p', 'r', 's', 't', 'u']

function tokens (overrides: Partial<TokenSet> = {}): TokenSet {
  return { accessToken: 'access-1', refreshToken: 'refresh-1', tokenType: 'Bearer', expiresAt: 1_700_000_000_000, scopes: ['identify', 'guilds'], ...overrides }
}

function pending (state: string): PendingLogin {
  return { state, verifier: `verifier-${state}`, createdAt: 1_700_000_000_000, data: { back: state }, next: `/page/${state}` }
}

/** Encodes, goes through JSON as the cookie does, and decodes. */
function roundTrip (data: DiscordSessionData): DiscordSessionData {
  return decodeSessionData(JSON.parse(JSON.stringify(encodeSessionData(data))))
}

/** The value fastify-discord keeps in the session cookie, decrypted but not decoded. */
function rawCookieValue (testApp: TestApp): Record<string, unknown> {
  const cookie = testApp.jar.get('session')
  if (cookie === undefined) throw new Error('no session cookie')
  return testApp.app.decodeSecureSession(decodeURIComponent(cookie))?.get(SESSION_KEY) as Record<string, unknown>
}

t.test('a cookie-held token set is stored under one-letter keys and reads back the same', async (t) => {
  const data: DiscordSessionData = { userId: '42', tokens: tokens() }
  const stored = encodeSessionData(data)
  t.same(stored, { u: '42', a: 'access-1', r: 'refresh-1', e: 1_700_000_000_000, s: 'identify guilds' }, 'Bearer is left out, scopes are space-separated')
  t.notOk('t' in stored)
  t.strictSame(roundTrip(data), data)
})

t.test('a token set without a refresh token leaves out `r` and reads back null', async (t) => {
  const data: DiscordSessionData = { userId: '42', tokens: tokens({ refreshToken: null }) }
  const stored = encodeSessionData(data)
  t.notOk('r' in stored)
  t.strictSame(roundTrip(data), data)
  t.equal(roundTrip(data).tokens?.refreshToken, null)
})

t.test('a token type other than Bearer is kept', async (t) => {
  const data: DiscordSessionData = { tokens: tokens({ tokenType: 'MAC' }) }
  t.equal(encodeSessionData(data).t, 'MAC')
  t.equal(roundTrip(data).tokens?.tokenType, 'MAC')
  t.strictSame(roundTrip(data), data)
})

t.test('no scopes, one scope and several scopes survive the round trip', async (t) => {
  for (const scopes of [[], ['identify'], ['identify', 'email', 'guilds', 'guilds.members.read', 'connections']]) {
    const data: DiscordSessionData = { userId: '42', tokens: tokens({ scopes }) }
    t.equal(encodeSessionData(data).s, scopes.join(' '))
    t.strictSame(roundTrip(data).tokens?.scopes, scopes, `scopes ${JSON.stringify(scopes)}`)
  }
})

t.test('a token-store session keeps the id and the scopes, and no token', async (t) => {
  const data: DiscordSessionData = { userId: '42', tokenId: 'opaque-id', scopes: ['identify', 'email'] }
  t.same(encodeSessionData(data), { u: '42', i: 'opaque-id', s: 'identify email' })
  t.strictSame(roundTrip(data), data)
  t.strictSame(roundTrip({ tokenId: 'opaque-id', scopes: [] }), { tokenId: 'opaque-id', scopes: [] })
  t.same(encodeSessionData({ tokenId: 'opaque-id' }), { i: 'opaque-id', s: '' }, 'no scopes given: none stored')
  t.strictSame(roundTrip({ tokenId: 'opaque-id' }), { tokenId: 'opaque-id', scopes: [] })
})

t.test('a token id wins over a token set on both sides', async (t) => {
  const stored = encodeSessionData({ tokenId: 'opaque-id', scopes: ['identify'], tokens: tokens() })
  t.same(stored, { i: 'opaque-id', s: 'identify' }, 'the token set never reaches the cookie next to an id')
  t.strictSame(decodeSessionData({ i: 'opaque-id', s: 'identify', a: 'access-1', e: 1 }), { tokenId: 'opaque-id', scopes: ['identify'] })
})

t.test('pending logins are kept, an empty list is left out', async (t) => {
  const logins = [pending('s1'), pending('s2')]
  const data: DiscordSessionData = { pending: logins }
  t.same(encodeSessionData(data), { p: logins })
  t.strictSame(roundTrip(data), data)
  t.same(encodeSessionData({ pending: [] }), {})
  t.strictSame(roundTrip({ pending: [] }), {})
  const both: DiscordSessionData = { pending: [pending('s3')], userId: '42', tokens: tokens() }
  t.strictSame(roundTrip(both), both)
})

t.test('a user id alone, and nothing at all', async (t) => {
  t.same(encodeSessionData({ userId: '42' }), { u: '42' })
  t.strictSame(roundTrip({ userId: '42' }), { userId: '42' })
  t.same(encodeSessionData({}), {})
  t.strictSame(decodeSessionData({}), {})
})

t.test('anything that is not an object reads as a logged-out session', async (t) => {
  for (const value of [undefined, null, 'a string', 42, true, [], [{ a: 'x', e: 1 }]]) {
    t.strictSame(decodeSessionData(value), {}, JSON.stringify(value) ?? 'undefined')
  }
})

t.test('a stored value in the long form of an older version reads as logged out', async (t) => {
  t.strictSame(decodeSessionData({ userId: '42', tokens: tokens(), pending: [pending('s1')] }), {})
})

t.test('fields of the wrong type are dropped, the rest is kept', async (t) => {
  t.strictSame(decodeSessionData({ a: 'access-1' }), {}, '`a` without `e` is no token')
  t.strictSame(decodeSessionData({ e: 1 }), {}, '`e` without `a` is no token')
  t.strictSame(decodeSessionData({ a: 'access-1', e: '1700000000000' }), {}, '`e` must be a number')
  t.strictSame(decodeSessionData({ a: 42, e: 1 }), {}, '`a` must be a string')
  t.strictSame(decodeSessionData({ u: 42, a: 'access-1', e: 1 }), {
    tokens: { accessToken: 'access-1', refreshToken: null, tokenType: 'Bearer', expiresAt: 1, scopes: [] }
  }, 'a numeric user id is dropped; missing r, t and s take their defaults')
  t.strictSame(decodeSessionData({ u: '42', a: 'access-1', e: 1, r: 7, t: null, s: ['identify'] }), {
    userId: '42',
    tokens: { accessToken: 'access-1', refreshToken: null, tokenType: 'Bearer', expiresAt: 1, scopes: [] }
  }, 'r, t and s of the wrong type take their defaults')
  t.strictSame(decodeSessionData({ i: 7, s: 'identify' }), {}, 'a numeric token id is no token id')
  t.strictSame(decodeSessionData({ i: 7, a: 'access-1', e: 1, s: 'identify' }).tokens?.accessToken, 'access-1', 'a bad id falls back to the token set')
  t.strictSame(decodeSessionData({ i: 'opaque-id', s: 5 }), { tokenId: 'opaque-id', scopes: [] })
  t.strictSame(decodeSessionData({ u: '42', p: 'not a list' }), { userId: '42' })
  t.strictSame(decodeSessionData({ u: '42', p: { state: 's' } }), { userId: '42' })
})

t.test('after a login the cookie holds the compact form, and no spelled-out token field', async (t) => {
  const testApp = await buildApp(t)
  t.equal((await login(testApp)).statusCode, 302)
  const raw = rawCookieValue(testApp)
  t.same(Object.keys(raw).sort(), ['a', 'e', 'n', 'r', 's', 'u'])
  t.ok(Object.keys(raw).every((key) => COMPACT_KEYS.includes(key)))
  t.notOk('accessToken' in raw)
  t.notOk('tokens' in raw)
  t.notMatch(JSON.stringify(raw), /accessToken|refreshToken|tokenType|expiresAt/)
  t.equal(raw['u'], testApp.fake.seedUsers.migrated)
  t.equal(raw['n'], readSession(testApp).sessionId, 'the session id a logout is remembered by')
  t.equal(raw['s'], 'identify')
  const session = readSession(testApp)
  t.equal(raw['a'], session.tokens?.accessToken)
  t.equal(raw['r'], session.tokens?.refreshToken)
  t.equal(raw['e'], session.tokens?.expiresAt)
  t.type(raw['a'], 'string')
  t.ok((raw['a'] as string).length > 0)
})

t.test('with a token store the cookie holds the compact id and scopes, and no token', async (t) => {
  const testApp = await buildApp(t, { plugin: { tokenStore: new MemoryTokenStore(), scope: ['identify', 'guilds'] } })
  await login(testApp)
  const raw = rawCookieValue(testApp)
  t.same(Object.keys(raw).sort(), ['i', 'n', 's', 'u'])
  t.equal(raw['s'], 'identify guilds')
  t.equal(raw['i'], readSession(testApp).tokenId)
})

t.test('pending logins that are not well formed are dropped', async (t) => {
  const good = { state: 's', verifier: 'v', createdAt: 1 }
  const decoded = decodeSessionData({ p: [null, 'x', { state: 's' }, { state: 1, verifier: 'v', createdAt: 1 }, good] })
  t.same(decoded.pending, [good])
})
