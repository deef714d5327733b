import { ErrorCodes } from './codes.js'
import { DiscordError } from './discord-error.js'

/** What is known about a rate limit that stopped a request. */
export interface RateLimitInfo {
  /** Seconds until the request may be retried (float). */
  retryAfter: number
  /** The limit is the identity's global limit rather than a route bucket. */
  global: boolean
  /** Discord's `X-RateLimit-Scope` (`user`, `global`, `shared`), when known. */
  scope: string | null
  /** Discord's bucket hash, when known. */
  bucket: string | null
  /** The route template, e.g. `GET /users/@me/guilds`. */
  route: string
  /** Response headers of Discord's 429, when there was one (empty when this client refused to wait). */
  headers: Record<string, string>
  /** Parsed body of the 429, when Discord sent one. */
  body: unknown
}

/**
 * A Discord rate limit stopped the request. Fastify answers it with 429.
 *
 * `headers` follows Fastify's convention for errors: Fastify copies `err.headers` onto the
 * reply. So it holds only Discord's `X-RateLimit-*` headers and a `Retry-After` in whole
 * seconds (rounded up) — never `Content-Length` or other upstream headers that would corrupt
 * the reply.
 */
export class RateLimited extends DiscordError {
  override name = 'RateLimited' as const
  readonly retryAfter: number
  readonly global: boolean
  readonly scope: string | null
  readonly bucket: string | null
  readonly route: string
  readonly headers: Record<string, string>
  readonly body: unknown

  constructor (info: RateLimitInfo) {
    super(`Rate limited by Discord on ${info.route}${info.global ? ' (global)' : ''}: retry after ${info.retryAfter.toFixed(3)}s`, 429, ErrorCodes.RATE_LIMITED)
    this.retryAfter = info.retryAfter
    this.global = info.global
    this.scope = info.scope
    this.bucket = info.bucket
    this.route = info.route
    this.headers = replyHeaders(info.headers, info.retryAfter)
    this.body = info.body
  }
}

function replyHeaders (upstream: Record<string, string>, retryAfter: number): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(upstream)) {
    const lower = name.toLowerCase()
    if (lower.startsWith('x-ratelimit-')) headers[lower] = value
  }
  headers['retry-after'] = String(Math.max(0, Math.ceil(retryAfter)))
  return headers
}
