import { ErrorCodes } from './codes.js'

/**
 * An argument an application passed on (often straight from user input) is malformed, e.g. a
 * guild id that is not a snowflake. It is a `TypeError`, as a programming error would be, but
 * carries `statusCode` 400 so that Fastify answers a bad request, not a 500.
 */
export class InvalidArgument extends TypeError {
  override name = 'InvalidArgument' as const
  readonly statusCode = 400
  readonly code = ErrorCodes.INVALID_ARGUMENT
}
