/**
 * API.md §9's proof, two processes sharing one Redis (test/helpers/two-instances.ts):
 * the users cache shared across instances.
 */
import t from 'tap'
import { redisTestOptions } from '../helpers/redis-server.js'
import { USER_ROUTE, deploy } from '../helpers/two-instances.js'

t.test('a user fetched on A is served from the cache on B', redisTestOptions(), async (t) => {
  const d = await deploy(t)
  await d.login()
  const before = d.fake.callCount('GET', USER_ROUTE)
  const onA = await d.send(d.a, '/me')
  t.equal(onA.status, 200)
  t.same(await onA.json(), { instance: 'A', id: d.fake.seedUsers.migrated })
  const onB = await d.send(d.b, '/me')
  t.same(await onB.json(), { instance: 'B', id: d.fake.seedUsers.migrated })
  t.equal(d.fake.callCount('GET', USER_ROUTE) - before, 0, 'neither asked Discord again: the login cached the user for both')
})
