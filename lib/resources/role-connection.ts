import { Type } from 'typebox'
import { Compile } from 'typebox/compile'
import { InvalidArgument } from '../errors/invalid-argument.js'
import { requireScopes } from './require-scopes.js'
import type { ResourceContext, ResourceSession } from './resource-types.js'

/** Metadata types of Discord's Linked Roles (`ApplicationRoleConnectionMetadataType`). */
export const RoleConnectionMetadataType = {
  IntegerLessThanOrEqual: 1,
  IntegerGreaterThanOrEqual: 2,
  IntegerEqual: 3,
  IntegerNotEqual: 4,
  DatetimeLessThanOrEqual: 5,
  DatetimeGreaterThanOrEqual: 6,
  BooleanEqual: 7,
  BooleanNotEqual: 8
} as const
// eslint-disable-next-line @typescript-eslint/no-redeclare -- the value and its type share the name, as an enum's do
export type RoleConnectionMetadataType = typeof RoleConnectionMetadataType[keyof typeof RoleConnectionMetadataType]

// Discord's documented limits: keys a-z, 0-9 and _, of 1 to 50 characters; at most 5 records.
const Key = Type.String({ pattern: '^[a-z0-9_]{1,50}$' })
const Localizations = (maxLength: number): ReturnType<typeof Type.Record> =>
  Type.Record(Type.String({ pattern: '^[a-zA-Z-]{2,10}$' }), Type.String({ minLength: 1, maxLength }))

const MetadataRecord = Type.Object({
  type: Type.Integer({ minimum: 1, maximum: 8 }),
  key: Key,
  name: Type.String({ minLength: 1, maxLength: 100 }),
  description: Type.String({ minLength: 1, maxLength: 200 }),
  nameLocalizations: Type.Optional(Localizations(100)),
  descriptionLocalizations: Type.Optional(Localizations(200))
}, { additionalProperties: false })
const MetadataRecords = Type.Array(MetadataRecord, { maxItems: 5 })
const checkRecords = Compile(MetadataRecords)

/** One Linked Roles metadata record of the application: what a guild can require of a user's role connection. */
export interface RoleConnectionMetadataRecord {
  type: RoleConnectionMetadataType
  /** a-z, 0-9 and `_`, 1 to 50 characters; the key of the users' `metadata`. */
  key: string
  name: string
  description: string
  nameLocalizations?: Record<string, string> | undefined
  descriptionLocalizations?: Record<string, string> | undefined
}

/**
 * A value of a user's role-connection metadata: an integer for the integer types, a `Date` (or
 * an ISO 8601 string) for the datetime types, a boolean for the boolean types. Discord stores
 * them all as strings.
 */
export type RoleConnectionValue = number | boolean | Date | string

/** What `updateRoleConnection()` takes. */
export interface RoleConnectionUpdate {
  /** The name of the platform shown on the user's profile, at most 50 characters. */
  platformName?: string | null | undefined
  /** The user's name on that platform, at most 100 characters. */
  platformUsername?: string | null | undefined
  /** At most 5 values, by metadata key. */
  metadata?: Record<string, RoleConnectionValue> | undefined
}

/** The user's role connection for this application, as Discord keeps it. */
export interface RoleConnection {
  platformName: string | null
  platformUsername: string | null
  /** Values by metadata key, as the strings Discord keeps. */
  metadata: Record<string, string>
}

const Update = Type.Object({
  platformName: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 50 })])),
  platformUsername: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 100 })])),
  metadata: Type.Optional(Type.Record(Key, Type.Union([Type.Number(), Type.Boolean(), Type.String({ minLength: 1, maxLength: 100 }), Type.Unsafe<Date>({})]), { maxProperties: 5 }))
}, { additionalProperties: false })
const checkUpdate = Compile(Update)

const METADATA_KEY = /^[a-z0-9_]{1,50}$/
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/

interface RawRoleConnection { platform_name?: string | null, platform_username?: string | null, metadata?: Record<string, string> | null }
interface RawMetadataRecord { type: number, key: string, name: string, description: string, name_localizations?: Record<string, string> | null, description_localizations?: Record<string, string> | null }

function roleConnectionRoute (ctx: ResourceContext): string {
  return `/users/@me/applications/${ctx.applicationId}/role-connection`
}

function metadataRoute (ctx: ResourceContext): string {
  return `/applications/${ctx.applicationId}/role-connections/metadata`
}

/**
 * The session user's role connection for this application (`GET
 * /users/@me/applications/{applicationId}/role-connection`, needs `role_connections.write`).
 * Not cached.
 *
 * @throws MissingScope (no call to Discord), Unauthorized, RateLimited, HttpException
 */
export async function fetchRoleConnection (session: ResourceSession, ctx: ResourceContext): Promise<RoleConnection> {
  requireScopes(session, ['role_connections.write'], 'fetchRoleConnection()')
  return roleConnectionOf(await session.request<RawRoleConnection>(roleConnectionRoute(ctx)))
}

/**
 * Replaces the session user's role connection (`PUT …/role-connection`, needs
 * `role_connections.write`). Values are sent as Discord stores them: integers as decimal strings,
 * dates as ISO 8601, booleans as `1`/`0`.
 *
 * @throws InvalidArgument (400) for malformed input (no call to Discord), MissingScope, Unauthorized, RateLimited, HttpException
 */
export async function updateRoleConnection (session: ResourceSession, ctx: ResourceContext, update: RoleConnectionUpdate): Promise<RoleConnection> {
  const body = roleConnectionBody(update)
  requireScopes(session, ['role_connections.write'], 'updateRoleConnection()')
  return roleConnectionOf(await session.request<RawRoleConnection>(roleConnectionRoute(ctx), { method: 'PUT', body }))
}

/**
 * The application's Linked Roles metadata records (`GET
 * /applications/{applicationId}/role-connections/metadata`, with the bot token).
 *
 * @throws ConfigurationError without a bot token, Unauthorized, RateLimited, HttpException
 */
export async function fetchRoleConnectionMetadata (ctx: ResourceContext): Promise<RoleConnectionMetadataRecord[]> {
  const records = await ctx.botRequest<RawMetadataRecord[]>(metadataRoute(ctx))
  return records.map(metadataRecordOf)
}

/**
 * Replaces the application's Linked Roles metadata records (`PUT …/role-connections/metadata`,
 * with the bot token).
 *
 * @throws InvalidArgument (400) for malformed records (no call to Discord), ConfigurationError without a bot token, RateLimited, HttpException
 */
export async function setRoleConnectionMetadata (ctx: ResourceContext, records: readonly RoleConnectionMetadataRecord[]): Promise<RoleConnectionMetadataRecord[]> {
  if (!checkRecords.Check(records)) {
    const [first] = [...checkRecords.Errors(records)]
    throw new InvalidArgument(`role-connection metadata records are malformed${first === undefined ? '' : ` at \`${first.instancePath || '/'}\``}: at most 5 records of { type (1-8), key (a-z, 0-9, _; 1-50), name (1-100), description (1-200) }`)
  }
  const keys = new Set(records.map((record) => record.key))
  if (keys.size !== records.length) throw new InvalidArgument('role-connection metadata keys must be unique')
  const body = records.map((record) => ({
    type: record.type,
    key: record.key,
    name: record.name,
    description: record.description,
    ...(record.nameLocalizations === undefined ? {} : { name_localizations: record.nameLocalizations }),
    ...(record.descriptionLocalizations === undefined ? {} : { description_localizations: record.descriptionLocalizations })
  }))
  const saved = await ctx.botRequest<RawMetadataRecord[]>(metadataRoute(ctx), { method: 'PUT', body })
  return saved.map(metadataRecordOf)
}

function roleConnectionBody (update: RoleConnectionUpdate): Record<string, unknown> {
  if (!checkUpdate.Check(update)) {
    const [first] = [...checkUpdate.Errors(update)]
    throw new InvalidArgument(`updateRoleConnection() input is malformed${first === undefined ? '' : ` at \`${first.instancePath || '/'}\``}: platformName (at most 50), platformUsername (at most 100), metadata (at most 5 values by key of a-z, 0-9, _)`)
  }
  const body: Record<string, unknown> = {}
  if (update.platformName !== undefined) body['platform_name'] = update.platformName
  if (update.platformUsername !== undefined) body['platform_username'] = update.platformUsername
  if (update.metadata !== undefined) {
    const metadata: Record<string, string> = {}
    for (const [key, value] of Object.entries(update.metadata)) metadata[key] = metadataValue(key, value)
    body['metadata'] = metadata
  }
  return body
}

function metadataValue (key: string, value: RoleConnectionValue): string {
  // A record of patterned keys lets other keys through: checked here, with the value.
  if (!METADATA_KEY.test(key)) throw new InvalidArgument('metadata keys are a-z, 0-9 and _, of 1 to 50 characters')
  if (typeof value === 'boolean') return value ? '1' : '0'
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new InvalidArgument(`metadata \`${key}\` must be an integer, a boolean, a date or a string`)
    return String(value)
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new InvalidArgument(`metadata \`${key}\` is an invalid date`)
    return value.toISOString()
  }
  if (typeof value === 'string' && (/^-?\d{1,19}$/.test(value) || ISO_DATETIME.test(value))) return value
  throw new InvalidArgument(`metadata \`${key}\` must be an integer, a boolean, a date (or an ISO 8601 string) or an integer string`)
}

function roleConnectionOf (raw: RawRoleConnection): RoleConnection {
  return {
    platformName: raw.platform_name ?? null,
    platformUsername: raw.platform_username ?? null,
    metadata: { ...(raw.metadata ?? {}) }
  }
}

function metadataRecordOf (raw: RawMetadataRecord): RoleConnectionMetadataRecord {
  return {
    type: raw.type as RoleConnectionMetadataType,
    key: raw.key,
    name: raw.name,
    description: raw.description,
    ...(raw.name_localizations === undefined || raw.name_localizations === null ? {} : { nameLocalizations: raw.name_localizations }),
    ...(raw.description_localizations === undefined || raw.description_localizations === null ? {} : { descriptionLocalizations: raw.description_localizations })
  }
}
