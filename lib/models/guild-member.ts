import type { APIGuildMember, GuildMemberFlags } from 'discord-api-types/v10'
import { imageURL } from './image-url.js'
import type { ImageURLOptions } from './image-url.js'
import type { ModelContext } from './model-context.js'
import { Permissions } from './permissions.js'
import { User } from './user.js'
import type { UserJSON } from './user.js'

/** A member payload; `user` is absent in some payloads, `permissions` present in interaction ones. */
export type GuildMemberPayload = Omit<APIGuildMember, 'user'> & { user?: APIGuildMember['user'], permissions?: string }

/** Context of a {@link GuildMember}: the CDN and the guild it belongs to. */
export interface GuildMemberContext extends ModelContext {
  /** The guild of the membership (member avatars are per guild). */
  readonly guildId: string
}

/** Plain, reply-safe form of a {@link GuildMember}. */
export interface GuildMemberJSON {
  guildId: string
  user: UserJSON | null
  nick: string | null
  displayName: string | null
  roles: string[]
  joinedAt: string | null
  premiumSince: string | null
  avatarHash: string | null
  avatarUrl: string | null
  permissions: string | null
  pending: boolean
  deaf: boolean
  mute: boolean
  flags: GuildMemberFlags
  communicationDisabledUntil: string | null
}

/** The current user's membership of a guild, from `GET /users/@me/guilds/{guildId}/member` or `addToGuild`. */
export class GuildMember {
  readonly #data: GuildMemberPayload
  readonly #context: GuildMemberContext
  readonly #user: User | null

  constructor (data: GuildMemberPayload, context: GuildMemberContext) {
    this.#data = data
    this.#context = context
    this.#user = data.user === undefined ? null : new User(data.user, { cdnBaseUrl: context.cdnBaseUrl })
  }

  get guildId (): string { return this.#context.guildId }
  get user (): User | null { return this.#user }
  get nick (): string | null { return this.#data.nick ?? null }
  /** Role ids, without `@everyone`. */
  get roles (): string[] { return [...this.#data.roles] }
  /** `null` for guest members. */
  get joinedAt (): Date | null { return toDate(this.#data.joined_at) }
  /** When the member started boosting the guild. */
  get premiumSince (): Date | null { return toDate(this.#data.premium_since) }
  /** The member's guild avatar, if set. */
  get avatarHash (): string | null { return this.#data.avatar ?? null }
  /** Total permissions in the channel; only interaction payloads carry them. */
  get permissions (): Permissions | null {
    return this.#data.permissions === undefined ? null : new Permissions(this.#data.permissions)
  }

  /** The member has not yet passed the guild's membership screening. */
  get pending (): boolean { return this.#data.pending === true }
  get deaf (): boolean { return this.#data.deaf }
  get mute (): boolean { return this.#data.mute }
  get flags (): GuildMemberFlags { return this.#data.flags }
  /** When the member's timeout ends; `null` when not timed out. */
  get communicationDisabledUntil (): Date | null { return toDate(this.#data.communication_disabled_until) }
  /** The nickname, else the user's display name. */
  get displayName (): string | null { return this.#data.nick ?? this.#user?.displayName ?? null }

  /**
   * The guild avatar, else the user's avatar, else `null` (no user in the payload).
   * Guild avatars live at `${cdn}/guilds/{guildId}/users/{userId}/avatars/{hash}.{ext}`.
   */
  get avatarUrl (): string | null {
    return this.avatarURL()
  }

  /**
   * The avatar URL with a size or format.
   *
   * @throws RangeError for a size that is not a power of two from 16 to 4096
   */
  avatarURL (options?: ImageURLOptions): string | null {
    const hash = this.#data.avatar
    if (this.#user === null) return null
    if (hash === null || hash === undefined) return this.#user.avatarURL(options)
    return imageURL(this.#context.cdnBaseUrl, ['guilds', this.guildId, 'users', this.#user.id, 'avatars'], hash, options)
  }

  /** Same guild and same user. */
  equals (other: unknown): boolean {
    return other instanceof GuildMember && other.guildId === this.guildId && other.user?.id === this.user?.id && this.user !== null
  }

  toJSON (): GuildMemberJSON {
    return {
      guildId: this.guildId,
      user: this.#user?.toJSON() ?? null,
      nick: this.nick,
      displayName: this.displayName,
      roles: this.roles,
      joinedAt: this.joinedAt?.toISOString() ?? null,
      premiumSince: this.premiumSince?.toISOString() ?? null,
      avatarHash: this.avatarHash,
      avatarUrl: this.avatarUrl,
      permissions: this.#data.permissions ?? null,
      pending: this.pending,
      deaf: this.deaf,
      mute: this.mute,
      flags: this.flags,
      communicationDisabledUntil: this.communicationDisabledUntil?.toISOString() ?? null
    }
  }
}

function toDate (value: string | null | undefined): Date | null {
  return value === null || value === undefined ? null : new Date(value)
}
