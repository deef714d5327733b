import { Unauthorized } from '../errors/unauthorized.js'
import type { ResourceSession } from './resource-types.js'

/**
 * Throws unless the session has a usable token. A cached payload must not outlive the
 * authorization that fetched it: the token store may have lost the set, or Discord refused its
 * refresh. The token is memoised for the request; the cookie store reads it without I/O unless a
 * refresh is due.
 *
 * @throws Unauthorized
 */
export async function requireToken (session: ResourceSession): Promise<void> {
  if (await session.getAuthorizationToken() === null) throw new Unauthorized()
}
