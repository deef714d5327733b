import { randomBytes } from 'node:crypto'

/** The user every target logs in as: Discord's `GET /users/@me` payload, as the fake Discord serves it. */
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

/**
 * What every authorized target answers `GET /me` with, byte for byte: fastify-discord's `User`
 * JSON of {@link BENCH_USER} (camelCase, with avatar URLs on Discord's CDN). Target C builds it
 * from the cached payload on every request; the others hold it ready in memory, so the
 * serialized body costs every target the same and the comparison is about the request's own
 * work. The harness refuses a target whose body differs (update this when the model changes).
 */
export const BENCH_PROFILE = Object.freeze({
  id: '80351110224678912',
  username: 'nelly',
  globalName: 'Nelly',
  discriminator: '0',
  displayName: 'Nelly',
  avatarHash: '8342729096ea3675442027381ff50dfe',
  avatarUrl: 'https://cdn.discordapp.com/avatars/80351110224678912/8342729096ea3675442027381ff50dfe.png',
  defaultAvatarUrl: 'https://cdn.discordapp.com/embed/avatars/5.png',
  bannerHash: null,
  bannerUrl: null,
  avatarDecorationUrl: null,
  primaryGuild: null,
  accentColor: null,
  bot: false,
  system: false,
  mfaEnabled: true,
  locale: 'en-US',
  verified: null,
  email: null,
  flags: 64,
  premiumType: 1,
  publicFlags: 64
})

export type BenchProfile = typeof BENCH_PROFILE

/** A fresh 32-byte session key for one server process (secure-session's default key length). */
export function sessionKey (): Buffer {
  return randomBytes(32)
}
