import type { APIGuildIntegration, APIGuildIntegrationType, APIIntegrationAccount, IntegrationExpireBehavior, OAuth2Scopes } from 'discord-api-types/v10'

/** The guild of an integration, as connection payloads carry it (not in discord-api-types' type). */
export interface IntegrationGuild {
  id: string
  name: string
  icon: string | null
}

/** Integration payloads inside connections also name their guild. */
export type IntegrationPayload = Partial<APIGuildIntegration> & { guild?: IntegrationGuild }

/** Plain, reply-safe form of an {@link Integration}. */
export interface IntegrationJSON {
  id: string | null
  name: string | null
  type: APIGuildIntegrationType | null
  enabled: boolean | null
  syncing: boolean | null
  roleId: string | null
  enableEmoticons: boolean | null
  expireBehavior: IntegrationExpireBehavior | null
  expireGracePeriod: number | null
  account: APIIntegrationAccount | null
  syncedAt: string | null
  subscriberCount: number | null
  revoked: boolean | null
  applicationId: string | null
  scopes: OAuth2Scopes[]
  guild: IntegrationGuild | null
}

/**
 * A guild integration, as found in a user connection's `integrations` (Quart-Discord's
 * `Integration`). Connections carry partial integration objects, so every member may be `null`.
 */
export class Integration {
  readonly #data: IntegrationPayload

  constructor (data: IntegrationPayload) {
    this.#data = data
  }

  get id (): string | null { return this.#data.id ?? null }
  get name (): string | null { return this.#data.name ?? null }
  /** `twitch`, `youtube`, `discord` or `guild_subscription`. */
  get type (): APIGuildIntegrationType | null { return this.#data.type ?? null }
  get enabled (): boolean | null { return this.#data.enabled ?? null }
  get syncing (): boolean | null { return this.#data.syncing ?? null }
  /** The role subscribers get. */
  get roleId (): string | null { return this.#data.role_id ?? null }
  get enableEmoticons (): boolean | null { return this.#data.enable_emoticons ?? null }
  /** What happens when a subscription expires: 0 remove the role, 1 kick. */
  get expireBehavior (): IntegrationExpireBehavior | null { return this.#data.expire_behavior ?? null }
  /** Days of grace before the expire behaviour applies. */
  get expireGracePeriod (): number | null { return this.#data.expire_grace_period ?? null }
  /** The account on the integrated service (`id`, `name`). */
  get account (): APIIntegrationAccount | null {
    const account = this.#data.account
    return account === undefined ? null : { id: account.id, name: account.name }
  }

  /** When the integration last synced. */
  get syncedAt (): Date | null {
    return this.#data.synced_at === undefined ? null : new Date(this.#data.synced_at)
  }

  get subscriberCount (): number | null { return this.#data.subscriber_count ?? null }
  get revoked (): boolean | null { return this.#data.revoked ?? null }
  /** The bot application's id, for `discord` integrations. */
  get applicationId (): string | null { return this.#data.application?.id ?? null }
  /** OAuth2 scopes the application was authorized with. */
  get scopes (): OAuth2Scopes[] { return [...(this.#data.scopes ?? [])] }

  /** The guild the integration belongs to, when the payload names it. */
  get guild (): IntegrationGuild | null {
    const guild = this.#data.guild
    return guild === undefined ? null : { id: guild.id, name: guild.name, icon: guild.icon ?? null }
  }

  /** Same id. */
  equals (other: unknown): boolean {
    return other instanceof Integration && other.id !== null && other.id === this.id
  }

  toJSON (): IntegrationJSON {
    return {
      id: this.id,
      name: this.name,
      type: this.type,
      enabled: this.enabled,
      syncing: this.syncing,
      roleId: this.roleId,
      enableEmoticons: this.enableEmoticons,
      expireBehavior: this.expireBehavior,
      expireGracePeriod: this.expireGracePeriod,
      account: this.account,
      syncedAt: this.syncedAt?.toISOString() ?? null,
      subscriberCount: this.subscriberCount,
      revoked: this.revoked,
      applicationId: this.applicationId,
      scopes: this.scopes,
      guild: this.guild
    }
  }
}
