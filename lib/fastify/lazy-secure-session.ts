import secureSession from '@fastify/secure-session'
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { fromCookieValue, toCookieValue } from '../cookie/sealed-cookie-value.js'
import { SessionMemo } from './session-memo.js'

type Session = FastifyRequest['session']

/** The `@fastify/secure-session` settings fastify-discord registers it with (one session, the default name). */
export type LazySessionSettings = Parameters<typeof secureSession>[1] & {
  cookieName?: string
  cookie: Record<string, unknown>
  /** Given, not left to secure-session's default: a remembered session's expiry is checked against it. */
  expiry: number
}

/** What the session needs of `@fastify/secure-session` and `@fastify/cookie`, taken from a child context. */
interface Parts {
  create: FastifyInstance['createSecureSession']
  encode: FastifyInstance['encodeSecureSession']
  decode: FastifyInstance['decodeSecureSession']
  parseCookie: (header: string) => Record<string, string | undefined>
  serializeCookie: (name: string, value: string, options: Record<string, unknown>) => string
  signCookie: ((value: string) => string) | undefined
  unsignCookie: ((value: string) => { valid: boolean, value: string | null }) | undefined
}

const kSession = Symbol('fastify-discord.session-state')

/**
 * Longest cookie value remembered. A browser keeps cookies of up to 4 KB (RFC 6265's minimum,
 * which browsers hold to), so a longer value is no browser's.
 */
const MAX_REMEMBERED_LENGTH = 4096

/**
 * `@fastify/secure-session` without its hooks: `request.session` is the same session object,
 * decoded from the cookie on first read, and the cookie is written only when it changed.
 *
 * secure-session decodes the cookie of every request in an `onRequest` hook, and its
 * `@fastify/cookie` parses every `Cookie` header, whether a route reads the session or not.
 * Here secure-session is registered in a child context with no routes, only for its functions
 * (its own cipher, key rotation and expiry: no cipher of ours); the app's routes never run its
 * hooks. A route that never reads `request.session` (nor `request.discord`) pays for one
 * `onSend` hook that finds nothing to do. As with secure-session, `fastify.createSecureSession`,
 * `encodeSecureSession` and `decodeSecureSession` are on the app.
 *
 * The cookie value is secure-session's box in URL-safe base64 (see sealed-cookie-value.ts);
 * a cookie in secure-session's own form is read too. A cookie value secure-session opened is
 * remembered (session-memo.ts, `session.remember`): the next request with it gets a new session
 * of the same values without the decryption, as long as secure-session's expiry test on them
 * still passes.
 *
 * Unlike with secure-session registered by the app, `request.cookies` and `reply.setCookie` come
 * only from an `@fastify/cookie` the app registers itself.
 *
 * @param fastify - the instance the plugin is being registered on
 * @param settings - secure-session's options
 * @param remembered - most cookie values remembered once opened; 0: none
 * @throws what secure-session throws for malformed settings
 */
export async function registerLazySecureSession (fastify: FastifyInstance, settings: LazySessionSettings, remembered: number): Promise<void> {
  let taken: Parts | undefined
  await fastify.register(async function secureSessionFunctions (child) {
    await child.register(secureSession, settings)
    // secure-session registers @fastify/cookie here unless the app did, whose functions it then uses.
    const cookies = child as unknown as Parts & { hasDecorator: (name: string) => boolean }
    taken = {
      create: child.createSecureSession,
      encode: child.encodeSecureSession,
      decode: child.decodeSecureSession,
      parseCookie: cookies.parseCookie,
      serializeCookie: cookies.serializeCookie,
      signCookie: cookies.hasDecorator('signCookie') ? cookies.signCookie : undefined,
      unsignCookie: cookies.hasDecorator('unsignCookie') ? cookies.unsignCookie : undefined
    }
  })
  const parts = taken as Parts
  const { create, encode, decode, parseCookie, serializeCookie, signCookie, unsignCookie } = parts
  const cookieName = settings.cookieName ?? 'session'
  // secure-session filled in its defaults (httpOnly) on this very object.
  const cookieOptions = settings.cookie
  const signed = cookieOptions['signed'] === true
  const kCookieOptions = sessionSymbol(create, 'cookie options')

  fastify.decorate('createSecureSession', create)
  fastify.decorate('encodeSecureSession', encode)
  fastify.decorate('decodeSecureSession', (cookie: string, log: FastifyBaseLogger = fastify.log, sessionName?: string) =>
    decode(typeof cookie === 'string' ? fromCookieValue(cookie) : cookie, log, sessionName))

  const expiry = settings.expiry
  const memo = remembered === 0 ? null : new SessionMemo({ max: remembered, maxValueLength: MAX_REMEMBERED_LENGTH })
  const kValues = sessionSymbol(create, 'object')

  function open (request: FastifyRequest): Session {
    const header = request.headers.cookie
    if (header !== undefined) {
      let value = parseCookie(header)[cookieName]
      if (value !== undefined) {
        if (signed && unsignCookie !== undefined) {
          const unsigned = unsignCookie(value)
          if (unsigned.valid && unsigned.value !== null) value = unsigned.value
        }
        const known = memo?.get(value)
        if (known !== undefined) {
          // secure-session's own test, on its clock: past it, its decode says so (and logs it).
          if ((known.issuedAt + expiry) * 1000 - Date.now() > 0) {
            const session = create(JSON.parse(known.json) as Record<string, unknown>)
            session.changed = known.rotated
            return session
          }
          memo?.forget(value)
        }
        const session = decode(fromCookieValue(value), request.log)
        if (session !== null) {
          if (memo !== null) remember(memo, value, session)
          return session
        }
      }
    }
    return create({})
  }

  /** Remembers a session just opened, before anyone could change it. */
  function remember (memo: SessionMemo, value: string, session: Session): void {
    const values = kValues === undefined ? undefined : (session as unknown as Record<symbol, Record<string, unknown> | undefined>)[kValues]
    const issuedAt = values?.['__ts']
    if (typeof issuedAt !== 'number') return
    memo.remember(value, { json: JSON.stringify(values), issuedAt, rotated: session.changed })
  }

  fastify.decorateRequest(kSession, null)
  fastify.decorateRequest('session', {
    getter (this: FastifyRequest): Session {
      const self = this as unknown as Record<typeof kSession, Session | null>
      let session = self[kSession]
      if (session === null) {
        session = open(this)
        self[kSession] = session
      }
      return session
    },
    setter (this: FastifyRequest, value: Session | null) {
      (this as unknown as Record<typeof kSession, Session | null>)[kSession] = value
    }
  })

  function setCookieHeader (request: FastifyRequest, reply: FastifyReply, session: Session): void {
    const perSession = kCookieOptions === undefined ? null : (session as unknown as Record<symbol, object | null>)[kCookieOptions]
    const options: Record<string, unknown> = { sameSite: 'lax', ...cookieOptions, ...perSession }
    let value = ''
    if (session.deleted) {
      options['expires'] = new Date(0)
      options['maxAge'] = 0
    } else {
      value = toCookieValue(encode(session))
    }
    if (typeof options['expires'] === 'number' && Number.isInteger(options['expires'])) options['expires'] = new Date(options['expires'])
    if (options['signed'] === true && signCookie !== undefined) value = signCookie(value)
    if (options['secure'] === 'auto') options['secure'] = request.protocol === 'https'
    // Fastify appends to a Set-Cookie header already there (the app's own cookies).
    reply.header('set-cookie', serializeCookie(cookieName, value, options))
  }

  fastify.addHook('onSend', (request, reply, _payload, done) => {
    const session = (request as unknown as Record<typeof kSession, Session | null>)[kSession]
    if (session === null || !session.changed) {
      done()
      return
    }
    try {
      setCookieHeader(request, reply, session)
    } catch (err) {
      done(err as Error)
      return
    }
    done()
  })
}

/**
 * One of the private symbols of secure-session's `Session`, found by its description on a probe
 * session: `'cookie options'` (what `session.options()` set, so per-session cookie options keep
 * working) and `'object'` (its values, read to remember a session). `undefined` if a version of
 * secure-session no longer has it: then only the registered cookie options apply, and nothing is
 * remembered (every request is opened by secure-session).
 */
function sessionSymbol (create: Parts['create'], description: string): symbol | undefined {
  return Object.getOwnPropertySymbols(create({})).find((symbol) => symbol.description === description)
}
