import t, { type Test } from 'tap'
import { inspect } from 'node:util'
import { fakeGuild } from '../../lib/testing/index.js'
import type { FastifyRequest } from 'fastify'
import type { Grant } from '../../lib/models/grant.js'
import { authorizeAtFake, buildApp, finishLogin, injectWithJar, login, readSession, type TestApp } from '../helpers/build-app.js'

const NEW_GUILD = '1180000000000000001'

/** An app with `/invite?scope=…` starting a grant, and the callback's grant kept in `seen`. */
async function setup (t: Test, plugin: Record<string, unknown> = {}, lines?: string[]): Promise<{ testApp: TestApp, seen: Grant[] }> {
  const seen: Grant[] = []
  const testApp = await buildApp(t, {
    ...(lines === undefined ? {} : { fastify: { logger: { level: 'trace', stream: { write (line: string) { lines.push(line) } } } } }),
    plugin: {
      scope: ['identify', 'guilds'],
      onGrant: async (request: FastifyRequest, grant: Grant) => {
        seen.push(grant)
        // What an app may well do: the grant must log without its secret.
        request.log.info({ grant }, 'granted')
      },
      ...plugin
    },
    routes (app) {
      app.get<{ Querystring: { scope: string, guild?: string } }>('/invite', async (request, reply) => {
        const url = await request.discord.createSession({
          scope: request.query.scope.split(' '),
          permissions: 2048n,
          ...(request.query.guild === undefined ? {} : { guildId: request.query.guild })
        })
        return reply.redirect(url)
      })
    }
  })
  testApp.fake.addGuild(fakeGuild({ id: NEW_GUILD, name: 'Fresh Server', owner_id: testApp.fake.seedUsers.migrated }), {
    [testApp.fake.seedUsers.migrated]: { owner: true }
  })
  return { testApp, seen }
}

async function grant (testApp: TestApp, query: string): Promise<Awaited<ReturnType<typeof finishLogin>>> {
  const start = await injectWithJar(testApp, { url: `/invite?${query}` })
  return finishLogin(testApp, await authorizeAtFake(new URL(String(start.headers.location))))
}

t.test('a bot invite on a logged-in session keeps the login and reports the guild and permissions', async (t) => {
  const { testApp, seen } = await setup(t)
  await login(testApp)
  const before = readSession(testApp)
  const res = await grant(testApp, `scope=bot+applications.commands&guild=${NEW_GUILD}`)
  t.equal(res.statusCode, 302)
  const after = readSession(testApp)
  t.equal(after.userId, before.userId, 'same user')
  t.same(after.tokens, before.tokens, 'same tokens and scopes')
  const who = await injectWithJar(testApp, { url: '/whoami' })
  t.same(who.json(), { authorized: true, userId: testApp.fake.seedUsers.migrated, scopes: ['identify', 'guilds'] })
  t.equal(seen.length, 2, 'onGrant ran for the login and the invite')
  const invite = seen[1]!
  t.same([...invite.scopes].sort(), ['applications.commands', 'bot'])
  t.equal(invite.guild?.id, NEW_GUILD)
  t.equal(invite.guild?.name, 'Fresh Server')
  t.equal(invite.guild?.isOwner, true, 'the logged-in user owns it')
  t.equal(invite.permissions, 2048n)
  t.equal(invite.webhook, null)
  t.equal(seen[0]!.guild, null, 'a plain login has no guild')
  t.equal(seen[0]!.permissions, null)
})

t.test('a bot invite without a login still starts a session of its own', async (t) => {
  const { testApp, seen } = await setup(t)
  await grant(testApp, 'scope=bot')
  t.same(readSession(testApp).tokens?.scopes, ['bot'])
  t.match(seen[0]!.guild?.id, /^\d+$/, 'the fake picked a guild the user manages')
  t.equal(seen[0]!.guild?.isOwner, false, 'no user to own it')
})

t.test('a webhook.incoming grant keeps the login, and its token stays out of logs and JSON', async (t) => {
  const lines: string[] = []
  const { testApp, seen } = await setup(t, {}, lines)
  await login(testApp)
  const before = readSession(testApp)
  const res = await grant(testApp, `scope=webhook.incoming&guild=${NEW_GUILD}`)
  t.equal(res.statusCode, 302)
  t.same(readSession(testApp).tokens, before.tokens)
  const webhook = seen[1]!.webhook
  t.ok(webhook)
  t.equal(webhook?.guildId, NEW_GUILD)
  t.match(webhook?.channelId, /^\d+$/)
  t.equal(webhook?.name, 'Fake App')
  t.match(webhook?.token, /^\w{20,}$/)
  t.equal(webhook?.url, `https://discord.com/api/webhooks/${webhook?.id ?? ''}/${webhook?.token ?? ''}`)
  const token = webhook?.token ?? 'missing'
  t.notOk(JSON.stringify(seen[1]).includes(token), 'JSON has no token')
  t.same(Object.keys(webhook ?? {}).sort(), ['channelId', 'guildId', 'id', 'name'])
  t.notOk(inspect(seen[1], { depth: 5 }).includes(token), 'inspect has no token')
  const log = lines.join('\n')
  t.match(log, /"granted"/, 'the grant was logged')
  t.match(log, webhook?.id ?? 'missing', 'with the webhook id')
  t.notOk(log.includes(token), 'the webhook token reaches no log line')
})

t.test('onGrant picks the redirect under the rules of next', async (t) => {
  let target: unknown = '/after-grant?x=1'
  const { testApp } = await setup(t, { onGrant: async () => target })
  let res = await grant(testApp, 'scope=identify')
  t.equal(res.headers.location, '/after-grant?x=1')
  target = 'https://evil.example/'
  res = await grant(testApp, 'scope=identify')
  t.equal(res.headers.location, '/', 'an off-site target is ignored')
  target = undefined
  res = await grant(testApp, 'scope=identify')
  t.equal(res.headers.location, '/')
})

t.test('request.discord.grant is set by callback() and null elsewhere', async (t) => {
  const testApp = await buildApp(t, {
    plugin: { callbackPath: false },
    routes (app) {
      app.get('/auth/callback', async (request) => {
        const before = request.discord.grant
        await request.discord.callback()
        return { before, scopes: request.discord.grant?.scopes, permissions: String(request.discord.grant?.permissions) }
      })
      app.get('/grant', async (request) => ({ grant: request.discord.grant }))
    }
  })
  const res = await login(testApp)
  t.same(res.json(), { before: null, scopes: ['identify'], permissions: 'null' })
  t.same((await injectWithJar(testApp, { url: '/grant' })).json(), { grant: null })
})

t.test('onGrant must be a function', async (t) => {
  await t.rejects(buildApp(t, { plugin: { onGrant: 'nope' as never } }), /`onGrant` is malformed/)
})
