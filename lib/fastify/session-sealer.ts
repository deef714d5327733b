import type { FastifyInstance } from 'fastify'
import type { Sealer } from '../contracts/sealer.js'

/** The one field of the sealed box; a box pasted in as a session cookie holds no login. */
const FIELD = 'fastify-discord:sealed'

/**
 * A {@link Sealer} on @fastify/secure-session's `encodeSecureSession`/`decodeSecureSession`: the
 * session key (and its rotation) seals what the plugin keeps in Redis, with no cipher of ours.
 *
 * @param fastify - an instance on which @fastify/secure-session is registered
 */
export function createSessionSealer (fastify: FastifyInstance): Sealer {
  return {
    seal (value: unknown): string {
      return fastify.encodeSecureSession(fastify.createSecureSession({ [FIELD]: value }))
    },
    open (text: string): unknown {
      // Its own logger would note a tampered box at debug level; nothing to add.
      const session = fastify.decodeSecureSession(text, fastify.log)
      return session === null ? undefined : session.get(FIELD)
    }
  }
}
