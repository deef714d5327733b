import type { APIConnection, APIGuild, APIUser } from 'discord-api-types/v10'
import { DEFAULT_MEMBER_PERMISSIONS } from './permissions.js'

/** A user's membership in a guild, as the fake keeps it. */
export interface StoredMember {
  permissions: string
  roles: string[]
  nick: string | null
  joinedAt: number
  mute: boolean
  deaf: boolean
}

/** Options accepted when a user joins a guild. */
export interface MemberOptions {
  permissions?: string
  roles?: string[]
  nick?: string | null
  mute?: boolean
  deaf?: boolean
}

/**
 * The users, guilds, memberships and connections of one fake Discord. Every fake owns its own
 * store, so parallel tests never share data.
 */
export class FakeStore {
  readonly #users = new Map<string, APIUser>()
  readonly #guilds = new Map<string, APIGuild>()
  readonly #members = new Map<string, Map<string, StoredMember>>()
  readonly #connections = new Map<string, APIConnection[]>()
  readonly #now: () => number

  constructor (now: () => number) {
    this.#now = now
  }

  addUser (user: APIUser): void {
    this.#users.set(user.id, structuredClone(user))
  }

  getUser (id: string): APIUser | undefined {
    return this.#users.get(id)
  }

  /** Every user, in the order they were added. */
  users (): IterableIterator<APIUser> {
    return this.#users.values()
  }

  setConnections (userId: string, connections: APIConnection[]): void {
    this.#connections.set(userId, structuredClone(connections))
  }

  getConnections (userId: string): APIConnection[] {
    return this.#connections.get(userId) ?? []
  }

  addGuild (guild: APIGuild): void {
    this.#guilds.set(guild.id, structuredClone(guild))
    // Re-adding a guild updates it and keeps its members.
    if (!this.#members.has(guild.id)) this.#members.set(guild.id, new Map())
  }

  getGuild (id: string): APIGuild | undefined {
    return this.#guilds.get(id)
  }

  /** Makes `userId` the owner of `guildId` (Discord has exactly one owner per guild). */
  setOwner (guildId: string, userId: string): void {
    const guild = this.#guilds.get(guildId)
    if (guild !== undefined) guild.owner_id = userId
  }

  addMember (guildId: string, userId: string, opts: MemberOptions = {}): StoredMember {
    const members = this.#members.get(guildId)
    if (members === undefined) throw new Error(`fake Discord: unknown guild ${guildId}; addGuild() it first`)
    const member: StoredMember = {
      permissions: opts.permissions ?? DEFAULT_MEMBER_PERMISSIONS,
      roles: [...(opts.roles ?? [])],
      nick: opts.nick ?? null,
      joinedAt: this.#now(),
      mute: opts.mute ?? false,
      deaf: opts.deaf ?? false
    }
    members.set(userId, member)
    return member
  }

  getMember (guildId: string, userId: string): StoredMember | undefined {
    return this.#members.get(guildId)?.get(userId)
  }

  /** The guilds `userId` is a member of, in ascending id order as Discord lists them. */
  guildsOf (userId: string): MembershipView[] {
    const out: MembershipView[] = []
    for (const [guildId, members] of this.#members) {
      const member = members.get(userId)
      // Members are only ever added to known guilds (addMember checks), so the guild exists.
      if (member !== undefined) out.push({ guild: this.#guilds.get(guildId)!, member, memberCount: members.size })
    }
    // Snowflakes exceed 2^53, so compare them as BigInt; ids in one map are distinct.
    return out.sort((a, b) => (BigInt(a.guild.id) < BigInt(b.guild.id) ? -1 : 1))
  }
}

/** A guild seen through one of its members. */
export interface MembershipView {
  guild: APIGuild
  member: StoredMember
  memberCount: number
}
