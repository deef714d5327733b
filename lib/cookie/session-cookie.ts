import type { FastifyRequest } from 'fastify'
import { ConfigurationError } from '../errors/configuration-error.js'
import { decodeSessionData, encodeSessionData } from './session-codec.js'
import { SESSION_KEY, type DiscordSessionData } from './session-data.js'

/** The part of `@fastify/secure-session`'s `request.session` fastify-discord uses. */
interface SecureSession {
  get (key: string): unknown
  set (key: string, value: unknown): void
  regenerate (ignoreFields?: string[]): void
}

const NOTHING_READ = Symbol('nothing read')

/**
 * The private key under which secure-session's `Session` keeps its values, found by its
 * description on the first session that has it; `undefined` until then (a session of another
 * kind, or a version of secure-session without it, is read through `get`).
 */
let kValues: symbol | undefined

/** The object a secure-session `Session` keeps its values in, read in place; `undefined` if not found. */
function valuesOf (session: SecureSession): Record<string, unknown> | undefined {
  if (kValues === undefined) kValues = Object.getOwnPropertySymbols(session).find((symbol) => symbol.description === 'object')
  if (kValues === undefined) return undefined
  const values = (session as unknown as Record<symbol, unknown>)[kValues]
  return typeof values === 'object' && values !== null ? values as Record<string, unknown> : undefined
}

/**
 * What fastify-discord keeps in one request's encrypted session cookie, under
 * {@link SESSION_KEY}: the only code that reads or writes that key. (The logout route deletes
 * the whole session, the app's keys with it.)
 */
export class SessionCookie {
  readonly #request: FastifyRequest
  /**
   * The session's values, or else its `get`, taken once per session object: secure-session's
   * Proxy wraps its methods in a new Proxy on every property read and each call goes through
   * another, and a guarded request reads the session several times.
   */
  #values: Record<string, unknown> | undefined
  #get: SecureSession['get'] | undefined
  #of: SecureSession | undefined
  /** The stored value last read or written, and what it decodes to. */
  #stored: unknown = NOTHING_READ
  #decoded: DiscordSessionData = {}

  constructor (request: FastifyRequest) {
    this.#request = request
  }

  /**
   * What the cookie holds now. Decoded once per stored value: whoever replaces it (we, or the
   * app's `regenerate()`) makes a new one.
   * @throws ConfigurationError without `request.session`
   */
  read (): DiscordSessionData {
    const session = this.#session()
    if (session !== this.#of) {
      this.#of = session
      this.#values = valuesOf(session)
      if (this.#values === undefined) this.#get = session.get
    }
    const values = this.#values
    const value = values !== undefined ? values[SESSION_KEY] : (this.#get as SecureSession['get']).call(session, SESSION_KEY)
    if (value !== this.#stored) {
      this.#stored = value
      this.#decoded = decodeSessionData(value)
    }
    return this.#decoded
  }

  /** Replaces what the cookie holds. */
  write (data: DiscordSessionData): void {
    const stored = encodeSessionData(data)
    this.#session().set(SESSION_KEY, stored)
    this.#stored = stored
    // What the next request will read, not what was passed in (the stored form drops what it cannot hold).
    this.#decoded = decodeSessionData(stored)
  }

  /** Starts a fresh session (no fixation across a login); the app's own keys go too. */
  regenerate (): void {
    this.#session().regenerate()
  }

  #session (): SecureSession {
    const session = (this.#request as unknown as { session?: SecureSession | null }).session
    if (session === undefined || session === null) {
      throw new ConfigurationError('fastify-discord needs `request.session` from @fastify/secure-session (default session name)')
    }
    return session
  }
}
