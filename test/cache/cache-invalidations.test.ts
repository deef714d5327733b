import t from 'tap'
import { CacheInvalidations, USERS_CACHE_CHANNEL, type CacheChange } from '../../lib/cache/cache-invalidations.js'
import { openRedis } from '../../lib/redis/open-redis.js'
import { redisTestOptions, startRedisServer } from '../helpers/redis-server.js'
import { recordingLog, until } from './helpers/shared-caches.js'

t.test("each instance hears the others' changes, not its own, and ignores what is not a change", redisTestOptions(), async (t) => {
  const server = await startRedisServer(t)
  const a = await openRedis(server.url, 'p:', recordingLog().log)
  const b = await openRedis(server.url, 'p:', recordingLog().log)
  t.teardown(async () => { await a.close(); await b.close() })
  const onA = new CacheInvalidations(a)
  const onB = new CacheInvalidations(b)
  const heardByA: CacheChange[] = []
  const heardByB: CacheChange[] = []
  await onA.listen((change) => { heardByA.push(change) })
  await onB.listen((change) => { heardByB.push(change) })
  for (const junk of ['not json', 'null', '3', '{"from":"x"}', '{"from":"x","key":1}']) {
    t.ok(await a.publish('test', USERS_CACHE_CHANNEL, junk))
  }
  t.ok(await onA.announce({ key: 'user:1:profile' }))
  t.ok(await onA.announce({ userId: '2' }))
  await until(() => heardByB.length === 2, 'B hears both changes')
  t.same(heardByB, [{ key: 'user:1:profile' }, { userId: '2' }], 'the junk before them was ignored')
  t.ok(await onB.announce({ userId: '3' }))
  await until(() => heardByA.length === 1, 'A hears B')
  t.same(heardByA, [{ userId: '3' }], 'A did not hear itself')
})
