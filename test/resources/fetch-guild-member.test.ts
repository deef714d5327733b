import t from 'tap'
import { MissingScope } from '../../lib/errors/missing-scope.js'
import { GuildMember } from '../../lib/models/guild-member.js'
import { fetchGuildMember } from '../../lib/resources/fetch-guild-member.js'
import { member } from '../models/helpers/payloads.js'
import { stubContext, stubSession } from './helpers/stubs.js'

t.test('fetches the member of one guild', async (t) => {
  const { session, calls } = stubSession({ userId: '1', scopes: ['guilds.members.read'], handler: () => member() })
  const m = await fetchGuildMember(session, stubContext().ctx, '197038439483310086')
  t.ok(m instanceof GuildMember)
  t.equal(m.guildId, '197038439483310086')
  t.equal(m.nick, 'Nel')
  t.same(m.roles, ['41771983423143936', '41771983423143937'])
  t.equal(m.joinedAt?.toISOString(), '2021-03-04T05:06:07.000Z')
  t.same(calls.map((call) => call.route), ['/users/@me/guilds/197038439483310086/member'])
})

t.test('is cached per user and guild, like the profile; cache: false fetches a fresh one', async (t) => {
  const { session, calls } = stubSession({ userId: '1', scopes: ['guilds.members.read'], handler: () => member() })
  const { ctx } = stubContext()
  await Promise.all([fetchGuildMember(session, ctx, '1'), fetchGuildMember(session, ctx, '1')])
  const cached = await fetchGuildMember(session, ctx, '1')
  t.equal(calls.length, 1, 'concurrent and later calls share one')
  t.equal(cached.guildId, '1')
  await fetchGuildMember(session, ctx, '2')
  t.equal(calls.length, 2, 'another guild is another entry')
  await fetchGuildMember(session, ctx, '1', { cache: false })
  t.equal(calls.length, 3)
  await ctx.cache.invalidate('1')
  await fetchGuildMember(session, ctx, '2')
  t.equal(calls.length, 4, 'dropped with the user\'s other entries')
})

t.test('a session that does not know its user yet is not cached', async (t) => {
  const { session, calls } = stubSession({ userId: null, scopes: ['guilds.members.read'], handler: () => member() })
  const { ctx } = stubContext()
  await fetchGuildMember(session, ctx, '1')
  await fetchGuildMember(session, ctx, '1')
  t.equal(calls.length, 2)
})

t.test('a refusal (not a member) is not cached', async (t) => {
  let member404 = true
  const { session, calls } = stubSession({
    userId: '1',
    scopes: ['guilds.members.read'],
    handler: () => {
      if (member404) throw new Error('Unknown Guild')
      return member()
    }
  })
  const { ctx } = stubContext()
  await t.rejects(fetchGuildMember(session, ctx, '1'), /Unknown Guild/)
  member404 = false
  t.equal((await fetchGuildMember(session, ctx, '1')).guildId, '1', 'joined since: asked again')
  t.equal(calls.length, 2)
})

t.test('without guilds.members.read it throws MissingScope and does not call Discord', async (t) => {
  const { session, calls } = stubSession({ userId: '1', scopes: ['identify', 'guilds'], handler: () => member() })
  await t.rejects(fetchGuildMember(session, stubContext().ctx, '1'), MissingScope)
  t.equal(calls.length, 0)
})

t.test('refuses a guild id that is not a snowflake', async (t) => {
  const { session, calls } = stubSession({ userId: '1', scopes: ['guilds.members.read'], handler: () => member() })
  for (const guildId of ['', '../../users/@me', '12a', '1'.repeat(21), 12 as unknown as string]) {
    await t.rejects(fetchGuildMember(session, stubContext().ctx, guildId), { name: 'InvalidArgument', statusCode: 400 })
  }
  t.equal(calls.length, 0)
})
