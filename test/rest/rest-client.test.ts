import Fastify from 'fastify'
import t from 'tap'
import { HttpException, RateLimited, Unauthorized } from '../../lib/index.js'
import { RestClient } from '../../lib/rest/rest-client.js'
import { RestEvents } from '../../lib/rest/rest-events.js'
import { USER_AGENT } from '../../lib/rest/rest-options.js'
import { startServer } from './helpers/server.js'

const TOKEN = 'user-token-secret-value'

t.test('sends the Discord user agent, the bearer token, JSON bodies and query strings', async (t) => {
  const seen: Array<Record<string, unknown>> = []
  const { url } = await startServer(t, (app) => {
    app.all('/api/v10/*', async (request) => {
      seen.push({ method: request.method, url: request.url, headers: request.headers, body: request.body })
      return { ok: true }
    })
  })
  const client = new RestClient({ apiBaseUrl: `${url}/`, userAgentAppendix: 'tests' })
  t.teardown(() => client.close())
  t.same(await client.request('/users/@me/guilds', { auth: { type: 'Bearer', token: TOKEN }, query: { limit: 10, with_counts: true, after: 12n, before: null, skip: undefined } }), { ok: true })
  await client.request('/channels/1/messages?x=1', { method: 'POST', auth: { type: 'Bot', token: 'bot-secret' }, body: { content: 'hi' }, headers: { 'x-audit-log-reason': 'why' } })
  await client.request('/gateway', { auth: { type: 'None' }, query: new URLSearchParams({ v: '10' }) })
  const [first, second, third] = seen as Array<{ method: string, url: string, headers: Record<string, string>, body: unknown }>
  t.equal(first?.url, '/api/v10/users/@me/guilds?limit=10&with_counts=true&after=12')
  t.equal(first?.headers['user-agent'], `${USER_AGENT} tests`)
  t.match(USER_AGENT, /^DiscordBot \(https:\/\/github\.com\/fastify-discord\/fastify-discord, \d+\.\d+\.\d+/)
  t.equal(first?.headers.authorization, `Bearer ${TOKEN}`)
  t.equal(second?.method, 'POST')
  t.equal(second?.url, '/api/v10/channels/1/messages?x=1')
  t.equal(second?.headers.authorization, 'Bot bot-secret')
  t.equal(second?.headers['content-type'], 'application/json')
  t.equal(second?.headers['x-audit-log-reason'], 'why')
  t.same(second?.body, { content: 'hi' })
  t.equal(third?.url, '/api/v10/gateway?v=10')
  t.notOk('authorization' in (third?.headers ?? {}))
})

t.test('resolves undefined for 204 and text for a non-JSON 2xx', async (t) => {
  const { url } = await startServer(t, (app) => {
    app.delete('/api/v10/thing', async (_request, reply) => reply.code(204).send())
    app.get('/api/v10/text', async (_request, reply) => reply.type('text/plain').send('plain words'))
  })
  const client = new RestClient({ apiBaseUrl: url })
  t.teardown(() => client.close())
  t.equal(await client.request('/thing', { method: 'DELETE', auth: { type: 'None' } }), undefined)
  t.equal(await client.request('/text', { auth: { type: 'None' } }), 'plain words')
})

t.test('a 401 throws Unauthorized once, without retrying, and emits an event without the token', async (t) => {
  let calls = 0
  const { url } = await startServer(t, (app) => {
    app.get('/api/v10/users/@me', async (_request, reply) => {
      calls++
      return reply.code(401).send({ message: '401: Unauthorized', code: 0 })
    })
  })
  const warnings: unknown[] = []
  const client = new RestClient({ apiBaseUrl: url, logger: { debug () {}, warn (obj) { warnings.push(obj) } } })
  t.teardown(() => client.close())
  const events: unknown[] = []
  client.on(RestEvents.Unauthorized, (event) => { events.push(event) })
  const err = await client.request('/users/@me', { auth: { type: 'Bearer', token: TOKEN } }).catch((e: unknown) => e)
  t.ok(err instanceof Unauthorized)
  t.equal(calls, 1)
  t.equal(events.length, 1)
  t.match(events[0], { method: 'GET', route: 'GET /users/@me', identity: /^bearer:/ })
  t.notMatch(JSON.stringify([err, (err as Error).message, events, warnings]), TOKEN)
})

t.test('a Discord JSON error becomes an HttpException with code, flattened errors, method and path', async (t) => {
  const { url } = await startServer(t, (app) => {
    app.patch('/api/v10/guilds/:id', async (_request, reply) => reply.code(400).send({
      code: 50035,
      message: 'Invalid Form Body',
      errors: { name: { _errors: [{ code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }] }, roles: { 0: { id: { _errors: [{ code: 'X', message: 'bad' }] } } } }
    }))
  })
  const client = new RestClient({ apiBaseUrl: url })
  t.teardown(() => client.close())
  const err = await client.request('/guilds/123456789012345678', { method: 'PATCH', body: {}, auth: { type: 'Bot', token: TOKEN } }).catch((e: unknown) => e) as HttpException
  t.ok(err instanceof HttpException)
  t.equal(err.status, 400)
  t.equal(err.code, 50035)
  t.equal(err.errorCode, 'FST_DISCORD_HTTP')
  t.equal(err.method, 'PATCH')
  t.equal(err.url, '/guilds/123456789012345678')
  t.match(err.message, /Invalid Form Body\nname\[BASE_TYPE_REQUIRED\]: This field is required\nroles\[0\]\.id\[X\]: bad/)
  t.equal(err.statusCode, 502)
})

t.test('non-JSON error pages and malformed JSON become clear HttpExceptions, not parse crashes', async (t) => {
  const { url } = await startServer(t, (app) => {
    app.get('/api/v10/html', async (_request, reply) => reply.code(403).type('text/html').send('<html>nope</html>'))
    app.get('/api/v10/broken', async (_request, reply) => reply.type('application/json').serializer((x: string) => x).send('{"id": '))
    app.get('/api/v10/empty', async (_request, reply) => reply.code(404).send())
    app.get('/api/v10/odd', async (_request, reply) => reply.code(400).send({ unexpected: true }))
  })
  const client = new RestClient({ apiBaseUrl: url })
  t.teardown(() => client.close())
  const auth = { type: 'None' } as const
  const html = await client.request('/html', { auth }).catch((e: unknown) => e) as HttpException
  t.equal(html.status, 403)
  t.match(html.message, /non-JSON body \(text\/html/)
  t.equal(html.body, '<html>nope</html>')
  const broken = await client.request('/broken', { auth }).catch((e: unknown) => e) as HttpException
  t.ok(broken instanceof HttpException)
  t.equal(broken.status, 200)
  t.match(broken.message, /malformed JSON/)
  const empty = await client.request('/empty', { auth }).catch((e: unknown) => e) as HttpException
  t.match(empty.message, /no body/)
  const odd = await client.request('/odd', { auth }).catch((e: unknown) => e) as HttpException
  t.equal(odd.code, 0)
  t.match(odd.message, /non-JSON|no message|answered 400/)
})

t.test('a redirect is not followed (it would carry the token elsewhere) but reported', async (t) => {
  let followed = false
  const { url } = await startServer(t, (app) => {
    app.get('/api/v10/moved', async (_request, reply) => reply.redirect('/api/v10/elsewhere'))
    app.get('/api/v10/elsewhere', async () => { followed = true; return {} })
  })
  const client = new RestClient({ apiBaseUrl: url })
  t.teardown(() => client.close())
  const err = await client.request('/moved', { auth: { type: 'Bot', token: TOKEN } }).catch((e: unknown) => e) as HttpException
  t.ok(err instanceof HttpException)
  t.equal(err.status, 302)
  t.notOk(followed)
})

t.test('webhook tokens never reach error urls, events or bucket keys', async (t) => {
  const { url } = await startServer(t, (app) => {
    app.post('/api/v10/webhooks/:id/:token', async (_request, reply) => reply.code(404).send({ code: 10015, message: 'Unknown Webhook' }))
  })
  const client = new RestClient({ apiBaseUrl: url })
  t.teardown(() => client.close())
  const events: unknown[] = []
  client.on(RestEvents.Response, (event) => { events.push(event) })
  const err = await client.request('/webhooks/223456789012345678/webhook-secret-token', { method: 'POST', body: {}, auth: { type: 'None' } }).catch((e: unknown) => e) as HttpException
  t.equal(err.url, '/webhooks/223456789012345678/:token')
  t.equal(err.code, 10015)
  t.notMatch(JSON.stringify(events) + err.message, 'webhook-secret-token')
})

t.test('refuses routes that are not relative paths and credentials passed as headers', async (t) => {
  const client = new RestClient({ apiBaseUrl: 'http://127.0.0.1:1/api/v10' })
  t.teardown(() => client.close())
  await t.rejects(client.request('https://evil.example/x', { auth: { type: 'None' } }), TypeError)
  await t.rejects(client.request('//evil.example/x', { auth: { type: 'None' } }), TypeError)
  await t.rejects(client.request('/x', { auth: { type: 'None' }, headers: { Authorization: 'Bot x' } }), TypeError)
  await t.rejects(client.request('/x', { auth: { type: 'Bearer', token: '' } }), TypeError)
  await t.rejects(client.request('/x', { auth: { type: 'Basic', token: 'x' } as never }), TypeError)
  await t.rejects(client.request('/x', {} as never), TypeError)
})

t.test('an already aborted signal rejects at once with its reason', async (t) => {
  const client = new RestClient({ apiBaseUrl: 'http://127.0.0.1:1/api/v10' })
  t.teardown(() => client.close())
  const controller = new AbortController()
  controller.abort(new Error('gone'))
  await t.rejects(client.request('/x', { auth: { type: 'None' }, signal: controller.signal }), { message: 'gone' })
})

t.test('after close() new requests reject and the sweeper is stopped', async (t) => {
  const client = new RestClient({ apiBaseUrl: 'http://127.0.0.1:1/api/v10' })
  client.close()
  client.close()
  await t.rejects(client.request('/x', { auth: { type: 'None' } }), { name: 'HttpException', message: /closed/ })
})

t.test('a RateLimited error reaches a Fastify client as 429 with Retry-After', async (t) => {
  const { url } = await startServer(t, (app) => {
    app.get('/api/v10/users/@me', async (_request, reply) => reply.code(429)
      .headers({ 'x-ratelimit-scope': 'user', 'x-ratelimit-bucket': 'abc', 'x-ratelimit-remaining': '0', 'x-ratelimit-limit': '1', 'retry-after': '3', 'content-length': '999' })
      .send({ message: 'You are being rate limited.', retry_after: 2.5, global: false }))
  })
  const client = new RestClient({ apiBaseUrl: url, maxRateLimitWait: 1000 })
  t.teardown(() => client.close())
  const app = Fastify()
  t.teardown(() => app.close())
  app.get('/me', async () => client.request('/users/@me', { auth: { type: 'Bearer', token: TOKEN } }))
  const res = await app.inject('/me')
  t.equal(res.statusCode, 429)
  t.equal(res.headers['retry-after'], '3')
  t.equal(res.headers['x-ratelimit-bucket'], 'abc')
  t.notMatch(res.body, TOKEN)
  // Another identity: the first one's bucket is now blocked by this client itself.
  const err = await client.request('/users/@me', { auth: { type: 'Bearer', token: 'another-token' } }).catch((e: unknown) => e) as RateLimited
  t.ok(err instanceof RateLimited)
  t.equal(err.retryAfter, 2.5)
  t.equal(err.bucket, 'abc')
  t.equal(err.route, 'GET /users/@me')
})
