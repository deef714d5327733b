import type { Authorization } from './authorizations.js'
import type { FakeContext } from './context.js'
import type { FakeCall } from './fake-discord.js'

/** Who a REST request acts as. */
export type RestPrincipal =
  | { kind: 'bot' }
  | { kind: 'bearer', authorization: Authorization, expiresAt: number }

/** The kind of credentials an Authorization header carries, for the call log. */
export function authKind (header: string | undefined): FakeCall['auth'] {
  if (header === undefined) return 'none'
  if (header.startsWith('Bearer ')) return 'bearer'
  if (header.startsWith('Bot ')) return 'bot'
  if (/^Basic /i.test(header)) return 'basic'
  return 'none'
}

/** Resolves a live bearer token or the bot token; null means Discord's 401. */
export function resolvePrincipal (ctx: FakeContext, header: string | undefined): RestPrincipal | null {
  if (header === undefined) return null
  if (header.startsWith('Bot ')) return header.slice(4) === ctx.botToken ? { kind: 'bot' } : null
  if (header.startsWith('Bearer ')) {
    const grant = ctx.authorizations.findAccess(header.slice(7))
    return grant === undefined ? null : { kind: 'bearer', ...grant }
  }
  return null
}

/** True when a bearer principal holds `scope`; the bot holds none of the OAuth2 scopes. */
export function hasScope (principal: RestPrincipal, scope: string): boolean {
  return principal.kind === 'bearer' && principal.authorization.scopes.includes(scope)
}
