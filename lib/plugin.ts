import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import secureSession from '@fastify/secure-session'
import type { UsersCache } from './cache/users-cache.js'
import { createUsersCache } from './cache/users-cache.js'
import { ConfigurationError } from './errors/configuration-error.js'
import { ErrorCodes } from './errors/codes.js'
import { createRequireAuthorization, type RequireAuthorization } from './guard/require-authorization.js'
import { rateLimitReplyHook } from './hooks/rate-limit-reply.js'
import type { Bot } from './models/bot.js'
import { createDiscordOAuthClient } from './oauth/discord-oauth-client.js'
import { registerRoutes } from './oauth/routes.js'
import { requireSessionKey, resolveOptions, type DiscordPluginOptions, type ResolvedOptions } from './options.js'
import { fetchAuthorization } from './resources/fetch-authorization.js'
import { fetchBot } from './resources/fetch-bot.js'
import { fetchConnections } from './resources/fetch-connections.js'
import { fetchGuildMember } from './resources/fetch-guild-member.js'
import { fetchGuilds } from './resources/fetch-guilds.js'
import { fetchUser, getCachedUser } from './resources/fetch-user.js'
import type { ResourceContext } from './resources/resource-types.js'
import { RestClient } from './rest/rest-client.js'
import { DiscordSession, type DiscordRequestOptions, type SessionContext } from './session/discord-session.js'
import { RefreshCoordinator } from './session/refresh-coordinator.js'
import { UsedStates } from './session/used-states.js'
import './augment.js'

/** Options of `fastify.discord.request()`: a REST call with a bearer token you hold. */
export interface AppRequestOptions extends Omit<DiscordRequestOptions, 'oauth'> {
  /** A user's OAuth2 access token. */
  token: string
}

/** `fastify.discord`: the app-level Discord client. */
export interface DiscordApp {
  /** preHandler guard: bare, or `requireAuthorization({ scopes })`. */
  readonly requireAuthorization: RequireAuthorization
  /** Calls an API route with a bearer token you hold (outside a user's request). */
  request<ResultType = unknown> (route: string, options: AppRequestOptions): Promise<ResultType>
  /** Calls an API route with `Authorization: Bot <botToken>`. @throws ConfigurationError without a bot token */
  botRequest<ResultType = unknown> (route: string, options?: Omit<DiscordRequestOptions, 'oauth'>): Promise<ResultType>
  /** The application's bot user. */
  fetchBot (): Promise<Bot>
  /** The users cache. */
  readonly cache: UsersCache
  /** The REST client shared by every request. */
  readonly rest: RestClient
}

const kSession = Symbol('fastify-discord.session')

async function fastifyDiscordPlugin (fastify: FastifyInstance, input: DiscordPluginOptions): Promise<void> {
  const options = resolveOptions(input)
  if ((input as { prefix?: unknown } | undefined)?.prefix !== undefined) {
    // fastify-plugin skips encapsulation, so Fastify applies no prefix to these routes.
    fastify.log.warn('fastify-discord: the `prefix` register option has no effect; set loginPath, callbackPath and logoutPath instead')
  }
  await ensureSession(fastify, options)

  const oauth = await createDiscordOAuthClient(fastify, {
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    redirectUri: options.redirectUri,
    authorizeUrl: options.authorizeUrl,
    tokenUrl: options.tokenUrl,
    revokeUrl: options.revokeUrl,
    now: options.now,
    ...(options.rest.timeout === undefined ? {} : { timeout: options.rest.timeout })
  })
  const rest = new RestClient({ ...options.rest, apiBaseUrl: options.apiBaseUrl, logger: fastify.log })
  const cache = 'get' in options.cache
    ? createUsersCache({ store: options.cache })
    : createUsersCache(options.cache)
  const botToken = options.botToken

  async function botRequest<ResultType = unknown> (route: string, opts: Omit<DiscordRequestOptions, 'oauth'> = {}): Promise<ResultType> {
    if (botToken === null) {
      throw new ConfigurationError('a bot token is needed for this call: pass `botToken` to register() or set DISCORD_BOT_TOKEN', ErrorCodes.NO_BOT_TOKEN)
    }
    return rest.request<ResultType>(route, { ...opts, auth: { type: 'Bot', token: botToken } })
  }

  const resourceContext: ResourceContext = { cache, cdnBaseUrl: options.cdnBaseUrl, botRequest }
  const ctx: SessionContext = {
    options,
    oauth,
    rest,
    cache,
    refresher: new RefreshCoordinator(),
    usedStates: new UsedStates(),
    // Not async: they hand on the resource's own promise rather than wrap it in another one
    // (each wrapping async function costs every cached fetch a promise and microtask ticks).
    resources: {
      fetchUser: (session, opts) => fetchUser(session, resourceContext, opts),
      fetchGuilds: (session, opts) => fetchGuilds(session, resourceContext, opts),
      fetchConnections: (session, opts) => fetchConnections(session, resourceContext, opts),
      fetchGuildMember: (session, guildId) => fetchGuildMember(session, resourceContext, guildId),
      fetchAuthorization: (session) => fetchAuthorization(session, resourceContext),
      getCachedUser: (session) => getCachedUser(session, resourceContext),
      botRequest
    }
  }

  fastify.decorateRequest(kSession, null)
  // A getter: routes that never read `request.discord` never build one.
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

  const app: DiscordApp = {
    requireAuthorization: createRequireAuthorization({ loginPath: options.loginPath }),
    async request<ResultType = unknown> (route: string, { token, ...opts }: AppRequestOptions): Promise<ResultType> {
      if (typeof token !== 'string' || token === '') throw new TypeError('`token` must be an OAuth2 access token')
      return rest.request<ResultType>(route, { ...opts, auth: { type: 'Bearer', token } })
    },
    botRequest,
    fetchBot: async () => fetchBot(resourceContext),
    cache,
    rest
  }
  fastify.decorate('discord', app)
  fastify.addHook('onError', rateLimitReplyHook)
  fastify.addHook('onClose', async () => {
    rest.close()
    ctx.refresher.clear()
    ctx.usedStates.clear()
  })

  await registerRoutes(fastify, options)
}

/**
 * Reuses the app's `@fastify/secure-session`, or registers it from the `session` option with
 * cookie defaults a login needs.
 */
async function ensureSession (fastify: FastifyInstance, options: ResolvedOptions): Promise<void> {
  if (fastify.hasDecorator('createSecureSession') || fastify.hasRequestDecorator('session')) return
  const session = requireSessionKey(options.session)
  const cookie = { path: '/', httpOnly: true, sameSite: 'lax', secure: 'auto', ...session.cookie }
  const base = {
    cookie,
    ...(session.cookieName === undefined ? {} : { cookieName: session.cookieName }),
    ...(session.expiry === undefined ? {} : { expiry: session.expiry })
  }
  const keyed = session.key !== undefined
    ? { ...base, key: session.key }
    : { ...base, secret: session.secret, ...(session.salt === undefined ? {} : { salt: session.salt }) }
  try {
    await fastify.register(secureSession, keyed as Parameters<typeof secureSession>[1])
  } catch (err) {
    // Its messages ("key must be 32 bytes") never contain the key itself.
    throw new ConfigurationError(`\`session\` is malformed: ${(err as Error).message}`)
  }
}

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
