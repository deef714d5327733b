import Fastify from 'fastify'
import t, { type Test } from 'tap'
import { HttpException, OAuth2Error, RateLimited } from '../../lib/index.js'
import { createDiscordOAuthClient, type DiscordOAuthClient } from '../../lib/oauth/discord-oauth-client.js'
import { createCodeChallenge, createCodeVerifier } from '../../lib/oauth/pkce.js'
import { createFakeDiscord, type FakeDiscord } from '../../lib/testing/index.js'

const REDIRECT = 'http://localhost/callback'
const TOKEN = 'POST /api/v10/oauth2/token'

async function setup (t: Test, overrides: { clientSecret?: string, now?: () => number, timeout?: number } = {}): Promise<{ fake: FakeDiscord, client: DiscordOAuthClient }> {
  const fake = await createFakeDiscord({ consent: 'approve', redirectUris: [REDIRECT] })
  t.teardown(async () => fake.close())
  const app = Fastify()
  t.teardown(async () => app.close())
  const { pluginOptions: p } = fake
  const client = await createDiscordOAuthClient(app, {
    clientId: p.clientId,
    clientSecret: overrides.clientSecret ?? p.clientSecret,
    redirectUri: p.redirectUri,
    authorizeUrl: p.authorizeUrl,
    tokenUrl: p.tokenUrl,
    revokeUrl: p.revokeUrl,
    ...(overrides.now === undefined ? {} : { now: overrides.now }),
    ...(overrides.timeout === undefined ? {} : { timeout: overrides.timeout })
  })
  await app.ready()
  t.notOk(app.hasDecorator('fastifyDiscordOAuth2'), '@fastify/oauth2 stays encapsulated')
  return { fake, client }
}

async function codeFor (client: DiscordOAuthClient, verifier: string, scope = ['identify']): Promise<string> {
  const url = client.createAuthorizationURL({ state: 'st', codeChallenge: createCodeChallenge(verifier), scope, prompt: 'consent' })
  const res = await fetch(url, { redirect: 'manual' })
  return new URL(String(res.headers.get('location'))).searchParams.get('code') as string
}

t.test('exchanges a code with its verifier for a JSON-safe token set with an absolute expiry', async (t) => {
  const { client } = await setup(t, { now: () => 1_000 })
  const verifier = createCodeVerifier()
  const tokens = await client.validateAuthorizationCode(await codeFor(client, verifier, ['identify', 'guilds']), verifier)
  t.equal(tokens.tokenType, 'Bearer')
  t.equal(tokens.expiresAt, 1_000 + 604_800_000)
  t.same(tokens.scopes, ['identify', 'guilds'])
  t.same(JSON.parse(JSON.stringify(tokens)), tokens, 'survives JSON')
})

t.test('refresh rotates the refresh token; the old one is then refused with invalid_grant', async (t) => {
  const { client } = await setup(t)
  const verifier = createCodeVerifier()
  const tokens = await client.validateAuthorizationCode(await codeFor(client, verifier), verifier)
  const fresh = await client.refreshAccessToken(tokens.refreshToken as string)
  t.not(fresh.refreshToken, tokens.refreshToken)
  const err = await client.refreshAccessToken(tokens.refreshToken as string).catch((e: unknown) => e) as OAuth2Error
  t.ok(err instanceof OAuth2Error)
  t.equal(err.error, 'invalid_grant')
  t.equal(err.statusCode, 400)
})

t.test('revoke kills the authorization at Discord', async (t) => {
  const { client } = await setup(t)
  const verifier = createCodeVerifier()
  const tokens = await client.validateAuthorizationCode(await codeFor(client, verifier), verifier)
  await client.revokeToken(tokens.accessToken)
  await t.rejects(client.refreshAccessToken(tokens.refreshToken as string), OAuth2Error)
})

t.test('a wrong client secret is a 502 OAuth2Error (server configuration), without the secret', async (t) => {
  const secret = 'wrong-secret-0123456789abcdef'
  const { client } = await setup(t, { clientSecret: secret })
  const err = await client.refreshAccessToken('whatever').catch((e: unknown) => e) as OAuth2Error
  t.ok(err instanceof OAuth2Error)
  t.equal(err.error, 'invalid_client')
  t.equal(err.statusCode, 502)
  t.notMatch(err.message, secret)
  t.notMatch(JSON.stringify(err), secret)
})

t.test('failures of Discord map to HttpException or RateLimited, never a Boom error', async (t) => {
  const { fake, client } = await setup(t)
  fake.injectFault(TOKEN, { kind: 'status', status: 503 })
  const down = await client.refreshAccessToken('rt').catch((e: unknown) => e) as HttpException
  t.ok(down instanceof HttpException)
  t.equal(down.status, 503)
  t.equal(down.statusCode, 502)

  fake.injectFault(TOKEN, { kind: 'html429', retryAfter: 7 })
  const limited = await client.refreshAccessToken('rt').catch((e: unknown) => e) as RateLimited
  t.ok(limited instanceof RateLimited)
  t.equal(limited.retryAfter, 7)
  t.equal(limited.route, 'POST /api/v10/oauth2/token')

  fake.injectFault(TOKEN, { kind: 'drop' })
  const dropped = await client.refreshAccessToken('rt').catch((e: unknown) => e) as HttpException
  t.ok(dropped instanceof HttpException)
  t.equal(dropped.status, 0)
  t.match(dropped.message, /could not be reached/)
})

t.test('a token endpoint slower than the timeout is an HttpException marked as a timeout', async (t) => {
  const { fake, client } = await setup(t, { timeout: 50 })
  fake.injectFault(TOKEN, { kind: 'delay', ms: 500 })
  const err = await client.refreshAccessToken('rt').catch((e: unknown) => e) as HttpException
  t.ok(err instanceof HttpException)
  t.equal(err.errorCode, 'FST_DISCORD_TIMEOUT')
})

t.test('a rate-limited token endpoint with a JSON body is RateLimited with its retry_after', async (t) => {
  const { fake, client } = await setup(t)
  fake.forceGlobal429(2.5)
  const err = await client.refreshAccessToken('rt').catch((e: unknown) => e) as RateLimited
  t.ok(err instanceof RateLimited)
  t.equal(err.retryAfter, 2.5)
  t.equal(err.global, true)
})

t.test('a token endpoint answering without an access token is an HttpException', async (t) => {
  const server = Fastify()
  t.teardown(async () => server.close())
  server.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => { done(null, body) })
  server.post('/token', async () => ({ token_type: 'Bearer' }))
  const base = await server.listen({ port: 0, host: '127.0.0.1' })
  const app = Fastify()
  t.teardown(async () => app.close())
  const client = await createDiscordOAuthClient(app, {
    clientId: '1', clientSecret: 's', redirectUri: REDIRECT, authorizeUrl: `${base}/authorize`, tokenUrl: `${base}/token`, revokeUrl: `${base}/revoke`
  })
  const err = await client.refreshAccessToken('rt').catch((e: unknown) => e) as HttpException
  t.ok(err instanceof HttpException)
  t.match(err.message, /without an access token/)
})

t.test('a bad code and a failing revoke endpoint map to our errors', async (t) => {
  const { fake, client } = await setup(t)
  const bad = await client.validateAuthorizationCode('no-such-code', createCodeVerifier()).catch((e: unknown) => e) as OAuth2Error
  t.ok(bad instanceof OAuth2Error)
  t.equal(bad.error, 'invalid_grant')
  t.equal(bad.statusCode, 400)
  fake.injectFault('POST /api/v10/oauth2/token/revoke', { kind: 'status', status: 502 })
  const down = await client.revokeToken('tok', 'refresh_token').catch((e: unknown) => e) as HttpException
  t.ok(down instanceof HttpException)
  t.equal(down.url, fake.pluginOptions.revokeUrl)
})
