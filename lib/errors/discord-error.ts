import type { ErrorCode } from './codes.js'

/**
 * Base class of every error fastify-discord throws. It carries a Fastify `statusCode`, so an
 * error that reaches Fastify's error handler becomes a reply with that status.
 */
export class DiscordError extends Error {
  override name: string = 'DiscordError'
  /** HTTP status Fastify should answer with. */
  readonly statusCode: number
  /**
   * Stable machine-readable code: one of {@link ErrorCodes}, except on `HttpException`, where
   * API.md fixes `code` as Discord's own numeric JSON error code.
   */
  readonly code: ErrorCode | number

  constructor (message: string, statusCode: number, code: ErrorCode | number, options?: ErrorOptions) {
    super(message, options)
    this.statusCode = statusCode
    this.code = code
  }
}

/**
 * True when `value` is a {@link DiscordError}, also across realms and duplicated package copies,
 * where `instanceof` fails.
 */
export function isDiscordError (value: unknown): value is DiscordError {
  return value instanceof DiscordError || (
    value instanceof Error &&
    ERROR_NAMES.has(value.name) &&
    typeof (value as Partial<DiscordError>).statusCode === 'number'
  )
}

const ERROR_NAMES = new Set(['DiscordError', 'Unauthorized', 'AccessDenied', 'InvalidState', 'OAuth2Error', 'MissingScope', 'Forbidden', 'RateLimited', 'HttpException', 'ConfigurationError', 'InvalidRequestLimit', 'SharedStateUnavailable'])
