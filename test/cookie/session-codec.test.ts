import t from 'tap'
import { MemoryTokenStore } from '../../lib/tokens/memory-token-store.js'
import { decodeSessionData, encodeSessionData } from '../../lib/cookie/session-codec.js'
import { SESSION_KEY, type DiscordSessionData, type PendingLogin } from '../../lib/cookie/session-data.js'
import type { TokenSet } from '../../lib/contracts/token-set.js'
import { buildApp, login, readSession, type TestApp } from '../helpers/build-app.js'

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
function rawCookieValue (testApp: TestApp): unknown[] {
  const cookie = testApp.jar.get('session')
  if (cookie === undefined) throw new Error('no session cookie')
  return testApp.app.decodeSecureSession(decodeURIComponent(cookie))?.get(SESSION_KEY) as unknown[]
}

t.test('a cookie-held token set is stored at its places and reads back the same', async (t) => {
  const data: DiscordSessionData = { userId: '42', sessionId: 'sid', tokens: tokens() }
  const stored = encodeSessionData(data)
  t.strictSame(stored, ['42', 'sid', 'identify guilds', 'access-1', 1_700_000_000_000, 'refresh-1'], 'Bearer is left out, scopes are space-separated')
  t.strictSame(roundTrip(data), data)
})

t.test('a token set without a refresh token stores none and reads back null', async (t) => {
  const data: DiscordSessionData = { userId: '42', tokens: tokens({ refreshToken: null }) }
  t.strictSame(encodeSessionData(data), ['42', 0, 'identify guilds', 'access-1', 1_700_000_000_000])
  t.strictSame(roundTrip(data), data)
  t.equal(roundTrip(data).tokens?.refreshToken, null)
})

t.test('a token set expiring at 0 keeps its expiry', async (t) => {
  const data: DiscordSessionData = { tokens: tokens({ refreshToken: null, expiresAt: 0, scopes: [] }) }
  t.strictSame(encodeSessionData(data), [0, 0, '', 'access-1', 0])
  t.strictSame(roundTrip(data), data)
})

t.test('a token type other than Bearer is kept', async (t) => {
  const data: DiscordSessionData = { tokens: tokens({ tokenType: 'MAC' }) }
  t.equal(encodeSessionData(data)[6], 'MAC')
  t.equal(roundTrip(data).tokens?.tokenType, 'MAC')
  t.strictSame(roundTrip(data), data)
  t.equal(encodeSessionData({ tokens: tokens({ tokenType: 'MAC', refreshToken: null }) })[5], 0, 'no refresh token before it')
  t.strictSame(roundTrip({ tokens: tokens({ tokenType: 'MAC', refreshToken: null }) }).tokens?.refreshToken, null)
})

t.test('no scopes, one scope and several scopes survive the round trip', async (t) => {
  for (const scopes of [[], ['identify'], ['identify', 'email', 'guilds', 'guilds.members.read', 'connections']]) {
    const data: DiscordSessionData = { userId: '42', tokens: tokens({ scopes }) }
    t.equal(encodeSessionData(data)[2], scopes.join(' '))
    t.strictSame(roundTrip(data).tokens?.scopes, scopes, `scopes ${JSON.stringify(scopes)}`)
  }
})

t.test('a token-store session keeps the id and the scopes, and no token', async (t) => {
  const data: DiscordSessionData = { userId: '42', tokenId: 'opaque-id', scopes: ['identify', 'email'] }
  t.strictSame(encodeSessionData(data), ['42', 0, 'identify email', 0, 0, 0, 0, 'opaque-id'])
  t.strictSame(roundTrip(data), data)
  t.strictSame(roundTrip({ tokenId: 'opaque-id', scopes: [] }), { tokenId: 'opaque-id', scopes: [] })
  t.strictSame(encodeSessionData({ tokenId: 'opaque-id' }), [0, 0, '', 0, 0, 0, 0, 'opaque-id'], 'no scopes given: none stored')
  t.strictSame(roundTrip({ tokenId: 'opaque-id' }), { tokenId: 'opaque-id', scopes: [] })
})

t.test('a token id wins over a token set on both sides', async (t) => {
  const stored = encodeSessionData({ tokenId: 'opaque-id', scopes: ['identify'], tokens: tokens() })
  t.strictSame(stored, [0, 0, 'identify', 0, 0, 0, 0, 'opaque-id'], 'the token set never reaches the cookie next to an id')
  t.strictSame(decodeSessionData([0, 0, 'identify', 'access-1', 1, 0, 0, 'opaque-id']), { tokenId: 'opaque-id', scopes: ['identify'] })
})

t.test('pending logins are kept, an empty list is left out', async (t) => {
  const logins = [pending('s1'), pending('s2')]
  const data: DiscordSessionData = { pending: logins }
  t.strictSame(encodeSessionData(data), [0, 0, 0, 0, 0, 0, 0, 0, [
    ['s1', 1_700_000_000_000, 'verifier-s1', '/page/s1', { back: 's1' }],
    ['s2', 1_700_000_000_000, 'verifier-s2', '/page/s2', { back: 's2' }]
  ]])
  t.strictSame(roundTrip(data), data)
  t.strictSame(encodeSessionData({ pending: [] }), [])
  t.strictSame(roundTrip({ pending: [] }), {})
  const both: DiscordSessionData = { pending: [pending('s3')], userId: '42', tokens: tokens() }
  t.strictSame(roundTrip(both), both)
  const bare: PendingLogin = { state: 's4', createdAt: 5 }
  t.strictSame(encodeSessionData({ pending: [bare] })[8], [['s4', 5, 0, 0]], 'no verifier, next nor data')
  t.strictSame(roundTrip({ pending: [bare] }), { pending: [bare] })
  const nullData: PendingLogin = { state: 's5', createdAt: 5, data: null }
  t.strictSame(roundTrip({ pending: [nullData] }), { pending: [nullData] }, 'data null is data')
})

t.test('a user id alone, and nothing at all', async (t) => {
  t.strictSame(encodeSessionData({ userId: '42' }), ['42'])
  t.strictSame(roundTrip({ userId: '42' }), { userId: '42' })
  t.strictSame(encodeSessionData({}), [])
  t.strictSame(decodeSessionData([]), {})
})

t.test('anything that is not an array reads as a logged-out session', async (t) => {
  for (const value of [undefined, null, 'a string', 42, true, {}, { u: '42' }, [{ a: 'x', e: 1 }]]) {
    t.strictSame(decodeSessionData(value), {}, JSON.stringify(value) ?? 'undefined')
  }
})

t.test('a stored value of an older version reads as logged out', async (t) => {
  t.strictSame(decodeSessionData({ userId: '42', tokens: tokens(), pending: [pending('s1')] }), {}, 'the long form')
  t.strictSame(decodeSessionData({ u: '42', a: 'access-1', r: 'refresh-1', e: 1_700_000_000_000, s: 'identify', n: 'sid' }), {}, 'the one-letter keys')
})

t.test('fields of the wrong type are dropped, the rest is kept', async (t) => {
  t.strictSame(decodeSessionData([0, 0, 0, 'access-1']), {}, 'an access token without expiry is no token')
  t.strictSame(decodeSessionData([0, 0, 0, 0, 1]), {}, 'an expiry without access token is no token')
  t.strictSame(decodeSessionData([0, 0, 0, 'access-1', '1700000000000']), {}, 'the expiry must be a number')
  t.strictSame(decodeSessionData([0, 0, 0, 42, 1]), {}, 'the access token must be a string')
  t.strictSame(decodeSessionData([42, 0, 0, 'access-1', 1]), {
    tokens: { accessToken: 'access-1', refreshToken: null, tokenType: 'Bearer', expiresAt: 1, scopes: [] }
  }, 'a numeric user id is dropped; missing refresh token, type and scopes take their defaults')
  t.strictSame(decodeSessionData(['42', 7, ['identify'], 'access-1', 1, 7, null]), {
    userId: '42',
    tokens: { accessToken: 'access-1', refreshToken: null, tokenType: 'Bearer', expiresAt: 1, scopes: [] }
  }, 'session id, refresh token, type and scopes of the wrong type take their defaults')
  t.strictSame(decodeSessionData([0, 0, 'identify', 0, 0, 0, 0, 7]), {}, 'a numeric token id is no token id')
  t.strictSame(decodeSessionData([0, 0, 'identify', 'access-1', 1, 0, 0, 7]).tokens?.accessToken, 'access-1', 'a bad id falls back to the token set')
  t.strictSame(decodeSessionData([0, 0, 5, 0, 0, 0, 0, 'opaque-id']), { tokenId: 'opaque-id', scopes: [] })
  t.strictSame(decodeSessionData(['42', 0, 0, 0, 0, 0, 0, 0, 'not a list']), { userId: '42' })
  t.strictSame(decodeSessionData(['42', 0, 0, 0, 0, 0, 0, 0, { state: 's' }]), { userId: '42' })
})

t.test('after a login the cookie holds the positional form, and no field name', async (t) => {
  const testApp = await buildApp(t)
  t.equal((await login(testApp)).statusCode, 302)
  const raw = rawCookieValue(testApp)
  t.ok(Array.isArray(raw))
  t.equal(raw.length, 6, 'user, session id, scopes, access token, expiry, refresh token')
  t.notMatch(JSON.stringify(raw), /accessToken|refreshToken|tokenType|expiresAt|Bearer/)
  const session = readSession(testApp)
  t.strictSame(raw, [testApp.fake.seedUsers.migrated, session.sessionId, 'identify', session.tokens?.accessToken, session.tokens?.expiresAt, session.tokens?.refreshToken])
  t.type(raw[3], 'string')
  t.ok((raw[3] as string).length > 0)
})

t.test('with a token store the cookie holds the id and scopes, and no token', async (t) => {
  const testApp = await buildApp(t, { plugin: { tokenStore: new MemoryTokenStore(), scope: ['identify', 'guilds'] } })
  await login(testApp)
  const raw = rawCookieValue(testApp)
  const session = readSession(testApp)
  t.strictSame(raw, [testApp.fake.seedUsers.migrated, session.sessionId, 'identify guilds', 0, 0, 0, 0, session.tokenId])
})

t.test('pending logins that are not well formed are dropped', async (t) => {
  const good = { state: 's', verifier: 'v', createdAt: 1 }
  const decoded = decodeSessionData([0, 0, 0, 0, 0, 0, 0, 0, [null, 'x', { state: 's' }, ['s'], [1, 1, 'v', 0], ['s', '1', 'v', 0], ['s', 1, 7, 0], ['s', 1, 'v', 7], ['s', 1, 'v', 0]]])
  t.strictSame(decoded.pending, [good, good], 'a next of the wrong type is dropped, the login kept')
})
