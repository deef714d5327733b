import t from 'tap'
import { resolveOptions } from '../../lib/options/resolve-options.js'
import { createRequireAuthorization } from '../../lib/fastify/require-authorization.js'
import type { RequireAuthorization } from '../../lib/fastify/require-authorization.js'
import { appWithSession, BROWSER_ACCEPT, stubSession } from './helpers/stub-session.js'
import type { StubSession } from './helpers/stub-session.js'

interface GuardedAppOptions {
  session: StubSession | null
  loginPath?: string | false
  scopes?: string[]
}

async function guardedApp (t: { teardown: (fn: () => unknown) => void }, options: GuardedAppOptions): Promise<{ app: ReturnType<typeof appWithSession>, handled: () => number }> {
  const requireAuthorization = createRequireAuthorization({ loginPath: options.loginPath ?? '/login' })
  const app = appWithSession(options.session)
  t.teardown(() => app.close())
  let handled = 0
  const preHandler = options.scopes === undefined ? requireAuthorization : requireAuthorization({ scopes: options.scopes })
  const handler = async (): Promise<{ ok: true }> => {
    handled++
    return { ok: true }
  }
  app.get('/me', { preHandler }, handler)
  app.post('/me', { preHandler }, handler)
  await app.ready()
  return { app, handled: () => handled }
}

t.test('bare guard lets an authorized request through to the handler', async (t) => {
  const { app, handled } = await guardedApp(t, { session: stubSession({ authorized: true, scopes: ['identify'] }) })
  const res = await app.inject({ url: '/me', headers: { accept: 'application/json' } })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { ok: true })
  t.equal(handled(), 1)
})

t.test('an unauthorized JSON client gets 401 Unauthorized in Fastify\'s error shape', async (t) => {
  const { app, handled } = await guardedApp(t, { session: stubSession({ authorized: false }) })
  const res = await app.inject({ url: '/me', headers: { accept: 'application/json' } })
  t.equal(res.statusCode, 401)
  t.match(res.headers['content-type'], /^application\/json/)
  t.same(res.json(), {
    statusCode: 401,
    code: 'FST_DISCORD_UNAUTHORIZED',
    error: 'Unauthorized',
    message: 'Discord authorization is required'
  })
  t.equal(handled(), 0, 'the handler does not run')
})

t.test('an unauthorized client without Accept, or accepting anything, gets 401', async (t) => {
  const { app } = await guardedApp(t, { session: stubSession({ authorized: false }) })
  t.equal((await app.inject({ url: '/me' })).statusCode, 401)
  t.equal((await app.inject({ url: '/me', headers: { accept: '*/*' } })).statusCode, 401)
  t.equal((await app.inject({ url: '/me', headers: { accept: 'application/json, text/html;q=0.5' } })).statusCode, 401)
})

t.test('an unauthorized browser is redirected to the login route with the current URL as next', async (t) => {
  const { app, handled } = await guardedApp(t, { session: stubSession({ authorized: false }) })
  const res = await app.inject({ url: '/me?tab=guilds&q=caf%C3%A9', headers: { accept: BROWSER_ACCEPT } })
  t.equal(res.statusCode, 302)
  t.equal(res.headers.location, '/login?next=%2Fme%3Ftab%3Dguilds%26q%3Dcaf%25C3%25A9')
  const location = new URL(String(res.headers.location), 'http://localhost')
  t.equal(location.searchParams.get('next'), '/me?tab=guilds&q=caf%C3%A9', 'next decodes back to the requested path and query')
  t.equal(handled(), 0, 'the handler does not run')
})

t.test('a HEAD from a browser is redirected like a GET', async (t) => {
  const { app } = await guardedApp(t, { session: stubSession({ authorized: false }) })
  const res = await app.inject({ method: 'HEAD', url: '/me', headers: { accept: 'text/html' } })
  t.equal(res.statusCode, 302)
  t.equal(res.headers.location, '/login?next=%2Fme')
})

t.test('an unauthorized form POST from a browser goes to the login route without next, since a POST cannot be replayed', async (t) => {
  const { app, handled } = await guardedApp(t, { session: stubSession({ authorized: false }) })
  const res = await app.inject({ method: 'POST', url: '/me', headers: { accept: BROWSER_ACCEPT } })
  t.equal(res.statusCode, 302)
  t.equal(res.headers.location, '/login')
  t.equal(handled(), 0)
})

t.test('a login path that has a query string gets next appended with &', async (t) => {
  const { app } = await guardedApp(t, { session: stubSession({ authorized: false }), loginPath: '/auth/login?prompt=none' })
  const res = await app.inject({ url: '/me', headers: { accept: 'text/html' } })
  t.equal(res.headers.location, '/auth/login?prompt=none&next=%2Fme')
})

t.test('with the login route turned off, browsers get 401 too', async (t) => {
  const { app } = await guardedApp(t, { session: stubSession({ authorized: false }), loginPath: false })
  const res = await app.inject({ url: '/me', headers: { accept: BROWSER_ACCEPT } })
  t.equal(res.statusCode, 401)
  t.equal(res.json().code, 'FST_DISCORD_UNAUTHORIZED')
})

t.test('a scoped guard lets through a session that was granted every required scope', async (t) => {
  const { app, handled } = await guardedApp(t, { session: stubSession({ authorized: true, scopes: ['identify', 'guilds', 'email'] }), scopes: ['guilds', 'email'] })
  const res = await app.inject({ url: '/me', headers: { accept: BROWSER_ACCEPT } })
  t.equal(res.statusCode, 200)
  t.equal(handled(), 1)
})

t.test('a scoped guard answers 401, not 403, when the session is not authorized at all', async (t) => {
  const { app } = await guardedApp(t, { session: stubSession({ authorized: false }), scopes: ['guilds'] })
  const res = await app.inject({ url: '/me', headers: { accept: 'application/json' } })
  t.equal(res.statusCode, 401)
})

t.test('a JSON client missing scopes gets 403 MissingScope naming only the missing ones', async (t) => {
  const session = stubSession({ authorized: true, scopes: ['identify', 'email'] })
  const { app, handled } = await guardedApp(t, { session, scopes: ['email', 'guilds', 'connections'] })
  const res = await app.inject({ url: '/me', headers: { accept: 'application/json' } })
  t.equal(res.statusCode, 403)
  const body = res.json()
  t.same(Object.keys(body).sort(), ['code', 'error', 'message', 'statusCode'])
  t.equal(body.statusCode, 403)
  t.equal(body.code, 'FST_DISCORD_MISSING_SCOPE')
  t.equal(body.error, 'Forbidden')
  t.match(body.message, /^GET \/me needs the OAuth2 scopes `guilds`, `connections`,/)
  t.notMatch(body.message, /`email`/)
  t.equal(session.createSessionCalls.length, 0, 'no authorization flow is started for an API client')
  t.equal(handled(), 0)
})

t.test('a browser missing scopes is sent to Discord to grant the granted plus the missing scopes, coming back here', async (t) => {
  const session = stubSession({ authorized: true, scopes: ['identify', 'email'] })
  const { app, handled } = await guardedApp(t, { session, scopes: ['email', 'guilds'] })
  const res = await app.inject({ url: '/me?x=1', headers: { accept: BROWSER_ACCEPT } })
  t.equal(res.statusCode, 302)
  t.equal(res.headers.location, 'https://discord.test/oauth2/authorize?scope=identify%20email%20guilds&state=s1')
  t.same(session.createSessionCalls, [{ scope: ['identify', 'email', 'guilds'], next: '/me?x=1' }])
  t.equal(handled(), 0)
})

t.test('a browser POST missing scopes starts incremental authorization without next', async (t) => {
  const session = stubSession({ authorized: true, scopes: ['identify'] })
  const { app } = await guardedApp(t, { session, scopes: ['guilds'] })
  const res = await app.inject({ method: 'POST', url: '/me', headers: { accept: 'text/html' } })
  t.equal(res.statusCode, 302)
  t.same(session.createSessionCalls, [{ scope: ['identify', 'guilds'] }])
})

t.test('a failure to start the authorization flow becomes an error reply', async (t) => {
  const session = stubSession({ authorized: true })
  session.createSession = async () => { throw Object.assign(new Error('session store down'), { statusCode: 503 }) }
  const { app } = await guardedApp(t, { session, scopes: ['guilds'] })
  const res = await app.inject({ url: '/me', headers: { accept: 'text/html' } })
  t.equal(res.statusCode, 503)
})

t.test('the handler does not run after a redirect even when an async onSend hook delays the reply', async (t) => {
  const requireAuthorization = createRequireAuthorization({ loginPath: '/login' })
  const app = appWithSession(stubSession({ authorized: false }))
  t.teardown(() => app.close())
  let handled = 0
  app.addHook('onSend', async () => {
    await new Promise((resolve) => setImmediate(resolve))
  })
  app.get('/me', { preHandler: requireAuthorization }, async () => {
    handled++
    return { ok: true }
  })
  const res = await app.inject({ url: '/me', headers: { accept: 'text/html' } })
  t.equal(res.statusCode, 302)
  t.equal(handled, 0)
})

t.test('the guard works as an instance-wide preHandler hook', async (t) => {
  const requireAuthorization = createRequireAuthorization({ loginPath: '/login' })
  const app = appWithSession(stubSession({ authorized: true, scopes: ['identify'] }))
  t.teardown(() => app.close())
  await app.register(async (scoped) => {
    scoped.addHook('preHandler', requireAuthorization({ scopes: ['guilds'] }))
    scoped.get('/guilds', async () => ({ ok: true }))
  })
  await app.register(async (scoped) => {
    scoped.addHook('preHandler', requireAuthorization)
    scoped.get('/profile', async () => ({ ok: true }))
  })
  app.get('/open', async () => ({ open: true }))
  t.equal((await app.inject({ url: '/profile' })).statusCode, 200)
  t.equal((await app.inject({ url: '/guilds' })).statusCode, 403)
  t.equal((await app.inject({ url: '/open' })).statusCode, 200)
})

t.test('a guarded route on an app without request.discord answers 500 with a configuration error', async (t) => {
  const { app } = await guardedApp(t, { session: null })
  const res = await app.inject({ url: '/me' })
  t.equal(res.statusCode, 500)
  t.equal(res.json().code, 'FST_DISCORD_OPTIONS')
  t.match(res.json().message, /register fastify-discord/)
})

t.test('options without scopes, or with an empty list, give a guard that only requires authorization', async (t) => {
  const requireAuthorization = createRequireAuthorization({ loginPath: '/login' })
  t.equal(requireAuthorization({}), requireAuthorization({ scopes: [] }), 'the same function, not a new one per route')
  const app = appWithSession(stubSession({ authorized: false }))
  t.teardown(() => app.close())
  app.get('/me', { preHandler: requireAuthorization({}) }, async () => ({ ok: true }))
  t.equal((await app.inject({ url: '/me' })).statusCode, 401)
})

t.test('malformed options are refused when the route is declared, not when it is requested', async (t) => {
  const requireAuthorization: RequireAuthorization = createRequireAuthorization({ loginPath: '/login' })
  const call = requireAuthorization as unknown as (...args: unknown[]) => unknown
  t.throws(() => call(['guilds']), TypeError)
  t.throws(() => call('guilds'), TypeError)
  t.throws(() => call(null), TypeError)
  t.throws(() => call({ scopes: 'guilds' }), TypeError)
  t.throws(() => call({ scopes: [''] }), TypeError)
  t.throws(() => call({ scopes: ['guilds email'] }), TypeError)
  t.throws(() => call({ scopes: [42] }), TypeError)
  t.throws(() => call(Object.create({ raw: {} })), /needs both request and reply/, 'a request-like object without its reply')
  t.doesNotThrow(() => call(Object.assign(Object.create(null), { scopes: ['guilds'] })))
})

t.test('a login path that is not an absolute path is refused, where the options enter', async (t) => {
  const base = { clientId: '123456789012345678', clientSecret: 's', redirectUri: 'http://localhost/cb' }
  t.throws(() => resolveOptions({ ...base, loginPath: 'login' }, {}), { name: 'ConfigurationError', message: /`loginPath` is malformed/ })
  t.throws(() => resolveOptions({ ...base, loginPath: '' }, {}), { name: 'ConfigurationError', message: /`loginPath` is malformed/ })
  t.equal(resolveOptions({ ...base, loginPath: undefined }, {}).loginPath, '/login', 'unset is the default')
})

t.test('the guard type-checks as a preHandler on routes with typed generics', async (t) => {
  const requireAuthorization = createRequireAuthorization({ loginPath: '/login' })
  const app = appWithSession(stubSession({ authorized: true, scopes: ['guilds'] }))
  t.teardown(() => app.close())
  app.get<{ Querystring: { page: string } }>('/typed', { preHandler: [requireAuthorization, requireAuthorization({ scopes: ['guilds'] })] }, async (request) => ({ page: request.query.page }))
  const res = await app.inject({ url: '/typed?page=2' })
  t.same(res.json(), { page: '2' })
})

t.test('a scoped guard on the not-found handler names the requested URL', async (t) => {
  const requireAuthorization = createRequireAuthorization({ loginPath: '/login' })
  const app = appWithSession(stubSession({ authorized: true }))
  t.teardown(() => app.close())
  app.setNotFoundHandler({ preHandler: requireAuthorization({ scopes: ['guilds'] }) }, async (_request, reply) => reply.code(404).send())
  const res = await app.inject({ url: '/nowhere?x=1' })
  t.equal(res.statusCode, 403)
  t.match(res.json().message, /^GET \/nowhere\?x=1 needs/)
})
