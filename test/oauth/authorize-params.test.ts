import Fastify from 'fastify'
import t, { type Test } from 'tap'
import { createDiscordOAuthClient, type DiscordOAuthClient } from '../../lib/oauth/discord-oauth-client.js'
import { checkExtraParams, MAX_EXTRA_PARAMS, MAX_EXTRA_PARAMS_LENGTH } from '../../lib/login/login-request.js'
import { USER_AGENT } from '../../lib/rest/rest-options.js'
import { RestClient } from '../../lib/rest/rest-client.js'
import { buildApp, login } from '../helpers/build-app.js'

const RESERVED = [
  'response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method',
  'prompt', 'permissions', 'guild_id', 'disable_guild_select', 'integration_type'
]

async function offlineClient (t: Test): Promise<DiscordOAuthClient> {
  const app = Fastify()
  t.teardown(async () => app.close())
  return createDiscordOAuthClient(app, {
    clientId: '1',
    clientSecret: 's',
    redirectUri: 'http://localhost/cb',
    authorizeUrl: 'https://discord.com/oauth2/authorize',
    tokenUrl: 'https://discord.com/api/v10/oauth2/token',
    revokeUrl: 'https://discord.com/api/v10/oauth2/token/revoke'
  })
}

const login0 = { state: 'st', codeChallenge: 'cc', scope: ['identify'], prompt: 'consent' } as const

t.test('extra params never set a parameter the authorize URL sets itself', async (t) => {
  const client = await offlineClient(t)
  const ours = new URL(client.createAuthorizationURL(login0)).searchParams
  for (const name of RESERVED) {
    const url = new URL(client.createAuthorizationURL({ ...login0, params: { [name]: 'x', keep: 'y' } }))
    t.equal(url.searchParams.get(name), ours.get(name), name)
    t.equal(url.searchParams.getAll(name).length, ours.has(name) ? 1 : 0)
    t.equal(url.searchParams.get('keep'), 'y')
  }
  t.equal(ours.get('response_type'), 'code')
  t.equal(ours.get('client_id'), '1')
})

t.test('extra params are added to the authorize URL, next to the flow\'s own', async (t) => {
  const client = await offlineClient(t)
  const url = new URL(client.createAuthorizationURL({ ...login0, params: { channel_id: '42', locale: 'fr' } }))
  t.equal(url.searchParams.get('channel_id'), '42')
  t.equal(url.searchParams.get('locale'), 'fr')
  t.equal(url.searchParams.get('response_type'), 'code')
  t.equal(url.searchParams.get('client_id'), '1')
  t.equal(url.searchParams.get('code_challenge_method'), 'S256')
})

t.test('extra params are bounded in number and in total length', async (t) => {
  const many = Object.fromEntries(Array.from({ length: MAX_EXTRA_PARAMS + 1 }, (_, i) => [`p${i}`, 'v']))
  t.throws(() => checkExtraParams(many), { name: 'InvalidArgument', statusCode: 400, message: /at most 20 parameters/ })
  t.doesNotThrow(() => checkExtraParams(Object.fromEntries(Object.entries(many).slice(1))))
  t.throws(() => checkExtraParams({ big: 'x'.repeat(MAX_EXTRA_PARAMS_LENGTH) }), { name: 'InvalidArgument', message: /at most 2048 characters/ })
  t.doesNotThrow(() => checkExtraParams({ big: 'x'.repeat(MAX_EXTRA_PARAMS_LENGTH - 3) }))
  t.throws(() => checkExtraParams({ obj: {} as unknown as string }), { name: 'InvalidArgument' })
  t.throws(() => checkExtraParams(null as unknown as Record<string, string>), { name: 'InvalidArgument' })
})

t.test('a route forwarding its query as params cannot turn the login into a token flow, nor send a huge Location', async (t) => {
  const testApp = await buildApp(t, {
    routes (app) {
      app.get('/go', async (request, reply) => {
        const params = request.query as Record<string, string>
        return reply.redirect(await request.discord.createSession({ params }))
      })
    }
  })
  const res = await testApp.app.inject('/go?response_type=token&client_id=1')
  t.equal(res.statusCode, 302)
  const location = new URL(String(res.headers.location))
  t.same(location.searchParams.getAll('response_type'), ['code'])
  t.same(location.searchParams.getAll('client_id'), [testApp.fake.clientId])
  const big = await testApp.app.inject(`/go?x=${'a'.repeat(100_000)}`)
  t.equal(big.statusCode, 400, 'a 100 KB Location header is refused')
  t.equal(big.json().code, 'FST_DISCORD_INVALID_ARGUMENT')
  t.notOk(big.headers.location)
  const fine = await testApp.app.inject('/go?channel_id=7')
  t.equal(fine.statusCode, 302)
  t.equal(new URL(String(fine.headers.location)).searchParams.get('channel_id'), '7')
})

t.test('the token endpoint is called with the same User-Agent as the REST client', async (t) => {
  const agents: Array<string | undefined> = []
  const server = Fastify()
  t.teardown(async () => server.close())
  server.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => { done(null, body) })
  server.post('/token', async (request) => {
    agents.push(request.headers['user-agent'])
    return { access_token: 'a', token_type: 'Bearer', expires_in: 60, refresh_token: 'r', scope: 'identify' }
  })
  server.get('/api/users/@me', async (request) => {
    agents.push(request.headers['user-agent'])
    return { id: '1' }
  })
  const base = await server.listen({ port: 0, host: '127.0.0.1' })
  const app = Fastify()
  t.teardown(async () => app.close())
  const client = await createDiscordOAuthClient(app, {
    clientId: '1', clientSecret: 's', redirectUri: 'http://localhost/cb', authorizeUrl: `${base}/authorize`, tokenUrl: `${base}/token`, revokeUrl: `${base}/revoke`
  })
  await client.refreshAccessToken('rt')
  const rest = new RestClient({ apiBaseUrl: `${base}/api`, sweepInterval: 0 })
  t.teardown(() => rest.close())
  await rest.request('/users/@me', { auth: { type: 'None' } })
  t.same(agents, [USER_AGENT, USER_AGENT])
  t.match(USER_AGENT, /^DiscordBot \(https:\/\/github\.com\/fastify-discord\/fastify-discord, \d+\.\d+\.\d+/)
})

t.test('rest.timeout also bounds the token endpoint call of the login', async (t) => {
  const testApp = await buildApp(t, { plugin: { rest: { timeout: 100 } } })
  testApp.fake.injectFault('POST /api/v10/oauth2/token', { kind: 'delay', ms: 2_000 })
  const started = Date.now()
  const res = await login(testApp)
  t.ok(Date.now() - started < 1_500, 'gave up well before the fake answered')
  t.equal(res.statusCode, 502)
  t.match(res.json().message, /oauth2\/token failed: timed out after 100 ms/)
})
