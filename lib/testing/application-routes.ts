import { createHash } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { FakeContext } from './context.js'
import { HTTP_ERRORS, sendDiscordError } from './discord-errors.js'
import { hasScope, resolvePrincipal } from './rest-auth.js'
import { publicUser } from './serializers.js'

/** The application object Discord embeds in `GET /oauth2/@me`. */
function application (ctx: FakeContext): Record<string, unknown> {
  return {
    id: ctx.clientId,
    name: ctx.appName,
    icon: null,
    description: '',
    type: null,
    // seedBot() adds the bot user to every fake, seeded or not.
    bot: publicUser(ctx.store.getUser(ctx.clientId)!),
    bot_public: true,
    bot_require_code_grant: false,
    // A stable stand-in for the application's Ed25519 public key (hex).
    verify_key: createHash('sha256').update(ctx.clientId).digest('hex'),
    flags: 0,
    flags_new: '0'
  }
}

/** `GET /api/v10/oauth2/@me`: the current authorization (bearer tokens only). */
export function registerApplicationRoutes (app: FastifyInstance, ctx: FakeContext): void {
  app.get('/api/v10/oauth2/@me', async (request, reply) => {
    const principal = resolvePrincipal(ctx, request.headers.authorization)
    if (principal === null || principal.kind !== 'bearer') return sendDiscordError(reply, 401, HTTP_ERRORS[401])
    const user = ctx.store.getUser(principal.authorization.userId)
    return {
      application: application(ctx),
      scopes: [...principal.authorization.scopes],
      expires: new Date(principal.expiresAt).toISOString(),
      ...(user !== undefined && hasScope(principal, 'identify') ? { user: publicUser(user) } : {})
    }
  })
}
