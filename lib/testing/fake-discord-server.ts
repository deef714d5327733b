import { STATUS_CODES } from 'node:http'
import type { AddressInfo } from 'node:net'
import Fastify from 'fastify'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify'
import type { APIConnection, APIGuild, APIUser } from 'discord-api-types/v10'
import { registerApplicationRoutes } from './application-routes.js'
import { AuthorizationStore } from './authorizations.js'
import { registerAuthorizeRoutes } from './authorize-routes.js'
import { CallLog, loggableQuery } from './call-log.js'
import { CDN_PREFIX, registerCdnRoutes } from './cdn-routes.js'
import type { FakeContext } from './context.js'
import { HTTP_ERRORS, sendDiscordError } from './discord-errors.js'
import type {
  FakeCall, FakeClock, FakeDiscord, FakeDiscordOptions, FakeFault, FakePluginOptions, FakeRateLimit, FakeTokenResponse
} from './fake-discord.js'
import { CLOUDFLARE_429_HTML, FaultInjector, gatewayErrorHTML } from './faults.js'
import { registerGuildRoutes } from './guild-routes.js'
import { randomBotToken, randomToken } from './random.js'
import { RateLimiter } from './rate-limiter.js'
import { registerRoleConnectionRoutes } from './role-connection-routes.js'
import { authKind } from './rest-auth.js'
import { DEFAULT_CLIENT_ID, SEED_IDS, seedBot, seedDemo } from './seed.js'
import { FakeStore } from './store.js'
import { REVOKE_PATH, TOKEN_PATH, registerTokenRoutes } from './token-routes.js'
import { registerUserRoutes } from './user-routes.js'

/** Methods a Discord route can answer 405 for. */
const METHODS: HTTPMethods[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']

/** Seven days: the lifetime of Discord's access tokens. */
const DEFAULT_TOKEN_EXPIRES_IN = 604800

interface Parts {
  readonly app: FastifyInstance
  readonly url: string
  readonly ctx: FakeContext
  readonly calls: CallLog
  readonly limiter: RateLimiter
  readonly faults: FaultInjector
  readonly hits: { count: number }
}

class FakeDiscordServer implements FakeDiscord {
  readonly url: string
  readonly seedUsers = { migrated: SEED_IDS.migrated, legacy: SEED_IDS.legacy, bot: '' }
  readonly seedGuilds = { owned: SEED_IDS.owned, admin: SEED_IDS.admin, plain: [...SEED_IDS.plain] }
  readonly #parts: Parts

  constructor (parts: Parts) {
    this.#parts = parts
    this.url = parts.url
    this.seedUsers.bot = parts.ctx.clientId
  }

  get pluginOptions (): FakePluginOptions {
    const { ctx } = this.#parts
    return {
      clientId: ctx.clientId,
      clientSecret: ctx.clientSecret,
      // The list is never empty: the constructor refuses an empty one and addRedirectUri only appends.
      redirectUri: ctx.redirectUris[0]!,
      botToken: ctx.botToken,
      apiBaseUrl: `${this.url}/api/v10`,
      authorizeUrl: `${this.url}/oauth2/authorize`,
      tokenUrl: `${this.url}${TOKEN_PATH}`,
      revokeUrl: `${this.url}${REVOKE_PATH}`,
      cdnBaseUrl: `${this.url}${CDN_PREFIX}`
    }
  }

  get clientId (): string { return this.#parts.ctx.clientId }
  get clientSecret (): string { return this.#parts.ctx.clientSecret }
  get botToken (): string { return this.#parts.ctx.botToken }
  get calls (): readonly FakeCall[] { return this.#parts.calls.calls }
  get rateLimitHits (): number { return this.#parts.hits.count }

  callCount (method: string, pathOrRoute: string, status?: number): number {
    return this.#parts.calls.count(method, pathOrRoute, status)
  }

  resetCalls (): void {
    this.#parts.calls.reset()
  }

  addUser (user: APIUser, extra: { guilds?: string[], connections?: APIConnection[] } = {}): void {
    const { store } = this.#parts.ctx
    store.addUser(user)
    for (const guildId of extra.guilds ?? []) this.addMember(guildId, user.id)
    if (extra.connections !== undefined) store.setConnections(user.id, extra.connections)
  }

  addGuild (guild: APIGuild, members: Record<string, { owner?: boolean, permissions?: string, roles?: string[], nick?: string | null }> = {}): void {
    const { store } = this.#parts.ctx
    store.addGuild(guild)
    for (const [userId, member] of Object.entries(members)) {
      const { owner, ...opts } = member
      store.addMember(guild.id, userId, opts)
      if (owner === true) store.setOwner(guild.id, userId)
    }
  }

  addMember (guildId: string, userId: string, opts: { permissions?: string, roles?: string[], nick?: string | null } = {}): void {
    this.#parts.ctx.store.addMember(guildId, userId, opts)
  }

  addRedirectUri (uri: string): void {
    const { redirectUris } = this.#parts.ctx
    if (!redirectUris.includes(uri)) redirectUris.push(uri)
  }

  setConsent (mode: 'page' | 'approve' | 'deny'): void {
    this.#parts.ctx.consent = mode
  }

  setActingUser (userId: string): void {
    this.#parts.ctx.actingUserId = userId
  }

  issueToken (userId: string, scopes: string[], opts: { expiresIn?: number } = {}): FakeTokenResponse {
    const { ctx } = this.#parts
    const issued = ctx.authorizations.issue(userId, scopes, { expiresIn: opts.expiresIn ?? ctx.tokenExpiresIn, refresh: true })
    return {
      access_token: issued.accessToken,
      // issue() with refresh: true always mints a refresh token.
      refresh_token: issued.refreshToken!,
      token_type: 'Bearer',
      expires_in: issued.expiresIn,
      scope: issued.authorization.scopes.join(' ')
    }
  }

  revokeToken (token: string): void {
    this.#parts.ctx.authorizations.revoke(token)
  }

  setRateLimit (route: string, limit: FakeRateLimit): void {
    this.#parts.limiter.setLimit(route, limit)
  }

  setGlobalRateLimit (perSecond: number | null): void {
    this.#parts.limiter.setGlobal(perSecond)
  }

  forceGlobal429 (retryAfter: number, count = 1): void {
    this.#parts.limiter.force(null, retryAfter, count)
  }

  forceShared429 (route: string, retryAfter: number, count = 1): void {
    this.#parts.limiter.force(route, retryAfter, count)
  }

  injectFault (route: string, fault: FakeFault): void {
    this.#parts.faults.inject(route, fault)
  }

  async close (): Promise<void> {
    await this.#parts.app.close()
  }
}

/** Applies a fault; returns true when the request was answered (or dropped) and must stop here. */
async function applyFault (fault: FakeFault, request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
  switch (fault.kind) {
    case 'delay':
      await new Promise((resolve) => setTimeout(resolve, fault.ms))
      return false
    case 'drop':
      // Simulates a connection reset: no status line, no body.
      reply.hijack()
      request.raw.socket.destroy()
      return true
    case 'html429':
      if (fault.retryAfter !== undefined) reply.header('retry-after', String(fault.retryAfter))
      reply.code(429).type('text/html; charset=UTF-8').send(CLOUDFLARE_429_HTML)
      return true
    case 'html200':
      reply.code(200).type('text/html; charset=UTF-8').send('<!DOCTYPE html><html><body>Discord is having trouble</body></html>')
      return true
    case 'empty200':
      reply.code(200).removeHeader('content-type').send('')
      return true
    case 'status':
      if (fault.status === 500) sendDiscordError(reply, 500, HTTP_ERRORS[500])
      else reply.code(fault.status).type('text/html').send(gatewayErrorHTML(fault.status))
      return true
  }
}

function buildApp (ctx: FakeContext, calls: CallLog, limiter: RateLimiter, faults: FaultInjector, hits: { count: number }, logger: boolean): FastifyInstance {
  const app = Fastify({ logger, forceCloseConnections: true })
  // Discord's own parsing rules apply (form-only token endpoint, JSON elsewhere), so routes get the raw text.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => { done(null, body) })

  const logged = new WeakMap<FastifyRequest, FakeCall>()
  app.addHook('onRequest', async (request, reply) => {
    const queryStart = request.url.indexOf('?')
    const path = queryStart === -1 ? request.url : request.url.slice(0, queryStart)
    const template = request.routeOptions.url ?? path
    const header = request.headers.authorization
    const auth = authKind(header)
    const call: FakeCall = {
      method: request.method,
      path,
      route: template,
      query: loggableQuery(request.query as Record<string, unknown>),
      auth,
      userId: auth === 'bearer' && header !== undefined ? ctx.authorizations.ownerOf(header.slice(7)) : null,
      status: 0,
      at: ctx.clock.now()
    }
    calls.record(call)
    logged.set(request, call)

    const fault = faults.take(request.method, path, template)
    if (fault !== undefined && await applyFault(fault, request, reply)) return reply
    if (path.startsWith('/api/')) {
      const decision = limiter.check(request.method, path, template, header ?? '')
      reply.headers(decision.headers)
      if (decision.limited) return reply.code(429).send(decision.body)
    }
    return undefined
  })
  app.addHook('onResponse', async (request, reply) => {
    const call = logged.get(request)
    if (call !== undefined) call.status = reply.statusCode
    if (reply.statusCode === 429) hits.count++
  })

  const routes = new Map<string, Set<string>>()
  app.addHook('onRoute', (route) => {
    const methods = routes.get(route.url) ?? new Set<string>()
    for (const m of [route.method].flat()) methods.add(m)
    routes.set(route.url, methods)
  })
  registerAuthorizeRoutes(app, ctx)
  registerTokenRoutes(app, ctx)
  registerUserRoutes(app, ctx)
  registerApplicationRoutes(app, ctx)
  registerGuildRoutes(app, ctx)
  registerRoleConnectionRoutes(app, ctx)
  registerCdnRoutes(app, ctx)
  // Discord answers a known path with the wrong method by 405, not 404.
  for (const [url, methods] of [...routes]) {
    if (url.startsWith(CDN_PREFIX)) continue
    const others = METHODS.filter((m) => !methods.has(m))
    app.route({ method: others, url, handler: async (_request, reply) => sendDiscordError(reply, 405, HTTP_ERRORS[405]) })
  }

  app.setNotFoundHandler(async (_request, reply) => sendDiscordError(reply, 404, HTTP_ERRORS[404]))
  app.setErrorHandler(async (error: FastifyError, _request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500
    return sendDiscordError(reply, status, { message: `${status}: ${STATUS_CODES[status] ?? 'Error'}`, code: 0 })
  })
  return app
}

/**
 * Starts an in-process fake Discord on a loopback port: OAuth2 (authorize page, token, revoke),
 * the user/guild/member REST routes, a CDN with real images, and rate-limit and fault simulation.
 *
 * @param opts - see {@link FakeDiscordOptions}; every option has a working default.
 * @returns the running fake; `close()` it when the test ends.
 *
 * @example
 * ```ts
 * const discord = await createFakeDiscord({ consent: 'approve' })
 * t.teardown(() => discord.close())
 * await app.register(fastifyDiscord, { ...discord.pluginOptions, session: { key } })
 * ```
 */
export async function createFakeDiscord (opts: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const clock: FakeClock = opts.clock ?? { now: () => Date.now() }
  const now = (): number => clock.now()
  const redirectUris = [...(opts.redirectUris ?? ['http://localhost:3000/callback'])]
  if (redirectUris.length === 0) throw new RangeError('`redirectUris` must name at least one URI')
  const tokenExpiresIn = opts.tokenExpiresIn ?? DEFAULT_TOKEN_EXPIRES_IN
  if (!(tokenExpiresIn > 0)) throw new RangeError('`tokenExpiresIn` must be a positive number of seconds')
  const clientId = opts.clientId ?? DEFAULT_CLIENT_ID
  const appName = opts.appName ?? 'Fake App'
  const store = new FakeStore(now)
  const ctx: FakeContext = {
    clock,
    store,
    authorizations: new AuthorizationStore(now),
    clientId,
    clientSecret: opts.clientSecret ?? randomToken(32),
    botToken: opts.botToken ?? randomBotToken(clientId),
    appName,
    redirectUris,
    consent: opts.consent ?? 'page',
    actingUserId: opts.actingUserId ?? SEED_IDS.migrated,
    tokenExpiresIn
  }
  seedBot(store, clientId, appName)
  if (opts.seed !== false) seedDemo(store, clientId)

  const calls = new CallLog()
  const limiter = new RateLimiter(now)
  const faults = new FaultInjector()
  const hits = { count: 0 }
  const app = buildApp(ctx, calls, limiter, faults, hits, opts.logger ?? false)
  const host = opts.host ?? '127.0.0.1'
  await app.listen({ port: opts.port ?? 0, host })
  // A TCP listener's address is always an AddressInfo (a string only for pipes and sockets).
  const { port } = app.server.address() as AddressInfo
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  return new FakeDiscordServer({ app, url, ctx, calls, limiter, faults, hits })
}
