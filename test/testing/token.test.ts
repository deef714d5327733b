import t from 'tap'
import { api, basicAuth, login, manualClock, obtainCode, pkce, postForm, startFake } from './helpers/fake.js'
import type { FakeDiscord } from '../../lib/testing/index.js'

async function exchange (fake: FakeDiscord, fields: Record<string, string>, headers?: Record<string, string>): Promise<{ status: number, body: Record<string, unknown>, headers: Headers }> {
  const res = await postForm(fake, fake.pluginOptions.tokenUrl, fields, headers)
  return { status: res.status, body: await res.json() as Record<string, unknown>, headers: res.headers }
}

async function codeGrant (fake: FakeDiscord, overrides: Record<string, string | undefined> = {}): Promise<Record<string, string>> {
  const { verifier, challenge } = pkce()
  const code = await obtainCode(fake, challenge)
  const fields: Record<string, string | undefined> = {
    grant_type: 'authorization_code', code, redirect_uri: fake.pluginOptions.redirectUri, code_verifier: verifier, ...overrides
  }
  return Object.fromEntries(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined))
}

t.test('an authorization code becomes a Bearer token set with the granted scopes', async (t) => {
  const fake = await startFake(t)
  const res = await exchange(fake, await codeGrant(fake))
  t.equal(res.status, 200)
  t.equal(res.headers.get('cache-control'), 'no-store')
  t.match(res.body, { token_type: 'Bearer', expires_in: 604800, scope: 'identify email guilds' })
  t.match(res.body.access_token, /^[A-Za-z0-9]{30}$/)
  t.match(res.body.refresh_token, /^[A-Za-z0-9]{30}$/)
})

t.test('client credentials in the body work as well as HTTP Basic', async (t) => {
  const fake = await startFake(t)
  const fields = { ...await codeGrant(fake), client_id: fake.clientId, client_secret: fake.clientSecret }
  const res = await exchange(fake, fields, { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' })
  t.equal(res.status, 200)
})

t.test('a JSON body is refused with unsupported_grant_type', async (t) => {
  const fake = await startFake(t)
  const fields = await codeGrant(fake)
  const res = await fetch(fake.pluginOptions.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: basicAuth(fake.clientId, fake.clientSecret) },
    body: JSON.stringify(fields)
  })
  t.equal(res.status, 400)
  t.match(await res.json(), { error: 'unsupported_grant_type', error_description: String })
})

t.test('a missing or unknown grant_type is unsupported_grant_type', async (t) => {
  const fake = await startFake(t)
  t.match(await exchange(fake, {}), { status: 400, body: { error: 'unsupported_grant_type' } })
  t.match(await exchange(fake, { grant_type: 'password' }), { status: 400, body: { error: 'unsupported_grant_type' } })
})

t.test('a parameter sent twice is invalid_request', async (t) => {
  const fake = await startFake(t)
  const res = await fetch(fake.pluginOptions.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(fake.clientId, fake.clientSecret) },
    body: 'grant_type=refresh_token&refresh_token=a&refresh_token=b'
  })
  t.equal(res.status, 400)
  t.match(await res.json(), { error: 'invalid_request' })
})

t.test('a wrong client secret is 401 invalid_client, never echoing the secret', async (t) => {
  const fake = await startFake(t)
  const fields = await codeGrant(fake)
  const basic = await postForm(fake, fake.pluginOptions.tokenUrl, fields, {
    'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(fake.clientId, 'wrong-secret')
  })
  t.equal(basic.status, 401)
  t.match(basic.headers.get('www-authenticate'), /^Basic/)
  const text = await basic.text()
  t.match(JSON.parse(text), { error: 'invalid_client' })
  t.notMatch(text, 'wrong-secret')

  const cases: Array<Record<string, string>> = [
    { client_id: fake.clientId, client_secret: 'wrong' },
    { client_id: '42', client_secret: fake.clientSecret },
    { client_id: fake.clientId }
  ]
  for (const creds of cases) {
    const res = await exchange(fake, { ...fields, ...creds }, { 'content-type': 'application/x-www-form-urlencoded' })
    t.equal(res.status, 401)
    t.equal(res.body.error, 'invalid_client')
  }
  for (const header of ['Basic !!!', `Basic ${Buffer.from('no-colon').toString('base64')}`, `Basic ${Buffer.from('%E0%A4%A:x').toString('base64')}`]) {
    const res = await exchange(fake, fields, { 'content-type': 'application/x-www-form-urlencoded', authorization: header })
    t.equal(res.status, 401, header)
  }
})

t.test('a Basic client id that disagrees with the body client_id is invalid_client', async (t) => {
  const fake = await startFake(t)
  const res = await exchange(fake, { ...await codeGrant(fake), client_id: '42' })
  t.equal(res.status, 401)
})

t.test('HTTP Basic together with a body client_secret is refused', async (t) => {
  const fake = await startFake(t)
  const res = await exchange(fake, { ...await codeGrant(fake), client_id: fake.clientId, client_secret: fake.clientSecret })
  t.equal(res.status, 400)
  t.equal(res.body.error, 'invalid_request')
})

t.test('a code works once; a replay fails and revokes what the first exchange issued', async (t) => {
  const fake = await startFake(t)
  const fields = await codeGrant(fake)
  const first = await exchange(fake, fields)
  t.equal(first.status, 200)
  t.equal((await api(fake, '/users/@me', `Bearer ${String(first.body.access_token)}`)).status, 200)
  const replay = await exchange(fake, fields)
  t.equal(replay.status, 400)
  t.equal(replay.body.error, 'invalid_grant')
  t.equal((await api(fake, '/users/@me', `Bearer ${String(first.body.access_token)}`)).status, 401)
})

t.test('an unknown code or a missing code is refused', async (t) => {
  const fake = await startFake(t)
  t.match(await exchange(fake, await codeGrant(fake, { code: 'nope' })), { status: 400, body: { error: 'invalid_grant' } })
  t.match(await exchange(fake, await codeGrant(fake, { code: undefined })), { status: 400, body: { error: 'invalid_request' } })
})

t.test('a code expires after ten minutes', async (t) => {
  const clock = manualClock()
  const fake = await startFake(t, { clock })
  const fields = await codeGrant(fake)
  clock.advance(10 * 60 * 1000)
  t.match(await exchange(fake, fields), { status: 400, body: { error: 'invalid_grant' } })
})

t.test('the code is bound to the redirect_uri of the authorization request', async (t) => {
  const fake = await startFake(t, { redirectUris: ['http://a.test/cb', 'http://b.test/cb'] })
  t.match(await exchange(fake, await codeGrant(fake, { redirect_uri: 'http://b.test/cb' })), { status: 400, body: { error: 'invalid_grant' } })
  t.match(await exchange(fake, await codeGrant(fake, { redirect_uri: undefined })), { status: 400, body: { error: 'invalid_grant' } })
})

t.test('the code is bound to the PKCE challenge', async (t) => {
  const fake = await startFake(t)
  t.match(await exchange(fake, await codeGrant(fake, { code_verifier: pkce().verifier })), { status: 400, body: { error: 'invalid_grant' } })
  t.match(await exchange(fake, await codeGrant(fake, { code_verifier: 'a'.repeat(42) })), { status: 400, body: { error: 'invalid_request' } })
  t.match(await exchange(fake, await codeGrant(fake, { code_verifier: 'a'.repeat(129) })), { status: 400, body: { error: 'invalid_request' } })
  t.match(await exchange(fake, await codeGrant(fake, { code_verifier: undefined })), { status: 400, body: { error: 'invalid_request' } })
})

t.test('a 43-character verifier, the minimum, is accepted', async (t) => {
  const fake = await startFake(t)
  const { createHash } = await import('node:crypto')
  const verifier = 'A'.repeat(43)
  const code = await obtainCode(fake, createHash('sha256').update(verifier).digest('base64url'))
  const res = await exchange(fake, { grant_type: 'authorization_code', code, redirect_uri: fake.pluginOptions.redirectUri, code_verifier: verifier })
  t.equal(res.status, 200)
})

t.test('a verifier for a code issued without a challenge is refused', async (t) => {
  const fake = await startFake(t)
  const code = await obtainCode(fake, '', { code_challenge: undefined, code_challenge_method: undefined })
  const res = await exchange(fake, { grant_type: 'authorization_code', code, redirect_uri: fake.pluginOptions.redirectUri, code_verifier: pkce().verifier })
  t.equal(res.body.error, 'invalid_grant')
})

t.test('a refresh rotates the refresh token and the old one dies', async (t) => {
  const fake = await startFake(t, { tokenExpiresIn: 3600 })
  const tokens = await login(fake)
  const refreshed = await exchange(fake, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token })
  t.equal(refreshed.status, 200)
  t.equal(refreshed.body.expires_in, 3600)
  t.not(refreshed.body.refresh_token, tokens.refresh_token)
  t.not(refreshed.body.access_token, tokens.access_token)
  t.equal((await api(fake, '/users/@me', `Bearer ${String(refreshed.body.access_token)}`)).status, 200)
  const again = await exchange(fake, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token })
  t.equal(again.status, 400)
  t.equal(again.body.error, 'invalid_grant')
  t.match(await exchange(fake, { grant_type: 'refresh_token' }), { status: 400, body: { error: 'invalid_request' } })
})

t.test('of two concurrent refreshes with one token, exactly one wins', async (t) => {
  const fake = await startFake(t)
  const tokens = await login(fake)
  const results = await Promise.all([1, 2].map(async () => exchange(fake, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token })))
  t.same(results.map((r) => r.status).sort(), [200, 400])
})

t.test('client_credentials issues an access token without a refresh token', async (t) => {
  const fake = await startFake(t)
  const res = await exchange(fake, { grant_type: 'client_credentials', scope: 'identify connections' })
  t.equal(res.status, 200)
  t.equal(res.body.scope, 'identify connections')
  t.notOk('refresh_token' in res.body)
  t.equal((await api(fake, '/users/@me', `Bearer ${String(res.body.access_token)}`)).status, 200)
  t.match(await exchange(fake, { grant_type: 'client_credentials' }), { status: 400, body: { error: 'invalid_scope' } })
  t.match(await exchange(fake, { grant_type: 'client_credentials', scope: 'bot' }), { status: 400, body: { error: 'invalid_scope' } })
})

t.test('revoking the access token kills the refresh token too', async (t) => {
  const fake = await startFake(t)
  const tokens = await login(fake)
  const res = await postForm(fake, fake.pluginOptions.revokeUrl, { token: tokens.access_token, token_type_hint: 'access_token' })
  t.equal(res.status, 200)
  t.same(await res.json(), {})
  t.equal((await api(fake, '/users/@me', `Bearer ${tokens.access_token}`)).status, 401)
  t.match(await exchange(fake, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token }), { status: 400, body: { error: 'invalid_grant' } })
})

t.test('revoking the refresh token kills the access token too', async (t) => {
  const fake = await startFake(t)
  const tokens = await login(fake)
  t.equal((await postForm(fake, fake.pluginOptions.revokeUrl, { token: tokens.refresh_token })).status, 200)
  t.equal((await api(fake, '/users/@me', `Bearer ${tokens.access_token}`)).status, 401)
})

t.test('revoke answers 200 for an unknown token and checks the request like the token endpoint', async (t) => {
  const fake = await startFake(t)
  t.equal((await postForm(fake, fake.pluginOptions.revokeUrl, { token: 'unknown' })).status, 200)
  const missing = await postForm(fake, fake.pluginOptions.revokeUrl, {})
  t.equal(missing.status, 400)
  t.match(await missing.json(), { error: 'invalid_request' })
  const json = await fetch(fake.pluginOptions.revokeUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: basicAuth(fake.clientId, fake.clientSecret) }, body: '{"token":"x"}' })
  t.equal(json.status, 400)
  t.match(await json.json(), { error: 'invalid_request' })
  const noAuth = await postForm(fake, fake.pluginOptions.revokeUrl, { token: 'x' }, { 'content-type': 'application/x-www-form-urlencoded' })
  t.equal(noAuth.status, 401)
})

t.test('access tokens expire on the injected clock', async (t) => {
  const clock = manualClock()
  const fake = await startFake(t, { clock, tokenExpiresIn: 60 })
  const tokens = await login(fake)
  t.equal((await api(fake, '/users/@me', `Bearer ${tokens.access_token}`)).status, 200)
  clock.advance(60_000)
  const res = await api(fake, '/users/@me', `Bearer ${tokens.access_token}`)
  t.equal(res.status, 401)
  t.same(await res.json(), { message: '401: Unauthorized', code: 0 })
})

t.test('issueToken and revokeToken skip the browser part of the flow', async (t) => {
  const fake = await startFake(t)
  const tokens = fake.issueToken(fake.seedUsers.legacy, ['identify'], { expiresIn: 120 })
  t.match(tokens, { token_type: 'Bearer', expires_in: 120, scope: 'identify' })
  const me = await (await api(fake, '/users/@me', `Bearer ${tokens.access_token}`)).json() as { id: string }
  t.equal(me.id, fake.seedUsers.legacy)
  fake.revokeToken(tokens.refresh_token)
  t.equal((await api(fake, '/users/@me', `Bearer ${tokens.access_token}`)).status, 401)
})

t.test('createFakeDiscord refuses options it cannot honour', async (t) => {
  const { createFakeDiscord } = await import('../../lib/testing/index.js')
  await t.rejects(createFakeDiscord({ redirectUris: [] }), RangeError)
  await t.rejects(createFakeDiscord({ tokenExpiresIn: 0 }), RangeError)
})
