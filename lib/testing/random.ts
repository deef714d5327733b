import { randomBytes } from 'node:crypto'

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** A random alphanumeric string, the shape of Discord's access tokens, refresh tokens and codes. */
export function randomToken (length = 30): string {
  // 248 is the largest multiple of 62 below 256: rejecting bytes above it keeps the draw uniform.
  let out = ''
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHANUMERIC[byte % 62]
    }
  }
  return out
}

/** Discord's epoch (2015-01-01T00:00:00Z) in milliseconds, the origin of snowflake timestamps. */
export const DISCORD_EPOCH = 1420070400000n

/** A snowflake id for `timestampMs` with `increment` in the low bits, as a decimal string. */
export function snowflake (timestampMs: number, increment = 0): string {
  return (((BigInt(timestampMs) - DISCORD_EPOCH) << 22n) | BigInt(increment & 0xfff)).toString()
}

/** A token shaped like a real bot token: base64 of the bot id, a timestamp part and an HMAC part. */
export function randomBotToken (botId: string): string {
  return `${Buffer.from(botId).toString('base64url')}.${randomToken(6)}.${randomToken(38)}`
}
