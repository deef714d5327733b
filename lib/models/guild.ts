import type { GuildFeature, RESTAPIPartialCurrentUserGuild } from 'discord-api-types/v10'
import { imageURL, isAnimatedHash } from './image-url.js'
import type { ImageURLOptions } from './image-url.js'
import type { ModelContext } from './model-context.js'
import { Permissions } from './permissions.js'

/** Plain, reply-safe form of a {@link Guild}. */
export interface GuildJSON {
  id: string
  name: string
  iconHash: string | null
  iconUrl: string | null
  bannerHash: string | null
  bannerUrl: string | null
  isOwner: boolean
  /** The current user's permissions, as a decimal string. */
  permissions: string
  features: GuildFeature[]
  approximateMemberCount: number | null
  approximatePresenceCount: number | null
}

/** A guild the current user is a member of, from `GET /users/@me/guilds`. */
export class Guild {
  readonly #data: RESTAPIPartialCurrentUserGuild
  readonly #context: ModelContext
  #permissions: Permissions | undefined

  constructor (data: RESTAPIPartialCurrentUserGuild, context: ModelContext) {
    this.#data = data
    this.#context = context
  }

  get id (): string { return this.#data.id }
  get name (): string { return this.#data.name }
  get iconHash (): string | null { return this.#data.icon }
  /** The current user owns the guild. */
  get isOwner (): boolean { return this.#data.owner }
  /** The current user's permissions in the guild; the owner has every permission. */
  get permissions (): Permissions {
    this.#permissions ??= new Permissions(this.#data.permissions, { owner: this.#data.owner })
    return this.#permissions
  }

  get features (): GuildFeature[] { return [...this.#data.features] }
  get bannerHash (): string | null { return this.#data.banner ?? null }
  /** Present when the guilds were fetched `with_counts`. */
  get approximateMemberCount (): number | null { return this.#data.approximate_member_count ?? null }
  get approximatePresenceCount (): number | null { return this.#data.approximate_presence_count ?? null }
  get isIconAnimated (): boolean { return isAnimatedHash(this.#data.icon) }

  /** `${cdn}/icons/{guildId}/{hash}.{png|gif}`, or `null` when the guild has no icon. */
  get iconUrl (): string | null {
    return this.iconURL()
  }

  /**
   * The icon URL with a size or format.
   *
   * @throws RangeError for a size that is not a power of two from 16 to 4096
   */
  iconURL (options?: ImageURLOptions): string | null {
    const hash = this.#data.icon
    return hash === null ? null : imageURL(this.#context.cdnBaseUrl, ['icons', this.id], hash, options)
  }

  /** `${cdn}/banners/{guildId}/{hash}.{png|gif}`, or `null` when the guild has no banner. */
  get bannerUrl (): string | null {
    return this.bannerURL()
  }

  /**
   * The banner URL with a size or format.
   *
   * @throws RangeError for a size that is not a power of two from 16 to 4096
   */
  bannerURL (options?: ImageURLOptions): string | null {
    const hash = this.bannerHash
    return hash === null ? null : imageURL(this.#context.cdnBaseUrl, ['banners', this.id], hash, options)
  }

  /** Same guild id. */
  equals (other: unknown): boolean {
    return other instanceof Guild && other.id === this.id
  }

  /** The guild's name. */
  toString (): string {
    return this.name
  }

  toJSON (): GuildJSON {
    return {
      id: this.id,
      name: this.name,
      iconHash: this.iconHash,
      iconUrl: this.iconUrl,
      bannerHash: this.bannerHash,
      bannerUrl: this.bannerUrl,
      isOwner: this.isOwner,
      permissions: this.permissions.toJSON(),
      features: this.features,
      approximateMemberCount: this.approximateMemberCount,
      approximatePresenceCount: this.approximatePresenceCount
    }
  }
}
