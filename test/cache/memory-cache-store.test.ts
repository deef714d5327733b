import t from 'tap'
import { LRUCache } from 'lru-cache'
import { MemoryCacheStore } from '../../lib/cache/memory-cache-store.js'

function fakeClock (): { now: () => number, tick: (ms: number) => void } {
  let now = 1_000
  return { now: () => now, tick: (ms) => { now += ms } }
}

t.test('stores and returns values', async (t) => {
  const store = new MemoryCacheStore({ max: 10, ttl: 1000 })
  t.equal(await store.get('user:1:profile'), undefined)
  const value = { id: '1' }
  await store.set('user:1:profile', value)
  t.equal(await store.get('user:1:profile'), value)
  await store.set('plain', 'text')
  t.equal(await store.get('plain'), 'text')
  await store.delete('user:1:profile')
  t.equal(await store.get('user:1:profile'), undefined)
  t.equal(store.size, 1)
})

t.test('setting undefined or null deletes the key', async (t) => {
  const store = new MemoryCacheStore({ max: 10, ttl: 1000 })
  await store.set('user:1:profile', { id: '1' })
  await store.set('user:1:profile', null)
  t.equal(await store.get('user:1:profile'), undefined)
  await store.set('k', 1)
  await store.set('k', undefined)
  t.equal(await store.get('k'), undefined)
})

t.test('entries expire after the default ttl, by the injected clock', async (t) => {
  const clock = fakeClock()
  const store = new MemoryCacheStore({ max: 10, ttl: 1000, now: clock.now })
  await store.set('user:1:profile', { id: '1' })
  clock.tick(999)
  t.same(await store.get('user:1:profile'), { id: '1' }, 'alive just before the ttl')
  clock.tick(2)
  t.equal(await store.get('user:1:profile'), undefined, 'gone after it')
})

t.test('a per-entry ttl overrides the default', async (t) => {
  const clock = fakeClock()
  const store = new MemoryCacheStore({ max: 10, ttl: 60_000, now: clock.now })
  await store.set('user:1:guilds', [], 100)
  await store.set('user:1:profile', { id: '1' })
  clock.tick(101)
  t.equal(await store.get('user:1:guilds'), undefined)
  t.same(await store.get('user:1:profile'), { id: '1' })
})

t.test('evicts the least recently used entry at max', async (t) => {
  const store = new MemoryCacheStore({ max: 3, ttl: 60_000 })
  await store.set('user:1:profile', 1)
  await store.set('user:2:profile', 2)
  await store.set('user:3:profile', 3)
  await store.get('user:1:profile')
  await store.set('user:4:profile', 4)
  t.equal(store.size, 3)
  t.equal(await store.get('user:2:profile'), undefined, 'least recently used went first')
  t.equal(await store.get('user:1:profile'), 1)
  t.equal(await store.get('user:3:profile'), 3)
  t.equal(await store.get('user:4:profile'), 4)
})

t.test('deleteUser drops one user\'s keys and no one else\'s', async (t) => {
  const store = new MemoryCacheStore({ max: 100, ttl: 60_000 })
  for (const kind of ['profile', 'guilds', 'connections']) {
    await store.set(`user:1:${kind}`, kind)
    await store.set(`user:11:${kind}`, kind)
  }
  await store.set('user:1:profile', 'overwritten')
  await store.set('other', 'x')
  await store.deleteUser('1')
  for (const kind of ['profile', 'guilds', 'connections']) {
    t.equal(await store.get(`user:1:${kind}`), undefined, `user 1 ${kind} gone`)
    t.equal(await store.get(`user:11:${kind}`), kind, `user 11 ${kind} kept`)
  }
  t.equal(await store.get('other'), 'x')
  await store.deleteUser('1')
  await store.deleteUser('unknown')
  t.equal(store.size, 4)
})

t.test('the per-user index follows evictions, expiries and deletes', async (t) => {
  const clock = fakeClock()
  const store = new MemoryCacheStore({ max: 2, ttl: 1000, now: clock.now })
  await store.set('user:1:profile', 1)
  await store.set('user:2:profile', 2)
  await store.set('user:3:profile', 3) // evicts user 1
  await store.set('user:1:guilds', 'g')   // evicts user 2; user 1 is back with another key
  t.equal(await store.get('user:1:guilds'), 'g')
  await store.deleteUser('1')
  t.equal(await store.get('user:1:guilds'), undefined)
  t.equal(await store.get('user:3:profile'), 3)
  clock.tick(1001)
  t.equal(await store.get('user:3:profile'), undefined, 'expired')
  await store.set('user:3:profile', 'fresh')
  await store.deleteUser('3')
  t.equal(await store.get('user:3:profile'), undefined, 'the re-set key was indexed again')
  await store.set('user:4:profile', 4)
  await store.delete('user:4:profile')
  await store.set('user:4:guilds', 'g')
  await store.deleteUser('4')
  t.equal(store.size, 0)
})

t.test('deleteUser costs that user\'s keys, not a scan of the cache', async (t) => {
  const store = new MemoryCacheStore({ max: 20_000, ttl: 60_000 })
  for (let i = 0; i < 10_000; i++) await store.set(`user:${i}:profile`, i)
  // A scan would go through one of lru-cache's iterators; count their calls.
  const proto = LRUCache.prototype as unknown as Record<string, (...args: unknown[]) => unknown>
  let scans = 0
  for (const name of ['keys', 'rkeys', 'entries', 'rentries', 'values', 'rvalues', 'forEach', 'rforEach', 'find', 'dump', 'purgeStale']) {
    const original = proto[name]
    if (original === undefined) continue
    proto[name] = function (this: unknown, ...args: unknown[]) { scans++; return original.apply(this, args) }
    t.teardown(() => { proto[name] = original })
  }
  await store.deleteUser('5')
  t.equal(scans, 0)
  t.equal(await store.get('user:5:profile'), undefined)
  t.equal(await store.get('user:6:profile'), 6)
  t.equal(store.size, 9_999)
})

t.test('clear drops everything', async (t) => {
  const store = new MemoryCacheStore({ max: 10, ttl: 1000 })
  await store.set('user:1:profile', 1)
  await store.clear()
  t.equal(store.size, 0)
  await store.deleteUser('1')
})

t.test('refuses a max or ttl that is not a positive integer', async (t) => {
  t.throws(() => new MemoryCacheStore({ max: 0, ttl: 1000 }), RangeError)
  t.throws(() => new MemoryCacheStore({ max: 1.5, ttl: 1000 }), RangeError)
  t.throws(() => new MemoryCacheStore({ max: 10, ttl: 0 }), RangeError)
  t.throws(() => new MemoryCacheStore({ max: 10, ttl: Number.NaN }), RangeError)
})

t.test('refuses a clock that is not a function when built, not on first use', async (t) => {
  t.throws(() => new MemoryCacheStore({ max: 10, ttl: 1000, now: 5 as unknown as () => number }), { name: 'TypeError', message: /`now` must be a function/ })
})

t.test('getNow answers synchronously what get answers', async (t) => {
  const clock = fakeClock()
  const store = new MemoryCacheStore({ max: 10, ttl: 1000, now: clock.now })
  t.equal(store.getNow('user:1:profile'), undefined, 'a miss')
  const value = { id: '1' }
  await store.set('user:1:profile', value)
  const now = store.getNow('user:1:profile')
  t.notOk(now instanceof Promise, 'not a promise')
  t.equal(now, value, 'the very object that was set')
  t.equal(now, await store.get('user:1:profile'))
  t.equal(store.getNow('user:2:profile'), undefined, 'another key misses')
  clock.tick(999)
  t.equal(store.getNow('user:1:profile'), value, 'alive just before the ttl')
  clock.tick(2)
  t.equal(store.getNow('user:1:profile'), undefined, 'expired by the injected clock')
  await store.set('user:1:guilds', ['g'])
  await store.delete('user:1:guilds')
  t.equal(store.getNow('user:1:guilds'), undefined, 'deleted')
  await store.set('user:1:connections', ['c'])
  await store.deleteUser('1')
  t.equal(store.getNow('user:1:connections'), undefined, 'dropped with its user')
})

t.test('getNow counts as a use for the least-recently-used order', async (t) => {
  const store = new MemoryCacheStore({ max: 2, ttl: 60_000 })
  await store.set('user:1:profile', 1)
  await store.set('user:2:profile', 2)
  t.equal(store.getNow('user:1:profile'), 1)
  await store.set('user:3:profile', 3)
  t.equal(store.getNow('user:2:profile'), undefined, 'user 2 was the least recently used')
  t.equal(store.getNow('user:1:profile'), 1)
  t.equal(store.getNow('user:3:profile'), 3)
})
