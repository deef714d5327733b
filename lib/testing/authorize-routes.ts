import type { FastifyInstance, FastifyReply } from 'fastify'
import { renderConsentPage, renderErrorPage } from './consent-page.js'
import { ISSUER } from './context.js'
import type { FakeContext } from './context.js'
import { parseForm } from './form.js'
import { isValidChallenge } from './pkce.js'
import { KNOWN_SCOPES, parseScopes } from './scopes.js'
import { PermissionFlagsBits } from 'discord-api-types/v10'
import { randomToken, snowflake } from './random.js'
import type { FakeWebhook } from './serializers.js'

/** The query parameters of an authorization request the fake understands. */
const AUTHORIZE_PARAMS = [
  'client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'prompt',
  'code_challenge', 'code_challenge_method', 'guild_id', 'permissions', 'integration_type'
] as const

type AuthorizeCheck =
  | { kind: 'page-error', message: string }
  | { kind: 'redirect-error', redirectUri: string, state: string | undefined, error: string, description: string }
  | { kind: 'ok', redirectUri: string, state: string | undefined, scopes: string[], prompt: string | undefined, codeChallenge: string | null, guildId: string | undefined, permissions: string }

/**
 * Checks an authorization request. Until the client and redirect URI are known good, errors
 * are shown on a page and never redirected (RFC 6749 §4.1.2.1), so an attacker cannot use the
 * fake as an open redirector; after that they go back to the client.
 */
function checkAuthorizeRequest (ctx: FakeContext, p: Record<string, string>): AuthorizeCheck {
  if (p.client_id === undefined || p.client_id !== ctx.clientId) {
    return { kind: 'page-error', message: 'Unknown Application: invalid client_id.' }
  }
  if (p.redirect_uri === undefined || !ctx.redirectUris.includes(p.redirect_uri)) {
    return { kind: 'page-error', message: 'Invalid OAuth2 redirect_uri.' }
  }
  const base = { redirectUri: p.redirect_uri, state: p.state }
  const fail = (error: string, description: string): AuthorizeCheck => ({ kind: 'redirect-error', ...base, error, description })
  if (p.response_type !== 'code') return fail('unsupported_response_type', 'Only response_type=code is supported.')
  const scopes = parseScopes(p.scope)
  if (scopes.length === 0) return fail('invalid_scope', 'The requested scope is invalid, unknown, or malformed.')
  const unknown = scopes.find((s) => !KNOWN_SCOPES.has(s))
  if (unknown !== undefined) return fail('invalid_scope', `Invalid scope: ${unknown}`)
  if (p.prompt !== undefined && p.prompt !== 'consent' && p.prompt !== 'none') {
    return fail('invalid_request', 'prompt must be "consent" or "none".')
  }
  let codeChallenge: string | null = null
  if (p.code_challenge !== undefined || p.code_challenge_method !== undefined) {
    // An absent method means "plain" (RFC 7636 §4.3), which Discord refuses.
    if (p.code_challenge_method !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256.')
    if (p.code_challenge === undefined || !isValidChallenge(p.code_challenge)) {
      return fail('invalid_request', 'code_challenge must be a base64url SHA-256 digest (43 characters).')
    }
    codeChallenge = p.code_challenge
    // Discord refuses PKCE with this scope, and says so as an invalid scope (discord-api-docs #5751).
    if (scopes.includes('role_connections.write')) return fail('invalid_scope', 'role_connections.write cannot be used with PKCE.')
  }
  if (p.permissions !== undefined && !/^\d{1,30}$/.test(p.permissions)) return fail('invalid_request', 'permissions must be an integer.')
  return { kind: 'ok', ...base, scopes, prompt: p.prompt, codeChallenge, guildId: p.guild_id, permissions: p.permissions ?? '0' }
}

function pickParams (source: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of AUTHORIZE_PARAMS) {
    const value = source[name]
    if (typeof value === 'string') out[name] = value
  }
  return out
}

function redirectTo (reply: FastifyReply, redirectUri: string, params: Record<string, string | undefined>): FastifyReply {
  const url = new URL(redirectUri)
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v)
  return reply.redirect(url.toString(), 302)
}

function errorPage (reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(renderErrorPage(message))
}

/** A guild the user may add a bot or a webhook to: they own it, or have Administrator or Manage Server there. */
function canManage (ctx: FakeContext, userId: string, guildId: string): boolean {
  const guild = ctx.store.getGuild(guildId)
  const member = ctx.store.getMember(guildId, userId)
  if (guild === undefined || member === undefined) return false
  const perms = BigInt(member.permissions)
  return guild.owner_id === userId ||
    (perms & (PermissionFlagsBits.Administrator | PermissionFlagsBits.ManageGuild)) !== 0n
}

/** The guild a `bot` or `webhook.incoming` authorization installs to: the one asked for, else one the user manages. */
function installGuild (ctx: FakeContext, userId: string, requested: string | undefined): string | null {
  if (requested !== undefined) return canManage(ctx, userId, requested) ? requested : null
  return ctx.store.guildsOf(userId).map((g) => g.guild.id).find((id) => canManage(ctx, userId, id)) ?? null
}

function approve (ctx: FakeContext, reply: FastifyReply, check: Extract<AuthorizeCheck, { kind: 'ok' }>): FastifyReply {
  const userId = ctx.actingUserId
  let guildId: string | null = null
  let webhook: FakeWebhook | null = null
  const wantsBot = check.scopes.includes('bot')
  if (wantsBot || check.scopes.includes('webhook.incoming')) {
    const target = installGuild(ctx, userId, check.guildId)
    if (target === null) {
      return redirectTo(reply, check.redirectUri, { error: 'invalid_request', error_description: 'No guild the user can install to.', state: check.state })
    }
    if (wantsBot) {
      guildId = target
      if (ctx.store.getMember(guildId, ctx.clientId) === undefined) ctx.store.addMember(guildId, ctx.clientId)
    }
    if (check.scopes.includes('webhook.incoming')) {
      // The user picks a channel on Discord's page; the fake makes one up in the chosen guild.
      const now = ctx.clock.now()
      webhook = { id: snowflake(now, 1), token: randomToken(34), channelId: snowflake(now, 2), guildId: target, name: ctx.appName }
    }
  }
  const code = ctx.authorizations.createCode({
    userId,
    scopes: check.scopes,
    redirectUri: check.redirectUri,
    codeChallenge: check.codeChallenge,
    guildId,
    permissions: wantsBot ? check.permissions : null,
    webhook
  })
  // A bot grant's callback names the guild and the permissions the user granted the bot.
  const extra = guildId === null ? {} : { guild_id: guildId, permissions: check.permissions }
  return redirectTo(reply, check.redirectUri, { code, state: check.state, iss: ISSUER, ...extra })
}

function deny (reply: FastifyReply, check: Extract<AuthorizeCheck, { kind: 'ok' }>): FastifyReply {
  return redirectTo(reply, check.redirectUri, {
    error: 'access_denied',
    error_description: 'The resource owner or authorization server denied the request',
    state: check.state
  })
}

/** `GET /oauth2/authorize` (consent page or auto decision) and the page's `POST` back. */
export function registerAuthorizeRoutes (app: FastifyInstance, ctx: FakeContext): void {
  const decide = (reply: FastifyReply, params: Record<string, string>, decision: 'page' | 'approve' | 'deny'): FastifyReply => {
    const check = checkAuthorizeRequest(ctx, params)
    if (check.kind === 'page-error') return errorPage(reply, 400, check.message)
    if (check.kind === 'redirect-error') {
      return redirectTo(reply, check.redirectUri, { error: check.error, error_description: check.description, state: check.state })
    }
    const user = ctx.store.getUser(ctx.actingUserId)
    if (user === undefined) return errorPage(reply, 400, 'No user is signed in to the fake Discord: call setActingUser() first.')
    if (decision === 'deny') return deny(reply, check)
    const granted = ctx.authorizations.grantedScopes(user.id)
    // prompt=none skips the page only for an application the user already authorized with these scopes.
    const alreadyGranted = check.prompt === 'none' && check.scopes.every((s) => granted.has(s))
    if (decision === 'approve' || alreadyGranted) return approve(ctx, reply, check)
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store')
      .send(renderConsentPage({ appName: ctx.appName, user, scopes: check.scopes, params }))
  }

  app.get('/oauth2/authorize', async (request, reply) => {
    return decide(reply, pickParams(request.query as Record<string, unknown>), ctx.consent)
  })

  app.post('/oauth2/authorize', async (request, reply) => {
    const form = parseForm(request.headers['content-type'], request.body)
    if (!form.ok) return errorPage(reply, 400, 'The consent form must be posted as application/x-www-form-urlencoded.')
    const params = pickParams(Object.fromEntries(form.fields))
    return decide(reply, params, form.fields.get('decision') === 'authorize' ? 'approve' : 'deny')
  })
}
