import t from 'tap'
import { runSeveralInstances } from '../../examples/several-instances.js'
import { CookieJar } from '../helpers/cookie-jar.js'
import { redisTestOptions, startRedisServer } from '../helpers/redis-server.js'
import { browse } from './helpers/example-app.js'
import { spawnScript } from './helpers/spawn-script.js'

t.test('log in on instance A, be logged in on instance B: one Redis, one fake Discord', redisTestOptions(), async (t) => {
  const redis = await startRedisServer(t)
  const lines: string[] = []
  const running = await runSeveralInstances({ PORT: '0', LOG_LEVEL: 'silent', REDIS_URL: redis.url }, (line) => lines.push(line))
  t.teardown(running.close)
  const fake = running.a.fake
  if (fake === null) throw new Error('the example should start the fake Discord')
  t.match(lines.join('\n'), `Redis:        ${redis.url}`)
  fake.setConsent('approve')
  const jar = new CookieJar()
  // Cookies are not port-bound: the browser sends A's session cookie to B on the same host.
  const origin = new URL(running.a.url).origin
  const { res: home } = await browse(`${running.a.url}/login`, jar, origin)
  t.match(await home.text(), 'Hello, Nelly!')
  const userCalls = fake.callCount('GET', '/api/v10/users/@me')
  const onB = await fetch(`${running.b.url}/me`, { headers: jar.headers() })
  t.equal(onB.status, 200)
  t.same(await onB.json(), { instance: 'B', id: fake.seedUsers.migrated, displayName: 'Nelly' })
  const pageB = await fetch(`${running.b.url}/`, { headers: jar.headers() })
  t.match(await pageB.text(), 'Served by instance B')
  t.equal(fake.callCount('GET', '/api/v10/users/@me'), userCalls, 'B served the user A cached')
})

t.test('started as a script it prints both instances and stops on SIGTERM', redisTestOptions(), async (t) => {
  const redis = await startRedisServer(t)
  const script = await spawnScript(t, 'examples/several-instances.ts', { PORT: '0', LOG_LEVEL: 'silent', DISCORD_CLIENT_ID: '', REDIS_URL: redis.url }, /Redis: +(\S+)/)
  t.equal(script.match, redis.url)
  const urls = [...script.output().matchAll(/example: (http:\/\/localhost:\d+)\//g)].map((found) => found[1])
  t.equal(urls.length, 2)
  for (const url of urls) t.equal((await fetch(`${String(url)}/`)).status, 200)
  script.child.kill('SIGTERM')
  t.equal(await script.exited, 0)
})
