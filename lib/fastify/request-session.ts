import type { FastifyInstance, FastifyRequest } from 'fastify'
import { DiscordSession } from '../session/discord-session.js'
import type { SessionContext } from '../session/session-context.js'

const kSession = Symbol('fastify-discord.session')

/**
 * Decorates every request with `request.discord`, built on first read: routes that never read
 * it never build one. A getter, since Fastify 5 refuses an object as a request decorator's
 * default.
 *
 * @param fastify - the instance the plugin is being registered on
 * @param ctx - what every session of this registration shares
 */
export function decorateRequestSession (fastify: FastifyInstance, ctx: SessionContext): void {
  fastify.decorateRequest(kSession, null)
  fastify.decorateRequest('discord', {
    getter (this: FastifyRequest): DiscordSession {
      const self = this as unknown as Record<typeof kSession, DiscordSession | null>
      let session = self[kSession]
      if (session === null) {
        session = new DiscordSession(this, ctx)
        self[kSession] = session
      }
      return session
    }
  })
}
