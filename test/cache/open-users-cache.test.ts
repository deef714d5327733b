import t from 'tap'
import { MemoryCacheStore } from '../../lib/cache/memory-cache-store.js'
import { openUsersCache } from '../../lib/cache/open-users-cache.js'
import { TwoLevelCacheStore } from '../../lib/cache/two-level-cache-store.js'
import { USERS_CACHE_FIRST_LEVEL_TTL } from '../../lib/cache/cache-defaults.js'
import { openRedis } from '../../lib/redis/open-redis.js'
import { redisTestOptions, startRedisServer } from '../helpers/redis-server.js'
import { recordingLog } from './helpers/shared-caches.js'

t.test('without redis, the users cache is process-local', async (t) => {
  const cache = await openUsersCache({ max: 5, ttl: 1000 }, null)
  t.ok(cache.store instanceof MemoryCacheStore)
  t.equal(cache.ttl, 1000)
})

t.test('with redis, the users cache is two-level, sized and timed by the cache options', redisTestOptions(), async (t) => {
  const server = await startRedisServer(t)
  const redis = await openRedis(server.url, 'p:', recordingLog().log)
  t.teardown(async () => { await redis.close() })
  const cache = await openUsersCache({ max: 1, ttl: 1000 }, redis)
  const store = cache.store as TwoLevelCacheStore
  t.equal(store.constructor, TwoLevelCacheStore)
  t.equal(cache.ttl, 1000)
  t.equal(store.ttl, 1000)
  t.equal(store.firstLevelTtl, USERS_CACHE_FIRST_LEVEL_TTL)
  for (const kind of ['user', 'guilds', 'connections', 'member:1'] as const) await cache.set('1', kind, [kind])
  t.equal(store.first.size, 3, 'the first level holds max users of three entries each')
  t.same(cache.getNow('1', 'connections'), ['connections'], 'the hot path answers at once')
  t.same(await cache.get('1', 'user'), ['user'], 'what the first level evicted is read from Redis')
  await cache.invalidate('1')
  t.equal(await cache.get('1', 'member:1'), undefined)
})

t.test("with redis and a store of the app's own, the app's store is used alone", redisTestOptions(), async (t) => {
  const server = await startRedisServer(t)
  const redis = await openRedis(server.url, 'p:', recordingLog().log)
  t.teardown(async () => { await redis.close() })
  const store = new MemoryCacheStore({ max: 10, ttl: 1000 })
  const cache = await openUsersCache({ store, ttl: 500 }, redis)
  t.equal(cache.store, store)
  t.equal(cache.ttl, 500)
})

t.test('Redis down at start: the cache opens at once and goes on with its first level', redisTestOptions(), async (t) => {
  const server = await startRedisServer(t)
  await server.kill()
  const { lines, log } = recordingLog()
  const redis = await openRedis(server.url, 'p:', log)
  t.teardown(async () => { await redis.close() })
  const started = Date.now()
  const cache = await openUsersCache({ max: 10, ttl: 60_000 }, redis)
  t.ok(Date.now() - started < 2000, 'registration is not held up')
  let calls = 0
  const load = async (): Promise<{ id: string }> => { calls++; return { id: '1' } }
  t.same(await cache.load('1', 'user', load), { id: '1' })
  t.same(await cache.load('1', 'user', load), { id: '1' })
  t.equal(calls, 1, 'the first level serves the second')
  t.ok(cache.getNow('1', 'user'))
  await cache.invalidate('1')
  t.equal(cache.getNow('1', 'user'), undefined, 'an invalidation drops the first-level copy (and waits to be replayed in Redis)')
  t.ok(lines.some((line) => line.msg.includes('the users cache falls back to process-local memory')), 'the fallback is logged')
})
