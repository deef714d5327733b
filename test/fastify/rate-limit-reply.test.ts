import Fastify from 'fastify'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { rateLimitReplyHook } from '../../lib/fastify/rate-limit-reply.js'
import { HttpException } from '../../lib/errors/http-exception.js'
import { RateLimited } from '../../lib/errors/rate-limited.js'
import { Unauthorized } from '../../lib/errors/unauthorized.js'

const SECRET = 'mfa.SECRET-ACCESS-TOKEN-Zk9'

function rateLimited (retryAfter: number): RateLimited {
  return new RateLimited({
    retryAfter,
    global: false,
    scope: 'user',
    bucket: 'b1',
    route: 'GET /users/@me',
    headers: { 'X-RateLimit-Bucket': 'b1', 'X-RateLimit-Remaining': '0', 'Content-Length': '999' },
    body: { message: 'You are being rate limited.', retry_after: retryAfter, global: false }
  })
}

/** A fresh app that throws `error` from GET /fail, with the hook registered unless told otherwise. */
function appThrowing (t: { teardown: (fn: () => unknown) => void }, error: unknown, options: { hook?: boolean } = {}): FastifyInstance {
  const app = Fastify()
  t.teardown(() => app.close())
  if (options.hook !== false) app.addHook('onError', rateLimitReplyHook)
  app.get('/fail', async () => { throw error })
  return app
}

t.test('with Fastify\'s default error handler a RateLimited error is a 429 with Retry-After in whole seconds', async (t) => {
  const app = appThrowing(t, rateLimited(1.2))
  const res = await app.inject({ url: '/fail' })
  t.equal(res.statusCode, 429)
  t.equal(res.headers['retry-after'], '2')
  t.equal(res.headers['x-ratelimit-bucket'], 'b1')
  t.not(res.headers['content-length'], '999', 'upstream framing headers are not copied')
  t.same(res.json(), {
    statusCode: 429,
    code: 'FST_DISCORD_RATE_LIMITED',
    error: 'Too Many Requests',
    message: 'Rate limited by Discord on GET /users/@me: retry after 1.200s'
  })
})

t.test('an app\'s own error handler still sends Retry-After', async (t) => {
  const app = appThrowing(t, rateLimited(4.01))
  app.setErrorHandler((err: Error & { statusCode?: number }, _request, reply) => {
    reply.code(err.statusCode ?? 500).send({ oops: true })
  })
  const res = await app.inject({ url: '/fail' })
  t.equal(res.statusCode, 429)
  t.equal(res.headers['retry-after'], '5')
  t.same(res.json(), { oops: true })
})

t.test('without the hook that same error handler would drop Retry-After', async (t) => {
  const app = appThrowing(t, rateLimited(4.01), { hook: false })
  app.setErrorHandler((err: Error & { statusCode?: number }, _request, reply) => {
    reply.code(err.statusCode ?? 500).send({ oops: true })
  })
  const res = await app.inject({ url: '/fail' })
  t.equal(res.headers['retry-after'], undefined)
})

t.test('a hook on the root reaches routes whose error handler is set in an encapsulated plugin', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  app.addHook('onError', rateLimitReplyHook)
  await app.register(async (child) => {
    child.setErrorHandler(async (_err, _request, reply) => reply.code(503).send('busy'))
    child.get('/fail', async () => { throw rateLimited(0.5) })
  })
  const res = await app.inject({ url: '/fail' })
  t.equal(res.statusCode, 503)
  t.equal(res.headers['retry-after'], '1')
})

t.test('a retry delay of zero is sent as Retry-After: 0', async (t) => {
  const res = await appThrowing(t, rateLimited(0)).inject({ url: '/fail' })
  t.equal(res.headers['retry-after'], '0')
})

t.test('a RateLimited from another copy of the package is recognised by name', async (t) => {
  const foreign = Object.assign(new Error('rate limited'), { name: 'RateLimited', statusCode: 429, retryAfter: 2.5 })
  const res = await appThrowing(t, foreign).inject({ url: '/fail' })
  t.equal(res.statusCode, 429)
  t.equal(res.headers['retry-after'], '3')
})

t.test('a foreign RateLimited without a usable delay falls back to its Retry-After header, or sends none', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  app.addHook('onError', rateLimitReplyHook)
  // A custom handler, so that Fastify's own copy of err.headers does not mask what the hook did.
  app.setErrorHandler((_err, _request, reply) => { reply.code(429).send({}) })
  app.get('/headers', async () => { throw Object.assign(new Error('x'), { name: 'RateLimited', statusCode: 429, retryAfter: Number.NaN, headers: { 'retry-after': '7' } }) })
  app.get('/nothing', async () => { throw Object.assign(new Error('x'), { name: 'RateLimited', statusCode: 429, retryAfter: 'soon' }) })
  t.equal((await app.inject({ url: '/headers' })).headers['retry-after'], '7')
  t.equal((await app.inject({ url: '/nothing' })).headers['retry-after'], undefined)
})

t.test('other errors get no Retry-After', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  app.addHook('onError', rateLimitReplyHook)
  app.get('/unauthorized', async () => { throw new Unauthorized() })
  app.get('/plain', async () => { throw Object.assign(new Error('busy'), { statusCode: 429 }) })
  const unauthorized = await app.inject({ url: '/unauthorized' })
  t.equal(unauthorized.statusCode, 401)
  t.equal(unauthorized.headers['retry-after'], undefined)
  t.equal((await app.inject({ url: '/plain' })).headers['retry-after'], undefined)
})

t.test('error replies carry no stack trace', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  app.addHook('onError', rateLimitReplyHook)
  app.get('/limited', async () => { throw rateLimited(1) })
  app.get('/crash', async () => { throw new Error('boom') })
  for (const url of ['/limited', '/crash']) {
    const res = await app.inject({ url })
    t.notOk('stack' in res.json(), `${url} has no stack field`)
    t.notMatch(res.body, /\bat .+:\d+:\d+/, `${url} has no stack frame`)
  }
})

t.test('a 5xx HttpException reply carries no token from the failed upstream call', async (t) => {
  const cause = new Error(`request with Authorization: Bearer ${SECRET} failed`)
  const error = new HttpException({
    status: 500,
    discordCode: 0,
    message: 'Internal Server Error',
    body: { echoed: { access_token: SECRET, refresh_token: SECRET } },
    method: 'GET',
    url: '/users/@me'
  }, { cause })
  const app = appThrowing(t, error)
  const res = await app.inject({ url: '/fail' })
  t.equal(res.statusCode, 502)
  t.equal(res.headers['retry-after'], undefined)
  t.same(res.json(), {
    statusCode: 502,
    code: '0',
    error: 'Bad Gateway',
    message: 'GET /users/@me answered 500: Internal Server Error'
  })
  t.notMatch(res.body, SECRET)
  t.notMatch(JSON.stringify(res.headers), SECRET)
})
