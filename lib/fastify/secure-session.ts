import type { FastifyInstance } from 'fastify'
import { ConfigurationError } from '../errors/configuration-error.js'
import type { DiscordSessionOptions } from '../options/plugin-options.js'
import { registerLazySecureSession, type LazySessionSettings } from './lazy-secure-session.js'

/** Session cookies remembered once decrypted, by default: the recently active users of a busy app. */
const REMEMBERED_COOKIES = 1000

/**
 * Whether the app registered `@fastify/secure-session` itself (with the default session name),
 * in which case fastify-discord uses that session and ignores its own `session` option.
 *
 * @param fastify - the instance the plugin is being registered on
 */
export function hasSecureSession (fastify: FastifyInstance): boolean {
  return fastify.hasDecorator('createSecureSession') || fastify.hasRequestDecorator('session')
}

/**
 * Sets up `request.session` from the `session` option with the cookie defaults a login needs,
 * unless the app registered `@fastify/secure-session` itself: secure-session's session, decoded
 * on first read (lazy-secure-session.ts), so that routes that never read it do not pay for it.
 *
 * @param fastify - the instance the plugin is being registered on
 * @param session - the resolved `session` option, `null` when none was given (which
 * resolveOptions() allows only when the app registered `@fastify/secure-session`)
 * @param lifetime - the resolved session lifetime, ms: `session.expiry`, or secure-session's default
 * @throws ConfigurationError when secure-session refuses the settings
 */
export async function registerSecureSession (fastify: FastifyInstance, session: DiscordSessionOptions | null, lifetime: number): Promise<void> {
  if (session === null || hasSecureSession(fastify)) return
  const keyed = session
  const cookie = { path: '/', httpOnly: true, sameSite: 'lax', secure: 'auto', ...keyed.cookie }
  const base = {
    cookie,
    ...(keyed.cookieName === undefined ? {} : { cookieName: keyed.cookieName }),
    expiry: lifetime / 1000
  }
  const settings = keyed.key !== undefined
    ? { ...base, key: keyed.key }
    : { ...base, secret: keyed.secret, ...(keyed.salt === undefined ? {} : { salt: keyed.salt }) }
  try {
    await registerLazySecureSession(fastify, settings as LazySessionSettings, keyed.remember ?? REMEMBERED_COOKIES)
  } catch (err) {
    // Its messages ("key must be 32 bytes") never contain the key itself.
    throw new ConfigurationError(`\`session\` is malformed: ${(err as Error).message}`)
  }
}
