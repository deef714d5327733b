import t from 'tap'
import { ConfigurationError } from '../../lib/errors/configuration-error.js'
import { ErrorCodes } from '../../lib/errors/codes.js'
import { Authorization } from '../../lib/models/authorization.js'
import { Bot } from '../../lib/models/bot.js'
import { fetchAuthorization } from '../../lib/resources/fetch-authorization.js'
import { fetchBot } from '../../lib/resources/fetch-bot.js'
import { authorization, botUser } from '../models/helpers/payloads.js'
import { CDN, stubContext, stubSession } from './helpers/stubs.js'

t.test('fetchAuthorization reads /oauth2/@me with any scope', async (t) => {
  const { session, calls } = stubSession({ userId: null, scopes: ['guilds'], handler: () => authorization() })
  const result = await fetchAuthorization(session, stubContext().ctx)
  t.ok(result instanceof Authorization)
  t.same(result.scopes, ['identify', 'guilds'])
  t.equal(result.expires.toISOString(), '2026-12-02T08:00:00.000Z')
  t.equal(result.application.name, 'Fake App')
  t.same(calls.map((call) => call.route), ['/oauth2/@me'])
})

t.test('fetchBot reads /users/@me with the bot token', async (t) => {
  const { ctx, botCalls } = stubContext({ bot: () => botUser() })
  const bot = await fetchBot(ctx)
  t.ok(bot instanceof Bot)
  t.equal(bot.bot, true)
  t.equal(bot.avatarUrl, `${CDN}/avatars/1100000000000000000/0123456789abcdef0123456789abcdef.png`)
  t.same(botCalls.map((call) => call.route), ['/users/@me'])
})

t.test('fetchBot passes on the missing bot token error', async (t) => {
  const { ctx } = stubContext({ bot: () => { throw new ConfigurationError('No bot token', ErrorCodes.NO_BOT_TOKEN) } })
  await t.rejects(fetchBot(ctx), ConfigurationError)
})
