import { Redis } from 'ioredis'
import t from 'tap'
import { buildApp, injectWithJar, login, readSession } from '../helpers/build-app.js'
import { redisTestOptions, startRedisServer } from '../helpers/redis-server.js'

/** Every key and value the plugin wrote into Redis, as one string. */
async function dump (client: Redis): Promise<string> {
  const keys = await client.keys('*')
  const values = await Promise.all(keys.map(async (key) => `${key}=${await client.type(key) === 'string' ? String(await client.get(key)) : ''}`))
  return values.join('\n')
}

t.test("tokenStore: 'redis' keeps the token set in Redis, sealed, expiring with the session", redisTestOptions(), async (t) => {
  const server = await startRedisServer(t)
  const client = new Redis(server.url)
  t.teardown(() => { client.disconnect() })
  const testApp = await buildApp(t, { plugin: { redis: server.url, tokenStore: 'redis', redisPrefix: 'app1:' }, session: { key: Buffer.alloc(32, 7), expiry: 3600 } })
  await login(testApp)
  const data = readSession(testApp)
  t.ok(data.tokenId, 'the cookie names its token set')
  t.equal(data.tokens, undefined, 'and holds no tokens')
  const key = `app1:tokens:${String(data.tokenId)}`
  const sealed = await client.get(key)
  t.ok(sealed, 'the set is in Redis under the prefix')
  const pttl = await client.pttl(key)
  t.ok(pttl > 3_590_000 && pttl <= 3_600_000, 'it expires with the session cookie')
  // Only the session key opens it: secure-session's own decode, as the plugin does.
  const opened = testApp.app.decodeSecureSession(String(sealed))?.get('fastify-discord:sealed') as { accessToken: string, refreshToken: string }
  t.type(opened.accessToken, 'string')
  const everything = await dump(client)
  t.notMatch(everything, opened.accessToken, 'the access token is not readable in Redis')
  t.notMatch(everything, opened.refreshToken, 'nor the refresh token')
  const me = await injectWithJar(testApp, { url: '/api/me' })
  t.equal(me.statusCode, 200)
  t.equal(me.json().id, testApp.fake.seedUsers.migrated)

  const out = await injectWithJar(testApp, { method: 'POST', url: '/logout' })
  t.ok(out.statusCode < 400)
  t.equal(await client.get(key), null, 'logout deletes the set')
})

t.test('Redis down: a request that needs the set answers 503 with Retry-After and the session is kept', redisTestOptions(), async (t) => {
  const server = await startRedisServer(t)
  const logs: string[] = []
  const testApp = await buildApp(t, {
    plugin: { redis: server.url, tokenStore: 'redis' },
    fastify: { logger: { level: 'info', stream: { write: (line: string) => { logs.push(line) } } } }
  })
  await login(testApp)
  const before = testApp.jar.get('session')
  await server.kill()
  for (let i = 0; i < 3; i++) {
    const res = await injectWithJar(testApp, { url: '/api/me' })
    t.equal(res.statusCode, 503)
    t.equal(res.headers['retry-after'], '1')
    t.equal(res.json().code, 'FST_DISCORD_SHARED_STATE_UNAVAILABLE')
  }
  t.equal(testApp.jar.get('session'), before, 'the cookie is not cleared')
  const outage = logs.filter((line) => line.includes('Redis unavailable'))
  t.equal(outage.length, 1, 'one log line for the outage, not one per request')
  t.match(outage[0], "tokenStore: 'redis'")
  t.notMatch(logs.join(''), /Bearer|"accessToken"/)
})
