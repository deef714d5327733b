/**
 * Stable error codes. Every error this package throws carries one of these as `err.code`,
 * so applications can branch on it without string-matching messages.
 */
export const ErrorCodes = {
  /** A registration option is missing or malformed. */
  OPTIONS: 'FST_DISCORD_OPTIONS',
  /** The request has no usable Discord authorization. */
  UNAUTHORIZED: 'FST_DISCORD_UNAUTHORIZED',
  /** The user (or Discord) refused the authorization request. */
  ACCESS_DENIED: 'FST_DISCORD_ACCESS_DENIED',
  /** The OAuth2 `state` is missing, unknown, expired, replayed or foreign to this session. */
  INVALID_STATE: 'FST_DISCORD_INVALID_STATE',
  /** The authorization callback carried an error other than `access_denied`, or was malformed. */
  OAUTH2: 'FST_DISCORD_OAUTH2',
  /** The session lacks an OAuth2 scope the operation needs. */
  MISSING_SCOPE: 'FST_DISCORD_MISSING_SCOPE',
  /** A guild-gated route refused the user: not a member of the guild. */
  NOT_GUILD_MEMBER: 'FST_DISCORD_NOT_GUILD_MEMBER',
  /** A guild-gated route refused the user: a member holding none of the required roles. */
  MISSING_ROLE: 'FST_DISCORD_MISSING_ROLE',
  /** A guild-gated route refused the user: a member lacking some of the required permissions. */
  MISSING_PERMISSIONS: 'FST_DISCORD_MISSING_PERMISSIONS',
  /** Discord (or this client, to avoid a 429) is rate limiting the request. */
  RATE_LIMITED: 'FST_DISCORD_RATE_LIMITED',
  /** Discord answered with an error status, an unreadable body, or could not be reached. */
  HTTP: 'FST_DISCORD_HTTP',
  /** The request to Discord took longer than the configured timeout. */
  TIMEOUT: 'FST_DISCORD_TIMEOUT',
  /** An argument (often user input passed on by the app) is malformed, e.g. a non-snowflake id. */
  INVALID_ARGUMENT: 'FST_DISCORD_INVALID_ARGUMENT',
  /** Too many invalid requests (401, 403, 429) in 10 minutes: calls are refused locally to avoid a Discord ban. */
  INVALID_REQUEST_LIMIT: 'FST_DISCORD_INVALID_REQUEST_LIMIT',
  /** Redis, which holds the state several instances share, did not answer: retry shortly (503). */
  SHARED_STATE_UNAVAILABLE: 'FST_DISCORD_SHARED_STATE_UNAVAILABLE',
  /** No bot token is configured but the operation needs one. */
  NO_BOT_TOKEN: 'FST_DISCORD_NO_BOT_TOKEN'
} as const

export type ErrorCode = typeof ErrorCodes[keyof typeof ErrorCodes]
