import t from 'tap'
import type { CacheStore } from '../../lib/cache/cache-store.js'
import { DEFAULT_USERS_CACHE_MAX, DEFAULT_USERS_CACHE_TTL, USERS_CACHE_KINDS_PER_USER } from '../../lib/cache/cache-defaults.js'
import { MemoryCacheStore } from '../../lib/cache/memory-cache-store.js'
import { UsersCache, cacheKey, createUsersCache } from '../../lib/cache/users-cache.js'

function newCache (ttl = 60_000): { cache: UsersCache, store: MemoryCacheStore, clock: { now: number } } {
  const clock = { now: 0 }
  const store = new MemoryCacheStore({ max: 100, ttl: 1_000_000, now: () => clock.now })
  return { cache: new UsersCache({ store, ttl }), store, clock }
}

function deferred<ValueType> (): { promise: Promise<ValueType>, resolve: (value: ValueType) => void, reject: (err: Error) => void } {
  let settle!: { resolve: (value: ValueType) => void, reject: (err: Error) => void }
  const promise = new Promise<ValueType>((resolve, reject) => { settle = { resolve, reject } })
  return { promise, resolve: (value) => settle.resolve(value), reject: (err) => settle.reject(err) }
}

t.test('keys are namespaced by user and kind', async (t) => {
  t.equal(cacheKey('1', 'user'), 'user:1:profile')
  t.equal(cacheKey('1', 'guilds'), 'user:1:guilds')
  t.equal(cacheKey('1', 'connections'), 'user:1:connections')
  t.equal(cacheKey('1', 'member:2'), 'user:1:member:2')
})

t.test('get and set go through the store with the cache ttl', async (t) => {
  const { cache, store, clock } = newCache(500)
  t.equal(cache.store, store)
  t.equal(cache.ttl, 500)
  await cache.set('1', 'user', { id: '1' })
  t.same(await store.get('user:1:profile'), { id: '1' })
  t.same(await cache.get('1', 'user'), { id: '1' })
  t.equal(await cache.get('2', 'user'), undefined, 'another user sees nothing')
  clock.now = 501
  t.equal(await cache.get('1', 'user'), undefined, 'expired with the cache ttl, not the store default')
})

t.test('invalidate drops every kind of one user only', async (t) => {
  const { cache } = newCache()
  const kinds = ['user', 'guilds', 'connections', 'member:3'] as const
  for (const kind of kinds) {
    await cache.set('1', kind, [kind])
    await cache.set('2', kind, [kind])
  }
  await cache.invalidate('1')
  for (const kind of kinds) {
    t.equal(await cache.get('1', kind), undefined)
    t.same(await cache.get('2', kind), [kind])
  }
})

t.test('load returns the cached value without calling the loader', async (t) => {
  const { cache } = newCache()
  await cache.set('1', 'user', { id: '1' })
  let calls = 0
  t.same(await cache.load('1', 'user', async () => { calls++; return { id: 'fresh' } }), { id: '1' })
  t.equal(calls, 0)
})

t.test('load fills the cache on a miss', async (t) => {
  const { cache } = newCache()
  let calls = 0
  const loader = async (): Promise<object> => { calls++; return { id: '1' } }
  t.same(await cache.load('1', 'user', loader), { id: '1' })
  t.same(await cache.load('1', 'user', loader), { id: '1' })
  t.equal(calls, 1)
  t.same(await cache.get('1', 'user'), { id: '1' })
})

t.test('concurrent misses of one key share one load', async (t) => {
  const { cache } = newCache()
  const gate = deferred<object>()
  let calls = 0
  const loader = async (): Promise<object> => { calls++; return await gate.promise }
  const all = Promise.all([1, 2, 3, 4, 5].map(async () => await cache.load('1', 'guilds', loader)))
  await new Promise((resolve) => setImmediate(resolve))
  gate.resolve(['g'])
  t.same(await all, [['g'], ['g'], ['g'], ['g'], ['g']])
  t.equal(calls, 1)
})

t.test('concurrent misses of different users or kinds do not share', async (t) => {
  const { cache } = newCache()
  const seen: string[] = []
  const loader = (tag: string) => async (): Promise<string> => { seen.push(tag); return tag }
  const results = await Promise.all([
    cache.load('1', 'user', loader('1u')),
    cache.load('2', 'user', loader('2u')),
    cache.load('1', 'guilds', loader('1g'))
  ])
  t.same(results, ['1u', '2u', '1g'])
  t.same(seen.sort(), ['1g', '1u', '2u'])
})

t.test('refresh skips the cached value and stores the fresh one', async (t) => {
  const { cache } = newCache()
  await cache.set('1', 'user', { v: 1 })
  t.same(await cache.load('1', 'user', async () => ({ v: 2 }), { refresh: true }), { v: 2 })
  t.same(await cache.get('1', 'user'), { v: 2 })
})

t.test('a refused cached value counts as a miss', async (t) => {
  const { cache } = newCache()
  await cache.set('1', 'user', { id: '1' })
  const accept = (value: unknown): boolean => typeof value === 'object' && value !== null && 'email' in value
  t.same(await cache.load('1', 'user', async () => ({ id: '1', email: 'e' }), { accept }), { id: '1', email: 'e' })
  t.same(await cache.get('1', 'user'), { id: '1', email: 'e' })
})

t.test('a caller refusing a shared result loads its own', async (t) => {
  const { cache } = newCache()
  const gate = deferred<object>()
  const first = cache.load('1', 'user', async () => await gate.promise)
  const accept = (value: unknown): boolean => typeof value === 'object' && value !== null && 'email' in value
  let ownCalls = 0
  const second = cache.load('1', 'user', async () => { ownCalls++; return { id: '1', email: 'e' } }, { accept })
  await new Promise((resolve) => setImmediate(resolve))
  gate.resolve({ id: '1' })
  t.same(await first, { id: '1' })
  t.same(await second, { id: '1', email: 'e' })
  t.equal(ownCalls, 1)
})

t.test('a failed shared load is not reported to the callers that joined it', async (t) => {
  const { cache } = newCache()
  const gate = deferred<object>()
  const first = cache.load('1', 'user', async () => await gate.promise)
  let ownCalls = 0
  const second = cache.load('1', 'user', async () => { ownCalls++; return { id: '1' } })
  await new Promise((resolve) => setImmediate(resolve))
  gate.reject(new Error('token of the first session was revoked'))
  await t.rejects(first, { message: 'token of the first session was revoked' })
  t.same(await second, { id: '1' })
  t.equal(ownCalls, 1)
})

t.test('a failed load caches nothing and the next call loads again', async (t) => {
  const { cache } = newCache()
  await t.rejects(cache.load('1', 'user', async () => { throw new Error('down') }), { message: 'down' })
  t.equal(await cache.get('1', 'user'), undefined)
  t.same(await cache.load('1', 'user', async () => ({ id: '1' })), { id: '1' })
})

t.test('a load under way when the user is invalidated does not write back', async (t) => {
  const { cache } = newCache()
  const gate = deferred<object>()
  const pending = cache.load('1', 'user', async () => await gate.promise)
  await new Promise((resolve) => setImmediate(resolve))
  await cache.invalidate('1')
  gate.resolve({ id: '1', stale: true })
  t.same(await pending, { id: '1', stale: true }, 'the caller still gets its answer')
  t.equal(await cache.get('1', 'user'), undefined, 'but the cache stays empty')
  let calls = 0
  await cache.load('1', 'user', async () => { calls++; return { id: '1' } })
  t.equal(calls, 1, 'a later call does not join the invalidated load')
})

t.test('a member load under way when the user is invalidated does not write back; another user\'s does', async (t) => {
  const { cache } = newCache()
  const gate = deferred<object>()
  const mine = cache.load('1', 'member:3', async () => await gate.promise)
  const theirs = cache.load('11', 'member:3', async () => await gate.promise)
  await new Promise((resolve) => setImmediate(resolve))
  await cache.invalidate('1')
  gate.resolve({ roles: [] })
  await Promise.all([mine, theirs])
  t.equal(await cache.get('1', 'member:3'), undefined)
  t.same(await cache.get('11', 'member:3'), { roles: [] }, 'user 11 is not user 1')
})

t.test('a refresh started during a miss load replaces it for later callers', async (t) => {
  const { cache } = newCache()
  const slow = deferred<object>()
  const first = cache.load('1', 'user', async () => await slow.promise)
  await new Promise((resolve) => setImmediate(resolve))
  const refreshed = await cache.load('1', 'user', async () => ({ v: 'refresh' }), { refresh: true })
  t.same(refreshed, { v: 'refresh' })
  slow.resolve({ v: 'slow' })
  t.same(await first, { v: 'slow' })
})

t.test('createUsersCache sizes a memory store for max users', async (t) => {
  const cache = createUsersCache({ max: 2, ttl: 1000 })
  t.ok(cache.store instanceof MemoryCacheStore)
  t.equal(cache.ttl, 1000)
  for (let i = 0; i < 2; i++) {
    for (const kind of ['user', 'guilds', 'connections'] as const) await cache.set(String(i), kind, kind)
  }
  t.equal((cache.store as MemoryCacheStore).size, 2 * USERS_CACHE_KINDS_PER_USER, 'two full users fit')
  await cache.set('2', 'user', 'user')
  t.equal(await cache.get('0', 'user'), undefined, 'a third user evicts the oldest entry')
})

t.test('createUsersCache has documented defaults and a clock seam', async (t) => {
  t.equal(DEFAULT_USERS_CACHE_MAX, 10_000)
  t.equal(DEFAULT_USERS_CACHE_TTL, 300_000)
  let now = 0
  const cache = createUsersCache({ now: () => now })
  t.equal(cache.ttl, DEFAULT_USERS_CACHE_TTL)
  await cache.set('1', 'user', { id: '1' })
  now = DEFAULT_USERS_CACHE_TTL - 1
  t.same(await cache.get('1', 'user'), { id: '1' })
  now = DEFAULT_USERS_CACHE_TTL + 1
  t.equal(await cache.get('1', 'user'), undefined)
})

t.test('createUsersCache uses a given store', async (t) => {
  const calls: string[] = []
  const store: CacheStore = {
    async get (key) { calls.push(`get ${key}`) },
    async set (key, _value, ttl) { calls.push(`set ${key} ${String(ttl)}`) },
    async delete (key) { calls.push(`delete ${key}`) },
    async deleteUser (userId) { calls.push(`deleteUser ${userId}`) }
  }
  const cache = createUsersCache({ store, ttl: 42 })
  t.equal(cache.store, store)
  await cache.set('1', 'guilds', [])
  await cache.get('1', 'guilds')
  await cache.invalidate('1')
  t.same(calls, ['set user:1:guilds 42', 'get user:1:guilds', 'deleteUser 1'])
})

t.test('createUsersCache refuses a bad max or ttl', async (t) => {
  t.throws(() => createUsersCache({ max: 0 }), RangeError)
  t.throws(() => createUsersCache({ max: -1 }), RangeError)
  t.throws(() => createUsersCache({ ttl: 0 }), RangeError)
  t.throws(() => createUsersCache({ ttl: 1.5 }), { name: 'RangeError', message: /cache\.ttl/ })
})

t.test('getNow returns the cached payload synchronously from the default memory store', async (t) => {
  const cache = createUsersCache({ max: 10, ttl: 60_000 })
  const profile = { id: '1' }
  const guilds = [{ id: 'g' }]
  t.equal(cache.getNow('1', 'user'), undefined, 'a miss')
  await cache.set('1', 'user', profile)
  await cache.set('1', 'guilds', guilds)
  const now = cache.getNow('1', 'user')
  t.notOk(now instanceof Promise)
  t.equal(now, profile, 'the cached object itself')
  t.equal(cache.getNow('1', 'guilds'), guilds)
  t.equal(cache.getNow('1', 'connections'), undefined, 'another kind misses')
  t.equal(cache.getNow('2', 'user'), undefined, 'another user misses')
  await cache.invalidate('1')
  t.equal(cache.getNow('1', 'user'), undefined, 'invalidated')
  t.equal(cache.getNow('1', 'guilds'), undefined)
})

t.test('getNow follows the cache ttl', async (t) => {
  const { cache, clock } = newCache(500)
  await cache.set('1', 'user', { id: '1' })
  clock.now = 499
  t.same(cache.getNow('1', 'user'), { id: '1' })
  clock.now = 501
  t.equal(cache.getNow('1', 'user'), undefined)
})

t.test('getNow is undefined while a first load of the key is in flight, then gives its result', async (t) => {
  const { cache } = newCache()
  const gate = deferred<object>()
  const loading = cache.load('1', 'user', async () => await gate.promise)
  t.equal(cache.getNow('1', 'user'), undefined)
  await new Promise((resolve) => setImmediate(resolve))
  t.equal(cache.getNow('1', 'user'), undefined, 'still loading')
  const value = { id: '1', v: 'loaded' }
  gate.resolve(value)
  t.equal(await loading, value)
  t.equal(cache.getNow('1', 'user'), value, 'cached once the load settled')
})

t.test('getNow is undefined during a refresh although the store still holds the old value', async (t) => {
  const { cache } = newCache()
  const old = { v: 'old' }
  await cache.set('1', 'user', old)
  await cache.set('1', 'guilds', ['kept'])
  const gate = deferred<object>()
  const refreshing = cache.load('1', 'user', async () => await gate.promise, { refresh: true })
  t.equal(await cache.get('1', 'user'), old, 'the store still has it')
  t.equal(cache.getNow('1', 'user'), undefined, 'but getNow leaves it to load(), which waits for the flight')
  t.same(cache.getNow('1', 'guilds'), ['kept'], 'other kinds of the user are not affected')
  const fresh = { v: 'fresh' }
  gate.resolve(fresh)
  t.equal(await refreshing, fresh)
  t.equal(cache.getNow('1', 'user'), fresh)
})

t.test('getNow is undefined while a load that refused the cached value is in flight', async (t) => {
  const { cache } = newCache()
  await cache.set('1', 'user', { id: '1' })
  const gate = deferred<object>()
  const accept = (value: unknown): boolean => typeof value === 'object' && value !== null && 'email' in value
  const loading = cache.load('1', 'user', async () => await gate.promise, { accept })
  await new Promise((resolve) => setImmediate(resolve))
  t.equal(cache.getNow('1', 'user'), undefined)
  gate.resolve({ id: '1', email: 'e' })
  await loading
  t.same(cache.getNow('1', 'user'), { id: '1', email: 'e' })
})

t.test('after a failed load getNow gives the stored value again', async (t) => {
  const { cache } = newCache()
  const old = { v: 'old' }
  await cache.set('1', 'user', old)
  const gate = deferred<object>()
  const refreshing = cache.load('1', 'user', async () => await gate.promise, { refresh: true })
  t.equal(cache.getNow('1', 'user'), undefined)
  gate.reject(new Error('down'))
  await t.rejects(refreshing, { message: 'down' })
  t.equal(cache.getNow('1', 'user'), old)
})

t.test('after an invalidate during a load getNow misses, and the load does not fill it', async (t) => {
  const { cache } = newCache()
  await cache.set('1', 'user', { v: 'old' })
  const gate = deferred<object>()
  const refreshing = cache.load('1', 'user', async () => await gate.promise, { refresh: true })
  await cache.invalidate('1')
  t.equal(cache.getNow('1', 'user'), undefined)
  gate.resolve({ v: 'stale' })
  await refreshing
  t.equal(cache.getNow('1', 'user'), undefined)
})

t.test('getNow is always undefined with a store of the app\'s own, which it does not call', async (t) => {
  const calls: string[] = []
  const entries = new Map<string, unknown>()
  const store: CacheStore = {
    async get (key) { calls.push(`get ${key}`); return entries.get(key) },
    async set (key, value) { entries.set(key, value) },
    async delete (key) { entries.delete(key) },
    async deleteUser () { entries.clear() }
  }
  const cache = createUsersCache({ store, ttl: 1000 })
  await cache.set('1', 'user', { id: '1' })
  t.equal(cache.getNow('1', 'user'), undefined, 'the app store needs a promise')
  t.equal(cache.getNow('2', 'user'), undefined)
  t.same(calls, [], 'the store was not asked')
  t.same(await cache.get('1', 'user'), { id: '1' }, 'the async read finds it')
  // A store that happens to have a getNow of its own is not a MemoryCacheStore either.
  const lookalike = Object.assign(Object.create(null) as object, store, { getNow: () => ({ id: 'lookalike' }) }) as CacheStore
  t.equal(new UsersCache({ store: lookalike, ttl: 1000 }).getNow('1', 'user'), undefined)
})

t.test('getNow uses a MemoryCacheStore given explicitly, and reads the key cacheKey names', async (t) => {
  const store = new MemoryCacheStore({ max: 10, ttl: 60_000 })
  const cache = createUsersCache({ store })
  await store.set(cacheKey('7', 'connections'), ['c'])
  t.same(cache.getNow('7', 'connections'), ['c'])
  t.equal(cache.getNow('7', 'user'), undefined)
})

t.test('getNow leaves a subclass of MemoryCacheStore to its own get()', async (t) => {
  const reads: string[] = []
  class CountingStore extends MemoryCacheStore {
    override async get (key: string): Promise<unknown> {
      reads.push(key)
      return await super.get(key)
    }
  }
  const cache = new UsersCache({ store: new CountingStore({ max: 10, ttl: 60_000 }), ttl: 60_000 })
  await cache.set('1', 'user', { id: '1' })
  t.equal(cache.getNow('1', 'user'), undefined, 'no synchronous read past the override')
  t.same(await cache.get('1', 'user'), { id: '1' })
  t.same(reads, ['user:1:profile'])
})
