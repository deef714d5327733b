import { ConnectionService, ConnectionVisibility, GuildFeature, UserFlags } from 'discord-api-types/v10'
import type { APIConnection, APIGuildIntegration } from 'discord-api-types/v10'
import { fakeGuild, fakeUser } from './builders.js'
import { ADMIN_PERMISSIONS } from './permissions.js'
import { snowflake } from './random.js'
import type { FakeStore } from './store.js'

/** Ids of the demo data, stable across runs so tests and screenshots can name them. */
export const SEED_IDS = {
  migrated: snowflake(Date.UTC(2016, 2, 14, 9, 30), 1),
  legacy: snowflake(Date.UTC(2017, 6, 2, 18, 5), 2),
  owned: snowflake(Date.UTC(2018, 0, 20, 12), 3),
  admin: snowflake(Date.UTC(2019, 4, 11, 20, 45), 4),
  plain: [
    snowflake(Date.UTC(2020, 8, 1, 7, 15), 5),
    snowflake(Date.UTC(2021, 1, 9, 16), 6),
    snowflake(Date.UTC(2022, 10, 23, 22, 10), 7)
  ] as const
} as const

/** The application id (and bot user id) used when the test does not pick one. */
export const DEFAULT_CLIENT_ID = snowflake(Date.UTC(2021, 5, 1, 10), 8)

/** Discord's connections can carry integrations (a Twitch subscription guild, say); the schema names the guild. */
type ConnectionIntegration = Partial<APIGuildIntegration> & { guild: { id: string, name: string, icon: string | null } }

/** Adds the application's bot user; it exists with or without the demo seed. */
export function seedBot (store: FakeStore, botId: string, appName: string): void {
  store.addUser(fakeUser({
    id: botId,
    username: appName.toLowerCase().replace(/[^a-z0-9_.]+/g, '_'),
    discriminator: '4821',
    avatar: 'b0bb0bb0bb0bb0bb0bb0bb0bb0bb0bb0',
    bot: true
  }))
}

/**
 * Loads the demo data: a migrated user who owns one guild and administers another, and shows an
 * avatar decoration and that guild's server tag; a legacy
 * user with a discriminator and no avatar, plain guilds (one with an animated icon, one without
 * an icon), and connections including a hidden one and one with an integration.
 */
export function seedDemo (store: FakeStore, botId: string): void {
  const { migrated, legacy, owned, admin, plain } = SEED_IDS
  store.addUser(fakeUser({
    id: migrated,
    username: 'nelly',
    global_name: 'Nelly',
    discriminator: '0',
    avatar: 'a_1f2e3d4c5b6a79881f2e3d4c5b6a7988',
    banner: '0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f',
    accent_color: 5793266,
    email: 'nelly@example.com',
    verified: true,
    locale: 'en-US',
    mfa_enabled: true,
    premium_type: 2,
    flags: UserFlags.HypeSquadOnlineHouse1,
    public_flags: UserFlags.HypeSquadOnlineHouse1,
    avatar_decoration_data: { asset: 'a_6465636f726174696f6e617373657431', sku_id: snowflake(Date.UTC(2023, 9, 2, 17), 11) },
    primary_guild: { identity_guild_id: owned, identity_enabled: true, tag: 'NELY', badge: '6261646765686173686e656c6c793031' }
  }))
  store.addUser(fakeUser({
    id: legacy,
    username: 'oldtimer',
    global_name: null,
    discriminator: '1337',
    avatar: null,
    email: 'oldtimer@example.com',
    verified: false,
    locale: 'fr',
    mfa_enabled: false,
    premium_type: 0
  }))

  store.addGuild(fakeGuild({
    id: owned,
    name: "Nelly's Workshop",
    icon: '6e6f6e616e696d617465646861736830',
    banner: '62616e6e657268617368303030303031',
    owner_id: migrated,
    features: [GuildFeature.Community, GuildFeature.Banner],
    approximate_member_count: 42,
    approximate_presence_count: 7
  }))
  store.addGuild(fakeGuild({
    id: admin,
    name: 'Admin Hall',
    icon: 'a_616e696d6174656469636f6e30303100',
    owner_id: plain[2],
    features: [GuildFeature.AnimatedIcon, GuildFeature.Community],
    approximate_member_count: 1200,
    approximate_presence_count: 311
  }))
  store.addGuild(fakeGuild({ id: plain[0], name: 'Plain Plaza', icon: '706c61696e69636f6e30303030303031', owner_id: plain[2] }))
  store.addGuild(fakeGuild({ id: plain[1], name: 'Quiet Corner', icon: null, owner_id: plain[2] }))
  store.addGuild(fakeGuild({ id: plain[2], name: 'Legacy Lounge', icon: '6c6567616379696c6f756e6765303031', owner_id: legacy }))

  store.addMember(owned, migrated, { nick: 'Boss', roles: [snowflake(Date.UTC(2018, 0, 20, 12, 1), 9)] })
  store.addMember(admin, migrated, { permissions: ADMIN_PERMISSIONS, roles: [snowflake(Date.UTC(2019, 4, 11, 20, 50), 10)] })
  store.addMember(plain[0], migrated)
  store.addMember(plain[1], migrated)
  store.addMember(plain[2], migrated)
  store.addMember(admin, legacy)
  store.addMember(plain[2], legacy)
  store.addMember(owned, botId)
  store.addMember(admin, botId)

  const twitchIntegration: ConnectionIntegration = {
    id: '1122334455',
    type: 'twitch',
    account: { id: '7788990011', name: 'nellystreams' },
    guild: { id: owned, name: "Nelly's Workshop", icon: '6e6f6e616e696d617465646861736830' }
  }
  const connections: APIConnection[] = [
    { id: '583231', name: 'nelly-codes', type: ConnectionService.GitHub, verified: true, friend_sync: false, show_activity: true, two_way_link: false, visibility: ConnectionVisibility.Everyone },
    { id: '7788990011', name: 'nellystreams', type: ConnectionService.Twitch, verified: true, friend_sync: true, show_activity: true, two_way_link: false, visibility: ConnectionVisibility.Everyone, integrations: [twitchIntegration] },
    { id: '76561198000000042', name: 'nelly_plays', type: ConnectionService.Steam, verified: true, friend_sync: false, show_activity: false, two_way_link: false, visibility: ConnectionVisibility.None }
  ]
  store.setConnections(migrated, connections)
}
