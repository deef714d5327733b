import t from 'tap'
import type { FakeDiscord } from '../../lib/testing/index.js'
import { startFake } from './helpers/fake.js'

/** A call to the fake's API with a JSON body. */
async function call (fake: FakeDiscord, method: 'GET' | 'PUT', path: string, authorization: string | undefined, body?: unknown): Promise<{ status: number, json: any }> {
  const headers: Record<string, string> = {}
  if (authorization !== undefined) headers['authorization'] = authorization
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(`${fake.url}/api/v10${path}`, { method, headers, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) })
  return { status: res.status, json: await res.json() }
}

const record = (over: Record<string, unknown> = {}): Record<string, unknown> => ({ type: 2, key: 'level', name: 'Level', description: 'At least this level', ...over })

t.test('metadata: the bot token of this application only, as Discord answers', async (t) => {
  const fake = await startFake(t)
  const metadata = `/applications/${fake.clientId}/role-connections/metadata`
  const user = `Bearer ${fake.issueToken(fake.seedUsers.migrated, ['identify', 'role_connections.write']).access_token}`
  t.equal((await call(fake, 'GET', metadata, undefined)).status, 401, 'no credentials')
  t.equal((await call(fake, 'PUT', metadata, user, [record()])).status, 401, 'a user token is not the bot')
  const other = await call(fake, 'GET', '/applications/1/role-connections/metadata', `Bot ${fake.botToken}`)
  t.equal(other.status, 403, 'another application')
  t.equal(other.json.code, 50001)
  t.equal((await call(fake, 'PUT', '/applications/1/role-connections/metadata', `Bot ${fake.botToken}`, [])).status, 403)
  t.equal((await call(fake, 'PUT', metadata, `Bot ${fake.botToken}`, '{not json')).status, 400, 'a body that is not JSON')
  const saved = await call(fake, 'PUT', metadata, `Bot ${fake.botToken}`, [record({ name_localizations: { fr: 'Niveau' }, description_localizations: { fr: 'Au moins' } })])
  t.equal(saved.status, 200)
  t.same((await call(fake, 'GET', metadata, `Bot ${fake.botToken}`)).json, saved.json, 'what was saved is read back')
})

t.test('metadata records Discord refuses are a 400 naming the field', async (t) => {
  const fake = await startFake(t)
  const metadata = `/applications/${fake.clientId}/role-connections/metadata`
  const cases: Array<[unknown, string]> = [
    [{}, '_root'],
    [Array.from({ length: 6 }, (_, i) => record({ key: `k${i}` })), '_root'],
    [[record({ type: 9 })], '0.type'],
    [[record({ type: 1.5 })], '0.type'],
    [['nope'], '0.type'],
    [[record({ key: 'Has Spaces' })], '0.key'],
    [[record({ name: '' })], '0.name'],
    [[record({ description: 'x'.repeat(201) })], '0.description']
  ]
  for (const [body, field] of cases) {
    const res = await call(fake, 'PUT', metadata, `Bot ${fake.botToken}`, body)
    t.equal(res.status, 400, JSON.stringify(body).slice(0, 60))
    t.equal(res.json.code, 50035)
    t.ok(JSON.stringify(res.json.errors).includes(field.split('.').at(-1) as string), `names ${field}`)
  }
})

t.test('a role connection needs a bearer token with role_connections.write and declared keys', async (t) => {
  const fake = await startFake(t)
  const route = `/users/@me/applications/${fake.clientId}/role-connection`
  const granted = `Bearer ${fake.issueToken(fake.seedUsers.migrated, ['identify', 'role_connections.write']).access_token}`
  const without = `Bearer ${fake.issueToken(fake.seedUsers.migrated, ['identify']).access_token}`
  t.equal((await call(fake, 'GET', route, without)).status, 401, 'without the scope')
  t.equal((await call(fake, 'PUT', route, `Bot ${fake.botToken}`, {})).status, 401, 'the bot has no role connection')
  t.equal((await call(fake, 'GET', '/users/@me/applications/1/role-connection', granted)).status, 403, 'another application')
  t.equal((await call(fake, 'PUT', '/users/@me/applications/1/role-connection', granted, {})).status, 403)
  t.same((await call(fake, 'GET', route, granted)).json, { metadata: {} }, 'none yet: empty metadata, no platform fields')
  t.equal((await call(fake, 'PUT', route, granted, '{not json')).status, 400)
  await call(fake, 'PUT', `/applications/${fake.clientId}/role-connections/metadata`, `Bot ${fake.botToken}`, [record()])
  const refused: Array<[unknown, string]> = [
    [{ platform_name: 'x'.repeat(51) }, 'platform_name'],
    [{ platform_username: 5 }, 'platform_username'],
    [{ metadata: 'level' }, 'metadata'],
    [{ metadata: { a: '1', b: '1', c: '1', d: '1', e: '1', f: '1' } }, 'metadata'],
    [{ metadata: { rank: '1' } }, 'rank'],
    [{ metadata: { level: '' } }, 'level']
  ]
  for (const [body, field] of refused) {
    const res = await call(fake, 'PUT', route, granted, body)
    t.equal(res.status, 400, JSON.stringify(body))
    t.ok(JSON.stringify(res.json.errors).includes(field), `names ${field}`)
  }
  const saved = await call(fake, 'PUT', route, granted, { platform_name: 'Game', platform_username: 'nelly', metadata: { level: '7' } })
  t.same(saved.json, { platform_name: 'Game', platform_username: 'nelly', metadata: { level: '7' } })
  t.same((await call(fake, 'GET', route, granted)).json, saved.json, 'kept for the user')
  t.same((await call(fake, 'PUT', route, granted, {})).json, { metadata: {} }, 'an empty body clears it')
})
