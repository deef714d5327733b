import t from 'tap'
import { PermissionFlagsBits } from 'discord-api-types/v10'
import { HttpException } from '../../lib/errors/http-exception.js'
import { fetchAuthorization } from '../../lib/resources/fetch-authorization.js'
import { fetchBot } from '../../lib/resources/fetch-bot.js'
import { fetchConnections } from '../../lib/resources/fetch-connections.js'
import { fetchGuildMember } from '../../lib/resources/fetch-guild-member.js'
import { fetchGuilds } from '../../lib/resources/fetch-guilds.js'
import { fetchUser } from '../../lib/resources/fetch-user.js'
import { createFakeDiscord, fakeGuild, fakeUser } from '../../lib/testing/index.js'
import type { FakeDiscord } from '../../lib/testing/index.js'
import { fakeContext, fakeRest, fakeSession } from './helpers/fake-session.js'

const ALL_SCOPES = ['identify', 'email', 'guilds', 'connections', 'guilds.members.read', 'guilds.join']

async function setup (t: { teardown: (fn: () => Promise<void>) => void }): Promise<{ fake: FakeDiscord, rest: ReturnType<typeof fakeRest> }> {
  const fake = await createFakeDiscord({ consent: 'approve' })
  const rest = fakeRest(fake)
  t.teardown(async () => { rest.close(); await fake.close() })
  return { fake, rest }
}

/** GETs an image URL and returns its status and content type. */
async function image (url: string | null): Promise<[number, string | null]> {
  if (url === null) return [0, null]
  const res = await fetch(url)
  await res.arrayBuffer()
  return [res.status, res.headers.get('content-type')]
}

t.test('builds the migrated user and loads its avatar from the fake CDN', async (t) => {
  const { fake, rest } = await setup(t)
  const user = await fetchUser(fakeSession(fake, rest, fake.seedUsers.migrated, ALL_SCOPES), fakeContext(fake, rest))
  t.equal(user.id, fake.seedUsers.migrated)
  t.equal(user.discriminator, '0')
  t.equal(user.displayName, 'Nelly')
  t.equal(user.toString(), 'nelly')
  t.equal(user.email, 'nelly@example.com')
  t.equal(user.isAvatarAnimated, true)
  t.match(user.avatarUrl, /\.gif$/)
  t.same(await image(user.avatarUrl), [200, 'image/gif'])
  t.same((await image(user.avatarURL({ size: 64, format: 'png' })))[0], 200)
  t.same((await image(user.defaultAvatarUrl))[0], 200)
  t.equal(user.defaultAvatarIndex, Number((BigInt(user.id) >> 22n) % 6n))
  t.same((await image(user.bannerUrl))[0], 200)
})

t.test('builds the legacy user with its default avatar', async (t) => {
  const { fake, rest } = await setup(t)
  const user = await fetchUser(fakeSession(fake, rest, fake.seedUsers.legacy, ['identify']), fakeContext(fake, rest))
  t.equal(user.toString(), 'oldtimer#1337')
  t.equal(user.avatarHash, null)
  t.equal(user.email, null, 'no email scope, no email')
  t.equal(user.avatarUrl, `${fake.pluginOptions.cdnBaseUrl}/embed/avatars/2.png`)
  t.same(await image(user.avatarUrl), [200, 'image/png'])
})

t.test('the cache spares Discord the second call (the fake counts)', async (t) => {
  const { fake, rest } = await setup(t)
  const session = fakeSession(fake, rest, fake.seedUsers.migrated, ALL_SCOPES)
  const ctx = fakeContext(fake, rest)
  await Promise.all([fetchUser(session, ctx), fetchUser(session, ctx), fetchUser(session, ctx)])
  await fetchUser(session, ctx)
  t.equal(fake.callCount('GET', '/api/v10/users/@me'), 1)
  await fetchUser(session, ctx, { cache: false })
  t.equal(fake.callCount('GET', '/api/v10/users/@me'), 2)
  await fetchGuilds(session, ctx)
  await fetchGuilds(session, ctx)
  t.equal(fake.callCount('GET', '/api/v10/users/@me/guilds'), 1)
  const user = await fetchUser(session, ctx)
  t.equal(user.guilds.size, 5, 'fetched guilds show on the user')
})

t.test('guilds: owner and admin have every permission, plain members do not; icons load', async (t) => {
  const { fake, rest } = await setup(t)
  const guilds = await fetchGuilds(fakeSession(fake, rest, fake.seedUsers.migrated, ALL_SCOPES), fakeContext(fake, rest))
  const byId = new Map(guilds.map((g) => [g.id, g]))
  const owned = byId.get(fake.seedGuilds.owned)
  const admin = byId.get(fake.seedGuilds.admin)
  t.equal(owned?.isOwner, true)
  t.equal(owned?.permissions.has(PermissionFlagsBits.ManageGuild), true)
  t.equal(admin?.isOwner, false)
  t.equal(admin?.permissions.isAdministrator, true)
  t.equal(admin?.permissions.has(PermissionFlagsBits.BanMembers), true)
  t.equal(admin?.isIconAnimated, true)
  t.same(await image(admin?.iconUrl ?? null), [200, 'image/gif'])
  for (const id of fake.seedGuilds.plain) {
    const plain = byId.get(id)
    t.equal(plain?.permissions.has(PermissionFlagsBits.ManageGuild), false, `${plain?.name ?? id} is plain`)
    t.equal(plain?.permissions.has(PermissionFlagsBits.ViewChannel), true)
    if (plain?.iconUrl !== null) t.equal((await image(plain?.iconUrl ?? null))[0], 200)
  }
  t.equal((await image(owned?.bannerUrl ?? null))[0], 200)
  t.ok(guilds.some((g) => g.iconUrl === null), 'a guild without icon')
})

t.test('pages past 200 guilds', async (t) => {
  const { fake, rest } = await setup(t)
  const userId = '900000000000000001'
  fake.addUser(fakeUser({ id: userId, username: 'joiner' }))
  for (let i = 0; i < 250; i++) {
    const id = String(800000000000000000n + BigInt(i))
    fake.addGuild(fakeGuild({ id, name: `G${i}` }), { [userId]: {} })
  }
  const guilds = await fetchGuilds(fakeSession(fake, rest, userId, ['guilds']), fakeContext(fake, rest))
  t.equal(guilds.length, 250)
  t.equal(new Set(guilds.map((g) => g.id)).size, 250)
  t.equal(fake.callCount('GET', '/api/v10/users/@me/guilds'), 2)
})

t.test('connections: visibility, integrations', async (t) => {
  const { fake, rest } = await setup(t)
  const connections = await fetchConnections(fakeSession(fake, rest, fake.seedUsers.migrated, ALL_SCOPES), fakeContext(fake, rest))
  t.same(connections.map((c) => [c.type, c.isVisible]), [['github', true], ['twitch', true], ['steam', false]])
  const [integration] = connections[1]?.integrations ?? []
  t.equal(integration?.type, 'twitch')
  t.same(integration?.account, { id: '7788990011', name: 'nellystreams' })
  t.equal(integration?.guild?.id, fake.seedGuilds.owned)
})

t.test('guild member, authorization and bot', async (t) => {
  const { fake, rest } = await setup(t)
  const session = fakeSession(fake, rest, fake.seedUsers.migrated, ALL_SCOPES)
  const ctx = fakeContext(fake, rest)
  const member = await fetchGuildMember(session, ctx, fake.seedGuilds.owned)
  t.equal(member.nick, 'Boss')
  t.equal(member.roles.length, 1)
  t.ok(member.joinedAt instanceof Date)
  t.equal(member.user?.id, fake.seedUsers.migrated)
  const authorization = await fetchAuthorization(session, ctx)
  t.same([...authorization.scopes].sort(), [...ALL_SCOPES].sort())
  t.ok(authorization.expires.getTime() > Date.now())
  t.equal(authorization.application.id, fake.clientId)
  t.equal(authorization.user?.id, fake.seedUsers.migrated)
  const bot = await fetchBot(ctx)
  t.equal(bot.id, fake.seedUsers.bot)
  t.equal(bot.bot, true)
  t.equal((await image(bot.avatarUrl))[0], 200)
})

t.test('addToGuild: 201 gives the member, 204 null, refusals HttpException with Discord\'s code', async (t) => {
  const { fake, rest } = await setup(t)
  const ctx = fakeContext(fake, rest)
  const user = await fetchUser(fakeSession(fake, rest, fake.seedUsers.legacy, ['identify', 'guilds.join']), ctx)
  const added = await user.addToGuild(fake.seedGuilds.owned, { nick: 'Newbie' })
  t.equal(added?.nick, 'Newbie')
  t.equal(added?.user?.id, fake.seedUsers.legacy)
  t.equal(await user.addToGuild(fake.seedGuilds.owned), null, 'already a member')
  const refused = await user.addToGuild(fake.seedGuilds.plain[0] ?? '').catch((err: unknown) => err)
  t.ok(refused instanceof HttpException, 'the bot is not in that guild')
  t.equal((refused as HttpException).status, 403)
  t.equal((refused as HttpException).code, 50001)
  const narrow = await fetchUser(fakeSession(fake, rest, fake.seedUsers.migrated, ['identify']), ctx)
  t.equal(fake.callCount('PUT', '/api/v10/guilds/:guildId/members/:userId'), 3)
  await t.rejects(narrow.addToGuild(fake.seedGuilds.owned), { name: 'MissingScope' })
  t.equal(fake.callCount('PUT', '/api/v10/guilds/:guildId/members/:userId'), 3, 'no call without guilds.join')
})

t.test('withCounts fills the approximate counts; a list cached without them is a miss', async (t) => {
  const { fake, rest } = await setup(t)
  const session = fakeSession(fake, rest, fake.seedUsers.migrated, ALL_SCOPES)
  const ctx = fakeContext(fake, rest)
  const plain = await fetchGuilds(session, ctx)
  t.equal(plain.find((g) => g.id === fake.seedGuilds.owned)?.approximateMemberCount, null, 'not asked, not sent')
  const counted = await fetchGuilds(session, ctx, { withCounts: true })
  const owned = counted.find((g) => g.id === fake.seedGuilds.owned)
  t.equal(owned?.approximateMemberCount, 42)
  t.equal(owned?.approximatePresenceCount, 7)
  t.equal(fake.callCount('GET', '/api/v10/users/@me/guilds'), 2, 'the cached list had no counts')
  await fetchGuilds(session, ctx, { withCounts: true })
  const again = await fetchGuilds(session, ctx)
  t.equal(fake.callCount('GET', '/api/v10/users/@me/guilds'), 2, 'the list with counts serves both')
  t.equal(again.find((g) => g.id === fake.seedGuilds.owned)?.approximateMemberCount, 42)
  await t.rejects(fetchGuilds(session, ctx, { withCounts: 'yes' as unknown as boolean }), TypeError)
})

t.test('the member is cached like the user (the fake counts)', async (t) => {
  const { fake, rest } = await setup(t)
  const session = fakeSession(fake, rest, fake.seedUsers.migrated, ALL_SCOPES)
  const ctx = fakeContext(fake, rest)
  const path = `/api/v10/users/@me/guilds/${fake.seedGuilds.owned}/member`
  await fetchGuildMember(session, ctx, fake.seedGuilds.owned)
  const member = await fetchGuildMember(session, ctx, fake.seedGuilds.owned)
  t.equal(member.nick, 'Boss')
  t.equal(fake.callCount('GET', path), 1)
  await fetchGuildMember(session, ctx, fake.seedGuilds.owned, { cache: false })
  t.equal(fake.callCount('GET', path), 2)
})
