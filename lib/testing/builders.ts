import {
  GuildDefaultMessageNotifications, GuildExplicitContentFilter, GuildMFALevel, GuildNSFWLevel,
  GuildPremiumTier, GuildSystemChannelFlags, GuildVerificationLevel, Locale
} from 'discord-api-types/v10'
import type { APIGuild, APIUser, UserFlags } from 'discord-api-types/v10'

/**
 * Builds a complete `APIUser` for `addUser()`, filling what the test leaves out the way a
 * migrated (`discriminator: "0"`) account without extras looks.
 *
 * @param user - `id` and `username` at least; everything else is optional.
 */
export function fakeUser (user: Partial<APIUser> & Pick<APIUser, 'id' | 'username'>): APIUser {
  return {
    discriminator: '0',
    global_name: null,
    avatar: null,
    banner: null,
    accent_color: null,
    locale: 'en-US',
    mfa_enabled: false,
    premium_type: 0,
    flags: 0 as UserFlags,
    public_flags: 0 as UserFlags,
    avatar_decoration_data: null,
    collectibles: null,
    primary_guild: null,
    ...user
  }
}

/**
 * Builds a complete `APIGuild` for `addGuild()`; the many required fields a test rarely cares
 * about get a new guild's defaults.
 *
 * @param guild - `id` and `name` at least; `owner_id` defaults to `'0'` until a member is named owner.
 */
export function fakeGuild (guild: Partial<APIGuild> & Pick<APIGuild, 'id' | 'name'>): APIGuild {
  return {
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: '0',
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: GuildVerificationLevel.Low,
    default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
    explicit_content_filter: GuildExplicitContentFilter.AllMembers,
    roles: [],
    emojis: [],
    features: [],
    mfa_level: GuildMFALevel.None,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0 as GuildSystemChannelFlags,
    rules_channel_id: null,
    vanity_url_code: null,
    premium_tier: GuildPremiumTier.None,
    preferred_locale: Locale.EnglishUS,
    public_updates_channel_id: null,
    nsfw_level: GuildNSFWLevel.Default,
    premium_progress_bar_enabled: false,
    hub_type: null,
    safety_alerts_channel_id: null,
    incidents_data: null,
    stickers: [],
    ...guild
  }
}
