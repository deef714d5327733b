import { ErrorCodes } from './codes.js'
import { DiscordError } from './discord-error.js'

/** Details of a failed call to Discord. URLs never carry tokens: auth travels in headers only. */
export interface HttpExceptionInfo {
  /** Upstream HTTP status, or 0 when no response arrived (network error, timeout). */
  status: number
  /** Discord's JSON error `code` (e.g. 50025), or 0 when there was none. */
  discordCode: number
  /** Discord's error `message`, or a description of what went wrong. */
  message: string
  /** The parsed (or, for non-JSON, textual) response body, if any. */
  body: unknown
  method: string
  url: string
  /** The request timed out (no response within the client's timeout). */
  timeout?: boolean
}

/**
 * Discord answered with an error status (other than 401 and 429), with a body that could not
 * be read, or not at all. Fastify answers it with 502 Bad Gateway: the fault is upstream.
 */
export class HttpException extends DiscordError {
  override name = 'HttpException' as const
  /** Upstream HTTP status, or 0 when no response arrived. */
  readonly status: number
  /** Discord's JSON error code (e.g. 50025 Invalid OAuth2 access token), 0 when there was none. */
  declare readonly code: number
  /** `FST_DISCORD_TIMEOUT` for a timeout, else `FST_DISCORD_HTTP`: the stable code other errors keep in `code`. */
  readonly errorCode: typeof ErrorCodes.HTTP | typeof ErrorCodes.TIMEOUT
  readonly body: unknown
  readonly method: string
  readonly url: string

  constructor (info: HttpExceptionInfo, options?: ErrorOptions) {
    super(info.status === 0
      ? `${info.method} ${info.url} failed: ${info.message}`
      : `${info.method} ${info.url} answered ${info.status}${info.discordCode === 0 ? '' : ` (code ${info.discordCode})`}: ${info.message}`,
    502, info.discordCode, options)
    this.status = info.status
    this.errorCode = info.timeout === true ? ErrorCodes.TIMEOUT : ErrorCodes.HTTP
    this.body = info.body
    this.method = info.method
    this.url = info.url
  }
}
