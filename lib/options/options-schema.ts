import { Type } from 'typebox'
import { Compile } from 'typebox/compile'
import type { DiscordRestOptions } from './plugin-options.js'

const Text = Type.String({ minLength: 1, maxLength: 2048 })
const Path = Type.Union([Type.Literal(false), Type.String({ minLength: 1, maxLength: 512, pattern: '^/' })])
const Binary = Type.Unsafe<string | Buffer>({ anyOf: [{ type: 'string' }, { type: 'object' }] })

/**
 * The plain-data options, as TypeBox checks them. `now`, `onGrant`, `rest`, and a cache or token store
 * given as an object with methods are checked by shape in `resolveOptions()`.
 */
export const OptionsSchema = Type.Object({
  clientId: Type.Optional(Type.String({ pattern: '^[0-9]{17,20}$' })),
  clientSecret: Type.Optional(Text),
  redirectUri: Type.Optional(Text),
  botToken: Type.Optional(Text),
  scope: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100, pattern: '^[^\\s]+$' }), { minItems: 1, maxItems: 50 })),
  session: Type.Optional(Type.Object({
    key: Type.Optional(Type.Union([Binary, Type.Array(Binary, { minItems: 1 })])),
    secret: Type.Optional(Binary),
    salt: Type.Optional(Binary),
    cookieName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    expiry: Type.Optional(Type.Integer({ minimum: 60 })),
    remember: Type.Optional(Type.Integer({ minimum: 0 })),
    // @fastify/cookie's serialize options, which that package checks; any key is its business.
    cookie: Type.Optional(Type.Object({}))
  }, { additionalProperties: false })),
  apiBaseUrl: Type.Optional(Text),
  authorizeUrl: Type.Optional(Text),
  tokenUrl: Type.Optional(Text),
  revokeUrl: Type.Optional(Text),
  cdnBaseUrl: Type.Optional(Text),
  loginPath: Type.Optional(Path),
  callbackPath: Type.Optional(Path),
  logoutPath: Type.Optional(Path),
  successRedirect: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
  failureRedirect: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
  cache: Type.Optional(Type.Object({
    max: Type.Optional(Type.Integer({ minimum: 1 })),
    ttl: Type.Optional(Type.Integer({ minimum: 1 })),
    store: Type.Optional(Type.Object({}))
  }, { additionalProperties: false })),
  tokenStore: Type.Optional(Type.Union([Type.Literal('redis'), Type.Object({})])),
  redis: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 2048, pattern: '^rediss?://' }), Type.Object({})])),
  // `{` and `}` would break the hash tags that keep each script's keys in one Redis Cluster slot.
  redisPrefix: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '^[^{}]*$' })),
  prompt: Type.Optional(Type.Union([Type.Literal('consent'), Type.Literal('none')]))
}, { additionalProperties: false })

export const checkOptions = Compile(OptionsSchema)

/** The environment variables an option falls back to. */
export const ENV = {
  clientId: 'DISCORD_CLIENT_ID',
  clientSecret: 'DISCORD_CLIENT_SECRET',
  redirectUri: 'DISCORD_REDIRECT_URI',
  botToken: 'DISCORD_BOT_TOKEN',
  'cache.max': 'DISCORD_USERS_CACHE_MAX_LIMIT'
} as const

/**
 * Options of Fastify's `register` itself, which Fastify leaves in the plugin's options. They
 * are not typos, so they are not refused; they have no effect, since fastify-discord is not
 * encapsulated (its routes live where `loginPath`, `callbackPath` and `logoutPath` say).
 */
export const REGISTER_OPTIONS = ['prefix', 'logLevel', 'logSerializers'] as const

/** Every option `register` takes besides Fastify's own. */
export const KNOWN_OPTIONS: readonly string[] = [...Object.keys(OptionsSchema.properties), 'now', 'rest', 'onGrant']

/** The `rest` knobs, listed so that a misspelt one is refused; `satisfies` keeps the list complete. */
export const REST_KEYS: readonly string[] = Object.keys({
  userAgentAppendix: true,
  timeout: true,
  retries: true,
  retryDelay: true,
  rateLimitRetries: true,
  globalRequestsPerSecond: true,
  rejectOnRateLimit: true,
  maxRateLimitWait: true,
  rateLimitOffset: true,
  sweepInterval: true,
  deadline: true,
  invalidRequestLimit: true,
  fetch: true,
  clock: true
} satisfies Record<keyof DiscordRestOptions, true>)

/**
 * The options one level down (`session`, `cache`, `rest`), for naming an unknown one.
 *
 * @param parent - `''` for the top level, else the option holding the others
 */
export function knownOptions (parent: string): readonly string[] {
  if (parent === '') return KNOWN_OPTIONS
  if (parent === 'rest') return REST_KEYS
  const schema = (OptionsSchema.properties as Record<string, { properties?: Record<string, unknown> } | undefined>)[parent]
  return Object.keys(schema?.properties ?? {})
}
