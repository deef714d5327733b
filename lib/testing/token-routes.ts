import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { IssuedTokens } from './authorizations.js'
import { authenticateClient } from './client-auth.js'
import type { FakeContext } from './context.js'
import { sendOAuthError } from './discord-errors.js'
import { parseForm } from './form.js'
import { isValidVerifier, s256 } from './pkce.js'
import { KNOWN_SCOPES, parseScopes } from './scopes.js'
import { guildObject, incomingWebhook, type FakeWebhook } from './serializers.js'

/** Discord's token endpoint, relative to the fake's root. */
export const TOKEN_PATH = '/api/v10/oauth2/token'
/** Discord's revoke endpoint, relative to the fake's root. */
export const REVOKE_PATH = '/api/v10/oauth2/token/revoke'

type Fields = Map<string, string>

/** Parses the form and authenticates the client; replies with the error and returns null on failure. */
function readClientRequest (ctx: FakeContext, request: FastifyRequest, reply: FastifyReply, wrongTypeError: 'unsupported_grant_type' | 'invalid_request'): Fields | null {
  const form = parseForm(request.headers['content-type'], request.body)
  if (!form.ok) {
    if (form.reason === 'content-type') {
      // Discord reads the grant from a form body only; a JSON body reads as no grant at all.
      sendOAuthError(reply, 400, wrongTypeError, wrongTypeError === 'unsupported_grant_type'
        ? 'Unsupported grant type: the body must be application/x-www-form-urlencoded.'
        : 'The body must be application/x-www-form-urlencoded.')
    } else {
      sendOAuthError(reply, 400, 'invalid_request', `Parameter "${form.name}" was sent more than once.`)
    }
    return null
  }
  const auth = authenticateClient(request.headers.authorization, form.fields, ctx)
  if (!auth.ok) {
    if (auth.error === 'invalid_client') {
      if (auth.basic) reply.header('www-authenticate', 'Basic realm="discord"')
      sendOAuthError(reply, 401, 'invalid_client', auth.description)
    } else {
      sendOAuthError(reply, 400, 'invalid_request', auth.description)
    }
    return null
  }
  return form.fields
}

function tokenBody (ctx: FakeContext, issued: IssuedTokens, webhook: FakeWebhook | null = null): Record<string, unknown> {
  const body: Record<string, unknown> = {
    token_type: 'Bearer',
    access_token: issued.accessToken,
    expires_in: issued.expiresIn,
    ...(issued.refreshToken === null ? {} : { refresh_token: issued.refreshToken }),
    scope: issued.authorization.scopes.join(' ')
  }
  const guildId = issued.authorization.guildId
  const guild = guildId === null ? undefined : ctx.store.getGuild(guildId)
  // The `bot` scope's token response names the guild the bot was added to.
  if (guild !== undefined) body.guild = guildObject(guild)
  // A `webhook.incoming` code exchange hands out the webhook it created, token included.
  if (webhook !== null) body.webhook = incomingWebhook(webhook, ctx.clientId, ctx.store.getUser(issued.authorization.userId) ?? ctx.store.getUser(ctx.clientId)!)
  return body
}

function sendTokens (ctx: FakeContext, reply: FastifyReply, issued: IssuedTokens, webhook: FakeWebhook | null = null): FastifyReply {
  return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').send(tokenBody(ctx, issued, webhook))
}

function authorizationCodeGrant (ctx: FakeContext, fields: Fields, reply: FastifyReply): FastifyReply {
  const code = fields.get('code')
  if (code === undefined) return sendOAuthError(reply, 400, 'invalid_request', 'Missing "code" in request.')
  const redeemed = ctx.authorizations.redeemCode(code)
  if (!redeemed.ok) return sendOAuthError(reply, 400, 'invalid_grant', `Invalid "code" in request (${redeemed.reason}).`)
  const record = redeemed.code
  if (fields.get('redirect_uri') !== record.redirectUri) {
    return sendOAuthError(reply, 400, 'invalid_grant', 'Invalid "redirect_uri" in request.')
  }
  const verifier = fields.get('code_verifier')
  if (record.codeChallenge !== null) {
    if (verifier === undefined) return sendOAuthError(reply, 400, 'invalid_request', 'Missing "code_verifier" in request.')
    if (!isValidVerifier(verifier)) {
      return sendOAuthError(reply, 400, 'invalid_request', 'code_verifier must be 43-128 unreserved characters.')
    }
    if (s256(verifier) !== record.codeChallenge) return sendOAuthError(reply, 400, 'invalid_grant', 'Invalid "code_verifier" in request.')
  } else if (verifier !== undefined) {
    return sendOAuthError(reply, 400, 'invalid_grant', 'code_verifier sent for a code issued without a code_challenge.')
  }
  const issued = ctx.authorizations.issue(record.userId, record.scopes, {
    expiresIn: ctx.tokenExpiresIn, refresh: true, guildId: record.guildId
  })
  record.issued = issued.authorization
  return sendTokens(ctx, reply, issued, record.webhook)
}

function refreshTokenGrant (ctx: FakeContext, fields: Fields, reply: FastifyReply): FastifyReply {
  const refreshToken = fields.get('refresh_token')
  if (refreshToken === undefined) return sendOAuthError(reply, 400, 'invalid_request', 'Missing "refresh_token" in request.')
  const issued = ctx.authorizations.refresh(refreshToken, ctx.tokenExpiresIn)
  if (issued === undefined) return sendOAuthError(reply, 400, 'invalid_grant', 'Invalid "refresh_token" in request.')
  return sendTokens(ctx, reply, issued)
}

function clientCredentialsGrant (ctx: FakeContext, fields: Fields, reply: FastifyReply): FastifyReply {
  const scopes = parseScopes(fields.get('scope'))
  if (scopes.length === 0) return sendOAuthError(reply, 400, 'invalid_scope', 'Missing "scope" in request.')
  const bad = scopes.find((s) => !KNOWN_SCOPES.has(s) || s === 'bot' || s === 'guilds.join')
  if (bad !== undefined) return sendOAuthError(reply, 400, 'invalid_scope', `Invalid scope: ${bad}`)
  // Client credentials act as the application's owner; the fake's acting user plays that part.
  const issued = ctx.authorizations.issue(ctx.actingUserId, scopes, { expiresIn: ctx.tokenExpiresIn, refresh: false })
  return sendTokens(ctx, reply, issued)
}

/** `POST /api/v10/oauth2/token` and `POST /api/v10/oauth2/token/revoke`. */
export function registerTokenRoutes (app: FastifyInstance, ctx: FakeContext): void {
  app.post(TOKEN_PATH, async (request, reply) => {
    const fields = readClientRequest(ctx, request, reply, 'unsupported_grant_type')
    if (fields === null) return reply
    switch (fields.get('grant_type')) {
      case 'authorization_code': return authorizationCodeGrant(ctx, fields, reply)
      case 'refresh_token': return refreshTokenGrant(ctx, fields, reply)
      case 'client_credentials': return clientCredentialsGrant(ctx, fields, reply)
      default: return sendOAuthError(reply, 400, 'unsupported_grant_type', 'Unsupported grant type.')
    }
  })

  app.post(REVOKE_PATH, async (request, reply) => {
    const fields = readClientRequest(ctx, request, reply, 'invalid_request')
    if (fields === null) return reply
    const token = fields.get('token')
    if (token === undefined) return sendOAuthError(reply, 400, 'invalid_request', 'Missing "token" in request.')
    // RFC 7009 §2.2: an unknown or already revoked token is still a 200.
    ctx.authorizations.revoke(token)
    return reply.send({})
  })
}
