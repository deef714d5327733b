import { InvalidArgument } from '../errors/invalid-argument.js'

const SNOWFLAKE = /^\d{1,20}$/

/**
 * Ids go into route paths: anything but a snowflake could reach another route (`../`).
 *
 * @throws InvalidArgument (a `TypeError` with `statusCode` 400) when `value` is not a snowflake string
 */
export function assertSnowflake (value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string' || !SNOWFLAKE.test(value)) {
    throw new InvalidArgument(`\`${name}\` must be a snowflake (a string of digits)`)
  }
}
