import t from 'tap'
import { PermissionFlagsBits } from 'discord-api-types/v10'
import { Guild } from '../../lib/models/guild.js'
import { CDN, guild } from './helpers/payloads.js'

const ctx = { cdnBaseUrl: CDN }

t.test('a plain guild exposes its payload in camelCase', async (t) => {
  const g = new Guild(guild({ approximate_member_count: 10, approximate_presence_count: 3 }), ctx)
  t.equal(g.id, '197038439483310086')
  t.equal(g.name, 'Plain Guild')
  t.equal(g.toString(), 'Plain Guild')
  t.equal(g.iconHash, 'f64c482b807da4f539cff778d174971c')
  t.equal(g.isOwner, false)
  t.same(g.features, ['COMMUNITY'])
  t.equal(g.approximateMemberCount, 10)
  t.equal(g.approximatePresenceCount, 3)
  t.equal(g.permissions.has(PermissionFlagsBits.SendMessages), true)
  t.equal(g.permissions.has(PermissionFlagsBits.ManageGuild), false)
  t.equal(g.permissions, g.permissions, 'parsed once')
})

t.test('icon URLs are png for still icons and gif for animated ones', async (t) => {
  t.equal(new Guild(guild(), ctx).iconUrl, `${CDN}/icons/197038439483310086/f64c482b807da4f539cff778d174971c.png`)
  const animated = new Guild(guild({ icon: 'a_f64c482b807da4f539cff778d174971c' }), ctx)
  t.equal(animated.isIconAnimated, true)
  t.equal(animated.iconUrl, `${CDN}/icons/197038439483310086/a_f64c482b807da4f539cff778d174971c.gif`)
  t.equal(animated.iconURL({ size: 256, format: 'webp' }), `${CDN}/icons/197038439483310086/a_f64c482b807da4f539cff778d174971c.webp?size=256`)
  t.throws(() => animated.iconURL({ size: 20 as 16 }), RangeError)
})

t.test('a guild without icon or banner has null URLs', async (t) => {
  const g = new Guild(guild({ icon: null }), ctx)
  t.equal(g.iconUrl, null)
  t.equal(g.isIconAnimated, false)
  t.equal(g.bannerUrl, null)
  t.equal(g.bannerHash, null)
  t.equal(g.approximateMemberCount, null)
  t.equal(g.approximatePresenceCount, null)
})

t.test('a banner has a URL', async (t) => {
  const g = new Guild(guild({ banner: 'b4ee' }), ctx)
  t.equal(g.bannerUrl, `${CDN}/banners/197038439483310086/b4ee.png`)
  t.equal(g.bannerURL({ size: 1024 }), `${CDN}/banners/197038439483310086/b4ee.png?size=1024`)
})

t.test('the owner has every permission, even with a zero bitfield', async (t) => {
  const g = new Guild(guild({ owner: true, permissions: '0' }), ctx)
  t.equal(g.isOwner, true)
  t.equal(g.permissions.has(PermissionFlagsBits.Administrator), true)
  t.equal(g.permissions.has(PermissionFlagsBits.ManageGuild), true)
})

t.test('an Administrator has every permission', async (t) => {
  const g = new Guild(guild({ permissions: PermissionFlagsBits.Administrator.toString() }), ctx)
  t.equal(g.permissions.has(PermissionFlagsBits.BanMembers), true)
  t.equal(g.permissions.isAdministrator, true)
})

t.test('equals compares ids', async (t) => {
  const g = new Guild(guild(), ctx)
  t.equal(g.equals(new Guild(guild({ name: 'Renamed' }), ctx)), true)
  t.equal(g.equals(new Guild(guild({ id: '1' }), ctx)), false)
  t.equal(g.equals({ id: g.id }), false)
})

t.test('toJSON is plain and keeps permissions as a decimal string', async (t) => {
  const payload = guild({ permissions: '9007199254740993' })
  const json = new Guild(payload, ctx).toJSON()
  t.same(json, {
    id: payload.id,
    name: 'Plain Guild',
    iconHash: payload.icon,
    iconUrl: `${CDN}/icons/197038439483310086/f64c482b807da4f539cff778d174971c.png`,
    bannerHash: null,
    bannerUrl: null,
    isOwner: false,
    permissions: '9007199254740993',
    features: ['COMMUNITY'],
    approximateMemberCount: null,
    approximatePresenceCount: null
  })
  t.doesNotThrow(() => JSON.stringify(new Guild(payload, ctx)))
})
