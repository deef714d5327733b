import { randomBytes } from 'node:crypto'

/**
 * The profile every target answers `GET /me` with: the shape of Discord's `GET /users/@me`,
 * so that every target serializes the same bytes.
 */
export const BENCH_USER = Object.freeze({
  id: '80351110224678912',
  username: 'nelly',
  global_name: 'Nelly',
  discriminator: '0',
  avatar: '8342729096ea3675442027381ff50dfe',
  bot: false,
  mfa_enabled: true,
  locale: 'en-US',
  verified: true,
  email: 'nelly@discord.com',
  flags: 64,
  premium_type: 1,
  public_flags: 64
})

export type BenchUser = typeof BENCH_USER

/** A fresh 32-byte session key for one server process (secure-session's default key length). */
export function sessionKey (): Buffer {
  return randomBytes(32)
}
