import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { isDiscordError } from '../errors/discord-error.js'
import { safeNext } from '../login/safe-next.js'
import { MAX_NEXT_LENGTH } from '../cookie/session-data.js'
import type { ResolvedOptions } from '../options/plugin-options.js'
import { completeCallback } from '../session/discord-session.js'
import { prefersHtml } from './prefers-html.js'

// Bounded so that junk is a 400 before any work; Discord's own values are far shorter.
const CallbackQuery = Type.Object({
  code: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
  state: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  error: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  error_description: Type.Optional(Type.String({ maxLength: 1024 })),
  error_uri: Type.Optional(Type.String({ maxLength: 1024 })),
  iss: Type.Optional(Type.String({ maxLength: 512 })),
  guild_id: Type.Optional(Type.String({ maxLength: 32 })),
  permissions: Type.Optional(Type.String({ maxLength: 32 }))
})

const FORM = 'application/x-www-form-urlencoded'

/**
 * Registers the built-in login (GET), callback (GET) and logout (POST) routes, each unless its
 * path option is `false`. They live in an encapsulated child so that the form parser of the
 * logout route does not leak into the app.
 *
 * @param fastify - the instance the plugin is registered on
 * @param options - resolved plugin options
 */
export async function registerRoutes (fastify: FastifyInstance, options: Pick<ResolvedOptions, 'loginPath' | 'callbackPath' | 'logoutPath' | 'successRedirect' | 'failureRedirect' | 'onGrant'>): Promise<void> {
  const { loginPath, callbackPath, logoutPath, successRedirect, failureRedirect } = options
  const onGrant = options.onGrant ?? null

  await fastify.register(async function discordRoutes (routes) {
    if (loginPath !== false) {
      routes.get(loginPath, async (request, reply) => {
        // createSession() keeps `next` only when it is a safe, same-origin path; anything else
        // (too long, repeated, so an array) is ignored as the README promises, never a 400.
        const { next } = (request.query ?? {}) as { next?: unknown }
        const url = await request.discord.createSession(typeof next === 'string' ? { next } : {})
        return reply.redirect(url, 302)
      })
    }

    if (callbackPath !== false) {
      routes.get(callbackPath, { schema: { querystring: CallbackQuery }, logSerializers: { req: redactedRequest } }, async (request, reply) => {
        try {
          const { next, grant } = await completeCallback(request.discord)
          let target = next ?? successRedirect
          if (onGrant !== null) {
            // The hook's target obeys the rules of `next`: an unsafe or over-long one is ignored.
            const chosen = safeNext(await onGrant(request, grant))
            if (chosen !== null && chosen.length <= MAX_NEXT_LENGTH) target = chosen
          }
          return await reply.redirect(target, 302)
        } catch (err) {
          // Configuration errors (500) are the app's bug and must show; anything else — denied,
          // bad state, Discord down or rate limiting — is a failed login for the user.
          // The guard's rule: a client that ranks HTML above JSON is a browser; anything else
          // (no Accept, `*/*`) gets the error as JSON.
          if (failureRedirect !== null && isDiscordError(err) && err.statusCode !== 500 && prefersHtml(request.headers.accept)) {
            return reply.redirect(failureRedirect, 302)
          }
          throw err
        }
      })
    }

    if (logoutPath !== false) {
      // A plain HTML form posts urlencoded; its body carries nothing the route needs.
      if (!routes.hasContentTypeParser(FORM)) {
        routes.addContentTypeParser(FORM, { parseAs: 'string', bodyLimit: 4096 }, (_request, _body, done) => { done(null, {}) })
      }
      routes.post(logoutPath, async (request: FastifyRequest, reply: FastifyReply) => {
        await request.discord.revoke()
        const session = (request as unknown as { session?: { delete (): void } }).session
        session?.delete()
        return reply.redirect('/', 302)
      })
    }
  })
}

/**
 * Fastify's request log line without the query: the callback's query holds the authorization
 * code, which must not reach the logs.
 */
function redactedRequest (request: FastifyRequest): Record<string, unknown> {
  const query = request.url.indexOf('?')
  return {
    method: request.method,
    url: query === -1 ? request.url : `${request.url.slice(0, query)}?[redacted]`,
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort
  }
}
