/**
 * API.md §9's proof, two processes sharing one Redis (test/helpers/two-instances.ts):
 * single-use states across instances.
 */
import t from 'tap'
import { redisTestOptions } from '../helpers/redis-server.js'
import { deploy } from '../helpers/two-instances.js'

t.test('a state consumed on A is refused on B', redisTestOptions(), async (t) => {
  const d = await deploy(t)
  const start = await d.send(d.a, '/login')
  const consent = await fetch(String(start.headers.get('location')), { redirect: 'manual' })
  const callback = new URL(String(consent.headers.get('location')))
  const pending = d.jar.header() as string
  const first = await d.send(d.a, `${callback.pathname}${callback.search}`)
  t.equal(first.status, 302, 'the callback succeeds on A')
  const replay = await fetch(`${d.b.url}${callback.pathname}${callback.search}`, { headers: { cookie: pending }, redirect: 'manual' })
  t.equal(replay.status, 400, 'the same callback with the same cookie is refused on B')
  t.match(await replay.json(), { code: 'FST_DISCORD_INVALID_STATE' })
})
