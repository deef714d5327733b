import { PermissionFlagsBits, type APIGuildMember, type APIUser, type ConnectionService, type RESTAPIPartialCurrentUserGuild } from 'discord-api-types/v10'
import { describe, expect, test } from 'tstyche'
import {
  Authorization, Bot, Guild, GuildMember, Integration, Permissions, User, UserConnection,
  type GuildJSON, type ImageURLOptions, type PrimaryGuild, type UserJSON
} from 'fastify-discord'

declare const user: User
declare const guild: Guild
declare const member: GuildMember
declare const connection: UserConnection
declare const authorization: Authorization
declare const apiUser: APIUser
declare const apiGuild: RESTAPIPartialCurrentUserGuild

describe('User', () => {
  test('keeps ids as strings and names nullable members', () => {
    expect(user.id).type.toBe<string>()
    expect(user.username).type.toBe<string>()
    expect(user.name).type.toBe<string>()
    expect(user.displayName).type.toBe<string>()
    expect(user.globalName).type.toBe<string | null>()
    expect(user.discriminator).type.toBe<string>()
    expect(user.avatarHash).type.toBe<string | null>()
    expect(user.email).type.toBe<string | null>()
    expect(user.verified).type.toBe<boolean | null>()
    expect(user.mfaEnabled).type.toBe<boolean | null>()
    expect(user.locale).type.toBe<string | null>()
    expect(user.bot).type.toBe<boolean>()
  })

  test('always has an avatar URL, falling back to the default avatar', () => {
    expect(user.avatarUrl).type.toBe<string>()
    expect(user.defaultAvatarUrl).type.toBe<string>()
    expect(user.isAvatarAnimated).type.toBe<boolean>()
    expect(user.bannerUrl).type.toBe<string | null>()
  })

  test('has an avatar decoration and a server tag, null when Discord sends none', () => {
    expect(user.avatarDecorationUrl).type.toBe<string | null>()
    expect(user.primaryGuild).type.toBe<PrimaryGuild | null>()
    expect<PrimaryGuild>().type.toBe<{ guildId: string, tag: string, badgeUrl: string | null }>()
    expect(user.toJSON().avatarDecorationUrl).type.toBe<string | null>()
    expect(user.toJSON().primaryGuild).type.toBe<Readonly<PrimaryGuild> | null>()
  })

  test('builds image URLs with a size and format from the allowed sets', () => {
    expect(user.avatarURL({ size: 256, format: 'webp' })).type.toBe<string>()
    expect(user.avatarURL).type.not.toBeCallableWith({ size: 100 })
    expect(user.avatarURL).type.not.toBeCallableWith({ format: 'bmp' })
    expect<{ size: 4096, format: 'gif' }>().type.toBeAssignableTo<ImageURLOptions>()
  })

  test('exposes cached guilds as a map by id and connections as a list', () => {
    expect(user.guilds).type.toBe<Map<string, Guild>>()
    expect(user.connections).type.toBe<UserConnection[]>()
  })

  test('addToGuild() takes a guild id and resolves to the new member or null', () => {
    expect(user.addToGuild('613425648685547541')).type.toBe<Promise<GuildMember | null>>()
    expect(user.addToGuild('613425648685547541', { nick: 'n', roles: ['1'], mute: false, deaf: false })).type.toBe<Promise<GuildMember | null>>()
    expect(user.addToGuild).type.not.toBeCallableWith(613425648685547541n)
    expect(user.addToGuild).type.not.toBeCallableWith('613425648685547541', { roles: '1' })
  })

  test('toString(), equals() and toJSON() have plain types', () => {
    expect(user.toString()).type.toBe<string>()
    expect(user.equals(guild)).type.toBe<boolean>()
    expect(user.toJSON()).type.toBe<Readonly<UserJSON>>()
    expect<UserJSON>().type.not.toHaveProperty('accessToken')
  })

  test('is constructable from a discord-api-types payload and a CDN context', () => {
    expect(User).type.toBeConstructableWith(apiUser, { cdnBaseUrl: 'https://cdn.discordapp.com' })
    expect(Bot).type.toBeConstructableWith(apiUser, { cdnBaseUrl: 'https://cdn.discordapp.com' })
    expect(User).type.not.toBeConstructableWith({ id: 1, username: 'x' }, { cdnBaseUrl: 'https://cdn.discordapp.com' })
  })
})

describe('Guild', () => {
  test('has string ids and typed members', () => {
    expect(guild.id).type.toBe<string>()
    expect(guild.name).type.toBe<string>()
    expect(guild.iconHash).type.toBe<string | null>()
    expect(guild.iconUrl).type.toBe<string | null>()
    expect(guild.isOwner).type.toBe<boolean>()
    expect(guild.toString()).type.toBe<string>()
    expect(guild.toJSON()).type.toBe<GuildJSON>()
    expect(Guild).type.toBeConstructableWith(apiGuild, { cdnBaseUrl: 'https://cdn.discordapp.com' })
  })

  test('permissions.has() takes PermissionFlagsBits flags, alone or OR-ed together', () => {
    expect(guild.permissions).type.toBe<Permissions>()
    expect(guild.permissions.has(PermissionFlagsBits.ManageGuild)).type.toBe<boolean>()
    expect(guild.permissions.has(PermissionFlagsBits.ManageGuild | PermissionFlagsBits.KickMembers)).type.toBe<boolean>()
    expect(guild.permissions.has(8n)).type.toBe<boolean>()
  })

  test('permissions.has() rejects a number or a string, which would lose bits above 2^53', () => {
    expect(guild.permissions.has).type.not.toBeCallableWith(8)
    expect(guild.permissions.has).type.not.toBeCallableWith('8')
    expect(guild.permissions.has).type.not.toBeCallableWith('ManageGuild')
  })
})

describe('Permissions', () => {
  test('is bigint-backed and serialises to a decimal string', () => {
    const permissions = new Permissions('2147483647', { owner: false })
    expect(permissions.bitfield).type.toBe<bigint>()
    expect(permissions.owner).type.toBe<boolean>()
    expect(permissions.isAdministrator).type.toBe<boolean>()
    expect(permissions.toArray()).type.toBe<string[]>()
    expect(permissions.toJSON()).type.toBe<string>()
    expect(Permissions).type.toBeConstructableWith(PermissionFlagsBits.Administrator)
    expect(Permissions).type.not.toBeConstructableWith(8)
  })
})

describe('GuildMember', () => {
  test('has typed members', () => {
    expect(member.guildId).type.toBe<string>()
    expect(member.user).type.toBe<User | null>()
    expect(member.nick).type.toBe<string | null>()
    expect(member.roles).type.toBe<string[]>()
    expect(member.joinedAt).type.toBe<Date | null>()
    expect(member.permissions).type.toBe<Permissions | null>()
    expect(member.displayName).type.toBe<string | null>()
    expect(member.avatarUrl).type.toBe<string | null>()
  })

  test('is constructable from a discord-api-types member payload', () => {
    expect<APIGuildMember>().type.toBeAssignableTo<ConstructorParameters<typeof GuildMember>[0]>()
  })
})

describe('UserConnection and Integration', () => {
  test('have the documented members', () => {
    expect(connection.id).type.toBe<string>()
    expect(connection.name).type.toBe<string>()
    expect(connection.type).type.toBe<ConnectionService>()
    expect(connection.revoked).type.toBe<boolean>()
    expect(connection.verified).type.toBe<boolean>()
    expect(connection.friendSync).type.toBe<boolean>()
    expect(connection.showActivity).type.toBe<boolean>()
    expect(connection.isVisible).type.toBe<boolean>()
    expect(connection.integrations).type.toBe<Integration[]>()
  })
})

describe('Authorization', () => {
  test('has granted scopes, an expiry date and the user when identify was granted', () => {
    expect(authorization.expires).type.toBe<Date>()
    expect(authorization.user).type.toBe<User | null>()
    expect(authorization.hasScope('guilds')).type.toBe<boolean>()
    expect(authorization.application.id).type.toBe<string>()
  })
})
