import t from 'tap'
import {
  AccessDenied, ConfigurationError, DiscordError, ErrorCodes, Forbidden, HttpException, InvalidArgument, InvalidState,
  isDiscordError, MissingScope, OAuth2Error, RateLimited, Unauthorized
} from '../../lib/index.js'

t.test('every error carries the status Fastify answers with and a stable code', async (t) => {
  const cases: Array<[DiscordError, number, string | number]> = [
    [new Unauthorized(), 401, ErrorCodes.UNAUTHORIZED],
    [new AccessDenied('access_denied', 'The resource owner or authorization server denied the request'), 403, ErrorCodes.ACCESS_DENIED],
    [new InvalidState(), 400, ErrorCodes.INVALID_STATE],
    [new OAuth2Error('invalid_scope'), 400, ErrorCodes.OAUTH2],
    [new MissingScope(['guilds'], 'fetchGuilds()'), 403, ErrorCodes.MISSING_SCOPE],
    [new Forbidden(ErrorCodes.NOT_GUILD_MEMBER, '1'), 403, ErrorCodes.NOT_GUILD_MEMBER],
    [new Forbidden(ErrorCodes.MISSING_ROLE, '1'), 403, ErrorCodes.MISSING_ROLE],
    [new Forbidden(ErrorCodes.MISSING_PERMISSIONS, '1'), 403, ErrorCodes.MISSING_PERMISSIONS],
    [new RateLimited({ retryAfter: 1.5, global: false, scope: 'user', bucket: 'abc', route: 'GET /users/@me', headers: {}, body: null }), 429, ErrorCodes.RATE_LIMITED],
    [new HttpException({ status: 403, discordCode: 50025, message: 'Invalid OAuth2 access token', body: {}, method: 'PUT', url: '/guilds/1/members/2' }), 502, 50025],
    [new ConfigurationError('`clientSecret` is required'), 500, ErrorCodes.OPTIONS]
  ]
  for (const [err, status, code] of cases) {
    t.ok(err instanceof DiscordError, `${err.name} extends DiscordError`)
    t.ok(isDiscordError(err), `${err.name} is recognised by isDiscordError`)
    t.equal(err.statusCode, status, `${err.name} answers ${status}`)
    t.equal(err.code, code, `${err.name} has code ${code}`)
    t.notOk(err.message.length === 0, `${err.name} has a message`)
  }
})

t.test('isDiscordError recognises a copy from another realm by name and status, and nothing else', async (t) => {
  const foreign = Object.assign(new Error('x'), { name: 'Unauthorized', statusCode: 401 })
  t.ok(isDiscordError(foreign))
  t.ok(isDiscordError(Object.assign(new Error('x'), { name: 'Forbidden', statusCode: 403 })), 'the guild guard\'s refusal too')
  t.notOk(isDiscordError(new Error('x')))
  t.notOk(isDiscordError(Object.assign(new Error('x'), { name: 'Unauthorized' })))
  t.notOk(isDiscordError({ name: 'Unauthorized', statusCode: 401 }))
})

t.test('AccessDenied and OAuth2Error carry Discord\'s error and description', async (t) => {
  const denied = new AccessDenied('access_denied', 'The user cancelled')
  t.equal(denied.error, 'access_denied')
  t.equal(denied.errorDescription, 'The user cancelled')
  t.match(denied.message, /The user cancelled/)
  t.equal(new AccessDenied().errorDescription, null)
  const oauth = new OAuth2Error('invalid_grant', 'Invalid "code" in request.')
  t.equal(oauth.error, 'invalid_grant')
  t.match(oauth.message, /invalid_grant: Invalid "code"/)
  t.equal(new OAuth2Error('server_error', null, 502).statusCode, 502)
})

t.test('HttpException distinguishes timeouts and network failures', async (t) => {
  const timeout = new HttpException({ status: 0, discordCode: 0, message: 'timed out after 15000 ms', body: null, method: 'GET', url: '/users/@me', timeout: true })
  t.equal(timeout.errorCode, ErrorCodes.TIMEOUT)
  t.match(timeout.message, /GET \/users\/@me failed: timed out/)
  const plain = new HttpException({ status: 500, discordCode: 0, message: 'Internal Server Error', body: null, method: 'GET', url: '/users/@me' })
  t.equal(plain.errorCode, ErrorCodes.HTTP)
  t.match(plain.message, /answered 500: Internal/)
})

t.test('RateLimited names the route and whether the limit was global', async (t) => {
  const err = new RateLimited({ retryAfter: 0.25, global: true, scope: 'global', bucket: null, route: 'GET /users/@me', headers: {}, body: null })
  t.match(err.message, /GET \/users\/@me \(global\): retry after 0\.250s/)
  t.equal(err.global, true)
  t.equal(err.retryAfter, 0.25)
  t.match(new MissingScope(['guilds', 'email'], 'x').message, /scopes `guilds`, `email`/)
})

t.test('RateLimited keeps only headers that are safe to copy onto a reply, and always a Retry-After', async (t) => {
  const err = new RateLimited({
    retryAfter: 1.2,
    global: false,
    scope: 'user',
    bucket: 'b1',
    route: 'GET /users/@me',
    headers: { 'Content-Length': '50', 'content-type': 'application/json', 'X-RateLimit-Bucket': 'b1', 'x-ratelimit-scope': 'user', 'retry-after': '1' },
    body: { message: 'You are being rate limited.', retry_after: 1.2, global: false }
  })
  t.same(err.headers, { 'x-ratelimit-bucket': 'b1', 'x-ratelimit-scope': 'user', 'retry-after': '2' })
})

t.test('InvalidArgument is a TypeError that Fastify answers with 400', async (t) => {
  const err = new InvalidArgument('`guildId` must be a snowflake (a string of digits)')
  t.ok(err instanceof TypeError)
  t.equal(err.statusCode, 400)
  t.equal(err.code, ErrorCodes.INVALID_ARGUMENT)
  t.equal(err.name, 'InvalidArgument')
})

t.test('Forbidden names the guild and the reason, and nothing about the user', async (t) => {
  const err = new Forbidden(ErrorCodes.MISSING_ROLE, '613425648685547541')
  t.equal(err.name, 'Forbidden')
  t.equal(err.guildId, '613425648685547541')
  t.match(err.message, /guild 613425648685547541.*none of the roles/)
  t.match(new Forbidden(ErrorCodes.NOT_GUILD_MEMBER, '1').message, /not a member/)
  t.match(new Forbidden(ErrorCodes.MISSING_PERMISSIONS, '1').message, /lacks permissions/)
})
