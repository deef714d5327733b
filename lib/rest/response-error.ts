import type { DiscordError } from '../errors/discord-error.js'
import { HttpException } from '../errors/http-exception.js'
import { RateLimited } from '../errors/rate-limited.js'
import { Unauthorized } from '../errors/unauthorized.js'
import { parseRateLimitHeaders, retryAfterSeconds } from './rate-limit-headers.js'
import type { RawResponse } from './transport.js'

/** What the error needs to know about the request. Never the URL with its host, never a token. */
export interface FailedRequest {
  method: string
  /** The token-free request path, e.g. `/users/@me/guilds`. */
  path: string
  /** The bucket route, e.g. `GET /users/@me/guilds`. */
  route: string
  /** The bucket hash this client knew for the route. */
  bucket: string | null
}

/**
 * How long to wait when a 429 carries no usable `retry_after` (a Cloudflare page without
 * `Retry-After`): unknown, so a conservative minute is what the reply asks clients to wait.
 */
export const UNKNOWN_RETRY_AFTER = 60

/**
 * The one place a Discord response becomes an error: 401 → {@link Unauthorized}, 429 →
 * {@link RateLimited}, anything else → {@link HttpException}. (A 2xx body that is not what was
 * expected is refused by `checkSuccessBody()`, with the same 502.)
 */
export function responseError (res: RawResponse, req: FailedRequest, now: number): DiscordError {
  if (res.status === 401) {
    return new Unauthorized(`Discord refused the credentials of ${req.method} ${req.path} (401)`)
  }
  if (res.status === 429) {
    const limits = parseRateLimitHeaders(res.headers)
    const bodyGlobal = res.json && (res.body as { global?: unknown } | null)?.global === true
    return new RateLimited({
      retryAfter: retryAfterSeconds(res.headers, res.json ? res.body : undefined, now) ?? UNKNOWN_RETRY_AFTER,
      global: limits.global || bodyGlobal || limits.scope === 'global' || !res.json,
      scope: limits.scope,
      bucket: limits.bucket ?? req.bucket,
      route: req.route,
      headers: Object.fromEntries(res.headers),
      body: res.body
    })
  }
  const info = res.json ? discordError(res.body) : null
  return new HttpException({
    status: res.status,
    discordCode: info?.code ?? 0,
    message: info?.message ?? describeBody(res),
    body: res.body,
    method: req.method,
    url: req.path
  })
}

function describeBody (res: RawResponse): string {
  const type = res.headers.get('content-type') ?? 'no content type'
  if (res.malformed) return `Discord sent a malformed JSON body (${type})`
  if (res.body === undefined) return 'Discord sent no body'
  return `Discord sent a non-JSON body (${type})`
}

/** Discord's JSON error (`{ code, message, errors }`), with nested `errors` flattened into the message. */
function discordError (body: unknown): { code: number, message: string } | null {
  if (typeof body !== 'object' || body === null) return null
  const { code, message, errors } = body as { code?: unknown, message?: unknown, errors?: unknown }
  const lines = typeof message === 'string' ? [message] : []
  if (typeof errors === 'object' && errors !== null) lines.push(...flattenErrors(errors, ''))
  if (typeof code !== 'number' && lines.length === 0) return null
  return { code: typeof code === 'number' ? code : 0, message: lines.length === 0 ? 'Discord sent no message' : lines.join('\n') }
}

function flattenErrors (node: object, path: string): string[] {
  const lines: string[] = []
  for (const [key, value] of Object.entries(node)) {
    if (typeof value !== 'object' || value === null) continue
    if (key === '_errors' && Array.isArray(value)) {
      for (const item of value as Array<{ code?: unknown, message?: unknown }>) {
        lines.push(`${path === '' ? '(body)' : path}[${String(item.code)}]: ${String(item.message)}`)
      }
      continue
    }
    const next = path === '' ? key : /^\d+$/.test(key) ? `${path}[${key}]` : `${path}.${key}`
    lines.push(...flattenErrors(value, next))
  }
  return lines
}
