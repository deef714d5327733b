import { InvalidArgument } from '../errors/invalid-argument.js'
import { MAX_DATA_LENGTH } from '../cookie/session-data.js'
import type { AuthorizationURLParams } from '../oauth/discord-oauth-client.js'
import { safeNext } from './safe-next.js'

/** Options of `request.discord.createSession()`. */
export interface CreateSessionOptions {
  /** Scopes to ask for. @defaultValue the plugin's `scope` option */
  scope?: readonly string[] | undefined
  /** Any JSON value (at most 512 characters of JSON), handed back by `callback()`. */
  data?: unknown | undefined
  /** @defaultValue the plugin's `prompt` option (`'consent'`) */
  prompt?: 'consent' | 'none' | undefined
  /** Bot permissions for the `bot` scope. */
  permissions?: bigint | string | number | undefined
  /** Pre-selects the guild of a bot or webhook install. */
  guildId?: string | undefined
  /** With `guildId`: the user may not pick another guild. */
  disableGuildSelect?: boolean | undefined
  /** 0 installs to a guild, 1 to the user. */
  integrationType?: 0 | 1 | undefined
  /**
   * Extra query parameters of the authorize URL (at most 20, of at most 2048 characters
   * together); they never override the ones above, nor `response_type`, `client_id` or `redirect_uri`.
   */
  params?: Record<string, string | number | boolean> | undefined
  /** Where the callback route sends the user afterwards; only a same-origin relative path of at most 512 characters (once percent-encoded) is kept. */
  next?: string | undefined
}

/** Most extra `params`, and most characters of their names and values together: they end up in a Location header. */
export const MAX_EXTRA_PARAMS = 20
export const MAX_EXTRA_PARAMS_LENGTH = 2048

/** A login attempt as asked for, checked: what the authorize URL and the pending login are made of. */
export interface LoginRequest {
  /** Everything the authorize URL carries besides `state` and the PKCE challenge. */
  authorize: Omit<AuthorizationURLParams, 'state' | 'codeChallenge'>
  /** `data`, as the JSON value it round-trips to. */
  data?: unknown
  next?: string
}

/** What a login falls back to when `createSession()` leaves it out: the plugin's options. */
export interface LoginDefaults {
  readonly scope: readonly string[]
  readonly prompt: 'consent' | 'none'
}

/**
 * Checks the options of `createSession()`: the one place they are validated. Apps pass on
 * values from a query string, so a malformed one is the client's error (400), never a 500.
 *
 * @param options - what the app passed to `createSession()`
 * @param defaults - the plugin's `scope` and `prompt`
 * @throws InvalidArgument (400) naming the malformed option
 */
export function readLoginRequest (options: CreateSessionOptions | null | undefined, defaults: LoginDefaults): LoginRequest {
  const opts = options ?? {}
  const scope = opts.scope ?? defaults.scope
  if (!Array.isArray(scope) || scope.length === 0 || !scope.every((s) => typeof s === 'string' && /^[^\s]+$/.test(s))) {
    throw new InvalidArgument('`scope` must be a non-empty array of OAuth2 scope names')
  }
  const prompt = opts.prompt ?? defaults.prompt
  if (prompt !== 'consent' && prompt !== 'none') throw new InvalidArgument('`prompt` must be \'consent\' or \'none\'')
  const request: LoginRequest = { authorize: { scope, prompt } }
  if (opts.data !== undefined) {
    const json = jsonOf(opts.data)
    if (json === undefined) throw new InvalidArgument('`data` must be a JSON value')
    if (json.length > MAX_DATA_LENGTH) throw new InvalidArgument(`\`data\` must be at most ${MAX_DATA_LENGTH} characters of JSON: it travels in the session cookie`)
    request.data = JSON.parse(json)
  }
  // An unsafe or over-long `next` is ignored, not refused: the user lands on `successRedirect`.
  const next = safeNext(opts.next)
  if (next !== null) request.next = next
  const authorize = request.authorize
  if (opts.permissions !== undefined) {
    const permissions = ['bigint', 'string', 'number'].includes(typeof opts.permissions) ? String(opts.permissions) : ''
    if (!/^[0-9]{1,30}$/.test(permissions)) throw new InvalidArgument('`permissions` must be a non-negative integer (bigint, string or number)')
    authorize.permissions = BigInt(permissions).toString()
  }
  if (opts.guildId !== undefined) {
    if (typeof opts.guildId !== 'string' || !/^[0-9]{1,25}$/.test(opts.guildId)) throw new InvalidArgument('`guildId` must be a snowflake string')
    authorize.guildId = opts.guildId
  }
  if (opts.disableGuildSelect !== undefined) {
    if (typeof opts.disableGuildSelect !== 'boolean') throw new InvalidArgument('`disableGuildSelect` must be a boolean')
    authorize.disableGuildSelect = opts.disableGuildSelect
  }
  if (opts.integrationType !== undefined) {
    if (opts.integrationType !== 0 && opts.integrationType !== 1) throw new InvalidArgument('`integrationType` must be 0 (guild install) or 1 (user install)')
    authorize.integrationType = opts.integrationType
  }
  if (opts.params !== undefined) authorize.params = checkExtraParams(opts.params)
  return request
}

/**
 * The extra authorize-URL parameters as strings, bounded: they end up in a Location header.
 *
 * @throws InvalidArgument (400) for a value that is not a string, number or boolean, or too many or too long parameters
 */
export function checkExtraParams (params: Record<string, string | number | boolean>): Record<string, string> {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) throw new InvalidArgument('`params` must be an object of query parameters')
  const entries = Object.entries(params).map(([name, value]): [string, string] => {
    if (!['string', 'number', 'boolean'].includes(typeof value)) throw new InvalidArgument('`params` values must be strings, numbers or booleans')
    return [name, String(value)]
  })
  if (entries.length > MAX_EXTRA_PARAMS) throw new InvalidArgument(`\`params\` may hold at most ${MAX_EXTRA_PARAMS} parameters`)
  const length = entries.reduce((sum, [name, value]) => sum + name.length + value.length, 0)
  if (length > MAX_EXTRA_PARAMS_LENGTH) throw new InvalidArgument(`\`params\` may hold at most ${MAX_EXTRA_PARAMS_LENGTH} characters of names and values`)
  return Object.fromEntries(entries)
}

/** `JSON.stringify`, with what it throws on (a BigInt, a cycle) as `undefined`: not a JSON value. */
function jsonOf (value: unknown): string | undefined {
  try {
    return JSON.stringify(value)
  } catch {
    return undefined
  }
}
