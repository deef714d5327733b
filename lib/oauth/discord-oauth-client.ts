/**
 * The only module that touches `@fastify/oauth2` (and, through it, simple-oauth2 and wreck).
 *
 * What is used: its simple-oauth2 `AuthorizationCode` for the authorize URL, the code exchange,
 * refresh and revoke — form-encoded bodies with HTTP Basic client auth, as Discord wants.
 * What is deliberately not used, because of known pitfalls: its login route and
 * `generateAuthorizationUri` / `getAccessTokenFromAuthorizationCodeFlow` (state and verifier in
 * cookies of their own without `Path`, `?error=` ignored, a state mismatch as a 500) — state and
 * verifier live in our encrypted session instead; its `DISCORD_CONFIGURATION` (unversioned v6
 * URLs) — our v10 endpoint options are used; its `expires_at` Date — we keep `expiresAt` epoch
 * milliseconds from our own clock. Every failure is mapped here to one of our errors, and no
 * Boom error (whose `data` holds the request, with the Basic credentials) escapes.
 */
import type { FastifyInstance } from 'fastify'
import fastifyOauth2 from '@fastify/oauth2'
import { HttpException } from '../errors/http-exception.js'
import { OAuth2Error } from '../errors/oauth2-error.js'
import { RateLimited } from '../errors/rate-limited.js'
import { USER_AGENT } from '../rest/rest-options.js'
import type { TokenSet } from '../contracts/token-set.js'

const DECORATION = 'fastifyDiscordOAuth2'

/** The token endpoint's timeout when none is given: the REST client's default. */
const DEFAULT_TIMEOUT = 15_000

/**
 * Query parameters the authorize URL's own arguments set. Extra `params` never set them: a
 * `response_type=token` or another `client_id` would change what the login is.
 */
const RESERVED_PARAMS: ReadonlySet<string> = new Set([
  'response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method',
  'prompt', 'permissions', 'guild_id', 'disable_guild_select', 'integration_type'
])

/** Options of {@link createDiscordOAuthClient}. */
export interface DiscordOAuthClientOptions {
  clientId: string
  clientSecret: string
  redirectUri: string
  authorizeUrl: string
  tokenUrl: string
  revokeUrl: string
  /** Milliseconds since the epoch, for `expiresAt`. @defaultValue `Date.now` */
  now?: () => number
  /** Give up on a token-endpoint call after this many milliseconds (the plugin passes `rest.timeout`). @defaultValue `15000` */
  timeout?: number
}

/** Parameters of the authorize URL, beyond those every request carries. */
export interface AuthorizationURLParams {
  state: string
  /** The PKCE S256 challenge; `null` sends none (Discord refuses PKCE with `role_connections.write`). */
  codeChallenge: string | null
  scope: readonly string[]
  prompt: 'consent' | 'none'
  /** Bot permissions (for the `bot` scope), as a decimal string. */
  permissions?: string
  guildId?: string
  disableGuildSelect?: boolean
  /** 0 (guild install) or 1 (user install). */
  integrationType?: number
  /**
   * Extra query parameters, already checked by the caller. They never override the ones above
   * (nor `response_type`, `client_id`, `redirect_uri`, `code_challenge_method`): those are left out.
   */
  params?: Record<string, string>
}

/** What a code exchange returns: the token set, and the extras of a `bot` or `webhook.incoming` grant. */
export interface CodeExchange {
  tokens: TokenSet
  /** The token response's `guild` (a `bot` grant), unchecked; `null` when absent. */
  guild: unknown
  /** The token response's `webhook` (a `webhook.incoming` grant), unchecked: it holds a secret token. */
  webhook: unknown
}

/** The subset of simple-oauth2 reached through `@fastify/oauth2`'s decoration. */
interface SimpleOAuth2Token {
  readonly token: Record<string, unknown>
}
interface OAuth2Decoration {
  oauth2: {
    authorizeURL (params: Record<string, unknown>): string
    getToken (params: Record<string, unknown>): Promise<SimpleOAuth2Token>
  }
  getNewAccessTokenUsingRefreshToken (token: Record<string, unknown>, params: Record<string, unknown>): Promise<SimpleOAuth2Token>
  revokeToken (token: Record<string, unknown>, tokenType: 'access_token' | 'refresh_token', httpOptions: undefined): Promise<void>
}

/** Discord's OAuth2 protocol steps, named after them (arctic's naming). */
export class DiscordOAuthClient {
  readonly #oauth: OAuth2Decoration
  readonly #options: DiscordOAuthClientOptions
  readonly #now: () => number

  constructor (oauth: OAuth2Decoration, options: DiscordOAuthClientOptions) {
    this.#oauth = oauth
    this.#options = options
    this.#now = options.now ?? Date.now
  }

  /** The URL of Discord's consent screen for one login attempt (PKCE S256 unless `codeChallenge` is `null`). */
  createAuthorizationURL (params: AuthorizationURLParams): string {
    const query: Record<string, unknown> = params.params === undefined ? {} : withoutReserved(params.params)
    if (params.permissions !== undefined) query['permissions'] = params.permissions
    if (params.guildId !== undefined) query['guild_id'] = params.guildId
    if (params.disableGuildSelect !== undefined) query['disable_guild_select'] = String(params.disableGuildSelect)
    if (params.integrationType !== undefined) query['integration_type'] = String(params.integrationType)
    Object.assign(query, {
      redirect_uri: this.#options.redirectUri,
      scope: params.scope.join(' '),
      state: params.state,
      prompt: params.prompt
    })
    if (params.codeChallenge !== null) Object.assign(query, { code_challenge: params.codeChallenge, code_challenge_method: 'S256' })
    return this.#oauth.oauth2.authorizeURL(query)
  }

  /**
   * Exchanges an authorization code (with its PKCE verifier) for a token set.
   * @throws OAuth2Error (400 for a bad code or verifier), RateLimited, HttpException
   */
  async validateAuthorizationCode (code: string, codeVerifier: string | null): Promise<TokenSet> {
    return (await this.exchangeAuthorizationCode(code, codeVerifier)).tokens
  }

  /**
   * Exchanges an authorization code like {@link validateAuthorizationCode}, also handing back
   * what the token response carries besides tokens: the `guild` of a `bot` grant and the
   * `webhook` of a `webhook.incoming` grant, unchecked. `codeVerifier` is `null` for a login
   * started without PKCE.
   * @throws OAuth2Error (400 for a bad code or verifier), RateLimited, HttpException
   */
  async exchangeAuthorizationCode (code: string, codeVerifier: string | null): Promise<CodeExchange> {
    try {
      const params: Record<string, unknown> = { code, redirect_uri: this.#options.redirectUri }
      if (codeVerifier !== null) params['code_verifier'] = codeVerifier
      const token = await this.#oauth.oauth2.getToken(params)
      return { tokens: this.#toTokenSet(token.token, null), guild: token.token['guild'] ?? null, webhook: token.token['webhook'] ?? null }
    } catch (err) {
      throw this.#mapError(err, this.#options.tokenUrl)
    }
  }

  /**
   * Trades a refresh token for a new token set. Discord rotates refresh tokens: the old one is
   * dead afterwards.
   * @throws OAuth2Error (`invalid_grant` when Discord refuses the refresh token), RateLimited, HttpException
   */
  async refreshAccessToken (refreshToken: string): Promise<TokenSet> {
    try {
      const token = await this.#oauth.getNewAccessTokenUsingRefreshToken({ access_token: '', refresh_token: refreshToken }, {})
      return this.#toTokenSet(token.token, refreshToken)
    } catch (err) {
      throw this.#mapError(err, this.#options.tokenUrl)
    }
  }

  /**
   * Revokes a token at Discord; revoking either token of an authorization revokes all of it.
   * @throws OAuth2Error, RateLimited, HttpException
   */
  async revokeToken (token: string, tokenType: 'access_token' | 'refresh_token' = 'access_token'): Promise<void> {
    try {
      await this.#oauth.revokeToken({ access_token: token, refresh_token: token }, tokenType, undefined)
    } catch (err) {
      throw this.#mapError(err, this.#options.revokeUrl)
    }
  }

  #toTokenSet (raw: Record<string, unknown>, previousRefreshToken: string | null): TokenSet {
    const accessToken = raw['access_token']
    const expiresIn = Number(raw['expires_in'])
    if (typeof accessToken !== 'string' || accessToken === '' || !Number.isFinite(expiresIn)) {
      throw new HttpException({ status: 200, discordCode: 0, message: 'the token endpoint answered without an access token or expiry', body: null, method: 'POST', url: this.#options.tokenUrl })
    }
    const refreshToken = raw['refresh_token']
    const scope = raw['scope']
    const tokenType = raw['token_type']
    return {
      accessToken,
      refreshToken: typeof refreshToken === 'string' && refreshToken !== '' ? refreshToken : previousRefreshToken,
      tokenType: typeof tokenType === 'string' ? tokenType : 'Bearer',
      expiresAt: this.#now() + expiresIn * 1000,
      scopes: typeof scope === 'string' ? scope.split(' ').filter((s) => s !== '') : []
    }
  }

  /**
   * Maps a wreck/Boom failure to our errors, keeping only what is safe to show: never the Boom
   * itself, whose `data` holds the request with the Basic credentials.
   */
  #mapError (err: unknown, url: string): Error {
    if (err instanceof HttpException) return err
    const boom = err as BoomLike
    const status = boom.data?.res?.statusCode ?? 0
    if (status === 0) {
      // wreck's own timeout is a Boom 504 without a response.
      const timeout = boom.output?.statusCode === 504
      return new HttpException({
        status: 0,
        discordCode: 0,
        message: timeout ? `timed out after ${this.#options.timeout ?? DEFAULT_TIMEOUT} ms` : 'Discord could not be reached',
        body: null,
        method: 'POST',
        url,
        timeout
      })
    }
    // wreck parses JSON bodies (`json: 'strict'`); any other body (an HTML 429 page) is absent.
    const payload = boom.data?.payload ?? null
    const body: Record<string, unknown> = typeof payload === 'object' && payload !== null ? payload as Record<string, unknown> : {}
    if (status === 429) {
      const headers = stringHeaders(boom.data?.res?.headers)
      const retryAfter = Number(body['retry_after'] ?? headers['retry-after'])
      return new RateLimited({
        retryAfter: Number.isFinite(retryAfter) ? retryAfter : 1,
        global: body['global'] === true,
        scope: headers['x-ratelimit-scope'] ?? null,
        bucket: headers['x-ratelimit-bucket'] ?? null,
        route: `POST ${new URL(url).pathname}`,
        headers,
        body: payload
      })
    }
    const error = body['error']
    if (typeof error === 'string' && (status === 400 || status === 401)) {
      const description = body['error_description']
      // A bad code, verifier or refresh token is the caller's problem (400); anything else
      // (invalid_client, unauthorized_client) is this server's configuration (502).
      const clientSide = error === 'invalid_grant' || error === 'invalid_request'
      return new OAuth2Error(error, typeof description === 'string' ? description : null, clientSide ? 400 : 502)
    }
    const discordCode = Number(body['code'])
    const message = body['message']
    return new HttpException({
      status,
      discordCode: Number.isInteger(discordCode) ? discordCode : 0,
      message: typeof message === 'string' ? message : `unexpected answer from ${new URL(url).pathname}`,
      body: payload,
      method: 'POST',
      url
    })
  }
}

/** What is read from a wreck failure (a Boom error). */
interface BoomLike {
  output?: { statusCode?: number }
  data?: { res?: { statusCode?: number, headers?: Record<string, unknown> }, payload?: unknown } | null
}

/**
 * Registers `@fastify/oauth2` in an encapsulated child of `fastify` (its decorations and its
 * `@fastify/cookie` stay there, and it gets no routes) and wraps it.
 *
 * @param fastify - the instance the plugin is being registered on
 * @param options - client credentials and Discord's endpoints
 */
export async function createDiscordOAuthClient (fastify: FastifyInstance, options: DiscordOAuthClientOptions): Promise<DiscordOAuthClient> {
  const token = new URL(options.tokenUrl)
  const authorize = new URL(options.authorizeUrl)
  let decoration: OAuth2Decoration | undefined
  await fastify.register(async function discordOAuth2 (child) {
    await child.register(fastifyOauth2, {
      name: DECORATION,
      credentials: {
        client: { id: options.clientId, secret: options.clientSecret },
        auth: {
          tokenHost: token.origin,
          // Full URLs: wreck resolves them against tokenHost, so revoke may live elsewhere.
          tokenPath: options.tokenUrl,
          revokePath: options.revokeUrl,
          authorizeHost: authorize.origin,
          authorizePath: `${authorize.pathname}${authorize.search}`
        },
        http: { timeout: options.timeout ?? DEFAULT_TIMEOUT },
        options: { authorizationMethod: 'header', bodyFormat: 'form' }
      },
      callbackUri: options.redirectUri,
      userAgent: USER_AGENT
    })
    decoration = (child as unknown as Record<string, OAuth2Decoration>)[DECORATION]
  })
  return new DiscordOAuthClient(decoration as OAuth2Decoration, options)
}

/**
 * The extra authorize-URL parameters without the reserved ones, which simple-oauth2 would let
 * win over its own (and which an app may forward from a query string unfiltered).
 */
function withoutReserved (params: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(params).filter(([name]) => !RESERVED_PARAMS.has(name)))
}

function stringHeaders (headers: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (typeof value === 'string') out[name.toLowerCase()] = value
  }
  return out
}
