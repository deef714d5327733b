import t from 'tap'
import { HttpException } from '../../lib/errors/http-exception.js'
import { MissingScope } from '../../lib/errors/missing-scope.js'
import { Unauthorized } from '../../lib/errors/unauthorized.js'
import { GuildMember } from '../../lib/models/guild-member.js'
import { addUserToGuild } from '../../lib/resources/add-user-to-guild.js'
import { fetchUser } from '../../lib/resources/fetch-user.js'
import { member, migratedUser, publicProfile } from '../models/helpers/payloads.js'
import { stubContext, stubSession } from './helpers/stubs.js'
import type { StubHandler } from './helpers/stubs.js'

const USER = publicProfile(migratedUser())
const GUILD = '197038439483310086'
const SCOPES = ['identify', 'guilds.join']

function setup (bot: StubHandler, scopes = SCOPES): ReturnType<typeof stubSession> & ReturnType<typeof stubContext> {
  return { ...stubSession({ userId: USER.id, scopes, handler: () => USER }), ...stubContext({ bot }) }
}

t.test('201: PUTs the member with the user\'s access token and returns the GuildMember', async (t) => {
  const { session, ctx, botCalls } = setup(() => member())
  const user = await fetchUser(session, ctx)
  const added = await user.addToGuild(GUILD, { nick: 'Nel', roles: ['41771983423143936'], mute: false, deaf: true })
  t.ok(added instanceof GuildMember)
  t.equal(added?.guildId, GUILD)
  t.equal(added?.nick, 'Nel')
  t.equal(botCalls.length, 1)
  t.equal(botCalls[0]?.route, `/guilds/${GUILD}/members/${USER.id}`)
  t.equal(botCalls[0]?.opts.method, 'PUT')
  t.same(botCalls[0]?.opts.body, { access_token: `access-${USER.id}`, nick: 'Nel', roles: ['41771983423143936'], mute: false, deaf: true })
})

t.test('204: an existing member gives null', async (t) => {
  const { session, ctx, botCalls } = setup(() => undefined)
  const user = await fetchUser(session, ctx)
  t.equal(await user.addToGuild(GUILD), null)
  t.same(botCalls[0]?.opts.body, { access_token: `access-${USER.id}` }, 'only the token when no options')
})

t.test('403: Discord\'s refusal reaches the caller as HttpException with its code', async (t) => {
  const refusal = new HttpException({ status: 403, discordCode: 50013, message: 'Missing Permissions', body: { code: 50013 }, method: 'PUT', url: '/guilds/x/members/y' })
  const { session, ctx } = setup(() => { throw refusal })
  const user = await fetchUser(session, ctx)
  const err = await user.addToGuild(GUILD).catch((error: unknown) => error)
  t.equal(err, refusal)
  t.equal((err as HttpException).code, 50013)
  t.equal((err as HttpException).status, 403)
})

t.test('without guilds.join it throws MissingScope and calls nothing', async (t) => {
  const { session, ctx, botCalls, calls } = setup(() => member(), ['identify'])
  const user = await fetchUser(session, ctx)
  await t.rejects(user.addToGuild(GUILD), MissingScope)
  t.equal(botCalls.length, 0)
  t.equal(calls.length, 1, 'only the fetchUser call')
})

t.test('refuses a guild id that is not a snowflake', async (t) => {
  const { session, ctx, botCalls } = setup(() => member())
  const user = await fetchUser(session, ctx)
  await t.rejects(user.addToGuild('../../users/@me'), { name: 'InvalidArgument', statusCode: 400 })
  await t.rejects(addUserToGuild(session, ctx, 'nope', GUILD), { name: 'InvalidArgument', statusCode: 400 })
  t.equal(botCalls.length, 0)
})

t.test('without a token it throws Unauthorized', async (t) => {
  const { ctx, botCalls } = stubContext({ bot: () => member() })
  const { session } = stubSession({ userId: USER.id, scopes: SCOPES, handler: () => USER, token: null })
  await t.rejects(addUserToGuild(session, ctx, USER.id, GUILD), Unauthorized)
  t.equal(botCalls.length, 0)
})

t.test('the PUT carries the token the session hands out, with no user call of its own', async (t) => {
  // The session refreshes a token near expiry inside getAuthorizationToken() (see
  // add-to-guild-refresh.test.ts, through a real session); whatever it hands out is what is sent.
  const { ctx, botCalls } = stubContext({ bot: () => member() })
  const nearExpiry = { accessToken: 'handed-out', refreshToken: 'r', tokenType: 'Bearer', expiresAt: Date.now() + 1000, scopes: SCOPES }
  const stub = stubSession({ userId: USER.id, scopes: SCOPES, token: nearExpiry, handler: () => USER })
  await addUserToGuild(stub.session, ctx, USER.id, GUILD)
  t.same(stub.calls, [])
  t.same(botCalls[0]?.opts.body, { access_token: 'handed-out' })
})
