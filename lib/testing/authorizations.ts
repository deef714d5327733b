import { randomToken } from './random.js'
import type { FakeWebhook } from './serializers.js'

/** One grant of an application by a user: the tokens issued from it die together. */
export interface Authorization {
  readonly userId: string
  readonly scopes: readonly string[]
  /** The guild the bot was added to, for the `bot` scope. */
  readonly guildId: string | null
  /** Live access tokens → expiry (ms since epoch). */
  readonly accessTokens: Map<string, number>
  /** The only refresh token that still works; `null` for client credentials. */
  refreshToken: string | null
}

/** An authorization code waiting to be exchanged. */
export interface AuthorizationCode {
  readonly userId: string
  readonly scopes: readonly string[]
  readonly redirectUri: string
  readonly codeChallenge: string | null
  readonly guildId: string | null
  /** The bot's permissions of a `bot` grant, as a decimal string. */
  readonly permissions: string | null
  /** The webhook a `webhook.incoming` grant created; its token response carries it once. */
  readonly webhook: FakeWebhook | null
  readonly expiresAt: number
  /** Set once exchanged; a replay revokes what the first exchange issued (RFC 6749 §4.1.2). */
  issued: Authorization | null
  used: boolean
}

/** What a token grant hands out. */
export interface IssuedTokens {
  authorization: Authorization
  accessToken: string
  refreshToken: string | null
  expiresIn: number
}

/** Codes live this long. Discord's are short-lived; RFC 6749 §4.1.2 recommends at most 10 minutes. */
export const CODE_LIFETIME_MS = 10 * 60 * 1000

export type CodeResult =
  | { ok: true, code: AuthorizationCode }
  | { ok: false, reason: 'unknown' | 'replayed' | 'expired' }

/** Authorization codes, access and refresh tokens of one fake, read against its clock. */
export class AuthorizationStore {
  readonly #codes = new Map<string, AuthorizationCode>()
  readonly #access = new Map<string, Authorization>()
  readonly #refresh = new Map<string, Authorization>()
  /** Tokens stay attributable to their user after they die, for the call log. */
  readonly #owners = new Map<string, string>()
  readonly #granted = new Map<string, Set<string>>()
  readonly #now: () => number

  constructor (now: () => number) {
    this.#now = now
  }

  createCode (init: Omit<AuthorizationCode, 'expiresAt' | 'issued' | 'used'>): string {
    const code = randomToken(30)
    this.#codes.set(code, { ...init, expiresAt: this.#now() + CODE_LIFETIME_MS, issued: null, used: false })
    return code
  }

  /** Redeems a code once; every later attempt fails and kills what the first one issued. */
  redeemCode (code: string): CodeResult {
    const record = this.#codes.get(code)
    if (record === undefined) return { ok: false, reason: 'unknown' }
    if (record.used) {
      if (record.issued !== null) this.#revokeAuthorization(record.issued)
      return { ok: false, reason: 'replayed' }
    }
    record.used = true
    if (this.#now() >= record.expiresAt) return { ok: false, reason: 'expired' }
    return { ok: true, code: record }
  }

  issue (userId: string, scopes: readonly string[], opts: { expiresIn: number, refresh: boolean, guildId?: string | null }): IssuedTokens {
    const authorization: Authorization = {
      userId,
      scopes: [...new Set(scopes)],
      guildId: opts.guildId ?? null,
      accessTokens: new Map(),
      refreshToken: null
    }
    let granted = this.#granted.get(userId)
    if (granted === undefined) {
      granted = new Set()
      this.#granted.set(userId, granted)
    }
    for (const scope of scopes) granted.add(scope)
    return this.#mint(authorization, opts.expiresIn, opts.refresh)
  }

  /** Exchanges a refresh token for a new pair; the old refresh token dies at once. */
  refresh (refreshToken: string, expiresIn: number): IssuedTokens | undefined {
    const authorization = this.#refresh.get(refreshToken)
    // Revocation removes the refresh token from #refresh, so a token found here is live.
    if (authorization === undefined) return undefined
    this.#refresh.delete(refreshToken)
    return this.#mint(authorization, expiresIn, true)
  }

  /** The authorization behind a live, unexpired access token, and when the token expires. */
  findAccess (accessToken: string): { authorization: Authorization, expiresAt: number } | undefined {
    const authorization = this.#access.get(accessToken)
    if (authorization === undefined) return undefined
    // Revocation removes a token from #access, so a token found here is in accessTokens.
    const expiresAt = authorization.accessTokens.get(accessToken)!
    return this.#now() >= expiresAt ? undefined : { authorization, expiresAt }
  }

  /** The user a token was issued to, alive or not. */
  ownerOf (token: string): string | null {
    return this.#owners.get(token) ?? null
  }

  /** Scopes the user has ever granted this application, for `prompt=none`. */
  grantedScopes (userId: string): ReadonlySet<string> {
    return this.#granted.get(userId) ?? new Set()
  }

  /** Revokes the whole authorization `token` (access or refresh) belongs to; false if unknown. */
  revoke (token: string): boolean {
    const authorization = this.#access.get(token) ?? this.#refresh.get(token)
    if (authorization === undefined) return false
    this.#revokeAuthorization(authorization)
    return true
  }

  #revokeAuthorization (authorization: Authorization): void {
    for (const token of authorization.accessTokens.keys()) this.#access.delete(token)
    authorization.accessTokens.clear()
    if (authorization.refreshToken !== null) this.#refresh.delete(authorization.refreshToken)
    authorization.refreshToken = null
  }

  #mint (authorization: Authorization, expiresIn: number, refresh: boolean): IssuedTokens {
    const accessToken = randomToken(30)
    authorization.accessTokens.set(accessToken, this.#now() + expiresIn * 1000)
    this.#access.set(accessToken, authorization)
    this.#owners.set(accessToken, authorization.userId)
    let refreshToken: string | null = null
    if (refresh) {
      refreshToken = randomToken(30)
      authorization.refreshToken = refreshToken
      this.#refresh.set(refreshToken, authorization)
      this.#owners.set(refreshToken, authorization.userId)
    }
    return { authorization, accessToken, refreshToken, expiresIn }
  }
}
