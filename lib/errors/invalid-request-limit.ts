import { ErrorCodes } from './codes.js'
import { DiscordError } from './discord-error.js'

/**
 * The REST client refused to send a call: this process received so many invalid requests (401,
 * 403, 429) in the last 10 minutes that one more could get the IP banned by Discord for an hour.
 * Fastify answers 503 with `Retry-After`.
 */
export class InvalidRequestLimit extends DiscordError {
  override name = 'InvalidRequestLimit' as const
  /** Seconds until the count falls below the limit (the reply's `Retry-After`, rounded up). */
  readonly retryAfter: number

  constructor (retryAfter: number, limit: number) {
    super(`fastify-discord: ${limit} invalid requests to Discord in 10 minutes; calls are refused locally for ${Math.ceil(retryAfter)} s to avoid a Discord ban`, 503, ErrorCodes.INVALID_REQUEST_LIMIT)
    this.retryAfter = retryAfter
  }
}
