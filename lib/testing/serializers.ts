import type { APIConnection, APIGuild, APIUser } from 'discord-api-types/v10'
import { ALL_PERMISSIONS } from './permissions.js'
import type { StoredMember } from './store.js'

/** A user as other people see it (`GET /users/{id}`, member objects): no email, no locale. */
export function publicUser (user: APIUser): Record<string, unknown> {
  return {
    id: user.id,
    username: user.username,
    avatar: user.avatar,
    discriminator: user.discriminator,
    public_flags: user.public_flags ?? 0,
    flags: user.flags ?? 0,
    ...(user.bot === true ? { bot: true } : {}),
    ...(user.system === true ? { system: true } : {}),
    banner: user.banner ?? null,
    accent_color: user.accent_color ?? null,
    global_name: user.global_name,
    avatar_decoration_data: user.avatar_decoration_data ?? null,
    collectibles: user.collectibles ?? null,
    primary_guild: user.primary_guild ?? null
  }
}

/** `GET /users/@me`: the user's own view; `email` and `verified` only with the `email` scope. */
export function currentUser (user: APIUser, withEmail: boolean): Record<string, unknown> {
  return {
    ...publicUser(user),
    mfa_enabled: user.mfa_enabled ?? false,
    locale: user.locale ?? 'en-US',
    premium_type: user.premium_type ?? 0,
    ...(withEmail ? { email: user.email ?? null, verified: user.verified ?? false } : {})
  }
}

/** One entry of `GET /users/@me/guilds`. */
export function myGuild (guild: APIGuild, member: StoredMember, userId: string, withCounts: boolean, memberCount: number): Record<string, unknown> {
  const owner = guild.owner_id === userId
  return {
    id: guild.id,
    name: guild.name,
    icon: guild.icon,
    banner: guild.banner ?? null,
    owner,
    // Discord reports every permission for the owner, whatever their roles say.
    permissions: owner ? ALL_PERMISSIONS : member.permissions,
    features: [...guild.features],
    ...(withCounts
      ? {
          approximate_member_count: guild.approximate_member_count ?? memberCount,
          approximate_presence_count: guild.approximate_presence_count ?? 0
        }
      : {})
  }
}

/** A guild member object (`PUT /guilds/{id}/members/{user}`, `GET /users/@me/guilds/{id}/member`). */
export function guildMember (member: StoredMember, user: APIUser): Record<string, unknown> {
  return {
    avatar: null,
    banner: null,
    communication_disabled_until: null,
    flags: 0,
    joined_at: new Date(member.joinedAt).toISOString(),
    nick: member.nick,
    pending: false,
    premium_since: null,
    roles: [...member.roles],
    user: publicUser(user),
    mute: member.mute,
    deaf: member.deaf
  }
}

/** One entry of `GET /users/@me/connections`. */
export function connection (c: APIConnection): Record<string, unknown> {
  return {
    id: c.id,
    name: c.name,
    type: c.type,
    friend_sync: c.friend_sync,
    ...(c.integrations === undefined ? {} : { integrations: structuredClone(c.integrations) }),
    show_activity: c.show_activity,
    two_way_link: c.two_way_link,
    verified: c.verified,
    visibility: c.visibility,
    ...(c.revoked === undefined ? {} : { revoked: c.revoked })
  }
}

/** The full guild object of a `bot` grant's token response, with the fields Discord's schema requires. */
export function guildObject (guild: APIGuild): Record<string, unknown> {
  return {
    id: guild.id,
    name: guild.name,
    icon: guild.icon,
    description: guild.description,
    home_header: null,
    splash: guild.splash,
    discovery_splash: guild.discovery_splash,
    features: [...guild.features],
    banner: guild.banner,
    owner_id: guild.owner_id,
    application_id: guild.application_id,
    region: guild.region ?? 'deprecated',
    afk_channel_id: guild.afk_channel_id,
    afk_timeout: guild.afk_timeout,
    system_channel_id: guild.system_channel_id,
    system_channel_flags: guild.system_channel_flags,
    widget_enabled: guild.widget_enabled ?? false,
    widget_channel_id: guild.widget_channel_id ?? null,
    verification_level: guild.verification_level,
    roles: [],
    default_message_notifications: guild.default_message_notifications,
    mfa_level: guild.mfa_level,
    explicit_content_filter: guild.explicit_content_filter,
    max_presences: guild.max_presences ?? null,
    max_members: guild.max_members ?? 500000,
    max_stage_video_channel_users: guild.max_stage_video_channel_users ?? 50,
    max_video_channel_users: guild.max_video_channel_users ?? 25,
    vanity_url_code: guild.vanity_url_code,
    premium_tier: guild.premium_tier,
    premium_subscription_count: guild.premium_subscription_count ?? 0,
    preferred_locale: guild.preferred_locale,
    rules_channel_id: guild.rules_channel_id,
    safety_alerts_channel_id: guild.safety_alerts_channel_id,
    public_updates_channel_id: guild.public_updates_channel_id,
    premium_progress_bar_enabled: guild.premium_progress_bar_enabled,
    nsfw: false,
    nsfw_level: guild.nsfw_level,
    emojis: [],
    stickers: [],
    incidents_data: null
  }
}

/** An incoming webhook as a `webhook.incoming` grant's token response carries it (type 1, with its token). */
export interface FakeWebhook {
  id: string
  token: string
  channelId: string
  guildId: string
  name: string
}

export function incomingWebhook (webhook: FakeWebhook, applicationId: string, user: APIUser): Record<string, unknown> {
  return {
    application_id: applicationId,
    avatar: null,
    channel_id: webhook.channelId,
    guild_id: webhook.guildId,
    id: webhook.id,
    name: webhook.name,
    type: 1,
    user: publicUser(user),
    token: webhook.token,
    url: `https://discord.com/api/webhooks/${webhook.id}/${webhook.token}`
  }
}
