import t from 'tap'
import { fakeUser } from '../../lib/testing/index.js'
import { authorize, authorizeQuery, login, obtainCode, pkce, startFake } from './helpers/fake.js'

t.test('the consent page names the app, the user, the scopes and has Authorize and Cancel', async (t) => {
  const fake = await startFake(t, { appName: 'Cool <App>' })
  const res = await authorize(fake, authorizeQuery(fake, pkce().challenge, { scope: 'identify guilds rpc' }))
  t.equal(res.status, 200)
  t.match(res.headers.get('content-type'), /^text\/html/)
  const html = await res.text()
  t.match(html, 'Cool &#60;App&#62; wants to access your account')
  t.match(html, 'Nelly')
  t.match(html, '@nelly')
  t.match(html, `src="/cdn/avatars/${fake.seedUsers.migrated}/a_`)
  t.match(html, 'data-scope="identify"')
  t.match(html, 'data-scope="guilds"')
  t.match(html, '<li data-scope="rpc">rpc <code>rpc</code></li>', 'a scope without a description is shown by name')
  t.match(html, '>Authorize</button>')
  t.match(html, '>Cancel</button>')
  t.match(html, '<form method="post" action="/oauth2/authorize">')
})

t.test('the consent page shows a legacy user with their discriminator', async (t) => {
  const fake = await startFake(t)
  fake.setActingUser(fake.seedUsers.legacy)
  const html = await (await authorize(fake, authorizeQuery(fake, pkce().challenge))).text()
  t.match(html, 'oldtimer#1337')
  t.match(html, 'src="/cdn/embed/avatars/2.png"', 'the legacy default avatar is discriminator % 5')
  const avatar = await fetch(`${fake.url}/cdn/embed/avatars/2.png`)
  t.equal(avatar.status, 200)
})

t.test('posting Authorize from the consent page redirects with code, state and iss', async (t) => {
  const fake = await startFake(t)
  const form = authorizeQuery(fake, pkce().challenge)
  form.set('decision', 'authorize')
  const res = await fetch(fake.pluginOptions.authorizeUrl, {
    method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString()
  })
  t.equal(res.status, 302)
  const location = new URL(res.headers.get('location') ?? '')
  t.equal(`${location.origin}${location.pathname}`, fake.pluginOptions.redirectUri)
  t.match(location.searchParams.get('code'), /^[A-Za-z0-9]{30}$/)
  t.equal(location.searchParams.get('state'), 'st4te')
  t.equal(location.searchParams.get('iss'), 'https://discord.com')
})

t.test('posting Cancel from the consent page redirects with access_denied and state', async (t) => {
  const fake = await startFake(t)
  const form = authorizeQuery(fake, pkce().challenge)
  form.set('decision', 'cancel')
  const res = await fetch(fake.pluginOptions.authorizeUrl, {
    method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString()
  })
  const location = new URL(res.headers.get('location') ?? '')
  t.equal(location.searchParams.get('error'), 'access_denied')
  t.ok(location.searchParams.get('error_description'))
  t.equal(location.searchParams.get('state'), 'st4te')
  t.notOk(location.searchParams.has('code'))
})

t.test('a consent form posted as something other than a form is refused on a page', async (t) => {
  const fake = await startFake(t)
  const res = await fetch(fake.pluginOptions.authorizeUrl, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/json' }, body: '{}' })
  t.equal(res.status, 400)
  t.notOk(res.headers.get('location'))
})

t.test('approve mode redirects at once with a code', async (t) => {
  const fake = await startFake(t, { consent: 'approve' })
  const res = await authorize(fake, authorizeQuery(fake, pkce().challenge))
  t.equal(res.status, 302)
  t.ok(new URL(res.headers.get('location') ?? '').searchParams.get('code'))
})

t.test('deny mode redirects at once with access_denied and keeps an existing query of the redirect URI', async (t) => {
  const fake = await startFake(t, { consent: 'deny', redirectUris: ['http://app.test/cb?tenant=7'] })
  const res = await authorize(fake, authorizeQuery(fake, pkce().challenge))
  const location = new URL(res.headers.get('location') ?? '')
  t.equal(location.searchParams.get('tenant'), '7')
  t.equal(location.searchParams.get('error'), 'access_denied')
})

t.test('an unknown client_id shows an error page and never redirects', async (t) => {
  const fake = await startFake(t, { consent: 'approve' })
  for (const overrides of [{ client_id: '1234' }, { client_id: undefined }]) {
    const res = await authorize(fake, authorizeQuery(fake, pkce().challenge, overrides))
    t.equal(res.status, 400)
    t.equal(res.headers.get('location'), null)
    t.match(await res.text(), 'client_id')
  }
})

t.test('a redirect_uri that is not registered exactly shows an error page and never redirects', async (t) => {
  const fake = await startFake(t, { consent: 'approve' })
  for (const redirect of ['http://localhost:3000/callback/', 'http://evil.test/callback', undefined]) {
    const res = await authorize(fake, authorizeQuery(fake, pkce().challenge, { redirect_uri: redirect }))
    t.equal(res.status, 400)
    t.equal(res.headers.get('location'), null)
    t.match(await res.text(), 'redirect_uri')
  }
})

t.test('addRedirectUri registers a callback known only after listen', async (t) => {
  const fake = await startFake(t, { consent: 'approve' })
  const late = 'http://127.0.0.1:45678/auth/callback'
  t.equal((await authorize(fake, authorizeQuery(fake, pkce().challenge, { redirect_uri: late }))).status, 400)
  fake.addRedirectUri(late)
  fake.addRedirectUri(late)
  const res = await authorize(fake, authorizeQuery(fake, pkce().challenge, { redirect_uri: late }))
  t.equal(res.status, 302)
  t.match(res.headers.get('location'), late)
  t.equal(fake.pluginOptions.redirectUri, 'http://localhost:3000/callback', 'the first registered URI stays the plugin default')
})

t.test('request errors after a good redirect_uri go back to the client with an RFC 6749 error', async (t) => {
  const fake = await startFake(t, { consent: 'approve' })
  const { challenge } = pkce()
  const cases: Array<[Record<string, string | undefined>, string]> = [
    [{ response_type: 'token' }, 'unsupported_response_type'],
    [{ scope: '' }, 'invalid_scope'],
    [{ scope: 'identify nonsense' }, 'invalid_scope'],
    [{ prompt: 'login' }, 'invalid_request'],
    [{ code_challenge_method: 'plain' }, 'invalid_request'],
    [{ code_challenge_method: undefined }, 'invalid_request'],
    [{ code_challenge: undefined }, 'invalid_request'],
    [{ code_challenge: 'too-short' }, 'invalid_request'],
    // Discord refuses PKCE with this scope (discord-api-docs #5751).
    [{ scope: 'identify role_connections.write' }, 'invalid_scope'],
    [{ permissions: '-8', scope: 'bot' }, 'invalid_request']
  ]
  for (const [overrides, error] of cases) {
    const res = await authorize(fake, authorizeQuery(fake, challenge, overrides))
    t.equal(res.status, 302, JSON.stringify(overrides))
    const location = new URL(res.headers.get('location') ?? '')
    t.equal(location.searchParams.get('error'), error, JSON.stringify(overrides))
    t.equal(location.searchParams.get('state'), 'st4te')
  }
})

t.test('a request without PKCE is accepted and the state is optional', async (t) => {
  const fake = await startFake(t, { consent: 'approve' })
  const res = await authorize(fake, authorizeQuery(fake, '', { code_challenge: undefined, code_challenge_method: undefined, state: undefined }))
  const location = new URL(res.headers.get('location') ?? '')
  t.ok(location.searchParams.get('code'))
  t.notOk(location.searchParams.has('state'))
})

t.test('prompt=none skips the page only for scopes the user already granted', async (t) => {
  const fake = await startFake(t)
  const { challenge } = pkce()
  let res = await authorize(fake, authorizeQuery(fake, challenge, { prompt: 'none' }))
  t.equal(res.status, 200, 'first time: the consent page')
  fake.issueToken(fake.seedUsers.migrated, ['identify', 'email', 'guilds'])
  res = await authorize(fake, authorizeQuery(fake, challenge, { prompt: 'none' }))
  t.equal(res.status, 302)
  res = await authorize(fake, authorizeQuery(fake, challenge, { prompt: 'consent' }))
  t.equal(res.status, 200, 'prompt=consent always asks')
})

t.test('without an acting user the authorize page explains how to set one', async (t) => {
  const fake = await startFake(t, { seed: false })
  const res = await authorize(fake, authorizeQuery(fake, pkce().challenge))
  t.equal(res.status, 400)
  t.match(await res.text(), 'setActingUser')
})

t.test('the bot scope adds the bot to a guild the user manages and names it in the token response', async (t) => {
  const fake = await startFake(t)
  const body = await login(fake, 'identify bot')
  const guild = body.guild as { id: string }
  t.equal(guild.id, fake.seedGuilds.owned)
})

t.test('the bot scope honours guild_id when the user can manage that guild', async (t) => {
  const fake = await startFake(t, { consent: 'approve' })
  const { challenge } = pkce()
  t.ok(await obtainCode(fake, challenge, { scope: 'bot', guild_id: fake.seedGuilds.admin }))
  for (const guildId of [fake.seedGuilds.plain[0]!, '123']) {
    const res = await authorize(fake, authorizeQuery(fake, challenge, { scope: 'bot', guild_id: guildId }))
    t.equal(new URL(res.headers.get('location') ?? '').searchParams.get('error'), 'invalid_request', guildId)
  }
})

t.test('the bot scope fails back to the client when the user manages no guild', async (t) => {
  const fake = await startFake(t, { consent: 'approve' })
  fake.addUser(fakeUser({ id: '1000000000000000001', username: 'newbie' }), { guilds: [fake.seedGuilds.plain[0]!] })
  fake.setActingUser('1000000000000000001')
  const res = await authorize(fake, authorizeQuery(fake, pkce().challenge, { scope: 'bot' }))
  t.equal(new URL(res.headers.get('location') ?? '').searchParams.get('error'), 'invalid_request')
})

t.test('the bot scope adds the bot to the guild when it was not there yet', async (t) => {
  const fake = await startFake(t)
  fake.setActingUser(fake.seedUsers.legacy)
  const body = await login(fake, 'bot')
  const lounge = fake.seedGuilds.plain[2]!
  t.match(body.guild, { id: lounge })
  const res = await fetch(`${fake.pluginOptions.apiBaseUrl}/users/@me/guilds`, { headers: { authorization: `Bot ${fake.botToken}` } })
  t.ok((await res.json() as Array<{ id: string }>).some((g) => g.id === lounge))
})

t.test('a migrated user without an avatar gets the default avatar picked from the id', async (t) => {
  const fake = await startFake(t, { seed: false })
  const id = '80351110224678912'
  fake.addUser(fakeUser({ id, username: 'nelly2' }))
  fake.setActingUser(id)
  const html = await (await authorize(fake, authorizeQuery(fake, pkce().challenge))).text()
  t.match(html, `src="/cdn/embed/avatars/${Number((BigInt(id) >> 22n) % 6n)}.png"`)
})

t.test('role_connections.write without PKCE gets a code', async (t) => {
  const fake = await startFake(t, { consent: 'approve' })
  const res = await authorize(fake, authorizeQuery(fake, '', { scope: 'identify role_connections.write', code_challenge: undefined, code_challenge_method: undefined }))
  t.ok(new URL(res.headers.get('location') ?? '').searchParams.get('code'))
})
