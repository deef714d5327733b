import t, { type Test } from 'tap'
import { InvalidArgument, RoleConnectionMetadataType } from '../../lib/index.js'
import { buildApp, injectWithJar, login, startLogin, type TestApp } from '../helpers/build-app.js'

const RECORDS = [
  { type: RoleConnectionMetadataType.IntegerGreaterThanOrEqual, key: 'level', name: 'Level', description: 'Level reached' },
  { type: RoleConnectionMetadataType.BooleanEqual, key: 'verified', name: 'Verified', description: 'Verified player' },
  { type: RoleConnectionMetadataType.DatetimeLessThanOrEqual, key: 'since', name: 'Since', description: 'Playing since', nameLocalizations: { fr: 'Depuis' } }
]

async function setup (t: Test): Promise<TestApp> {
  return await buildApp(t, {
    plugin: { scope: ['identify', 'role_connections.write'] },
    routes (app) {
      app.post('/role', async (request) => await request.discord.updateRoleConnection(request.body as never))
      app.get('/role', async (request) => await request.discord.fetchRoleConnection())
    }
  })
}

t.test('a role_connections.write login is sent without PKCE, with its state, and completes at the fake', async (t) => {
  const testApp = await setup(t)
  const url = await startLogin(testApp)
  t.equal(url.searchParams.get('code_challenge'), null)
  t.equal(url.searchParams.get('code_challenge_method'), null)
  t.match(url.searchParams.get('state'), /^[\w-]{20,}$/)
  // The fake answers invalid_scope to this scope with PKCE: the login completing proves there was none.
  t.equal((await login(testApp)).statusCode, 302)
  t.same((await injectWithJar(testApp, { url: '/whoami' })).json().scopes, ['identify', 'role_connections.write'])
})

t.test('other logins keep PKCE', async (t) => {
  const testApp = await buildApp(t)
  t.match((await startLogin(testApp)).searchParams.get('code_challenge'), /^[\w-]{43}$/)
})

t.test('Linked Roles end to end: metadata records, then the user\'s role connection', async (t) => {
  const testApp = await setup(t)
  await login(testApp)
  const saved = await testApp.app.discord.setRoleConnectionMetadata(RECORDS)
  t.same(saved, RECORDS)
  t.same(await testApp.app.discord.fetchRoleConnectionMetadata(), RECORDS)

  const empty = await injectWithJar(testApp, { url: '/role' })
  t.same(empty.json(), { platformName: null, platformUsername: null, metadata: {} })
  const put = await injectWithJar(testApp, {
    method: 'POST',
    url: '/role',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ platformName: 'Game', platformUsername: 'nelly', metadata: { level: 12, verified: true, since: '2020-01-02T00:00:00.000Z' } })
  })
  t.equal(put.statusCode, 200)
  t.same(put.json(), { platformName: 'Game', platformUsername: 'nelly', metadata: { level: '12', verified: '1', since: '2020-01-02T00:00:00.000Z' } })
  t.same((await injectWithJar(testApp, { url: '/role' })).json(), put.json())
})

t.test('malformed input is a 400 InvalidArgument before any call to Discord', async (t) => {
  const testApp = await setup(t)
  await login(testApp)
  testApp.fake.resetCalls()
  const bad: unknown[] = [
    [{ ...RECORDS[0], key: 'Bad Key' }],
    [{ ...RECORDS[0], type: 9 }],
    [{ ...RECORDS[0], name: '' }],
    [...RECORDS, ...RECORDS],
    [RECORDS[0], RECORDS[0]],
    'nope'
  ]
  for (const records of bad) {
    await t.rejects(testApp.app.discord.setRoleConnectionMetadata(records as never), InvalidArgument, JSON.stringify(records))
  }
  for (const payload of [
    { platformName: 'x'.repeat(51) },
    { metadata: { 'Bad-Key': 1 } },
    { metadata: { level: 1.5 } },
    { metadata: { since: 'yesterday' } },
    { metadata: { a: 1, b: 1, c: 1, d: 1, e: 1, f: 1 } },
    { extra: true }
  ]) {
    const res = await injectWithJar(testApp, { method: 'POST', url: '/role', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(payload) })
    t.equal(res.statusCode, 400, JSON.stringify(payload))
    t.equal(res.json().code, 'FST_DISCORD_INVALID_ARGUMENT')
  }
  t.equal(testApp.fake.calls.length, 0, 'Discord was never called')
})

t.test('a role connection needs role_connections.write', async (t) => {
  const testApp = await buildApp(t, { routes (app) { app.get('/role', async (request) => await request.discord.fetchRoleConnection()) } })
  await login(testApp)
  const res = await injectWithJar(testApp, { url: '/role' })
  t.equal(res.statusCode, 403)
  t.match(res.json().message, /role_connections\.write/)
})
