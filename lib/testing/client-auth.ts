import { timingSafeEqual } from 'node:crypto'

/** How the client authenticated at the token or revoke endpoint. */
export type ClientAuthResult =
  | { ok: true }
  | { ok: false, error: 'invalid_request' | 'invalid_client', description: string, basic: boolean }

function safeEqual (a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** Decodes an HTTP Basic header; RFC 6749 §2.3.1 form-encodes id and secret before base64. */
function parseBasic (header: string): { id: string, secret: string } | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header)
  if (match === null) return null
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon === -1) return null
  try {
    return {
      id: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
      secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '))
    }
  } catch {
    return null
  }
}

/**
 * Authenticates the client by HTTP Basic or by `client_id`/`client_secret` body fields, never
 * both (RFC 6749 §2.3: a client must not use more than one method per request).
 */
export function authenticateClient (
  authorization: string | undefined,
  fields: Map<string, string>,
  expected: { clientId: string, clientSecret: string }
): ClientAuthResult {
  const bodySecret = fields.get('client_secret')
  if (authorization !== undefined && authorization !== '') {
    if (bodySecret !== undefined) {
      return { ok: false, error: 'invalid_request', description: 'Use HTTP Basic or body client credentials, not both.', basic: true }
    }
    const basic = parseBasic(authorization)
    const bodyId = fields.get('client_id')
    if (basic === null || (bodyId !== undefined && bodyId !== basic.id) ||
      basic.id !== expected.clientId || !safeEqual(basic.secret, expected.clientSecret)) {
      return { ok: false, error: 'invalid_client', description: 'Invalid client credentials.', basic: true }
    }
    return { ok: true }
  }
  const id = fields.get('client_id')
  if (id !== expected.clientId || bodySecret === undefined || !safeEqual(bodySecret, expected.clientSecret)) {
    return { ok: false, error: 'invalid_client', description: 'Invalid client credentials.', basic: false }
  }
  return { ok: true }
}
