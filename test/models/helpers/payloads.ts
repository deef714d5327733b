import { ConnectionService, ConnectionVisibility, GuildFeature, GuildMemberFlags, OAuth2Scopes, PermissionFlagsBits, UserFlags, UserPremiumType } from 'discord-api-types/v10'
import type { APIConnection, APIGuildMember, APIUser, RESTAPIPartialCurrentUserGuild, RESTGetAPIOAuth2CurrentAuthorizationResult } from 'discord-api-types/v10'

export const CDN = 'https://cdn.example.test'

/** A user migrated to unique usernames: discriminator "0", a global name, an animated avatar. */
export function migratedUser (overrides: Partial<APIUser> = {}): APIUser {
  return {
    id: '80351110224678912',
    username: 'nelly',
    discriminator: '0',
    global_name: 'Nelly',
    avatar: 'a_8342729096ea3675442027381ff50dfe',
    banner: 'a_06c16474723fe537c283b8efa61a30c8',
    accent_color: 16711680,
    mfa_enabled: true,
    locale: 'en-US',
    verified: true,
    email: 'nelly@example.com',
    flags: UserFlags.Staff,
    premium_type: UserPremiumType.Nitro,
    public_flags: UserFlags.Staff,
    ...overrides
  }
}

/** A legacy user: four-digit discriminator, no global name, no avatar, no email scope. */
export function legacyUser (overrides: Partial<APIUser> = {}): APIUser {
  return {
    id: '53908232506183680',
    username: 'Mason',
    discriminator: '1337',
    global_name: null,
    avatar: null,
    ...overrides
  }
}

export function botUser (overrides: Partial<APIUser> = {}): APIUser {
  return {
    id: '1100000000000000000',
    username: 'Helper Bot',
    discriminator: '4242',
    global_name: null,
    avatar: '0123456789abcdef0123456789abcdef',
    bot: true,
    ...overrides
  }
}

/** Every permission bit, above 2^53. */
export const ALL_PERMISSIONS = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n)

export function guild (overrides: Partial<RESTAPIPartialCurrentUserGuild> = {}): RESTAPIPartialCurrentUserGuild {
  return {
    id: '197038439483310086',
    name: 'Plain Guild',
    icon: 'f64c482b807da4f539cff778d174971c',
    banner: null,
    owner: false,
    features: [GuildFeature.Community],
    permissions: (PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages).toString(),
    ...overrides
  }
}

export function connection (overrides: Partial<APIConnection> = {}): APIConnection {
  return {
    id: '4242421',
    name: 'nelly-gh',
    type: ConnectionService.GitHub,
    verified: true,
    friend_sync: false,
    show_activity: true,
    two_way_link: false,
    visibility: ConnectionVisibility.Everyone,
    ...overrides
  }
}

export function twitchConnection (): APIConnection {
  return connection({
    id: 'twitch-9001',
    name: 'nellystreams',
    type: ConnectionService.Twitch,
    revoked: false,
    visibility: ConnectionVisibility.None,
    friend_sync: true,
    two_way_link: true,
    integrations: [{
      id: '33590653072239123',
      name: 'nellystreams',
      type: 'twitch',
      enabled: true,
      syncing: false,
      role_id: '41771983423143936',
      enable_emoticons: true,
      expire_behavior: 1,
      expire_grace_period: 7,
      account: { id: 'twitch-9001', name: 'nellystreams' },
      synced_at: '2024-05-01T12:00:00.000Z',
      subscriber_count: 12,
      revoked: false,
      application: { id: '1200000000000000000', name: 'App', icon: null, description: '' },
      scopes: [OAuth2Scopes.Identify]
    }]
  })
}

export function member (overrides: Partial<APIGuildMember> = {}): APIGuildMember {
  return {
    user: publicProfile(migratedUser()),
    nick: 'Nel',
    roles: ['41771983423143936', '41771983423143937'],
    joined_at: '2021-03-04T05:06:07.000Z',
    premium_since: null,
    avatar: null,
    deaf: false,
    mute: true,
    flags: GuildMemberFlags.CompletedOnboarding,
    pending: false,
    communication_disabled_until: null,
    ...overrides
  }
}

export function authorization (overrides: Partial<RESTGetAPIOAuth2CurrentAuthorizationResult> = {}): RESTGetAPIOAuth2CurrentAuthorizationResult {
  return {
    application: {
      id: '1200000000000000000',
      name: 'Fake App',
      icon: '1f0bfc0865d324c2587920a7d80c609b',
      description: 'A test app',
      bot_public: true,
      bot_require_code_grant: false
    },
    scopes: [OAuth2Scopes.Identify, OAuth2Scopes.Guilds],
    expires: '2026-12-02T08:00:00.000Z',
    user: publicProfile(migratedUser()),
    ...overrides
  }
}

/** The user as other endpoints embed it: without the `email` scope's fields. */
export function publicProfile (user: APIUser): APIUser {
  const { email: _email, verified: _verified, ...rest } = user
  return rest
}
