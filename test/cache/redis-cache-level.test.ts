import { Redis } from 'ioredis'
import t from 'tap'
import { RedisCacheLevel } from '../../lib/cache/redis-cache-level.js'
import { openRedis } from '../../lib/redis/open-redis.js'
import { redisTestOptions, startRedisServer } from '../helpers/redis-server.js'
import { recordingLog } from './helpers/shared-caches.js'

t.test('entries are JSON under the prefix, one user per hash tag; other keys and unreadable values', redisTestOptions(), async (t) => {
  const server = await startRedisServer(t)
  const redis = await openRedis(server.url, 'p:', recordingLog().log)
  const admin = new Redis(server.url)
  t.teardown(async () => { admin.disconnect(); await redis.close() })
  const level = new RedisCacheLevel(redis)
  await level.write('user:1:profile', { id: '1' }, 5000)
  await level.write('user:1:member:9', { roles: [] }, 2000)
  await level.write('not-a-user', [1], 5000)
  t.same((await admin.keys('p:*')).sort(), ['p:users:not-a-user', 'p:users:{1}:index', 'p:users:{1}:member:9', 'p:users:{1}:profile'])
  const read = await level.read('user:1:profile')
  t.same(read?.value, { id: '1' })
  t.ok(read !== undefined && read.remaining > 4000 && read.remaining <= 5000, 'with what is left of its ttl')
  t.same((await level.read('not-a-user'))?.value, [1])
  t.equal(await level.read('user:2:profile'), undefined)
  await admin.set('p:users:{1}:guilds', 'not json', 'PX', 5000)
  t.equal(await level.read('user:1:guilds'), undefined, 'an unreadable value is a miss')
  const indexTtl = await admin.pttl('p:users:{1}:index')
  t.ok(indexTtl > 1000 && indexTtl <= 2000, 'the index lives as long as its only entry')
  await level.write('user:1:member:8', { roles: [] }, 1000)
  t.ok(await admin.pttl('p:users:{1}:index') > 1000, 'a shorter entry does not shorten it')
  await level.write('user:1:member:9', null, 1000)
  t.equal(await admin.exists('p:users:{1}:member:9'), 0, 'null deletes')
  await level.removeUser('1')
  t.same(await admin.keys('p:*'), ['p:users:not-a-user'])
  await level.remove('not-a-user')
  t.same(await admin.keys('p:*'), [])
})
