import type { FastifyReply } from 'fastify'

/** A JSON error body the way Discord's REST API sends one. */
export interface DiscordErrorBody {
  message: string
  code: number
  errors?: Record<string, unknown>
}

/** Discord's bodies for the plain HTTP errors, byte for byte. */
export const HTTP_ERRORS = {
  400: { message: '400: Bad Request', code: 0 },
  401: { message: '401: Unauthorized', code: 0 },
  403: { message: '403: Forbidden', code: 0 },
  404: { message: '404: Not Found', code: 0 },
  405: { message: '405: Method Not Allowed', code: 0 },
  500: { message: '500: Internal Server Error', code: 0 }
} as const satisfies Record<number, DiscordErrorBody>

/** Errors with a JSON error code (https://discord.com/developers/docs/topics/opcodes-and-status-codes#json). */
export const JSON_ERRORS = {
  unknownGuild: { message: 'Unknown Guild', code: 10004 },
  unknownUser: { message: 'Unknown User', code: 10013 },
  unknownMember: { message: 'Unknown Member', code: 10007 },
  missingAccess: { message: 'Missing Access', code: 50001 },
  invalidOAuth2AccessToken: { message: 'Invalid OAuth2 access token', code: 50025 },
  invalidJSON: { message: 'The request body contains invalid JSON.', code: 50109 }
} as const satisfies Record<string, DiscordErrorBody>

/** Sends a Discord REST error body. */
export function sendDiscordError (reply: FastifyReply, status: number, body: DiscordErrorBody): FastifyReply {
  return reply.code(status).type('application/json').send(body)
}

/** Discord's 400 for a field that fails validation (code 50035, errors nested by field). */
export function invalidFormBody (field: string, code: string, message: string): DiscordErrorBody {
  return { message: 'Invalid Form Body', code: 50035, errors: { [field]: { _errors: [{ code, message }] } } }
}

/** RFC 6749 §5.2 error codes the token and revoke endpoints answer with. */
export type OAuthErrorCode =
  | 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unauthorized_client'
  | 'unsupported_grant_type' | 'invalid_scope' | 'unsupported_token_type'

/** Sends an RFC 6749 error body: `{"error": ..., "error_description": ...}`. */
export function sendOAuthError (reply: FastifyReply, status: number, error: OAuthErrorCode, description: string): FastifyReply {
  // Token responses must never be cached (RFC 6749 §5.1); error bodies follow the same rule.
  return reply.code(status).header('cache-control', 'no-store').type('application/json')
    .send({ error, error_description: description })
}
