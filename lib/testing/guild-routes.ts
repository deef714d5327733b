import type { FastifyInstance } from 'fastify'
import type { FakeContext } from './context.js'
import { HTTP_ERRORS, JSON_ERRORS, invalidFormBody, sendDiscordError } from './discord-errors.js'
import { resolvePrincipal } from './rest-auth.js'
import { guildMember } from './serializers.js'
import type { MemberOptions } from './store.js'

interface AddMemberBody {
  access_token?: unknown
  nick?: unknown
  roles?: unknown
  mute?: unknown
  deaf?: unknown
}

export function parseJSON (body: unknown): { ok: true, value: unknown } | { ok: false } {
  if (typeof body !== 'string' || body === '') return { ok: true, value: {} }
  try {
    return { ok: true, value: JSON.parse(body) }
  } catch {
    return { ok: false }
  }
}

/** `PUT /api/v10/guilds/{guild.id}/members/{user.id}`: a bot adds a user who granted `guilds.join`. */
export function registerGuildRoutes (app: FastifyInstance, ctx: FakeContext): void {
  app.put<{ Params: { guildId: string, userId: string } }>('/api/v10/guilds/:guildId/members/:userId', async (request, reply) => {
    const principal = resolvePrincipal(ctx, request.headers.authorization)
    if (principal === null || principal.kind !== 'bot') return sendDiscordError(reply, 401, HTTP_ERRORS[401])
    const parsed = parseJSON(request.body)
    if (!parsed.ok) return sendDiscordError(reply, 400, JSON_ERRORS.invalidJSON)
    const body = (typeof parsed.value === 'object' && parsed.value !== null ? parsed.value : {}) as AddMemberBody
    if (typeof body.access_token !== 'string') {
      return sendDiscordError(reply, 400, invalidFormBody('access_token', 'BASE_TYPE_REQUIRED', 'This field is required'))
    }
    const { guildId, userId } = request.params
    if (ctx.store.getGuild(guildId) === undefined) return sendDiscordError(reply, 404, JSON_ERRORS.unknownGuild)
    if (ctx.store.getMember(guildId, ctx.clientId) === undefined) return sendDiscordError(reply, 403, JSON_ERRORS.missingAccess)
    const grant = ctx.authorizations.findAccess(body.access_token)
    if (grant === undefined || grant.authorization.userId !== userId || !grant.authorization.scopes.includes('guilds.join')) {
      return sendDiscordError(reply, 403, JSON_ERRORS.invalidOAuth2AccessToken)
    }
    const user = ctx.store.getUser(userId)
    if (user === undefined) return sendDiscordError(reply, 404, JSON_ERRORS.unknownUser)
    if (ctx.store.getMember(guildId, userId) !== undefined) return reply.code(204).send()
    const opts: MemberOptions = {}
    if (typeof body.nick === 'string') opts.nick = body.nick
    if (Array.isArray(body.roles)) opts.roles = body.roles.filter((r): r is string => typeof r === 'string')
    if (typeof body.mute === 'boolean') opts.mute = body.mute
    if (typeof body.deaf === 'boolean') opts.deaf = body.deaf
    const member = ctx.store.addMember(guildId, userId, opts)
    return reply.code(201).send(guildMember(member, user))
  })
}
