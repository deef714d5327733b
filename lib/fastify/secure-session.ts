import secureSession from '@fastify/secure-session'
import type { FastifyInstance } from 'fastify'
import { ConfigurationError } from '../errors/configuration-error.js'
import type { DiscordSessionOptions } from '../options/plugin-options.js'
import { requireSessionKey } from '../options/resolve-options.js'

/**
 * Reuses the app's `@fastify/secure-session`, or registers it from the `session` option with
 * the cookie defaults a login needs. When the app registered it, the `session` option (whose key
 * resolveOptions() checked) is ignored.
 *
 * @param fastify - the instance the plugin is being registered on
 * @param session - the resolved `session` option (its key checked), `null` when none was given
 * @throws ConfigurationError without a key to encrypt the cookie, or when secure-session refuses the settings
 */
export async function registerSecureSession (fastify: FastifyInstance, session: DiscordSessionOptions | null): Promise<void> {
  if (fastify.hasDecorator('createSecureSession') || fastify.hasRequestDecorator('session')) return
  // A `session` option had its key checked by resolveOptions(); without one there is no key at all.
  const keyed = session ?? requireSessionKey(null)
  const cookie = { path: '/', httpOnly: true, sameSite: 'lax', secure: 'auto', ...keyed.cookie }
  const base = {
    cookie,
    ...(keyed.cookieName === undefined ? {} : { cookieName: keyed.cookieName }),
    ...(keyed.expiry === undefined ? {} : { expiry: keyed.expiry })
  }
  const settings = keyed.key !== undefined
    ? { ...base, key: keyed.key }
    : { ...base, secret: keyed.secret, ...(keyed.salt === undefined ? {} : { salt: keyed.salt }) }
  try {
    await fastify.register(secureSession, settings as Parameters<typeof secureSession>[1])
  } catch (err) {
    // Its messages ("key must be 32 bytes") never contain the key itself.
    throw new ConfigurationError(`\`session\` is malformed: ${(err as Error).message}`)
  }
}
