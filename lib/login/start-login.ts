import type { SessionCookie } from '../cookie/session-cookie.js'
import { MAX_PENDING, PENDING_BUDGET, STATE_TTL, type PendingLogin } from '../cookie/session-data.js'
import { createCodeChallenge, createCodeVerifier, createState } from '../oauth/pkce.js'
import type { LoginContext } from './login-context.js'
import { readLoginRequest, type CreateSessionOptions } from './login-request.js'

/** The scope Discord refuses PKCE for. */
export const NO_PKCE_SCOPE = 'role_connections.write'

/**
 * Starts a login: keeps a fresh state (with its PKCE verifier unless Discord refuses PKCE for the scopes, `data` and `next`) in the session
 * cookie, next to the attempts of other tabs still in progress, and returns Discord's authorize
 * URL to redirect to.
 *
 * @throws InvalidArgument (400) for malformed options
 */
export function startLogin (cookie: SessionCookie, ctx: LoginContext, options: CreateSessionOptions | undefined): string {
  const request = readLoginRequest(options, ctx)
  const pending: PendingLogin = { state: createState(), createdAt: ctx.now() }
  // Discord answers `invalid_scope` to `role_connections.write` with PKCE (intended, per
  // discord-api-docs #5751): such a login relies on its state and the client secret alone.
  if (!request.authorize.scope.includes(NO_PKCE_SCOPE)) pending.verifier = createCodeVerifier()
  if ('data' in request) pending.data = request.data
  if (request.next !== undefined) pending.next = request.next

  // Built before the cookie is written, so that a refused argument leaves the session alone.
  const url = ctx.oauth.createAuthorizationURL({
    ...request.authorize,
    state: pending.state,
    codeChallenge: pending.verifier === undefined ? null : createCodeChallenge(pending.verifier)
  })
  const data = cookie.read()
  const now = ctx.now()
  const kept = [...(data.pending ?? []).filter((p) => now - p.createdAt < STATE_TTL), pending]
  while (kept.length > MAX_PENDING || (kept.length > 1 && JSON.stringify(kept).length > PENDING_BUDGET)) kept.shift()
  cookie.write({ ...data, pending: kept })
  return url
}
