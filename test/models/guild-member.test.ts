import t from 'tap'
import { PermissionFlagsBits } from 'discord-api-types/v10'
import { GuildMember } from '../../lib/models/guild-member.js'
import { User } from '../../lib/models/user.js'
import { CDN, member } from './helpers/payloads.js'

const ctx = { cdnBaseUrl: CDN, guildId: '197038439483310086' }

t.test('a member has roles, nick, join date and voice state', async (t) => {
  const m = new GuildMember(member(), ctx)
  t.equal(m.guildId, '197038439483310086')
  t.ok(m.user instanceof User)
  t.equal(m.user?.id, '80351110224678912')
  t.equal(m.nick, 'Nel')
  t.equal(m.displayName, 'Nel')
  t.same(m.roles, ['41771983423143936', '41771983423143937'])
  t.ok(m.joinedAt instanceof Date)
  t.equal(m.joinedAt?.toISOString(), '2021-03-04T05:06:07.000Z')
  t.equal(m.premiumSince, null)
  t.equal(m.avatarHash, null)
  t.equal(m.permissions, null)
  t.equal(m.pending, false)
  t.equal(m.deaf, false)
  t.equal(m.mute, true)
  t.equal(m.flags, 2)
  t.equal(m.communicationDisabledUntil, null)
})

t.test('without a nick the display name is the user\'s', async (t) => {
  t.equal(new GuildMember(member({ nick: null }), ctx).displayName, 'Nelly')
})

t.test('dates, timeout, boost and pending are read from the payload', async (t) => {
  const m = new GuildMember(member({
    joined_at: null,
    premium_since: '2022-01-01T00:00:00.000Z',
    communication_disabled_until: '2030-01-01T00:00:00.000Z',
    pending: true
  }), ctx)
  t.equal(m.joinedAt, null, 'guests have no join date')
  t.equal(m.premiumSince?.toISOString(), '2022-01-01T00:00:00.000Z')
  t.equal(m.communicationDisabledUntil?.toISOString(), '2030-01-01T00:00:00.000Z')
  t.equal(m.pending, true)
  const json = m.toJSON()
  t.equal(json.joinedAt, null)
  t.equal(json.premiumSince, '2022-01-01T00:00:00.000Z')
  t.equal(json.communicationDisabledUntil, '2030-01-01T00:00:00.000Z')
})

t.test('the guild avatar wins over the user avatar', async (t) => {
  const m = new GuildMember(member({ avatar: 'a_55' }), ctx)
  t.equal(m.avatarUrl, `${CDN}/guilds/197038439483310086/users/80351110224678912/avatars/a_55.gif`)
  t.equal(m.avatarURL({ size: 32 }), `${CDN}/guilds/197038439483310086/users/80351110224678912/avatars/a_55.gif?size=32`)
  t.equal(new GuildMember(member(), ctx).avatarUrl, `${CDN}/avatars/80351110224678912/a_8342729096ea3675442027381ff50dfe.gif`)
})

t.test('a payload without user has no user, name or avatar', async (t) => {
  const { user: _user, ...rest } = member({ nick: null })
  const m = new GuildMember(rest, ctx)
  t.equal(m.user, null)
  t.equal(m.displayName, null)
  t.equal(m.avatarUrl, null)
  t.equal(m.toJSON().user, null)
  t.equal(m.equals(new GuildMember(rest, ctx)), false)
})

t.test('permissions are read when the payload has them', async (t) => {
  const m = new GuildMember({ ...member(), permissions: PermissionFlagsBits.Administrator.toString() }, ctx)
  t.equal(m.permissions?.has(PermissionFlagsBits.BanMembers), true)
  t.equal(m.toJSON().permissions, '8')
})

t.test('equals compares guild and user', async (t) => {
  const m = new GuildMember(member(), ctx)
  t.equal(m.equals(new GuildMember(member({ nick: 'other' }), ctx)), true)
  t.equal(m.equals(new GuildMember(member(), { ...ctx, guildId: '1' })), false)
  t.equal(m.equals({}), false)
})

t.test('toJSON is plain', async (t) => {
  const json = new GuildMember(member(), ctx).toJSON()
  t.equal(json.joinedAt, '2021-03-04T05:06:07.000Z')
  t.equal(json.user?.id, '80351110224678912')
  t.equal(json.user?.email, null)
  t.equal(json.premiumSince, null)
  t.equal(json.communicationDisabledUntil, null)
  t.same(JSON.parse(JSON.stringify(new GuildMember(member(), ctx))), json)
})
