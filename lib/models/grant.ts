import { inspect } from 'node:util'
import { Guild } from './guild.js'
import type { ModelContext } from './model-context.js'

/** Plain form of a {@link GrantWebhook}: without its token, nor its URL, which holds the token. */
export interface GrantWebhookJSON {
  id: string
  channelId: string | null
  guildId: string | null
  name: string | null
}

/**
 * The incoming webhook a `webhook.incoming` grant created. Its `token` (and `url`, which holds
 * it) is a secret: anyone with it can post to the channel. Neither is enumerable, nor part of
 * `toJSON()` or `util.inspect()`, so logging or replying with the grant does not leak them; the
 * app reads them explicitly to store them.
 */
export class GrantWebhook {
  readonly id: string
  readonly channelId: string | null
  readonly guildId: string | null
  readonly name: string | null
  readonly #token: string
  readonly #url: string

  constructor (data: { id: string, token: string, url: string, channelId: string | null, guildId: string | null, name: string | null }) {
    this.id = data.id
    this.channelId = data.channelId
    this.guildId = data.guildId
    this.name = data.name
    this.#token = data.token
    this.#url = data.url
  }

  /** The webhook's token: a secret. */
  get token (): string { return this.#token }
  /** `https://discord.com/api/webhooks/{id}/{token}`: a secret, since it holds the token. */
  get url (): string { return this.#url }

  toJSON (): GrantWebhookJSON {
    return { id: this.id, channelId: this.channelId, guildId: this.guildId, name: this.name }
  }

  [inspect.custom] (): string {
    return `GrantWebhook ${inspect(this.toJSON())}`
  }
}

/**
 * What a callback obtained besides tokens (`request.discord.grant`): the scopes Discord granted,
 * the guild a `bot` grant added the bot to, the bot's permissions there, and the webhook of a
 * `webhook.incoming` grant; `null` where the grant has none.
 */
export interface Grant {
  readonly scopes: readonly string[]
  /**
   * The guild of a `bot` grant (from the token response's `guild`, else the callback's
   * `guild_id`). Its `isOwner` says whether the logged-in user owns it; Discord does not send the
   * user's permissions there, so its `permissions` are the owner's (all) or none.
   */
  readonly guild: Guild | null
  /** The webhook of a `webhook.incoming` grant. */
  readonly webhook: GrantWebhook | null
  /** The bot's permissions in `guild`, from the callback's `permissions`. */
  readonly permissions: bigint | null
}

/** What the code exchange and the callback carry that makes up a {@link Grant}; all unchecked. */
export interface GrantSources {
  scopes: readonly string[]
  /** The token response's `guild`. */
  guild: unknown
  /** The token response's `webhook`. */
  webhook: unknown
  /** The callback's `guild_id` and `permissions` query parameters. */
  guildId: unknown
  permissions: unknown
  /** The session's user, to tell whether they own the guild. */
  userId: string | null
}

const SNOWFLAKE = /^\d{1,20}$/

/**
 * Builds the grant from what Discord sent, keeping only well-formed values: a malformed field
 * is `null`, never an error (the tokens were granted all the same).
 */
export function grantOf (sources: GrantSources, context: ModelContext): Grant {
  return Object.freeze({
    scopes: Object.freeze([...sources.scopes]),
    guild: guildOf(sources, context),
    webhook: webhookOf(sources.webhook),
    permissions: typeof sources.permissions === 'string' && /^\d{1,30}$/.test(sources.permissions) ? BigInt(sources.permissions) : null
  })
}

function guildOf (sources: GrantSources, context: ModelContext): Guild | null {
  const raw = record(sources.guild)
  const id = raw !== null && isSnowflake(raw['id']) ? raw['id'] : (isSnowflake(sources.guildId) ? sources.guildId : null)
  if (id === null) return null
  const full = raw !== null && raw['id'] === id
  const owner = full && sources.userId !== null && raw['owner_id'] === sources.userId
  return new Guild({
    id,
    name: full && typeof raw['name'] === 'string' ? raw['name'] : '',
    icon: full && typeof raw['icon'] === 'string' ? raw['icon'] : null,
    banner: full && typeof raw['banner'] === 'string' ? raw['banner'] : null,
    owner,
    permissions: '0',
    features: full && Array.isArray(raw['features']) ? raw['features'].filter((f): f is never => typeof f === 'string') : []
  }, context)
}

function webhookOf (value: unknown): GrantWebhook | null {
  const raw = record(value)
  if (raw === null || !isSnowflake(raw['id']) || typeof raw['token'] !== 'string' || raw['token'] === '') return null
  const id = raw['id']
  const token = raw['token']
  return new GrantWebhook({
    id,
    token,
    url: typeof raw['url'] === 'string' ? raw['url'] : `https://discord.com/api/webhooks/${id}/${token}`,
    channelId: isSnowflake(raw['channel_id']) ? raw['channel_id'] : null,
    guildId: isSnowflake(raw['guild_id']) ? raw['guild_id'] : null,
    name: typeof raw['name'] === 'string' ? raw['name'] : null
  })
}

function record (value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : null
}

function isSnowflake (value: unknown): value is string {
  return typeof value === 'string' && SNOWFLAKE.test(value)
}
