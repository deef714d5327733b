import { randomBytes } from 'node:crypto'
import secureSession from '@fastify/secure-session'
import Fastify, { type FastifyRequest } from 'fastify'
import t from 'tap'
import { SessionCookie } from '../../lib/cookie/session-cookie.js'
import { SESSION_KEY } from '../../lib/cookie/session-data.js'
import { ConfigurationError } from '../../lib/errors/configuration-error.js'

function requestWith (session: unknown): FastifyRequest {
  return { session } as unknown as FastifyRequest
}

/** A session of another kind than secure-session's: only get/set/regenerate. */
function plainSession (): { values: Map<string, unknown>, get: (key: string) => unknown, set: (key: string, value: unknown) => void, regenerate: () => void } {
  const values = new Map<string, unknown>()
  return {
    values,
    get: (key) => values.get(key),
    set: (key, value) => { values.set(key, value) },
    regenerate: () => { values.clear() }
  }
}

// First in this file: before any secure-session session is seen in the process.
t.test('a session of another kind is read through its get()', async (t) => {
  const early = plainSession()
  early.set(SESSION_KEY, ['41'])
  t.same(new SessionCookie(requestWith(early)).read(), { userId: '41' }, 'before any secure-session session')
  const app = Fastify()
  t.teardown(async () => app.close())
  await app.register(secureSession, { key: randomBytes(32) })
  await app.ready()
  const [kValues] = Object.getOwnPropertySymbols(app.createSecureSession({})).filter((symbol) => symbol.description === 'object')
  const withNull = { ...plainSession(), [kValues as symbol]: null }
  const kinds = { 'a plain object': plainSession(), 'one with the same private key, holding no object': withNull }
  for (const [name, session] of Object.entries(kinds)) {
    session.set(SESSION_KEY, ['42'])
    const cookie = new SessionCookie(requestWith(session))
    t.same(cookie.read(), { userId: '42' }, name)
    cookie.write({ userId: '43' })
    t.same(session.values.get(SESSION_KEY), ['43'], name)
    cookie.regenerate()
    t.same(cookie.read(), {}, name)
  }
})

t.test('a secure-session session: read, write, and what the app does to it in between', async (t) => {
  const app = Fastify()
  t.teardown(async () => app.close())
  await app.register(secureSession, { key: randomBytes(32) })
  await app.ready()
  const session = app.createSecureSession({ [SESSION_KEY]: ['42'] })
  const request = requestWith(session)
  const cookie = new SessionCookie(request)
  t.same(cookie.read(), { userId: '42' })
  t.equal(cookie.read(), cookie.read(), 'decoded once per stored value')
  cookie.write({ userId: '43' })
  t.equal(session.changed, true)
  t.same(session.get(SESSION_KEY), ['43'])
  t.same(cookie.read(), { userId: '43' })
  session.regenerate()
  t.same(cookie.read(), {}, 'the app\'s regenerate() is seen')
  session.set(SESSION_KEY as never, ['44'] as never)
  t.same(cookie.read(), { userId: '44' }, 'and its own set()')
  const replacement = app.createSecureSession({ [SESSION_KEY]: ['45'] })
  ;(request as unknown as { session: unknown }).session = replacement
  t.same(cookie.read(), { userId: '45' }, 'a replaced request.session is read')
})

t.test('no request.session is a ConfigurationError', async (t) => {
  t.throws(() => new SessionCookie(requestWith(undefined)).read(), ConfigurationError)
  t.throws(() => new SessionCookie(requestWith(null)).read(), ConfigurationError)
})
