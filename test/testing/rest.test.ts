import t from 'tap'
import { fakeGuild, fakeUser } from '../../lib/testing/index.js'
import { api, startFake } from './helpers/fake.js'

const UNAUTHORIZED = { message: '401: Unauthorized', code: 0 }

async function json (res: Response): Promise<any> {
  return await res.json()
}

t.test('GET /users/@me shows email and verified only with the email scope', async (t) => {
  const fake = await startFake(t)
  const withEmail = fake.issueToken(fake.seedUsers.migrated, ['identify', 'email'])
  const me = await json(await api(fake, '/users/@me', `Bearer ${withEmail.access_token}`))
  t.match(me, { id: fake.seedUsers.migrated, discriminator: '0', global_name: 'Nelly', email: 'nelly@example.com', verified: true })
  t.match(me.avatar, /^a_/)
  const without = fake.issueToken(fake.seedUsers.migrated, ['identify'])
  const plain = await json(await api(fake, '/users/@me', `Bearer ${without.access_token}`))
  t.notOk('email' in plain)
  t.notOk('verified' in plain)
})

t.test('GET /users/@me shows the legacy user with a discriminator and no avatar', async (t) => {
  const fake = await startFake(t)
  const token = fake.issueToken(fake.seedUsers.legacy, ['identify'])
  t.match(await json(await api(fake, '/users/@me', `Bearer ${token.access_token}`)), { discriminator: '1337', avatar: null, global_name: null })
})

t.test('GET /users/@me with the bot token returns the bot user', async (t) => {
  const fake = await startFake(t, { seed: false })
  const bot = await json(await api(fake, '/users/@me', `Bot ${fake.botToken}`))
  t.match(bot, { id: fake.clientId, bot: true, email: null, verified: false })
  t.equal(fake.seedUsers.bot, fake.clientId)
})

t.test('bad, unknown-scheme, missing and wrong-bot credentials get Discord\'s 401 body', async (t) => {
  const fake = await startFake(t)
  const ghost = `Bearer ${fake.issueToken('999999999999999999', ['identify']).access_token}`
  for (const header of [undefined, 'Bearer nope', 'Bot nope', 'Token x', ghost]) {
    const res = await api(fake, '/users/@me', header)
    t.equal(res.status, 401, String(header))
    t.same(await res.json(), UNAUTHORIZED)
  }
})

t.test('a token without the route\'s scope gets 401', async (t) => {
  const fake = await startFake(t)
  const token = `Bearer ${fake.issueToken(fake.seedUsers.migrated, ['email']).access_token}`
  const routes = ['/users/@me', '/users/@me/guilds', '/users/@me/connections', `/users/@me/guilds/${fake.seedGuilds.owned}/member`]
  for (const route of routes) {
    const res = await api(fake, route, token)
    t.equal(res.status, 401, route)
    t.same(await res.json(), UNAUTHORIZED)
  }
})

t.test('GET /users/@me/guilds lists guilds in ascending id order with permissions as strings', async (t) => {
  const fake = await startFake(t)
  const token = `Bearer ${fake.issueToken(fake.seedUsers.migrated, ['guilds']).access_token}`
  const guilds = await json(await api(fake, '/users/@me/guilds', token)) as Array<Record<string, any>>
  t.same(guilds.map((g) => g.id), [fake.seedGuilds.owned, fake.seedGuilds.admin, ...fake.seedGuilds.plain])
  const owned = guilds[0]!
  const admin = guilds[1]!
  t.equal(owned.owner, true)
  t.equal(admin.owner, false)
  t.ok((BigInt(admin.permissions) & 8n) === 8n, 'ADMINISTRATOR bit is set')
  t.ok(BigInt(owned.permissions) > 2n ** 40n && (BigInt(owned.permissions) & 8n) === 8n, 'the owner has every permission')
  t.ok(guilds.every((g) => typeof g.permissions === 'string' && !('approximate_member_count' in g)))
  t.match(admin.icon, /^a_/)
  t.equal(guilds[3]!.icon, null)
})

t.test('GET /users/@me/guilds pages with before, after and limit', async (t) => {
  const fake = await startFake(t)
  const token = `Bearer ${fake.issueToken(fake.seedUsers.migrated, ['guilds']).access_token}`
  const ids = [fake.seedGuilds.owned, fake.seedGuilds.admin, ...fake.seedGuilds.plain]
  const page = async (q: string): Promise<string[]> => (await json(await api(fake, `/users/@me/guilds?${q}`, token)) as Array<{ id: string }>).map((g) => g.id)
  t.same(await page('limit=2'), ids.slice(0, 2))
  t.same(await page(`after=${ids[1]!}&limit=2`), ids.slice(2, 4))
  t.same(await page(`before=${ids[3]!}&limit=2`), ids.slice(1, 3))
  t.same(await page(`before=${ids[3]!}&after=${ids[0]!}`), ids.slice(1, 3))
  const counted = await json(await api(fake, '/users/@me/guilds?with_counts=true', token)) as Array<Record<string, unknown>>
  t.match(counted[0], { approximate_member_count: 42, approximate_presence_count: 7 })
  t.match(counted[2], { approximate_member_count: 1, approximate_presence_count: 0 })
  t.ok('approximate_member_count' in (await json(await api(fake, '/users/@me/guilds?with_counts=1', token)))[0], 'with_counts=1 works too')
  for (const bad of ['limit=0', 'limit=201', 'limit=abc', 'before=abc', 'after=-1']) {
    const res = await api(fake, `/users/@me/guilds?${bad}`, token)
    t.equal(res.status, 400, bad)
    t.match(await res.json(), { code: 50035, message: 'Invalid Form Body' })
  }
})

t.test('GET /users/@me/guilds with the bot token lists the bot\'s guilds', async (t) => {
  const fake = await startFake(t)
  const guilds = await json(await api(fake, '/users/@me/guilds', `Bot ${fake.botToken}`)) as Array<{ id: string }>
  t.same(guilds.map((g) => g.id), [fake.seedGuilds.owned, fake.seedGuilds.admin])
})

t.test('GET /users/@me/connections lists connections, hidden ones included', async (t) => {
  const fake = await startFake(t)
  const token = `Bearer ${fake.issueToken(fake.seedUsers.migrated, ['connections']).access_token}`
  const connections = await json(await api(fake, '/users/@me/connections', token)) as Array<Record<string, any>>
  t.same(connections.map((c) => c.type), ['github', 'twitch', 'steam'])
  t.equal(connections[2]!.visibility, 0)
  t.equal(connections[1]!.integrations[0].type, 'twitch')
  const legacy = `Bearer ${fake.issueToken(fake.seedUsers.legacy, ['connections']).access_token}`
  t.same(await json(await api(fake, '/users/@me/connections', legacy)), [])
})

t.test('GET /users/@me/guilds/{id}/member returns the member or Unknown Guild', async (t) => {
  const fake = await startFake(t)
  const token = `Bearer ${fake.issueToken(fake.seedUsers.migrated, ['guilds.members.read']).access_token}`
  const member = await json(await api(fake, `/users/@me/guilds/${fake.seedGuilds.owned}/member`, token))
  t.match(member, { nick: 'Boss', roles: [String], user: { id: fake.seedUsers.migrated }, mute: false, deaf: false, pending: false })
  t.match(member.joined_at, /^\d{4}-\d\d-\d\dT/)
  for (const guildId of ['123456789012345678', fake.seedGuilds.owned.slice(0, -1) + '9']) {
    const res = await api(fake, `/users/@me/guilds/${guildId}/member`, token)
    t.equal(res.status, 404)
    t.same(await res.json(), { message: 'Unknown Guild', code: 10004 })
  }
  const legacy = `Bearer ${fake.issueToken(fake.seedUsers.legacy, ['guilds.members.read']).access_token}`
  t.equal((await api(fake, `/users/@me/guilds/${fake.seedGuilds.owned}/member`, legacy)).status, 404, 'not a member')
  t.equal((await api(fake, `/users/@me/guilds/${fake.seedGuilds.owned}/member`, `Bot ${fake.botToken}`)).status, 401, 'bots cannot')
})

t.test('GET /oauth2/@me describes the authorization, with the user only under identify', async (t) => {
  const fake = await startFake(t, { appName: 'Demo', tokenExpiresIn: 600 })
  const token = fake.issueToken(fake.seedUsers.migrated, ['identify', 'guilds'])
  const info = await json(await api(fake, '/oauth2/@me', `Bearer ${token.access_token}`))
  t.match(info, { application: { id: fake.clientId, name: 'Demo' }, scopes: ['identify', 'guilds'], user: { id: fake.seedUsers.migrated } })
  t.ok(Math.abs(Date.parse(info.expires) - Date.now() - 600_000) < 5000)
  const guildsOnly = fake.issueToken(fake.seedUsers.migrated, ['guilds'])
  t.notOk('user' in await json(await api(fake, '/oauth2/@me', `Bearer ${guildsOnly.access_token}`)))
  t.equal((await api(fake, '/oauth2/@me', `Bot ${fake.botToken}`)).status, 401)
})

t.test('GET /users/{id} needs the bot token', async (t) => {
  const fake = await startFake(t)
  const user = await json(await api(fake, `/users/${fake.seedUsers.legacy}`, `Bot ${fake.botToken}`))
  t.match(user, { id: fake.seedUsers.legacy, username: 'oldtimer' })
  t.notOk('email' in user)
  const unknown = await api(fake, '/users/1', `Bot ${fake.botToken}`)
  t.equal(unknown.status, 404)
  t.same(await unknown.json(), { message: 'Unknown User', code: 10013 })
  const bearer = fake.issueToken(fake.seedUsers.migrated, ['identify'])
  t.equal((await api(fake, `/users/${fake.seedUsers.legacy}`, `Bearer ${bearer.access_token}`)).status, 401)
})

t.test('PUT /guilds/{id}/members/{user} adds a user who granted guilds.join', async (t) => {
  const fake = await startFake(t)
  const guild = fake.seedGuilds.owned
  const legacy = fake.seedUsers.legacy
  const put = async (userId: string, body: unknown, auth = `Bot ${fake.botToken}`, raw?: string): Promise<Response> =>
    api(fake, `/guilds/${guild}/members/${userId}`, auth, {
      method: 'PUT', headers: { 'content-type': 'application/json' }, body: raw ?? JSON.stringify(body)
    })
  const joined = fake.issueToken(legacy, ['identify', 'guilds.join'])
  const created = await put(legacy, { access_token: joined.access_token, nick: 'Old', roles: ['1'], mute: true, deaf: false })
  t.equal(created.status, 201)
  t.match(await created.json(), { nick: 'Old', roles: ['1'], mute: true, deaf: false, user: { id: legacy } })
  const again = await put(legacy, { access_token: joined.access_token })
  t.equal(again.status, 204)
  t.equal(await again.text(), '')

  const noJoin = fake.issueToken(fake.seedUsers.migrated, ['identify'])
  for (const [userId, token] of [[fake.seedUsers.migrated, noJoin.access_token], [fake.seedUsers.migrated, joined.access_token], [legacy, 'garbage']] as const) {
    const res = await put(userId, { access_token: token })
    t.equal(res.status, 403)
    t.same(await res.json(), { message: 'Invalid OAuth2 access token', code: 50025 })
  }
  t.equal((await put(legacy, { access_token: joined.access_token }, `Bearer ${joined.access_token}`)).status, 401)
  t.match(await (await put(legacy, {})).json(), { code: 50035 })
  t.match(await (await put(legacy, null, undefined, '')).json(), { code: 50035 })
  t.match(await (await put(legacy, null)).json(), { code: 50035 }, 'a JSON null body has no access_token')
  t.same(await (await put(legacy, null, undefined, '{oops')).json(), { message: 'The request body contains invalid JSON.', code: 50109 })
  const unknown = await api(fake, `/guilds/1/members/${legacy}`, `Bot ${fake.botToken}`, {
    method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ access_token: joined.access_token })
  })
  t.same(await unknown.json(), { message: 'Unknown Guild', code: 10004 })
  const notBotGuild = await api(fake, `/guilds/${fake.seedGuilds.plain[0]!}/members/${legacy}`, `Bot ${fake.botToken}`, {
    method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ access_token: joined.access_token })
  })
  t.equal(notBotGuild.status, 403)
  t.same(await notBotGuild.json(), { message: 'Missing Access', code: 50001 })
})

t.test('PUT member for a token whose user no longer exists is Unknown User', async (t) => {
  const fake = await startFake(t)
  const ghost = fake.issueToken('999999999999999999', ['guilds.join'])
  const res = await api(fake, `/guilds/${fake.seedGuilds.owned}/members/999999999999999999`, `Bot ${fake.botToken}`, {
    method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ access_token: ghost.access_token })
  })
  t.equal(res.status, 404)
})

t.test('unknown routes are 404 and wrong methods are 405 with Discord\'s bodies', async (t) => {
  const fake = await startFake(t)
  const missing = await api(fake, '/users/@me/nothing-here')
  t.equal(missing.status, 404)
  t.same(await missing.json(), { message: '404: Not Found', code: 0 })
  const wrong = await api(fake, '/users/@me', undefined, { method: 'POST' })
  t.equal(wrong.status, 405)
  t.same(await wrong.json(), { message: '405: Method Not Allowed', code: 0 })
  t.equal((await fetch(fake.pluginOptions.tokenUrl)).status, 405)
})

t.test('a body Fastify itself refuses gets a Discord-shaped error', async (t) => {
  const fake = await startFake(t)
  const res = await fetch(fake.pluginOptions.tokenUrl, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'x'.repeat(1024 * 1024 + 10)
  })
  t.equal(res.status, 413)
  t.same(await res.json(), { message: '413: Payload Too Large', code: 0 })
})

t.test('addUser, addGuild and addMember shape what the REST routes return', async (t) => {
  const fake = await startFake(t, { seed: false })
  fake.addGuild(fakeGuild({ id: '300000000000000002', name: 'Two' }), { '200000000000000001': { owner: true } })
  fake.addGuild(fakeGuild({ id: '300000000000000001', name: 'One', icon: 'abc' }))
  fake.addUser(fakeUser({ id: '200000000000000001', username: 'alice' }), {
    guilds: ['300000000000000001'],
    connections: [{ id: 'x', name: 'alice', type: 'github' as never, verified: true, friend_sync: false, show_activity: false, two_way_link: false, visibility: 1 }]
  })
  fake.addMember('300000000000000001', '200000000000000002', { nick: 'bob' })
  t.throws(() => fake.addMember('404', '200000000000000001'), /unknown guild/)
  const token = `Bearer ${fake.issueToken('200000000000000001', ['guilds', 'connections']).access_token}`
  const guilds = await json(await api(fake, '/users/@me/guilds', token)) as Array<Record<string, unknown>>
  t.match(guilds, [{ id: '300000000000000001', owner: false }, { id: '300000000000000002', owner: true }])
  t.equal((await json(await api(fake, '/users/@me/connections', token))).length, 1)
})

t.test('seedGuilds and seedUsers name the demo data', async (t) => {
  const fake = await startFake(t)
  t.equal(fake.seedGuilds.plain.length, 3)
  t.not(fake.seedUsers.migrated, fake.seedUsers.legacy)
  t.match(fake.botToken, /^[\w-]+\.[\w-]+\.[\w-]+$/)
})
