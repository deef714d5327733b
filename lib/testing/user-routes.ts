import type { FastifyInstance, FastifyReply } from 'fastify'
import type { FakeContext } from './context.js'
import { HTTP_ERRORS, JSON_ERRORS, invalidFormBody, sendDiscordError } from './discord-errors.js'
import { hasScope, resolvePrincipal } from './rest-auth.js'
import type { RestPrincipal } from './rest-auth.js'
import { connection, currentUser, guildMember, myGuild, publicUser } from './serializers.js'

const SNOWFLAKE = /^(0|[1-9][0-9]{0,19})$/

function unauthorized (reply: FastifyReply): FastifyReply {
  return sendDiscordError(reply, 401, HTTP_ERRORS[401])
}

/** The user id a principal acts as: the token's user, or the bot user (same id as the application). */
function actingUser (ctx: FakeContext, principal: RestPrincipal): string {
  return principal.kind === 'bot' ? ctx.clientId : principal.authorization.userId
}

type GuildQuery = { ok: true, before?: bigint, after?: bigint, limit: number, withCounts: boolean } | { ok: false, field: string, message: string }

function readGuildQuery (q: Record<string, string | undefined>): GuildQuery {
  for (const field of ['before', 'after'] as const) {
    const value = q[field]
    if (value !== undefined && !SNOWFLAKE.test(value)) return { ok: false, field, message: `Value "${value}" is not snowflake.` }
  }
  let limit = 200
  if (q.limit !== undefined) {
    limit = /^\d+$/.test(q.limit) ? Number(q.limit) : NaN
    if (!(limit >= 1 && limit <= 200)) return { ok: false, field: 'limit', message: 'Int value should be between 1 and 200.' }
  }
  return {
    ok: true,
    ...(q.before === undefined ? {} : { before: BigInt(q.before) }),
    ...(q.after === undefined ? {} : { after: BigInt(q.after) }),
    limit,
    withCounts: q.with_counts === 'true' || q.with_counts === '1'
  }
}

/** `GET /users/@me`, `/users/@me/guilds`, `/users/@me/connections`, `/users/@me/guilds/{id}/member`, `/users/{id}`. */
export function registerUserRoutes (app: FastifyInstance, ctx: FakeContext): void {
  app.get('/api/v10/users/@me', async (request, reply) => {
    const principal = resolvePrincipal(ctx, request.headers.authorization)
    if (principal === null || (principal.kind === 'bearer' && !hasScope(principal, 'identify'))) return unauthorized(reply)
    const user = ctx.store.getUser(actingUser(ctx, principal))
    if (user === undefined) return unauthorized(reply)
    // Bots see their own (empty) email fields; users only with the `email` scope.
    return currentUser(user, principal.kind === 'bot' || hasScope(principal, 'email'))
  })

  app.get('/api/v10/users/@me/guilds', async (request, reply) => {
    const principal = resolvePrincipal(ctx, request.headers.authorization)
    if (principal === null || (principal.kind === 'bearer' && !hasScope(principal, 'guilds'))) return unauthorized(reply)
    const query = readGuildQuery(request.query as Record<string, string | undefined>)
    if (!query.ok) return sendDiscordError(reply, 400, invalidFormBody(query.field, 'NUMBER_TYPE_COERCE', query.message))
    const userId = actingUser(ctx, principal)
    let guilds = ctx.store.guildsOf(userId)
    if (query.before !== undefined) {
      const before = query.before
      guilds = guilds.filter((g) => BigInt(g.guild.id) < before).slice(-query.limit)
    }
    if (query.after !== undefined) {
      const after = query.after
      guilds = guilds.filter((g) => BigInt(g.guild.id) > after)
    }
    return guilds.slice(0, query.limit)
      .map((g) => myGuild(g.guild, g.member, userId, query.withCounts, g.memberCount))
  })

  app.get('/api/v10/users/@me/connections', async (request, reply) => {
    const principal = resolvePrincipal(ctx, request.headers.authorization)
    if (principal === null || (principal.kind === 'bearer' && !hasScope(principal, 'connections'))) return unauthorized(reply)
    return ctx.store.getConnections(actingUser(ctx, principal)).map(connection)
  })

  app.get<{ Params: { guildId: string } }>('/api/v10/users/@me/guilds/:guildId/member', async (request, reply) => {
    const principal = resolvePrincipal(ctx, request.headers.authorization)
    if (principal === null || !hasScope(principal, 'guilds.members.read')) return unauthorized(reply)
    const userId = actingUser(ctx, principal)
    const member = ctx.store.getMember(request.params.guildId, userId)
    const user = ctx.store.getUser(userId)
    // Discord answers "Unknown Guild" both for a guild that does not exist and one the user is not in.
    if (member === undefined || user === undefined) return sendDiscordError(reply, 404, JSON_ERRORS.unknownGuild)
    return guildMember(member, user)
  })

  app.get<{ Params: { userId: string } }>('/api/v10/users/:userId', async (request, reply) => {
    const principal = resolvePrincipal(ctx, request.headers.authorization)
    if (principal === null || principal.kind !== 'bot') return unauthorized(reply)
    const user = ctx.store.getUser(request.params.userId)
    if (user === undefined) return sendDiscordError(reply, 404, JSON_ERRORS.unknownUser)
    return publicUser(user)
  })
}
