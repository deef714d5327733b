import t from 'tap'
import type { APIUserPrimaryGuild } from 'discord-api-types/v10'
import { Bot } from '../../lib/models/bot.js'
import { User } from '../../lib/models/user.js'
import type { AddToGuildOptions } from '../../lib/models/user.js'
import { Guild } from '../../lib/models/guild.js'
import { UserConnection } from '../../lib/models/user-connection.js'
import { CDN, botUser, connection, guild, legacyUser, migratedUser, twitchConnection } from './helpers/payloads.js'

const ctx = { cdnBaseUrl: CDN }

t.test('a migrated user has camelCase members from the payload', async (t) => {
  const user = new User(migratedUser(), ctx)
  t.equal(user.id, '80351110224678912')
  t.equal(user.username, 'nelly')
  t.equal(user.name, 'nelly')
  t.equal(user.globalName, 'Nelly')
  t.equal(user.displayName, 'Nelly')
  t.equal(user.discriminator, '0')
  t.equal(user.avatarHash, 'a_8342729096ea3675442027381ff50dfe')
  t.equal(user.bot, false)
  t.equal(user.system, false)
  t.equal(user.mfaEnabled, true)
  t.equal(user.locale, 'en-US')
  t.equal(user.verified, true)
  t.equal(user.email, 'nelly@example.com')
  t.equal(user.flags, 1)
  t.equal(user.premiumType, 2)
  t.equal(user.publicFlags, 1)
  t.equal(user.accentColor, 16711680)
  t.equal(user.bannerHash, 'a_06c16474723fe537c283b8efa61a30c8')
  t.equal(user.toString(), 'nelly', 'no #0 for migrated users')
})

t.test('an animated avatar is a gif, with size and format options', async (t) => {
  const user = new User(migratedUser(), ctx)
  t.equal(user.isAvatarAnimated, true)
  t.equal(user.avatarUrl, `${CDN}/avatars/80351110224678912/a_8342729096ea3675442027381ff50dfe.gif`)
  t.equal(user.avatarURL({ size: 128 }), `${CDN}/avatars/80351110224678912/a_8342729096ea3675442027381ff50dfe.gif?size=128`)
  t.equal(user.avatarURL({ format: 'webp', size: 64 }), `${CDN}/avatars/80351110224678912/a_8342729096ea3675442027381ff50dfe.webp?size=64`)
  t.throws(() => user.avatarURL({ size: 100 as 128 }), RangeError)
  t.equal(user.bannerUrl, `${CDN}/banners/80351110224678912/a_06c16474723fe537c283b8efa61a30c8.gif`)
  t.equal(user.bannerURL({ size: 512, format: 'png' }), `${CDN}/banners/80351110224678912/a_06c16474723fe537c283b8efa61a30c8.png?size=512`)
})

const PRIMARY_GUILD = { identity_guild_id: '197038439483310086', identity_enabled: true, tag: 'NELY', badge: '2ba8e01b4f2d3e7a9c1b5d6f0e4a8c72' }

t.test('an avatar decoration is a PNG preset, animated or not; none is null', async (t) => {
  const still = new User(migratedUser({ avatar_decoration_data: { asset: '7d1f0c4ae1b2c3d4e5f60718293a4b5c', sku_id: '1144058844004233369' } }), ctx)
  t.equal(still.avatarDecorationUrl, `${CDN}/avatar-decoration-presets/7d1f0c4ae1b2c3d4e5f60718293a4b5c.png`)
  const animated = new User(migratedUser({ avatar_decoration_data: { asset: 'a_fed43ab12698df65902ba06727e20c0e', sku_id: '1144058844004233369' } }), ctx)
  t.equal(animated.avatarDecorationUrl, `${CDN}/avatar-decoration-presets/a_fed43ab12698df65902ba06727e20c0e.png`, 'the CDN has no GIF of a decoration')
  t.equal(animated.toJSON().avatarDecorationUrl, animated.avatarDecorationUrl)
  t.equal(new User(migratedUser({ avatar_decoration_data: null }), ctx).avatarDecorationUrl, null)
  t.equal(new User(legacyUser(), ctx).avatarDecorationUrl, null, 'absent from the payload')
  t.equal(new User(legacyUser(), ctx).toJSON().avatarDecorationUrl, null)
})

t.test('a displayed server tag is the primary guild, with its badge', async (t) => {
  const user = new User(migratedUser({ primary_guild: PRIMARY_GUILD }), { cdnBaseUrl: `${CDN}/` })
  const expected = { guildId: '197038439483310086', tag: 'NELY', badgeUrl: `${CDN}/guild-tag-badges/197038439483310086/2ba8e01b4f2d3e7a9c1b5d6f0e4a8c72.png` }
  t.same(user.primaryGuild, expected)
  t.same(user.toJSON().primaryGuild, expected)
  t.same(new User(migratedUser({ primary_guild: { ...PRIMARY_GUILD, badge: null } }), ctx).primaryGuild, { ...expected, badgeUrl: null }, 'no badge hash: no badge URL')
})

t.test('a hidden, cleared or absent server tag is null', async (t) => {
  const cases: Array<[string, APIUserPrimaryGuild | null]> = [
    ['the user hides the tag', { ...PRIMARY_GUILD, identity_enabled: false }],
    ['Discord cleared the identity', { ...PRIMARY_GUILD, identity_enabled: null }],
    ['no guild', { ...PRIMARY_GUILD, identity_guild_id: null }],
    ['no tag text', { ...PRIMARY_GUILD, tag: null }],
    ['empty tag text', { ...PRIMARY_GUILD, tag: '' }],
    ['no primary guild', null]
  ]
  for (const [why, primary] of cases) {
    const user = new User(migratedUser({ primary_guild: primary }), ctx)
    t.equal(user.primaryGuild, null, why)
    t.equal(user.toJSON().primaryGuild, null, `${why}, in toJSON`)
  }
  t.equal(new User(legacyUser(), ctx).primaryGuild, null, 'absent from the payload')
})

t.test('the default avatar of a migrated user comes from the id: (id >> 22) % 6', async (t) => {
  const user = new User(migratedUser({ avatar: null }), ctx)
  t.equal(user.defaultAvatarIndex, 5)
  t.equal(user.defaultAvatarUrl, `${CDN}/embed/avatars/5.png`)
  t.equal(user.avatarUrl, `${CDN}/embed/avatars/5.png`, 'no avatar: the default one')
  t.equal(user.avatarURL({ size: 64, format: 'webp' }), `${CDN}/embed/avatars/5.png`)
  t.equal(user.isAvatarAnimated, false)
  const other = new User(migratedUser({ id: '53908232506183680', avatar: null }), ctx)
  t.equal(other.defaultAvatarIndex, 2)
})

t.test('a legacy user keeps #discriminator and a default avatar from discriminator % 5', async (t) => {
  const user = new User(legacyUser(), ctx)
  t.equal(user.toString(), 'Mason#1337')
  t.equal(user.displayName, 'Mason', 'no global name: the username')
  t.equal(user.globalName, null)
  t.equal(user.defaultAvatarIndex, 2)
  t.equal(user.avatarUrl, `${CDN}/embed/avatars/2.png`)
  t.equal(user.isAvatarAnimated, false)
  t.equal(user.email, null, 'no email scope')
  t.equal(user.verified, null)
  t.equal(user.mfaEnabled, null)
  t.equal(user.locale, null)
  t.equal(user.flags, null)
  t.equal(user.premiumType, null)
  t.equal(user.publicFlags, null)
  t.equal(user.bannerHash, null)
  t.equal(user.bannerUrl, null)
  t.equal(user.accentColor, null)
})

t.test('a still avatar is a png', async (t) => {
  const user = new User(botUser({ bot: false }), ctx)
  t.equal(user.avatarUrl, `${CDN}/avatars/1100000000000000000/0123456789abcdef0123456789abcdef.png`)
  t.equal(user.avatarURL({ format: 'gif' }), `${CDN}/avatars/1100000000000000000/0123456789abcdef0123456789abcdef.png`)
})

t.test('malformed ids and discriminators fall back to the first default avatar', async (t) => {
  t.equal(new User(migratedUser({ id: 'not-a-snowflake', avatar: null }), ctx).defaultAvatarIndex, 0)
  t.equal(new User(legacyUser({ discriminator: 'abcd' }), ctx).defaultAvatarIndex, 0)
  t.equal(new User(legacyUser({ discriminator: '' }), ctx).toString(), 'Mason')
})

t.test('guilds and connections are empty when not cached', async (t) => {
  const user = new User(migratedUser(), ctx)
  t.same([...user.guilds.keys()], [])
  t.same(user.connections, [])
})

t.test('guilds map by id and connections come from the related payloads', async (t) => {
  const user = new User(migratedUser(), ctx, {
    guilds: [guild(), guild({ id: '1', name: 'One' })],
    connections: [connection(), twitchConnection()]
  })
  const guilds = user.guilds
  t.same([...guilds.keys()], ['197038439483310086', '1'])
  t.ok(guilds.get('1') instanceof Guild)
  t.equal(guilds.get('1')?.name, 'One')
  guilds.delete('1')
  t.equal(user.guilds.size, 2, 'the returned map is a copy')
  t.equal(user.connections.length, 2)
  t.ok(user.connections[0] instanceof UserConnection)
  t.equal(user.connections[1]?.type, 'twitch')
})

t.test('equals compares ids', async (t) => {
  const a = new User(migratedUser(), ctx)
  t.equal(a.equals(new User(migratedUser({ username: 'renamed' }), ctx)), true)
  t.equal(a.equals(new User(legacyUser(), ctx)), false)
  t.equal(a.equals({ id: a.id }), false)
  t.equal(a.equals(null), false)
})

t.test('toJSON is a plain, reply-safe object', async (t) => {
  let called = false
  const user = new User(migratedUser(), {
    cdnBaseUrl: CDN,
    addToGuild: async () => { called = true; return null }
  }, { guilds: [guild()], connections: [connection()] })
  const json = user.toJSON()
  t.same(JSON.parse(JSON.stringify(user)), json, 'JSON.stringify uses toJSON')
  t.same(Object.keys(json).sort(), [
    'accentColor', 'avatarDecorationUrl', 'avatarHash', 'avatarUrl', 'bannerHash', 'bannerUrl', 'bot', 'defaultAvatarUrl', 'discriminator', 'displayName',
    'email', 'flags', 'globalName', 'id', 'locale', 'mfaEnabled', 'premiumType', 'primaryGuild', 'publicFlags', 'system', 'username', 'verified'
  ])
  t.equal(json.avatarUrl, user.avatarUrl)
  t.equal(json.email, 'nelly@example.com', 'the user\'s own email, granted by the email scope')
  t.equal(called, false)
})

t.test('toJSON carries no functions, objects or secrets', async (t) => {
  const user = new User(migratedUser(), { cdnBaseUrl: CDN, addToGuild: async () => null })
  const primitive = (value: unknown): boolean => value === null || ['string', 'number', 'boolean'].includes(typeof value)
  for (const [key, value] of Object.entries(user.toJSON())) {
    t.ok(primitive(value), `${key} is a primitive`)
  }
  const tagged = new User(migratedUser({ primary_guild: PRIMARY_GUILD }), ctx).toJSON()
  t.ok(tagged.primaryGuild !== null && Object.isFrozen(tagged.primaryGuild), 'the server tag is frozen with the form')
  for (const [key, value] of Object.entries(tagged.primaryGuild ?? {})) {
    t.ok(primitive(value), `primaryGuild.${key} is a primitive`)
  }
  t.equal(Object.keys(user).length, 0, 'no own enumerable state')
})

t.test('addToGuild delegates to the context function', async (t) => {
  const calls: Array<[string, AddToGuildOptions]> = []
  const user = new User(migratedUser(), {
    cdnBaseUrl: CDN,
    addToGuild: async (guildId, options) => { calls.push([guildId, options]); return null }
  })
  t.equal(await user.addToGuild('123', { nick: 'N' }), null)
  t.equal(await user.addToGuild('456'), null)
  t.same(calls, [['123', { nick: 'N' }], ['456', {}]])
})

t.test('addToGuild rejects on a user built without a session', async (t) => {
  await t.rejects(new User(migratedUser(), ctx).addToGuild('123'), TypeError)
})

t.test('a Bot is a user whose addToGuild always rejects', async (t) => {
  const bot = new Bot(botUser(), ctx)
  t.ok(bot instanceof User)
  t.equal(bot.bot, true)
  t.equal(bot.toString(), 'Helper Bot#4242')
  t.equal(bot.defaultAvatarIndex, 2)
  t.equal(bot.toJSON().bot, true)
  await t.rejects(bot.addToGuild(), TypeError)
})

t.test('toJSON is computed once per payload and CDN, and frozen', async (t) => {
  const payload = migratedUser()
  const first = new User(payload, ctx).toJSON()
  t.ok(Object.isFrozen(first))
  t.equal(first.avatarUrl, `${CDN}/avatars/80351110224678912/a_8342729096ea3675442027381ff50dfe.gif`)
  const user = new User(payload, { cdnBaseUrl: CDN }, { guilds: [guild()] })
  t.equal(user.toJSON(), first, 'another User over the same payload object gives the identical object')
  t.equal(user.toJSON(), first, 'and so does a second call')
  t.equal(JSON.stringify(user), JSON.stringify(first))
  t.throws(() => { (first as { email: string | null }).email = 'changed@example.com' }, TypeError, 'it cannot be changed')
  t.equal(new User(payload, ctx).toJSON().email, 'nelly@example.com')
})

t.test('toJSON of an equal but distinct payload is its own object', async (t) => {
  const a = new User(migratedUser(), ctx).toJSON()
  const b = new User(migratedUser(), ctx).toJSON()
  t.not(a, b)
  t.same(a, b)
  const renamed = new User(migratedUser({ username: 'renamed' }), ctx).toJSON()
  t.equal(renamed.username, 'renamed', 'no stale form from an earlier payload')
})

t.test('toJSON with another CDN base URL is another object with that CDN', async (t) => {
  const payload = migratedUser()
  const other = 'https://cdn.other.test'
  const first = new User(payload, ctx).toJSON()
  const second = new User(payload, { cdnBaseUrl: other }).toJSON()
  t.not(second, first)
  t.ok(Object.isFrozen(second))
  t.equal(second.avatarUrl, `${other}/avatars/80351110224678912/a_8342729096ea3675442027381ff50dfe.gif`)
  t.equal(second.bannerUrl, `${other}/banners/80351110224678912/a_06c16474723fe537c283b8efa61a30c8.gif`)
  t.equal(second.defaultAvatarUrl, `${other}/embed/avatars/5.png`)
  t.equal(first.avatarUrl, `${CDN}/avatars/80351110224678912/a_8342729096ea3675442027381ff50dfe.gif`, 'the first form is unchanged')
  const again = new User(payload, ctx).toJSON()
  t.equal(again.avatarUrl, first.avatarUrl, 'back on the first CDN, its URLs again')
  t.same(again, first)
  t.equal(new User(payload, ctx).toJSON(), again, 'memoised again for that CDN')
})

t.test('toJSON of a user without an avatar or banner is memoised too', async (t) => {
  const payload = legacyUser()
  const json = new User(payload, ctx).toJSON()
  t.equal(json.avatarUrl, `${CDN}/embed/avatars/2.png`)
  t.equal(json.bannerUrl, null)
  t.equal(json.email, null)
  t.equal(new User(payload, ctx).toJSON(), json)
  t.ok(Object.isFrozen(json))
})
