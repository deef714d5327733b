import { randomBytes } from 'node:crypto'
import { createRequire } from 'node:module'
import { Writable } from 'node:stream'
import secureSession from '@fastify/secure-session'
import FakeTimers from '@sinonjs/fake-timers'
import fc from 'fast-check'
import Fastify, { type FastifyInstance } from 'fastify'
import t from 'tap'
import fastifyDiscord from '../../lib/plugin.js'
import { SESSION_KEY } from '../../lib/cookie/session-data.js'
import { buildApp, injectWithJar, login, readSession, type TestApp } from '../helpers/build-app.js'

// The session fastify-discord sets up when the app has not registered @fastify/secure-session:
// secure-session's own session object, decoded on first read, written only when changed.

/** Log lines of one app, at debug level (secure-session notes a cookie it cannot open there). */
function logSink (): { lines: string[], stream: Writable } {
  const lines: string[] = []
  const stream = new Writable({
    write (chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter((line) => line !== ''))
      done()
    }
  })
  return { lines, stream }
}

function setCookies (header: string | string[] | number | undefined): string[] {
  if (header === undefined || typeof header === 'number') return []
  return Array.isArray(header) ? header : [header]
}

/** The value of the session cookie in a reply, or undefined. */
function sessionCookieOf (header: string | string[] | number | undefined, name = 'session'): string | undefined {
  const line = setCookies(header).find((l) => l.startsWith(`${name}=`))
  return line?.slice(name.length + 1).split(';')[0]
}

async function appWithRoutes (t: Parameters<typeof buildApp>[0], extra: Parameters<typeof buildApp>[1] = {}): Promise<TestApp> {
  return await buildApp(t, {
    ...extra,
    routes (app) {
      app.get('/plain', async () => ({ plain: true }))
      app.get('/peek', async (request) => ({ note: request.session.get('note' as never) ?? null }))
      app.get('/note', async (request) => {
        request.session.set('note' as never, 'hello' as never)
        return { ok: true }
      })
      app.get('/drop', async (request) => {
        request.session.delete()
        return { ok: true }
      })
      app.get('/short', async (request) => {
        request.session.set('note' as never, 'short' as never)
        request.session.options({ maxAge: 60 })
        return { ok: true }
      })
      app.get('/mine', async (request, reply) => {
        reply.header('set-cookie', 'mine=1; Path=/')
        request.session.set('note' as never, 'with mine' as never)
        return { ok: true }
      })
      app.get('/bad-option', async (request) => {
        request.session.set('note' as never, 'x' as never)
        request.session.options({ domain: 'not a domain;' })
        return { ok: true }
      })
      app.get('/cart', async (request) => {
        request.session.set('cart' as never, { items: [] } as never)
        return { ok: true }
      })
      // Changes the session's values in place, without set(): secure-session keeps no such change.
      app.get('/scribble', async (request) => {
        const cart = request.session.get('cart' as never) as { items: string[] } | undefined
        if (cart === undefined) return { items: null }
        cart.items.push('scribbled')
        return { items: cart.items }
      })
      app.get('/replace', async (request) => {
        request.session = app.createSecureSession({ note: 'replaced' })
        request.session.touch()
        return { ok: true }
      })
      extra.routes?.(app)
    }
  })
}

t.test('a route that never reads the session neither decodes the cookie nor sets one', async (t) => {
  const sink = logSink()
  const testApp = await appWithRoutes(t, { fastify: { logger: { level: 'debug', stream: sink.stream } } })
  const plain = await testApp.app.inject({ url: '/plain', headers: { cookie: 'session=tampered.tampered-nonce-of-24-bytes-xx' } })
  t.equal(plain.statusCode, 200)
  t.same(setCookies(plain.headers['set-cookie']), [])
  t.notOk(sink.lines.some((line) => line.includes('@fastify/secure-session')), 'the cookie was not opened')

  const peek = await testApp.app.inject({ url: '/peek', headers: { cookie: 'session=tampered.tampered-nonce-of-24-bytes-xx' } })
  t.same(peek.json(), { note: null }, 'a tampered cookie is an empty session')
  t.same(setCookies(peek.headers['set-cookie']), [], 'reading alone writes nothing')
  t.ok(sink.lines.some((line) => line.includes('@fastify/secure-session')), 'reading the session opened it')
})

t.test('the app\'s own session keys: set, read back, options, delete, replace', async (t) => {
  const testApp = await appWithRoutes(t)
  const note = await injectWithJar(testApp, { url: '/note' })
  const value = sessionCookieOf(note.headers['set-cookie'])
  t.ok(value !== undefined && /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(value), 'URL-safe base64, no character to percent-encode')
  t.match(setCookies(note.headers['set-cookie'])[0], /; Path=\/; HttpOnly; SameSite=Lax$/)
  t.same((await injectWithJar(testApp, { url: '/peek' })).json(), { note: 'hello' })
  t.same(testApp.app.decodeSecureSession(value as string)?.get('note'), 'hello', 'fastify.decodeSecureSession reads the cookie value')

  const short = await injectWithJar(testApp, { url: '/short' })
  t.match(setCookies(short.headers['set-cookie'])[0], /Max-Age=60/, 'session.options() applies to this cookie')

  const mine = await injectWithJar(testApp, { url: '/mine' })
  t.same(setCookies(mine.headers['set-cookie']).map((line) => line.split('=')[0]), ['mine', 'session'], 'the app\'s own Set-Cookie is kept')

  const replaced = await injectWithJar(testApp, { url: '/replace' })
  t.ok(sessionCookieOf(replaced.headers['set-cookie']) !== undefined)
  t.same((await injectWithJar(testApp, { url: '/peek' })).json(), { note: 'replaced' }, 'request.session can be replaced')

  const drop = await injectWithJar(testApp, { url: '/drop' })
  t.match(setCookies(drop.headers['set-cookie'])[0], /^session=; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax$/)
  t.same((await injectWithJar(testApp, { url: '/peek' })).json(), { note: null })
})

t.test('a cookie option the cookie module refuses fails the request, as with secure-session', async (t) => {
  const testApp = await appWithRoutes(t)
  const res = await testApp.app.inject({ url: '/bad-option' })
  t.equal(res.statusCode, 500)
  t.same(setCookies(res.headers['set-cookie']), [])
})

t.test('secure: auto marks the cookie Secure on HTTPS', async (t) => {
  const testApp = await appWithRoutes(t, { fastify: { trustProxy: true } })
  const https = await testApp.app.inject({ url: '/note', headers: { 'x-forwarded-proto': 'https' } })
  t.match(setCookies(https.headers['set-cookie'])[0], /; Secure/)
  const http = await testApp.app.inject({ url: '/note' })
  t.notMatch(setCookies(http.headers['set-cookie'])[0], /Secure/)
})

t.test('an Expires given as epoch ms becomes a date; signed cookies are signed and read back', async (t) => {
  const testApp = await appWithRoutes(t, { session: { key: randomBytes(32), cookie: { expires: Date.UTC(2040, 0, 1), signed: true } } })
  const note = await injectWithJar(testApp, { url: '/note' })
  const line = setCookies(note.headers['set-cookie'])[0] as string
  t.match(line, /Expires=Sun, 01 Jan 2040 00:00:00 GMT/)
  const value = decodeURIComponent(sessionCookieOf(line) as string)
  t.ok(value.split('.').length === 3, 'the sealed value and its signature')
  t.same((await injectWithJar(testApp, { url: '/peek' })).json(), { note: 'hello' })
  const forged = await testApp.app.inject({ url: '/peek', headers: { cookie: `session=${encodeURIComponent(value.slice(0, -2))}xx` } })
  t.same(forged.json(), { note: null }, 'a bad signature is an empty session')
})

t.test('a login writes the cookie once, a guarded read does not write it again', async (t) => {
  const testApp = await appWithRoutes(t, {
    routes (app) {
      app.get('/me', { preHandler: app.discord.requireAuthorization }, async (request) => request.discord.fetchUser())
    }
  })
  await login(testApp)
  const me = await injectWithJar(testApp, { url: '/me' })
  t.equal(me.statusCode, 200)
  t.same(setCookies(me.headers['set-cookie']), [], 'the authorized request writes no cookie')
  t.equal(readSession(testApp).userId, testApp.fake.seedUsers.migrated)
  t.ok((testApp.jar.get('session') as string).length < 300, `the cookie value is compact (${(testApp.jar.get('session') as string).length} characters)`)
})

/** An app whose session key is `key`, to seal cookies the way another process (or an older version) did. */
async function sealer (t: { teardown (fn: () => unknown): void }, key: Buffer): Promise<FastifyInstance> {
  const app = Fastify()
  t.teardown(async () => app.close())
  await app.register(secureSession, { key })
  await app.ready()
  return app
}

t.test('old, expired and foreign cookies are empty sessions, never a 500', async (t) => {
  const key = randomBytes(32)
  const testApp = await buildApp(t, { session: { key } })
  const other = await sealer(t, key)
  await login(testApp)
  const session = readSession(testApp)
  const oldForm = other.encodeSecureSession(other.createSecureSession({
    [SESSION_KEY]: { u: session.userId, n: session.sessionId, a: session.tokens?.accessToken, r: session.tokens?.refreshToken, e: session.tokens?.expiresAt, s: 'identify' }
  }))
  const cases: Record<string, string> = {
    'the keyed form of the previous version, in secure-session\'s own encoding': encodeURIComponent(oldForm),
    'an expired box': encodeURIComponent(other.encodeSecureSession(other.createSecureSession({ __ts: 1, [SESSION_KEY]: ['42'] }))),
    'another key': encodeURIComponent((await sealer(t, randomBytes(32))).encodeSecureSession(other.createSecureSession({ [SESSION_KEY]: ['42'] }))),
    'no nonce': 'abcdef',
    'a short nonce': 'abcdef.abc',
    'percent junk': '%E0%A4%A',
    empty: ''
  }
  for (const [name, cookie] of Object.entries(cases)) {
    const res = await testApp.app.inject({ url: '/whoami', headers: { cookie: `session=${cookie}` } })
    t.equal(res.statusCode, 200, name)
    t.same(res.json(), { authorized: false, userId: null, scopes: [] }, name)
  }
  const current = encodeURIComponent(other.encodeSecureSession(other.createSecureSession({ [SESSION_KEY]: ['42'] })))
  t.same((await testApp.app.inject({ url: '/whoami', headers: { cookie: `session=${current}` } })).json().userId, '42',
    'secure-session\'s own encoding of the current form is read')
})

t.test('a cookie sealed with a rotated-out key is read and written again with the first key', async (t) => {
  const oldKey = randomBytes(32)
  const testApp = await appWithRoutes(t, { session: { key: [randomBytes(32), oldKey] } })
  const old = await sealer(t, oldKey)
  const cookie = encodeURIComponent(old.encodeSecureSession(old.createSecureSession({ note: 'kept' })))
  const res = await testApp.app.inject({ url: '/peek', headers: { cookie: `session=${cookie}` } })
  t.same(res.json(), { note: 'kept' })
  const rewritten = sessionCookieOf(res.headers['set-cookie'])
  t.ok(rewritten !== undefined, 'rewritten')
  t.equal(old.decodeSecureSession(decodeURIComponent(rewritten as string).replace('.', ';')), null, 'no longer with the old key')
  t.equal(testApp.app.decodeSecureSession(rewritten as string)?.get('note'), 'kept')
  const again = await testApp.app.inject({ url: '/peek', headers: { cookie: `session=${cookie}` } })
  t.same(again.json(), { note: 'kept' })
  t.ok(sessionCookieOf(again.headers['set-cookie']) !== undefined, 'remembered, the old cookie is still written again')
})

/**
 * Counts the secretboxes secure-session opens, through the sodium-native module object it
 * calls: how a test sees whether a cookie was decrypted or remembered.
 */
function countOpenings (t: { teardown (fn: () => void): void }): { readonly count: number } {
  const sodium = createRequire(import.meta.url)('sodium-native') as Record<string, (...args: unknown[]) => unknown>
  const original = sodium['crypto_secretbox_open_easy'] as (...args: unknown[]) => unknown
  const counter = { count: 0 }
  sodium['crypto_secretbox_open_easy'] = (...args: unknown[]) => {
    counter.count++
    return original(...args)
  }
  t.teardown(() => { sodium['crypto_secretbox_open_easy'] = original })
  return counter
}

t.test('a cookie is decrypted once per process; each request gets its own copy of its values', async (t) => {
  const openings = countOpenings(t)
  const testApp = await appWithRoutes(t)
  await injectWithJar(testApp, { url: '/cart' })
  const cookie = testApp.jar.headers()
  const before = openings.count
  t.same((await testApp.app.inject({ url: '/scribble', headers: cookie })).json(), { items: ['scribbled'] })
  t.equal(openings.count, before + 1, 'the first request decrypts the cookie')
  t.same((await testApp.app.inject({ url: '/scribble', headers: cookie })).json(), { items: ['scribbled'] },
    'a change made in place by an earlier request is not seen, as when every request decrypts')
  t.same((await testApp.app.inject({ url: '/peek', headers: cookie })).json(), { note: null })
  t.equal(openings.count, before + 1, 'the next requests with the same cookie do not')

  const value = testApp.jar.get('session') as string
  const last = value.at(-1) === 'A' ? 'B' : 'A'
  const tampered = await testApp.app.inject({ url: '/scribble', headers: { cookie: `session=${value.slice(0, -1)}${last}` } })
  t.same(tampered.json(), { items: null }, 'a tampered copy of a remembered cookie is an empty session')
  t.equal(openings.count, before + 2, 'and is given to secure-session to open')
})

t.test('with session.remember: 0, every request decrypts its cookie', async (t) => {
  const openings = countOpenings(t)
  const testApp = await appWithRoutes(t, { session: { key: randomBytes(32), remember: 0 } })
  await injectWithJar(testApp, { url: '/note' })
  const before = openings.count
  for (let i = 0; i < 3; i++) t.same((await injectWithJar(testApp, { url: '/peek' })).json(), { note: 'hello' })
  t.equal(openings.count, before + 3)
})

t.test('a session secure-session reads without a numeric __ts is not remembered', async (t) => {
  const openings = countOpenings(t)
  const key = randomBytes(32)
  const testApp = await appWithRoutes(t, { session: { key } })
  const other = await sealer(t, key)
  // secure-session's expiry test is false for NaN: it reads such a box, with no expiry to check later.
  const cookie = encodeURIComponent(other.encodeSecureSession(other.createSecureSession({ __ts: 'x', note: 'odd' })))
  const before = openings.count
  for (let i = 0; i < 2; i++) {
    t.same((await testApp.app.inject({ url: '/peek', headers: { cookie: `session=${cookie}` } })).json(), { note: 'odd' })
  }
  t.equal(openings.count, before + 2, 'decrypted on each request')
})

t.test('a remembered cookie expires like any other', async (t) => {
  const clock = FakeTimers.install({ toFake: ['Date'], now: Date.UTC(2026, 0, 1) })
  t.teardown(() => { clock.uninstall() })
  const testApp = await appWithRoutes(t, { session: { key: randomBytes(32), expiry: 60 } })
  await injectWithJar(testApp, { url: '/note' })
  const cookie = testApp.jar.headers()
  t.same((await testApp.app.inject({ url: '/peek', headers: cookie })).json(), { note: 'hello' })
  clock.tick(59_000)
  t.same((await testApp.app.inject({ url: '/peek', headers: cookie })).json(), { note: 'hello' }, 'within its expiry')
  clock.tick(1_000)
  t.same((await testApp.app.inject({ url: '/peek', headers: cookie })).json(), { note: null }, 'at its expiry: an empty session')
  clock.setSystemTime(Date.UTC(2026, 0, 1))
  t.same((await testApp.app.inject({ url: '/peek', headers: cookie })).json(), { note: 'hello' },
    'an expired cookie is forgotten, not remembered as empty: secure-session decides again')
})

t.test('fastify.decodeSecureSession: no cookie is no session', async (t) => {
  const testApp = await buildApp(t)
  t.equal(testApp.app.decodeSecureSession(undefined as unknown as string), null)
})

t.test('with the app\'s own @fastify/secure-session, its session and its cookie are used as before', async (t) => {
  const testApp = await buildApp(t, {
    session: null,
    async before (app) {
      await app.register(secureSession, { key: randomBytes(32), cookie: { path: '/' } })
    },
    routes (app) {
      app.get('/cookies', async (request) => ({ cookies: Object.keys(request.cookies) }))
    }
  })
  await login(testApp)
  const cookie = testApp.jar.get('session') as string
  t.match(cookie, /%3B/, 'secure-session\'s own encoding')
  t.equal(readSession(testApp).userId, testApp.fake.seedUsers.migrated)
  t.same((await injectWithJar(testApp, { url: '/whoami' })).json().authorized, true)
  t.same((await injectWithJar(testApp, { url: '/cookies' })).json(), { cookies: ['session'] }, 'its @fastify/cookie parses every request')
})

t.test('an app that registers @fastify/cookie itself gets request.cookies, and the session uses its functions', async (t) => {
  const { default: fastifyCookie } = await import('@fastify/cookie')
  const testApp = await appWithRoutes(t, {
    async before (app) {
      await app.register(fastifyCookie)
    },
    routes (app) {
      app.get('/cookies', async (request) => ({ cookies: request.cookies }))
    }
  })
  await injectWithJar(testApp, { url: '/note' })
  t.same((await injectWithJar(testApp, { url: '/peek' })).json(), { note: 'hello' })
  t.same(Object.keys((await injectWithJar(testApp, { url: '/cookies' })).json().cookies), ['session'])
})

t.test('@fastify/cookie registered after fastify-discord works too', async (t) => {
  const { default: fastifyCookie } = await import('@fastify/cookie')
  const testApp = await buildApp(t, {
    routes (app) {
      app.register(fastifyCookie)
      app.get('/cookies', async (request) => ({ cookies: request.cookies }))
    }
  })
  await login(testApp)
  t.same((await injectWithJar(testApp, { url: '/whoami' })).json().authorized, true)
  t.same(Object.keys((await injectWithJar(testApp, { url: '/cookies' })).json().cookies), ['session'])
})

t.test('without @fastify/cookie of its own, the app has no request.cookies', async (t) => {
  const testApp = await appWithRoutes(t, {
    routes (app) {
      app.get('/cookies', async (request) => ({ cookies: (request as { cookies?: unknown }).cookies ?? null }))
    }
  })
  t.same((await testApp.app.inject({ url: '/cookies', headers: { cookie: 'a=1' } })).json(), { cookies: null })
})

t.test('malformed session settings are a ConfigurationError', async (t) => {
  const app = Fastify()
  t.teardown(async () => app.close())
  const err = await app.register(fastifyDiscord, {
    clientId: '123456789012345678',
    clientSecret: 'x'.repeat(32),
    redirectUri: 'http://localhost/callback',
    session: { secret: 'too short', salt: 'x'.repeat(16) }
  }).ready().then(() => null, (e: unknown) => e) as Error
  t.match(err?.message, /`session` is malformed: secret must be at least 32 bytes/)
})

t.test('generated cookies never make a 500', async (t) => {
  const key = randomBytes(32)
  const testApp = await buildApp(t, {
    session: { key },
    routes (app) {
      app.get('/me', { preHandler: app.discord.requireAuthorization }, async (request) => request.discord.fetchUser())
    }
  })
  const other = await sealer(t, key)
  const json: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 3 })
  /** A decryptable box whose fastify-discord value is anything JSON can hold, often almost right. */
  const sealed = fc.oneof(
    json,
    fc.array(fc.oneof(json, fc.string(), fc.integer(), fc.constant(0)), { maxLength: 10 }),
    fc.tuple(fc.string(), fc.string(), fc.string(), fc.string(), fc.integer(), fc.oneof(fc.string(), fc.constant(0)), fc.oneof(fc.string(), fc.constant(0)), fc.oneof(fc.string(), fc.constant(0)), json)
  ).map((value) => {
    const box = other.encodeSecureSession(other.createSecureSession({ [SESSION_KEY]: value }))
    return box.replace(';', '.').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+/g, '')
  })
  const junk = fc.string({ unit: 'binary-ascii', maxLength: 300 }).map((text) => encodeURIComponent(text))
  let worst = 0
  await fc.assert(fc.asyncProperty(fc.oneof(sealed, junk), fc.constantFrom('/whoami', '/me', '/api/me'), async (cookie, url) => {
    const res = await testApp.app.inject({ url, headers: { cookie: `other=1; session=${cookie}` } })
    worst = Math.max(worst, res.statusCode)
    return res.statusCode < 500
  }), { numRuns: 300, seed: 18 })
  t.ok(worst < 500, `highest status ${worst}`)
})
