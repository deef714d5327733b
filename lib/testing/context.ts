import type { AuthorizationStore } from './authorizations.js'
import type { FakeClock } from './fake-discord.js'
import type { FakeStore } from './store.js'

/** The mutable state the route files of one fake share; built once per `createFakeDiscord()`. */
export interface FakeContext {
  readonly clock: FakeClock
  readonly store: FakeStore
  readonly authorizations: AuthorizationStore
  readonly clientId: string
  readonly clientSecret: string
  readonly botToken: string
  readonly appName: string
  readonly redirectUris: string[]
  consent: 'page' | 'approve' | 'deny'
  actingUserId: string
  tokenExpiresIn: number
}

/** The issuer Discord names in its authorization responses (RFC 9207). */
export const ISSUER = 'https://discord.com'
