import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { openUsersCache } from './cache/open-users-cache.js'
import { createUsersCache } from './cache/users-cache.js'
import { createDiscordApp } from './fastify/discord-app.js'
import { rateLimitReplyHook } from './fastify/rate-limit-reply.js'
import { decorateRequestSession } from './fastify/request-session.js'
import { createRequireAuthorization } from './fastify/require-authorization.js'
import { registerRoutes } from './fastify/routes.js'
import { hasSecureSession, registerSecureSession } from './fastify/secure-session.js'
import { createSessionSealer } from './fastify/session-sealer.js'
import { UsedStates } from './login/used-states.js'
import { createDiscordOAuthClient } from './oauth/discord-oauth-client.js'
import type { DiscordPluginOptions } from './options/plugin-options.js'
import { resolveOptions } from './options/resolve-options.js'
import { createBotRequest } from './resources/bot-request.js'
import { openRedis } from './redis/open-redis.js'
import type { SharedRedis } from './redis/shared-redis.js'
import { RestClient } from './rest/rest-client.js'
import { withPluginContext } from './rest/rest-options.js'
import { RefreshCoordinator } from './tokens/refresh-coordinator.js'
import { RedisTokenStore } from './tokens/redis-token-store.js'
import { MemoryRevokedSessions } from './tokens/revoked-sessions.js'
import { SharedRefreshes } from './tokens/shared-refreshes.js'
import { SharedRevokedSessions } from './tokens/shared-revoked-sessions.js'
import './augment.js'

async function fastifyDiscordPlugin (fastify: FastifyInstance, input: DiscordPluginOptions): Promise<void> {
  const options = resolveOptions(input, process.env, { sessionRegistered: hasSecureSession(fastify) })
  if ((input as { prefix?: unknown } | undefined)?.prefix !== undefined) {
    // fastify-plugin skips encapsulation, so Fastify applies no prefix to these routes.
    fastify.log.warn('fastify-discord: the `prefix` register option has no effect; set loginPath, callbackPath and logoutPath instead')
  }
  await registerSecureSession(fastify, options.session, options.sessionLifetime)

  const { now } = options
  const redis = options.redis === null ? null : await openRedis(options.redis, options.redisPrefix, fastify.log)
  const sealer = createSessionSealer(fastify)
  // resolveOptions() refuses `tokenStore: 'redis'` without `redis`.
  const tokenStore = options.tokenStore === 'redis' ? new RedisTokenStore(redis as SharedRedis, sealer, options.sessionLifetime) : options.tokenStore
  const { clientId, clientSecret, redirectUri, authorizeUrl, tokenUrl, revokeUrl } = options
  const oauth = await createDiscordOAuthClient(fastify, { clientId, clientSecret, redirectUri, authorizeUrl, tokenUrl, revokeUrl, now, timeout: options.rest.timeout })
  const rest = new RestClient(withPluginContext(options.rest, fastify.log, redis))
  const cache = 'get' in options.cache ? createUsersCache({ store: options.cache }) : await openUsersCache(options.cache, redis)
  const resources = { cache, cdnBaseUrl: options.cdnBaseUrl, applicationId: clientId, botRequest: createBotRequest(rest, options.botToken) }
  const refresher = new RefreshCoordinator({
    ttl: REFRESH_RESULT_TTL,
    // The lock outlives a refresh at Discord, which is bounded by the REST timeout.
    shared: redis === null ? null : new SharedRefreshes({ redis, sealer, lockTtl: options.rest.timeout + 1000, resultTtl: REFRESH_RESULT_TTL })
  })
  const usedStates = new UsedStates({ redis })
  const revoked = redis === null ? new MemoryRevokedSessions({ now }) : new SharedRevokedSessions({ redis, now, lifetime: options.sessionLifetime })
  if (revoked instanceof SharedRevokedSessions) await revoked.start()
  decorateRequestSession(fastify, {
    tokens: { oauth, rest, cache, refresher, tokenStore, now, revoked, sessionLifetime: options.sessionLifetime },
    login: { oauth, rest, cache, usedStates, scope: options.scope, prompt: options.prompt, issuers: options.issuers, now, cdnBaseUrl: options.cdnBaseUrl },
    resources,
    rest
  })
  const requireAuthorization = createRequireAuthorization({ loginPath: options.loginPath })
  fastify.decorate('discord', createDiscordApp({ requireAuthorization, rest, resources }))
  fastify.addHook('onError', rateLimitReplyHook)
  fastify.addHook('onClose', async () => {
    rest.close()
    refresher.clear()
    usedStates.clear()
    revoked.clear()
    await redis?.close()
  })
  await registerRoutes(fastify, options)
}

/** How long a refresh's result is handed to requests still carrying the old refresh token, ms. */
const REFRESH_RESULT_TTL = 60_000

/**
 * The fastify-discord plugin: "Log in with Discord" routes, `request.discord` and
 * `fastify.discord`.
 *
 * @example
 * ```ts
 * await app.register(fastifyDiscord, { clientId, clientSecret, redirectUri, session: { key } })
 * ```
 */
const fastifyDiscord = fp(fastifyDiscordPlugin, { fastify: '5.x', name: 'fastify-discord' })

export default fastifyDiscord
