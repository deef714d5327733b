import { ErrorCodes } from './codes.js'
import { DiscordError } from './discord-error.js'

/**
 * A call needed the state the instances share (in Redis) and Redis did not answer in time:
 * Fastify answers 503 with `Retry-After`. Thrown only where going on with process-local state
 * could log a user out or let the instances together exceed a Discord limit; elsewhere the
 * plugin falls back to process-local state and logs that it did.
 */
export class SharedStateUnavailable extends DiscordError {
  override name = 'SharedStateUnavailable' as const
  /** Seconds the client should wait before retrying (the reply's `Retry-After`). */
  readonly retryAfter: number
  readonly headers: Record<string, string>

  constructor (what: string, retryAfter = 1, options?: ErrorOptions) {
    super(`fastify-discord: the shared state (Redis) is unavailable, so ${what} cannot be done now; retry shortly`, 503, ErrorCodes.SHARED_STATE_UNAVAILABLE, options)
    this.retryAfter = retryAfter
    this.headers = { 'retry-after': String(Math.max(1, Math.ceil(retryAfter))) }
  }
}
