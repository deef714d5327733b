/**
 * API.md §9's proof, two processes sharing one Redis (test/helpers/two-instances.ts):
 * rate limits shared across instances.
 */
import t from 'tap'
import { redisTestOptions } from '../helpers/redis-server.js'
import { AUTHORIZATION_ROUTE, deploy, statuses } from '../helpers/two-instances.js'

t.test('20 requests split over two instances through a 5/s bucket get no 429 from Discord', redisTestOptions(), async (t) => {
  const d = await deploy(t)
  await d.login()
  d.fake.setRateLimit(`GET ${AUTHORIZATION_ROUTE}`, { limit: 5, windowMs: 1000 })
  const hitsBefore = d.fake.rateLimitHits
  const callsBefore = d.fake.callCount('GET', AUTHORIZATION_ROUTE)
  const started = Date.now()
  // In rounds of one request to each instance at once: an instance merges identical concurrent
  // GETs into one call, so 20 at once would be two calls, not twenty.
  const got: number[] = []
  for (let round = 0; round < 10; round++) got.push(...await statuses([d.send(d.a, '/authorization'), d.send(d.b, '/authorization')]))
  t.same(got, Array(20).fill(200), 'every request answered 200')
  t.equal(d.fake.callCount('GET', AUTHORIZATION_ROUTE) - callsBefore, 20, 'each went to Discord')
  // 20 through 5 per second: the last four windows start 1, 2 and 3 s after the first.
  t.ok(Date.now() - started >= 2900, 'the instances together waited for the bucket rather than overrun it')
  t.equal(d.fake.rateLimitHits - hitsBefore, 0, 'and Discord served no 429')
})
