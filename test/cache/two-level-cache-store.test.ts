import { Redis } from 'ioredis'
import t from 'tap'
import { MemoryCacheStore } from '../../lib/cache/memory-cache-store.js'
import { USERS_CACHE_OUTAGE } from '../../lib/cache/redis-cache-level.js'
import { TwoLevelCacheStore } from '../../lib/cache/two-level-cache-store.js'
import { UsersCache } from '../../lib/cache/users-cache.js'
import { SharedRedis } from '../../lib/redis/shared-redis.js'
import { redisTestOptions, startRedisServer } from '../helpers/redis-server.js'
import { openInstance, recordingLog, settled, until } from './helpers/shared-caches.js'

const PROFILE = 'test:users:{1}:profile'

function counter<ValueType> (value: ValueType): { calls: number, load: () => Promise<ValueType> } {
  const state = { calls: 0, load: async () => { state.calls++; return value } }
  return state
}

t.test('a user loaded on A is served from the cache on B, without a call to Discord', redisTestOptions(), async (t) => {
  const server = await startRedisServer(t)
  const a = await openInstance(t, server.url)
  const b = await openInstance(t, server.url)
  const admin = new Redis(server.url)
  t.teardown(() => { admin.disconnect() })
  const discord = counter({ id: '1', username: 'nelly' })
  t.same(await a.cache.load('1', 'user', discord.load), { id: '1', username: 'nelly' })
  t.same(a.cache.getNow('1', 'user'), { id: '1', username: 'nelly' }, 'A answers the hot path at once')
  t.equal(b.cache.getNow('1', 'user'), undefined, "B's first level has nothing yet")
  await settled(b)
  t.same(await b.cache.load('1', 'user', discord.load), { id: '1', username: 'nelly' })
  t.equal(discord.calls, 1, 'B read Redis, not Discord')
  t.same(b.cache.getNow('1', 'user'), { id: '1', username: 'nelly' }, 'and keeps it in its first level')
  t.same(JSON.parse(String(await admin.get(PROFILE))), { id: '1', username: 'nelly' }, 'JSON under the prefix, the user in a hash tag')
  const pttl = await admin.pttl(PROFILE)
  t.ok(pttl > 50_000 && pttl <= 60_000, `PX is the cache ttl (${pttl})`)
})

t.test("an invalidation on A drops B's first-level copies and the Redis entries, member entries included", redisTestOptions(), async (t) => {
  const server = await startRedisServer(t)
  const a = await openInstance(t, server.url)
  const b = await openInstance(t, server.url)
  const admin = new Redis(server.url)
  t.teardown(() => { admin.disconnect() })
  await a.cache.set('1', 'user', { id: '1' })
  await a.cache.set('1', 'guilds', [{ id: 'g' }])
  await a.cache.set('1', 'member:7', { roles: [] })
  await a.cache.set('1', 'member:8', { roles: ['r'] })
  await a.cache.set('2', 'user', { id: '2' })
  await settled(b)
  for (const kind of ['user', 'guilds', 'member:7', 'member:8'] as const) t.ok(await b.cache.get('1', kind), `B reads ${kind} from Redis`)
  t.ok(await b.cache.get('2', 'user'))
  t.same((await admin.smembers('test:users:{1}:index')).sort(), ['member:7', 'member:8'], 'member entries are indexed per user')
  t.ok(await admin.pttl('test:users:{1}:index') > 50_000, 'the index lives as long as its newest entry')
  for (const kind of ['user', 'guilds', 'member:7', 'member:8'] as const) t.ok(b.cache.getNow('1', kind), `B keeps ${kind}`)
  await a.cache.invalidate('1')
  await settled(b)
  for (const kind of ['user', 'guilds', 'member:7', 'member:8'] as const) t.equal(b.cache.getNow('1', kind), undefined, `B dropped ${kind}`)
  t.same(b.cache.getNow('2', 'user'), { id: '2' }, 'another user stays')
  t.same((await admin.keys('test:users:*')).sort(), ['test:users:{2}:profile'], 'nothing of user 1 is left in Redis')
  const discord = counter({ id: '1' })
  await b.cache.load('1', 'user', discord.load)
  t.equal(discord.calls, 1, 'B asks Discord again')
})

t.test("a write on A replaces B's older first-level copy; a deletion of one key does too", redisTestOptions(), async (t) => {
  const server = await startRedisServer(t)
  const a = await openInstance(t, server.url)
  const b = await openInstance(t, server.url)
  await b.cache.set('1', 'user', { id: '1', v: 1 })
  t.same(b.cache.getNow('1', 'user'), { id: '1', v: 1 })
  await settled(a)
  await a.cache.set('1', 'user', { id: '1', v: 2 })
  await until(() => b.cache.getNow('1', 'user') === undefined, "B's old copy is dropped")
  t.same(await b.cache.get('1', 'user'), { id: '1', v: 2 })
  t.same(a.cache.getNow('1', 'user'), { id: '1', v: 2 }, "A's own announcement does not drop A's new copy")
  await a.store.delete('user:1:profile')
  await until(() => b.cache.getNow('1', 'user') === undefined, 'B drops the deleted key')
  t.equal(await b.cache.get('1', 'user'), undefined)
  await a.store.set('user:1:profile', null)
  t.equal(await b.store.get('user:1:profile'), undefined, 'null deletes, as in the memory store')
})

t.test('a first-level copy lives at most firstLevelTtl, and no longer than the Redis entry', redisTestOptions(), async (t) => {
  const server = await startRedisServer(t)
  const a = await openInstance(t, server.url, { ttl: 60_000, firstLevelTtl: 1000 })
  const b = await openInstance(t, server.url, { ttl: 60_000, firstLevelTtl: 1000 })
  const admin = new Redis(server.url)
  t.teardown(() => { admin.disconnect() })
  await a.cache.set('1', 'user', { id: '1' })
  a.clock.now = 1001
  t.equal(a.cache.getNow('1', 'user'), undefined, "the writer's copy is bounded too")
  t.same(await a.cache.get('1', 'user'), { id: '1' }, 'read again from Redis')
  t.ok(a.cache.getNow('1', 'user'))
  await admin.set(PROFILE, JSON.stringify({ id: '1', v: 'short' }), 'PX', 300)
  t.same(await b.cache.get('1', 'user'), { id: '1', v: 'short' })
  b.clock.now = 301
  t.equal(b.cache.getNow('1', 'user'), undefined, 'kept no longer than Redis keeps it')
  await admin.set(PROFILE, JSON.stringify({ id: '1', v: 'forever' }))
  t.same(await b.cache.get('1', 'user'), { id: '1', v: 'forever' }, 'an entry without expiry (not ours) is read')
  b.clock.now = 1000
  t.ok(b.cache.getNow('1', 'user'))
  b.clock.now = 1302
  t.equal(b.cache.getNow('1', 'user'), undefined, 'and kept for the first-level bound')
})

t.test("a Redis read or write begun before a drop of its user leaves no first-level copy; another user's drop does not matter", redisTestOptions(), async (t) => {
  const server = await startRedisServer(t)
  const a = await openInstance(t, server.url)
  await a.cache.set('1', 'user', { id: '1' })
  await a.cache.set('1', 'guilds', [])
  await a.store.first.clear()
  const reading = a.cache.get('1', 'user')
  const readingToo = a.cache.get('1', 'guilds')
  await a.cache.invalidate('1')
  t.same(await reading, { id: '1' }, 'the read answers with what Redis had when it was sent')
  t.same(await readingToo, [])
  t.equal(a.cache.getNow('1', 'user'), undefined, 'but leaves no copy the invalidation meant to remove')
  t.equal(a.cache.getNow('1', 'guilds'), undefined)
  const writing = a.cache.set('1', 'connections', [])
  await a.store.delete('user:1:profile')
  await writing
  t.equal(a.cache.getNow('1', 'connections'), undefined, 'the write went to Redis only')
  t.same(await a.cache.get('1', 'connections'), [])
  await a.store.first.clear()
  const unrelated = a.cache.get('1', 'connections')
  await a.cache.invalidate('2')
  await a.store.delete('no-user')
  await unrelated
  t.same(a.cache.getNow('1', 'connections'), [], "another user's drop lets the copy be kept")
})

t.test('the subscriber reconnecting drops the whole first level', redisTestOptions(), async (t) => {
  const server = await startRedisServer(t)
  const a = await openInstance(t, server.url)
  await a.cache.set('1', 'user', { id: '1' })
  await a.cache.set('2', 'user', { id: '2' })
  t.equal(a.store.first.size, 2)
  await server.restart()
  await until(() => a.store.first.size === 0, 'the first level is dropped', 10_000)
  t.pass('messages missed while the subscription was down cannot leave stale copies')
})

t.test('Redis down: the first level goes on alone, logged once; invalidations are replayed and the first level dropped on recovery', redisTestOptions(), async (t) => {
  const server = await startRedisServer(t)
  const a = await openInstance(t, server.url, { ttl: 60_000, firstLevelTtl: 1000 })
  const b = await openInstance(t, server.url)
  const unhandled: unknown[] = []
  const onUnhandled = (err: unknown): void => { unhandled.push(err) }
  process.on('unhandledRejection', onUnhandled)
  t.teardown(() => { process.off('unhandledRejection', onUnhandled) })
  await a.cache.set('1', 'user', { id: '1' })
  let bReconnected = false
  b.redis.onReconnect(() => { bReconnected = true })
  await server.kill()
  const discord = counter({ id: '2' })
  t.same(await a.cache.load('2', 'user', discord.load), { id: '2' }, 'a miss loads from Discord')
  t.same(await a.cache.load('2', 'user', discord.load), { id: '2' })
  t.equal(discord.calls, 1, 'and the first level serves it')
  a.clock.now = 5000
  t.same(a.cache.getNow('2', 'user'), { id: '2' }, 'with the full ttl while it is all there is')
  t.equal(await a.cache.get('3', 'user'), undefined, 'a miss is a miss, not an error')
  await a.cache.invalidate('1')
  await a.store.delete('user:4:profile')
  await a.store.delete('not-a-user-key')
  t.equal(await a.cache.get('9', 'user'), undefined, 'still down: the replay fails and waits')
  const warnings = a.lines.filter((line) => line.level === 'warn').map((line) => line.msg)
  t.same(warnings.filter((msg) => msg.includes(USERS_CACHE_OUTAGE)), [`fastify-discord: Redis unavailable: ${USERS_CACHE_OUTAGE}`], 'one log line for the whole outage')

  await server.restart()
  // Redis came back with data it had (a replica promoted, say): user 1's entries, invalidated
  // during the outage, must not be served.
  const admin = new Redis(server.url)
  t.teardown(() => { admin.disconnect() })
  await admin.set(PROFILE, JSON.stringify({ id: '1', stale: true }), 'PX', 60_000)
  await admin.set('test:users:{4}:profile', JSON.stringify({ id: '4', stale: true }), 'PX', 60_000)
  await until(() => bReconnected && a.redis.client.status === 'ready', 'both are connected again', 10_000)
  await b.cache.set('1', 'user', { id: '1', stale: true })
  t.ok(b.cache.getNow('1', 'user'))
  t.equal(await a.cache.get('1', 'user'), undefined, 'the invalidation went first')
  t.equal(await admin.exists(PROFILE, 'test:users:{4}:profile'), 0, 'both users were deleted in Redis')
  await until(() => b.cache.getNow('1', 'user') === undefined, 'and announced to B')
  t.equal(a.cache.getNow('2', 'user'), undefined, "A's first level was dropped: it missed the others' announcements")
  t.equal(a.lines.filter((line) => line.msg.includes('available again')).length, 1)
  t.same(unhandled, [], 'no unhandled rejection')
})

t.test('an invalidation pending for longer than the ttl is forgotten: its Redis entries are gone anyway', redisTestOptions(), async (t) => {
  const server = await startRedisServer(t)
  const a = await openInstance(t, server.url, { ttl: 1000 })
  await server.kill()
  await a.cache.invalidate('3')
  a.clock.now = 600
  await a.cache.invalidate('4')
  a.clock.now = 1100
  await a.cache.invalidate('5')
  await a.cache.invalidate('5')
  await server.restart()
  const admin = new Redis(server.url)
  t.teardown(() => { admin.disconnect() })
  for (const id of ['3', '4', '5']) await admin.set(`test:users:{${id}}:profile`, '{}', 'PX', 60_000)
  a.clock.now = 1700
  await until(() => a.redis.client.status === 'ready', 'A is connected again', 10_000)
  t.equal(await a.cache.get('6', 'user'), undefined)
  t.equal(await admin.exists('test:users:{5}:profile'), 0, 'a recent one is replayed')
  t.equal(await admin.exists('test:users:{3}:profile'), 1, 'one past the ttl during the outage was forgotten')
  t.equal(await admin.exists('test:users:{4}:profile'), 1, 'one past the ttl at recovery is skipped')
})

t.test('an announcement Redis refuses counts as an outage: the invalidation is kept and replayed', redisTestOptions(), async (t) => {
  const server = await startRedisServer(t)
  const admin = new Redis(server.url)
  t.teardown(() => { admin.disconnect() })
  // A user that may do everything but publish, while the test says so: a real refusal by Redis.
  await admin.call('ACL', 'SETUSER', 'cache', 'on', 'nopass', '~*', '&*', '+@all')
  const { log } = recordingLog()
  const client = new Redis(`redis://cache@127.0.0.1:${server.port}`)
  const redis = new SharedRedis({ client, owned: true, prefix: 'test:', timeout: 1000, log })
  const a = await openInstance(t, server.url, { redis })
  const b = await openInstance(t, server.url)
  await b.cache.set('1', 'user', { id: '1' })
  await a.cache.set('2', 'user', { id: '2' })
  await admin.call('ACL', 'SETUSER', 'cache', '-publish')
  await a.cache.set('1', 'guilds', [])
  t.same(await admin.get('test:users:{1}:guilds'), '[]', 'the write reached Redis, its announcement did not')
  await a.cache.invalidate('1')
  t.equal(a.cache.getNow('2', 'user'), undefined, 'a call that succeeds after the refusal drops the first level: announcements may have been missed')
  await a.store.delete('user:1:connections')
  t.equal(await a.cache.get('1', 'user'), undefined, 'the replay cannot announce either: Redis is still counted down')
  t.same(b.cache.getNow('1', 'user'), { id: '1' }, 'B did not hear')
  await admin.call('ACL', 'SETUSER', 'cache', '+publish')
  t.equal(await a.cache.get('1', 'user'), undefined)
  await until(() => b.cache.getNow('1', 'user') === undefined, 'the replayed invalidation reaches B')
})

t.test('a command error is a bug and surfaces as it is', redisTestOptions(), async (t) => {
  const server = await startRedisServer(t)
  const a = await openInstance(t, server.url)
  await t.rejects(a.store.set('user:1:profile', {}, 0), /ERR/)
})

t.test('nothing is kept in the first level until the store listens to the channel', redisTestOptions(), async (t) => {
  const server = await startRedisServer(t)
  const paused = await startRedisServer(t)
  const admin = new Redis(paused.url)
  t.teardown(() => { admin.disconnect() })
  await admin.call('CLIENT', 'PAUSE', '1000', 'ALL')
  // Commands go to a running server; the subscription waits on a paused one.
  class SlowToSubscribe extends Redis {
    override duplicate (): Redis {
      return new Redis(paused.url, { lazyConnect: true })
    }
  }
  const { log } = recordingLog()
  const redis = new SharedRedis({ client: new SlowToSubscribe(server.url), owned: true, prefix: 'test:', timeout: 1000, log })
  const a = await openInstance(t, server.url, { redis, ready: false })
  let listening = false
  const ready = a.store.ready.then(() => { listening = true })
  await a.cache.set('1', 'user', { id: '1' })
  t.equal(await a.cache.get('1', 'user') !== undefined, true)
  t.notOk(listening, 'still waiting for the subscription')
  t.equal(a.cache.getNow('1', 'user'), undefined, 'served from Redis, not kept')
  await ready
  t.same(await a.cache.get('1', 'user'), { id: '1' })
  t.ok(a.cache.getNow('1', 'user'), 'kept once it listens')
})

t.test('the users cache answers getNow from the first level only for this exact store class', redisTestOptions(), async (t) => {
  const server = await startRedisServer(t)
  const a = await openInstance(t, server.url)
  class Lookalike extends TwoLevelCacheStore {}
  const store = new Lookalike({ first: new MemoryCacheStore({ max: 10, ttl: 1000 }), redis: a.redis, ttl: 1000, firstLevelTtl: 1000 })
  await store.ready
  const cache = new UsersCache({ store, ttl: 1000 })
  await cache.set('1', 'user', { id: '1' })
  t.equal(cache.getNow('1', 'user'), undefined)
  t.same(store.getNow('user:1:profile'), { id: '1' })
})
