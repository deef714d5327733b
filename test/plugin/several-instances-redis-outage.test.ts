/**
 * API.md §9's proof, two processes sharing one Redis (test/helpers/two-instances.ts):
 * Redis killed and restarted under the instances.
 */
import t from 'tap'
import { redisTestOptions } from '../helpers/redis-server.js'
import { deploy, statuses } from '../helpers/two-instances.js'

t.test('Redis killed and restarted mid-run: no 500, and the session survives', redisTestOptions(), async (t) => {
  const d = await deploy(t)
  await d.login()
  const seen: number[] = []
  const burst = async (): Promise<void> => {
    seen.push(...await statuses([d.send(d.a, '/me'), d.send(d.b, '/me'), d.send(d.a, '/me/fresh'), d.send(d.b, '/me/fresh')]))
  }
  await burst()
  await d.redis.kill()
  for (let i = 0; i < 5; i++) await burst()
  await d.redis.restart()
  // ioredis reconnects with a backoff; the session must work once it has.
  let back = false
  for (let i = 0; i < 100 && !back; i++) {
    const res = await statuses([d.send(d.a, '/me'), d.send(d.b, '/me')])
    seen.push(...res)
    back = res.every((status) => status === 200)
    if (!back) await new Promise((resolve) => setTimeout(resolve, 100))
  }
  t.ok(back, 'both instances answer 200 with the same cookie after the restart')
  t.equal(seen.filter((status) => status >= 500 && status !== 503).length, 0, 'no 500 at any point')
  t.equal(seen.filter((status) => status === 401).length, 0, 'and no logout')
  for (const instance of [d.a, d.b]) {
    const outage = d.logLines(instance, /Redis unavailable/).map((line) => line.msg)
    t.ok(outage.length >= 1, 'the outage is logged')
    t.equal(new Set(outage).size, outage.length, 'each consequence once, not once per request')
  }
})
