import type { FastifyReply, FastifyRequest } from 'fastify'
import { isDiscordError } from '../errors/discord-error.js'
import type { RateLimited } from '../errors/rate-limited.js'

/**
 * An `onError` hook that puts `Retry-After` (whole seconds, rounded up) on the reply to a
 * `RateLimited` or `InvalidRequestLimit` error.
 *
 * Fastify's default error handler already copies `err.headers` onto the reply, but an app with
 * its own `setErrorHandler` usually does not. `onError` hooks run before any error handler, so a
 * header set here reaches the client whichever handler formats the body.
 *
 * @example
 * ```ts
 * fastify.addHook('onError', rateLimitReplyHook)
 * ```
 */
export async function rateLimitReplyHook (_request: FastifyRequest, reply: FastifyReply, error: Error): Promise<void> {
  if (!isRateLimited(error)) return
  const retryAfter = error.retryAfter
  // A copy from another package version could lack a usable number; then Discord's value is all we have.
  const seconds = typeof retryAfter === 'number' && Number.isFinite(retryAfter)
    ? String(Math.max(0, Math.ceil(retryAfter)))
    : error.headers?.['retry-after']
  if (seconds !== undefined) reply.header('retry-after', seconds)
}

function isRateLimited (error: unknown): error is Partial<Pick<RateLimited, 'headers'>> & Pick<RateLimited, 'retryAfter'> {
  return isDiscordError(error) && (error.name === 'RateLimited' || error.name === 'InvalidRequestLimit' || error.name === 'SharedStateUnavailable')
}
