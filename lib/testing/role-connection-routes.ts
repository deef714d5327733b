import type { FastifyInstance, FastifyReply } from 'fastify'
import type { FakeContext } from './context.js'
import { HTTP_ERRORS, JSON_ERRORS, invalidFormBody, sendDiscordError } from './discord-errors.js'
import { parseJSON } from './guild-routes.js'
import { hasScope, resolvePrincipal } from './rest-auth.js'

interface MetadataRecord {
  type: number
  key: string
  name: string
  description: string
  name_localizations?: Record<string, string>
  description_localizations?: Record<string, string>
}

interface StoredConnection {
  platform_name: string | null
  platform_username: string | null
  metadata: Record<string, string>
}

const KEY = /^[a-z0-9_]{1,50}$/

function text (value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= max
}

/** Discord's checks of a metadata record list: at most 5, each with a type 1-8 and bounded texts. */
function readRecords (value: unknown): { ok: true, records: MetadataRecord[] } | { ok: false, field: string } {
  if (!Array.isArray(value) || value.length > 5) return { ok: false, field: '_root' }
  const records: MetadataRecord[] = []
  for (const [i, raw] of value.entries()) {
    const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>
    if (typeof r['type'] !== 'number' || !Number.isInteger(r['type']) || r['type'] < 1 || r['type'] > 8) return { ok: false, field: `${i}.type` }
    if (typeof r['key'] !== 'string' || !KEY.test(r['key'])) return { ok: false, field: `${i}.key` }
    if (!text(r['name'], 100)) return { ok: false, field: `${i}.name` }
    if (!text(r['description'], 200)) return { ok: false, field: `${i}.description` }
    const record: MetadataRecord = { type: r['type'], key: r['key'], name: r['name'], description: r['description'] }
    if (typeof r['name_localizations'] === 'object' && r['name_localizations'] !== null) record.name_localizations = r['name_localizations'] as Record<string, string>
    if (typeof r['description_localizations'] === 'object' && r['description_localizations'] !== null) record.description_localizations = r['description_localizations'] as Record<string, string>
    records.push(record)
  }
  return { ok: true, records }
}

/** The role connection as Discord answers it: `platform_*` only when set (the schema types them as strings). */
function connectionBody (c: StoredConnection): Record<string, unknown> {
  return {
    ...(c.platform_name === null ? {} : { platform_name: c.platform_name }),
    ...(c.platform_username === null ? {} : { platform_username: c.platform_username }),
    metadata: { ...c.metadata }
  }
}

function badField (reply: FastifyReply, field: string, message: string): FastifyReply {
  return sendDiscordError(reply, 400, invalidFormBody(field, 'BASE_TYPE_BAD_VALUE', message))
}

/**
 * Linked Roles: `GET`/`PUT /applications/{id}/role-connections/metadata` (bot token) and
 * `GET`/`PUT /users/@me/applications/{id}/role-connection` (a bearer token with
 * `role_connections.write`). A user's metadata may only use keys the application declared.
 */
export function registerRoleConnectionRoutes (app: FastifyInstance, ctx: FakeContext): void {
  let records: MetadataRecord[] = []
  const connections = new Map<string, StoredConnection>()

  app.get<{ Params: { applicationId: string } }>('/api/v10/applications/:applicationId/role-connections/metadata', async (request, reply) => {
    const principal = resolvePrincipal(ctx, request.headers.authorization)
    if (principal === null || principal.kind !== 'bot') return sendDiscordError(reply, 401, HTTP_ERRORS[401])
    if (request.params.applicationId !== ctx.clientId) return sendDiscordError(reply, 403, JSON_ERRORS.missingAccess)
    return structuredClone(records)
  })

  app.put<{ Params: { applicationId: string } }>('/api/v10/applications/:applicationId/role-connections/metadata', async (request, reply) => {
    const principal = resolvePrincipal(ctx, request.headers.authorization)
    if (principal === null || principal.kind !== 'bot') return sendDiscordError(reply, 401, HTTP_ERRORS[401])
    if (request.params.applicationId !== ctx.clientId) return sendDiscordError(reply, 403, JSON_ERRORS.missingAccess)
    const parsed = parseJSON(request.body)
    if (!parsed.ok) return sendDiscordError(reply, 400, JSON_ERRORS.invalidJSON)
    const read = readRecords(parsed.value)
    if (!read.ok) return badField(reply, read.field, 'Invalid application role connection metadata.')
    records = read.records
    return structuredClone(records)
  })

  app.get<{ Params: { applicationId: string } }>('/api/v10/users/@me/applications/:applicationId/role-connection', async (request, reply) => {
    const principal = resolvePrincipal(ctx, request.headers.authorization)
    if (principal === null || principal.kind !== 'bearer' || !hasScope(principal, 'role_connections.write')) return sendDiscordError(reply, 401, HTTP_ERRORS[401])
    if (request.params.applicationId !== ctx.clientId) return sendDiscordError(reply, 403, JSON_ERRORS.missingAccess)
    return connectionBody(connections.get(principal.authorization.userId) ?? { platform_name: null, platform_username: null, metadata: {} })
  })

  app.put<{ Params: { applicationId: string } }>('/api/v10/users/@me/applications/:applicationId/role-connection', async (request, reply) => {
    const principal = resolvePrincipal(ctx, request.headers.authorization)
    if (principal === null || principal.kind !== 'bearer' || !hasScope(principal, 'role_connections.write')) return sendDiscordError(reply, 401, HTTP_ERRORS[401])
    if (request.params.applicationId !== ctx.clientId) return sendDiscordError(reply, 403, JSON_ERRORS.missingAccess)
    const parsed = parseJSON(request.body)
    if (!parsed.ok) return sendDiscordError(reply, 400, JSON_ERRORS.invalidJSON)
    const body = (typeof parsed.value === 'object' && parsed.value !== null ? parsed.value : {}) as Record<string, unknown>
    const name = body['platform_name'] ?? null
    const username = body['platform_username'] ?? null
    if (name !== null && !(typeof name === 'string' && name.length <= 50)) return badField(reply, 'platform_name', 'Must be 50 or fewer in length.')
    if (username !== null && !(typeof username === 'string' && username.length <= 100)) return badField(reply, 'platform_username', 'Must be 100 or fewer in length.')
    const metadata: Record<string, string> = {}
    const raw = body['metadata'] ?? {}
    if (typeof raw !== 'object' || raw === null || Object.keys(raw).length > 5) return badField(reply, 'metadata', 'Must be 5 or fewer in length.')
    for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
      if (!records.some((r) => r.key === key)) return badField(reply, `metadata.${key}`, 'Unknown metadata key.')
      if (!text(value, 100)) return badField(reply, `metadata.${key}`, 'Must be a string of 1 to 100 characters.')
      metadata[key] = value
    }
    const stored: StoredConnection = { platform_name: name as string | null, platform_username: username as string | null, metadata }
    connections.set(principal.authorization.userId, stored)
    return connectionBody(stored)
  })
}
