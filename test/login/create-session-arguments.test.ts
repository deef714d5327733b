import t from 'tap'
import { buildApp } from '../helpers/build-app.js'

interface InviteQuery {
  guild_id?: string
  permissions?: string
  integration_type?: string
  scope?: string
  prompt?: string
}

t.test('bad values an app forwards from a query to createSession() are a 400 InvalidArgument, and the session is left alone', async (t) => {
  const testApp = await buildApp(t, {
    routes (app) {
      app.get('/invite', async (request, reply) => {
        const q = request.query as InviteQuery
        const url = await request.discord.createSession({
          scope: q.scope === undefined ? ['bot'] : q.scope.split(','),
          ...(q.guild_id === undefined ? {} : { guildId: q.guild_id }),
          ...(q.permissions === undefined ? {} : { permissions: q.permissions }),
          ...(q.integration_type === undefined ? {} : { integrationType: Number(q.integration_type) as 0 | 1 }),
          ...(q.prompt === undefined ? {} : { prompt: q.prompt as 'none' })
        })
        return reply.redirect(url)
      })
    }
  })
  const cases: Array<[string, RegExp]> = [
    ['guild_id=abc', /`guildId`/],
    ['permissions=-1', /`permissions`/],
    ['permissions=1e3', /`permissions`/],
    ['integration_type=3', /`integrationType`/],
    ['scope=bot,', /`scope`/],
    ['scope=bot%20guilds', /`scope`/],
    ['prompt=login', /`prompt`/]
  ]
  for (const [query, message] of cases) {
    const res = await testApp.app.inject(`/invite?${query}`)
    t.equal(res.statusCode, 400, query)
    t.equal(res.json().code, 'FST_DISCORD_INVALID_ARGUMENT', query)
    t.match(res.json().message, message, query)
    t.equal(res.headers['set-cookie'], undefined, `${query}: no pending login is stored`)
  }
  const ok = await testApp.app.inject('/invite?guild_id=123456789012345678&permissions=8&integration_type=0')
  t.equal(ok.statusCode, 302)
  const url = new URL(String(ok.headers.location))
  t.equal(url.searchParams.get('guild_id'), '123456789012345678')
  t.equal(url.searchParams.get('permissions'), '8')
})

t.test('data that is not JSON or too large, and params that are not scalars, are a 400 InvalidArgument', async (t) => {
  const testApp = await buildApp(t, {
    routes (app) {
      app.post('/start', async (request, reply) => reply.redirect(await request.discord.createSession(request.body as never)))
      app.get('/start-fn', async (request, reply) => reply.redirect(await request.discord.createSession({ data: () => 1 })))
      app.get('/start-bigint', async (request, reply) => reply.redirect(await request.discord.createSession({ data: { n: 1n } })))
    }
  })
  const post = async (body: unknown): Promise<{ statusCode: number, code: string }> => {
    const res = await testApp.app.inject({ method: 'POST', url: '/start', payload: body as Record<string, unknown> })
    return { statusCode: res.statusCode, code: res.statusCode === 302 ? '' : res.json().code }
  }
  const refused = { statusCode: 400, code: 'FST_DISCORD_INVALID_ARGUMENT' }
  t.same(await post({ data: 'x'.repeat(600) }), refused, 'data too large for the cookie')
  t.same(await post({ params: { a: { b: 1 } } }), refused, 'an object as a param value')
  t.same(await post({ params: ['x'] }), refused, 'params as an array')
  t.same(await post({ scope: 'identify' }), refused, 'scope as a string')
  t.same(await post({ disableGuildSelect: 'yes' }), refused, 'disableGuildSelect as a string')
  t.same(await post({ params: { a: 1, b: true } }), { statusCode: 302, code: '' }, 'numbers and booleans are fine')
  const fn = await testApp.app.inject('/start-fn')
  t.equal(fn.statusCode, 400)
  t.match(fn.json().message, /`data` must be a JSON value/)
  const bigint = await testApp.app.inject('/start-bigint')
  t.equal(bigint.statusCode, 400, 'JSON.stringify throws on a bigint: still a 400')
  t.match(bigint.json().message, /`data` must be a JSON value/)
})
