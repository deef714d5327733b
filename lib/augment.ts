/// <reference types="@fastify/secure-session" preserve="true" />
/**
 * Type augmentation of Fastify by fastify-discord: `request.discord` and `fastify.discord`, and
 * @fastify/secure-session's `request.session` and `fastify.createSecureSession`/
 * `encodeSecureSession`/`decodeSecureSession`, which the plugin sets up from its `session` option.
 * Imported (for types only) by the plugin entry, so any import of the package brings it in.
 */
import type { DiscordApp } from './fastify/discord-app.js'
import type { DiscordSession } from './session/discord-session.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The Discord OAuth2 session of this request, created on first access. */
    discord: DiscordSession
  }
  interface FastifyInstance {
    /** The app-level Discord client of fastify-discord. */
    discord: DiscordApp
  }
}
