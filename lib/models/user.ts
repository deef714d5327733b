import type { APIConnection, APIUser, RESTAPIPartialCurrentUserGuild, UserFlags, UserPremiumType } from 'discord-api-types/v10'
import { Guild } from './guild.js'
import type { GuildMember } from './guild-member.js'
import { defaultAvatarURL, imageURL, isAnimatedHash } from './image-url.js'
import type { ImageURLOptions } from './image-url.js'
import type { ModelContext } from './model-context.js'
import { UserConnection } from './user-connection.js'

/** Options of {@link User.addToGuild} (the body of `PUT /guilds/{guild.id}/members/{user.id}`). */
export interface AddToGuildOptions {
  /** Nickname to give (needs the bot's MANAGE_NICKNAMES). */
  nick?: string
  /** Role ids to give (needs MANAGE_ROLES). */
  roles?: readonly string[]
  /** Server-mute the member (needs MUTE_MEMBERS). */
  mute?: boolean
  /** Server-deafen the member (needs DEAFEN_MEMBERS). */
  deaf?: boolean
}

/** Adds the user to a guild; `null` when the user already was a member. Provided by the resources layer. */
export type AddToGuildFunction = (guildId: string, options: AddToGuildOptions) => Promise<GuildMember | null>

/** Context of a {@link User}: the CDN, and how to add the user to a guild. */
export interface UserContext extends ModelContext {
  /** Without it (a user built by hand) {@link User.addToGuild} rejects. Called as a method of the context. */
  readonly addToGuild?: AddToGuildFunction | undefined
}

/** Payloads of the user's guilds and connections known from the users cache. */
export interface UserRelated {
  guilds?: readonly RESTAPIPartialCurrentUserGuild[] | undefined
  connections?: readonly APIConnection[] | undefined
}

/**
 * The server tag a user shows next to their name (Discord's `primary_guild`): the guild it
 * comes from, its text and its badge image.
 */
export interface PrimaryGuild {
  guildId: string
  /** The tag's text (at most 4 characters). */
  tag: string
  /** `${cdn}/guild-tag-badges/{guildId}/{badge}.png`, or `null` when Discord sent no badge. */
  badgeUrl: string | null
}

/** Plain, reply-safe form of a {@link User}: no guilds, connections, tokens or functions. */
export interface UserJSON {
  id: string
  username: string
  globalName: string | null
  discriminator: string
  displayName: string
  avatarHash: string | null
  avatarUrl: string
  defaultAvatarUrl: string
  bannerHash: string | null
  bannerUrl: string | null
  avatarDecorationUrl: string | null
  primaryGuild: Readonly<PrimaryGuild> | null
  accentColor: number | null
  bot: boolean
  system: boolean
  mfaEnabled: boolean | null
  locale: string | null
  verified: boolean | null
  email: string | null
  flags: UserFlags | null
  premiumType: UserPremiumType | null
  publicFlags: UserFlags | null
}

/** {@link User.toJSON} results by payload. Payloads are never changed once received (see the constructor). */
const jsonForms = new WeakMap<APIUser, { cdnBaseUrl: string, json: Readonly<UserJSON> }>()

/**
 * A Discord user (Quart-Discord's `User`), from `GET /users/@me`.
 *
 * Members that need a scope (`email` needs `email`) or that Discord only sends for the current
 * user (`mfaEnabled`, `locale`, `flags`, `premiumType`) are `null` when absent.
 */
export class User {
  readonly #data: APIUser
  readonly #context: UserContext
  readonly #related: UserRelated
  #guilds: Map<string, Guild> | undefined

  /** @param data - Discord's payload, kept as given (not copied): it must not be changed afterwards */
  constructor (data: APIUser, context: UserContext, related: UserRelated = {}) {
    this.#data = data
    this.#context = context
    this.#related = related
  }

  get id (): string { return this.#data.id }
  get username (): string { return this.#data.username }
  /** Alias of {@link username} (Quart-Discord's `name`). */
  get name (): string { return this.#data.username }
  /** The display name the user chose, if any. */
  get globalName (): string | null { return this.#data.global_name ?? null }
  /** `"0"` for users migrated to unique usernames, the legacy four digits otherwise. */
  get discriminator (): string { return this.#data.discriminator }
  /** The global name, else the username. */
  get displayName (): string { return this.#data.global_name ?? this.#data.username }
  get avatarHash (): string | null { return this.#data.avatar }
  get bannerHash (): string | null { return this.#data.banner ?? null }
  /** The banner colour, as an integer. */
  get accentColor (): number | null { return this.#data.accent_color ?? null }
  get bot (): boolean { return this.#data.bot === true }
  /** An official Discord system user. */
  get system (): boolean { return this.#data.system === true }
  get mfaEnabled (): boolean | null { return this.#data.mfa_enabled ?? null }
  get locale (): string | null { return this.#data.locale ?? null }
  /** Email verified; needs the `email` scope. */
  get verified (): boolean | null { return this.#data.verified ?? null }
  /** Needs the `email` scope. */
  get email (): string | null { return this.#data.email ?? null }
  get flags (): UserFlags | null { return this.#data.flags ?? null }
  /** 0 none, 1 Nitro Classic, 2 Nitro, 3 Nitro Basic. */
  get premiumType (): UserPremiumType | null { return this.#data.premium_type ?? null }
  get publicFlags (): UserFlags | null { return this.#data.public_flags ?? null }
  /** The avatar is a GIF (its hash starts with `a_`). */
  get isAvatarAnimated (): boolean { return isAnimatedHash(this.#data.avatar) }

  /** Index (0–5) of the default avatar: by id for migrated users, by discriminator for legacy ones. */
  get defaultAvatarIndex (): number {
    const { id, discriminator } = this.#data
    if (discriminator === '0') return /^\d+$/.test(id) ? Number((BigInt(id) >> 22n) % 6n) : 0
    const legacy = Number(discriminator)
    return Number.isInteger(legacy) ? legacy % 5 : 0
  }

  /** `${cdn}/embed/avatars/{index}.png`, the avatar Discord shows when the user has none. */
  get defaultAvatarUrl (): string {
    return defaultAvatarURL(this.#context.cdnBaseUrl, this.defaultAvatarIndex)
  }

  /** `${cdn}/avatars/{id}/{hash}.{gif|png}`, or the default avatar when the user has none. */
  get avatarUrl (): string {
    return this.avatarURL()
  }

  /**
   * The avatar URL with a size or format (the default avatar, always PNG, when the user has none).
   *
   * @throws RangeError for a size that is not a power of two from 16 to 4096
   */
  avatarURL (options?: ImageURLOptions): string {
    const hash = this.#data.avatar
    return hash === null ? this.defaultAvatarUrl : imageURL(this.#context.cdnBaseUrl, ['avatars', this.id], hash, options)
  }

  /** `${cdn}/banners/{id}/{hash}.{gif|png}`, or `null` when the user has no banner (or it was not sent). */
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

  /**
   * `${cdn}/avatar-decoration-presets/{asset}.png`, or `null` without a decoration. Always PNG:
   * the CDN serves decorations, animated ones included, as (A)PNG only.
   */
  get avatarDecorationUrl (): string | null {
    const asset = this.#data.avatar_decoration_data?.asset
    return typeof asset === 'string' && asset !== '' ? imageURL(this.#context.cdnBaseUrl, ['avatar-decoration-presets'], asset, { format: 'png' }) : null
  }

  /**
   * The server tag the user displays, or `null`. Discord keeps `primary_guild` after the user
   * hides the tag or the guild loses tags, with `identity_enabled` false or null: only a tag the
   * user actually shows counts.
   */
  get primaryGuild (): PrimaryGuild | null {
    const primary = this.#data.primary_guild
    if (primary === null || primary === undefined) return null
    const { identity_enabled: enabled, identity_guild_id: guildId, tag, badge } = primary
    if (enabled !== true || typeof guildId !== 'string' || typeof tag !== 'string' || tag === '') return null
    const badgeUrl = typeof badge === 'string' && badge !== ''
      ? imageURL(this.#context.cdnBaseUrl, ['guild-tag-badges', guildId], badge, { format: 'png' })
      : null
    return { guildId, tag, badgeUrl }
  }

  /**
   * The user's guilds by id, as last fetched with `fetchGuilds()` and still in the users cache;
   * empty when they were not fetched (Quart-Discord's `User.guilds`).
   */
  get guilds (): Map<string, Guild> {
    if (this.#guilds === undefined) {
      this.#guilds = new Map()
      // Guilds get only the CDN: they must not keep the session alive through addToGuild.
      const context = { cdnBaseUrl: this.#context.cdnBaseUrl }
      for (const payload of this.#related.guilds ?? []) this.#guilds.set(payload.id, new Guild(payload, context))
    }
    return new Map(this.#guilds)
  }

  /** The user's connections, as last fetched with `fetchConnections()` and still cached; else empty. */
  get connections (): UserConnection[] {
    return (this.#related.connections ?? []).map((payload) => new UserConnection(payload))
  }

  /**
   * Adds this user to a guild with the bot token (`PUT /guilds/{guildId}/members/{userId}`),
   * using the session's access token, which needs the `guilds.join` scope. The bot must be in
   * the guild with CREATE_INSTANT_INVITE.
   *
   * @returns the new member (Discord answered 201), or `null` when the user already was a
   * member (204; Discord then ignores `options`)
   * @throws MissingScope without `guilds.join`, ConfigurationError without a bot token,
   * HttpException with Discord's code (e.g. 403 / 50013 Missing Permissions)
   */
  async addToGuild (guildId: string, options: AddToGuildOptions = {}): Promise<GuildMember | null> {
    if (this.#context.addToGuild === undefined) {
      throw new TypeError('addToGuild() needs a user obtained from fetchUser(), which knows the session to use')
    }
    return await this.#context.addToGuild(guildId, options)
  }

  /** `username` for migrated users, `username#1234` for legacy ones. */
  toString (): string {
    const { username, discriminator } = this.#data
    return discriminator === '0' || discriminator === '' ? username : `${username}#${discriminator}`
  }

  /** Same user id. */
  equals (other: unknown): boolean {
    return other instanceof User && other.id === this.id
  }

  /**
   * The plain form, computed once per payload and CDN: a cached profile is shared by every
   * request of its user, and a guarded page serializes it on each of them. The result is frozen.
   */
  toJSON (): Readonly<UserJSON> {
    const cdnBaseUrl = this.#context.cdnBaseUrl
    const memo = jsonForms.get(this.#data)
    if (memo !== undefined && memo.cdnBaseUrl === cdnBaseUrl) return memo.json
    const json = Object.freeze(this.#plain())
    jsonForms.set(this.#data, { cdnBaseUrl, json })
    return json
  }

  #plain (): UserJSON {
    return {
      id: this.id,
      username: this.username,
      globalName: this.globalName,
      discriminator: this.discriminator,
      displayName: this.displayName,
      avatarHash: this.avatarHash,
      avatarUrl: this.avatarUrl,
      defaultAvatarUrl: this.defaultAvatarUrl,
      bannerHash: this.bannerHash,
      bannerUrl: this.bannerUrl,
      avatarDecorationUrl: this.avatarDecorationUrl,
      primaryGuild: freezeOrNull(this.primaryGuild),
      accentColor: this.accentColor,
      bot: this.bot,
      system: this.system,
      mfaEnabled: this.mfaEnabled,
      locale: this.locale,
      verified: this.verified,
      email: this.email,
      flags: this.flags,
      premiumType: this.premiumType,
      publicFlags: this.publicFlags
    }
  }
}

function freezeOrNull<T extends object> (value: T | null): Readonly<T> | null {
  return value === null ? null : Object.freeze(value)
}
