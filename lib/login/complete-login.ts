import type { FastifyRequest } from 'fastify'
import type { SessionCookie } from '../cookie/session-cookie.js'
import { STATE_TTL } from '../cookie/session-data.js'
import { AccessDenied } from '../errors/access-denied.js'
import { failureFields } from '../errors/failure-fields.js'
import { InvalidState } from '../errors/invalid-state.js'
import { OAuth2Error } from '../errors/oauth2-error.js'
import { grantOf, type Grant } from '../models/grant.js'
import { BodyShapes } from '../contracts/body-shapes.js'
import type { TokenSet } from '../contracts/token-set.js'
import type { TokenKeeper } from '../tokens/token-keeper.js'
import type { LoginContext } from './login-context.js'

/** What a completed login hands back: the `data` and `next` given to `createSession()`, and what was granted. */
export interface CompletedLogin {
  data: unknown
  next: string | null
  grant: Grant
}

/**
 * Scopes that grant the application something without identifying a user: a bot invite, slash
 * commands, an incoming webhook. A grant of only these never replaces an existing login.
 */
const NON_IDENTIFYING: ReadonlySet<string> = new Set([
  'bot', 'applications.commands', 'applications.commands.permissions.update', 'webhook.incoming'
])

/** The callback's query, with the `iss` RFC 9207 lets Discord add. */
interface CallbackQuery {
  code?: unknown
  state?: unknown
  error?: unknown
  error_description?: unknown
  iss?: unknown
  guild_id?: unknown
  permissions?: unknown
}

/**
 * Finishes a login on the callback request: checks `error`, then `state` (single use, 10
 * minutes, this session only), then `iss`; exchanges the code with the PKCE verifier, and starts
 * the new authorization in a regenerated session.
 *
 * @throws AccessDenied, OAuth2Error, InvalidState, RateLimited, HttpException
 */
export async function completeLogin (request: FastifyRequest, cookie: SessionCookie, tokens: TokenKeeper, ctx: LoginContext): Promise<CompletedLogin> {
  const query = (request.query ?? {}) as CallbackQuery
  const log = request.log
  const data = cookie.read()
  const state = typeof query.state === 'string' ? query.state : undefined
  const pending = state === undefined ? undefined : data.pending?.find((p) => p.state === state)
  if (pending !== undefined) {
    // Consumed before the session is touched: a duplicate of this callback (double submit, a
    // retried navigation) carries the same pre-login cookie, and writing it back would let
    // its Set-Cookie overwrite the login of the first one.
    if (!(await ctx.usedStates.consume(pending.state))) {
      log.warn('fastify-discord: callback state replayed')
      throw new InvalidState('The OAuth2 state was already used')
    }
    // Single use: the state is gone whatever happens next.
    cookie.write({ ...data, pending: (data.pending ?? []).filter((p) => p !== pending) })
  }

  if (query.error !== undefined) {
    const error = stringParam(query.error, 'error')
    const description = typeof query.error_description === 'string' ? query.error_description : null
    log.info({ oauthError: error }, 'fastify-discord: Discord returned an error to the callback')
    if (error === 'access_denied') throw new AccessDenied(error, description)
    throw new OAuth2Error(error, description, 400)
  }
  if (state === undefined) {
    log.warn('fastify-discord: callback without state')
    throw new InvalidState('The OAuth2 callback carries no state')
  }
  if (pending === undefined) {
    log.warn('fastify-discord: callback state unknown to this session (replayed, from another session, or superseded)')
    throw new InvalidState()
  }
  if (ctx.now() - pending.createdAt >= STATE_TTL) {
    log.warn('fastify-discord: callback state expired')
    throw new InvalidState('The OAuth2 state has expired: log in again')
  }
  if (query.iss !== undefined && !ctx.issuers.includes(String(query.iss))) {
    log.warn('fastify-discord: callback issuer does not match the authorization server')
    throw new OAuth2Error('invalid_request', 'the callback comes from another issuer', 400)
  }
  const code = stringParam(query.code, 'code')

  const exchange = await ctx.oauth.exchangeAuthorizationCode(code, pending.verifier ?? null)
  const granted = exchange.tokens
  const loggedIn = data.tokens !== undefined || data.tokenId !== undefined
  let userId: string | null
  if (loggedIn && granted.scopes.length > 0 && granted.scopes.every((scope) => NON_IDENTIFYING.has(scope))) {
    // A bot invite or a webhook on a logged-in session: the login stays as it was. The new token
    // set is not kept: it acts for no user, and what it obtained is in the grant.
    userId = data.userId ?? null
    log.info({ discordUserId: userId, scopes: granted.scopes }, 'fastify-discord: grant completed; the login is kept')
  } else {
    userId = granted.scopes.includes('identify') ? await learnUser(request, ctx, granted) : null
    await tokens.begin(granted, userId)
    log.info({ discordUserId: userId }, 'fastify-discord: login completed')
  }
  const grant = grantOf({
    scopes: granted.scopes,
    guild: exchange.guild,
    webhook: exchange.webhook,
    guildId: query.guild_id,
    permissions: query.permissions,
    userId
  }, { cdnBaseUrl: ctx.cdnBaseUrl })
  return { data: pending.data ?? null, next: pending.next ?? null, grant }
}

/** The user a login identifies, cached at once; `null` when Discord cannot say (the fetches learn it later). */
async function learnUser (request: FastifyRequest, ctx: LoginContext, tokens: TokenSet): Promise<string | null> {
  try {
    const user = await ctx.rest.request<{ id?: unknown }>('/users/@me', { auth: { type: 'Bearer', token: tokens.accessToken }, expect: BodyShapes.user })
    if (typeof user.id !== 'string') return null
    await ctx.cache.set(user.id, 'user', user)
    return user.id
  } catch (err) {
    request.log.warn(failureFields(err), 'fastify-discord: could not read the user after login; userId stays null')
    return null
  }
}

function stringParam (value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') throw new OAuth2Error('invalid_request', `the callback has no usable \`${name}\``, 400)
  return value
}
