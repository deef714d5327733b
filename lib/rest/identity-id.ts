import { createHash } from 'node:crypto'
import type { RestAuth } from './rest-auth.js'

/**
 * A stable, log-safe id for the credentials of a request: `bot:<digest>`, `bearer:<digest>` or
 * `none`. Rate-limit state is keyed by it, so a raw token is never a map key, an event field
 * or a log field.
 */
export function identityId (auth: RestAuth): string {
  if (auth.type === 'None') return 'none'
  return `${auth.type.toLowerCase()}:${digest(`${auth.type} ${auth.token}`)}`
}

/** A short sha256 digest (base64url, 128 bits): collision-free in practice and not reversible. */
export function digest (value: string): string {
  return createHash('sha256').update(value).digest('base64url').slice(0, 22)
}
