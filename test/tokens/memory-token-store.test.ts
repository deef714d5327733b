import t from 'tap'
import { MemoryTokenStore } from '../../lib/tokens/memory-token-store.js'
import type { TokenSet } from '../../lib/contracts/token-set.js'
import { buildApp, injectWithJar, login, readSession } from '../helpers/build-app.js'

const HOUR = 60 * 60 * 1000
const DAY = 24 * HOUR

function fakeClock (): { now: () => number, tick: (ms: number) => void } {
  let now = 0
  return { now: () => now, tick: (ms) => { now += ms } }
}

function tokens (accessToken = 'a'): TokenSet {
  return { accessToken, refreshToken: 'r', tokenType: 'Bearer', expiresAt: 10, scopes: ['identify'] }
}

t.test('stores, returns copies of, and deletes token sets', async (t) => {
  const store = new MemoryTokenStore()
  const set = tokens()
  await store.set('id', set)
  t.equal(store.size, 1)
  const read = await store.get('id')
  t.same(read, set)
  read?.scopes.push('guilds')
  t.same((await store.get('id'))?.scopes, ['identify'], 'callers cannot mutate the stored set')
  await store.delete('id')
  t.equal(await store.get('id'), undefined)
  t.equal(store.size, 0)
})

t.test('holds at most `max` sets, dropping the least recently used', async (t) => {
  const store = new MemoryTokenStore({ max: 2 })
  await store.set('a', tokens('a'))
  await store.set('b', tokens('b'))
  await store.get('a')
  await store.set('c', tokens('c'))
  t.equal(store.size, 2)
  t.equal(await store.get('b'), undefined, 'b was the least recently used')
  t.equal((await store.get('a'))?.accessToken, 'a')
  t.equal((await store.get('c'))?.accessToken, 'c')
})

t.test('a set expires `ttl` after it was last read or written', async (t) => {
  const clock = fakeClock()
  const store = new MemoryTokenStore({ ttl: 1000, now: clock.now })
  await store.set('id', tokens())
  clock.tick(800)
  t.ok(await store.get('id'), 'read within the ttl')
  clock.tick(800)
  t.ok(await store.get('id'), 'the read restarted the ttl')
  clock.tick(1001)
  t.equal(await store.get('id'), undefined, 'unused for longer than the ttl')

  await store.set('other', tokens())
  clock.tick(999)
  await store.set('other', tokens('b'))
  clock.tick(999)
  t.equal((await store.get('other'))?.accessToken, 'b', 'a write restarts it too')
})

t.test('by default a set outlives a day of disuse and goes after 30 days', async (t) => {
  const clock = fakeClock()
  const store = new MemoryTokenStore({ now: clock.now })
  await store.set('id', tokens())
  clock.tick(2 * DAY)
  t.ok(await store.get('id'))
  clock.tick(30 * DAY - 1)
  t.ok(await store.get('id'), 'still there just before 30 days since the last read')
  clock.tick(30 * DAY + 1)
  t.equal(await store.get('id'), undefined)
})

t.test('refuses a `max` or `ttl` that is not a positive integer', async (t) => {
  for (const max of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
    t.throws(() => new MemoryTokenStore({ max }), RangeError, `max ${max}`)
  }
  for (const ttl of [0, -1, 0.5, Number.NaN]) {
    t.throws(() => new MemoryTokenStore({ ttl }), RangeError, `ttl ${ttl}`)
  }
})

t.test('refuses options that are not an object, and a clock that is not a function', async (t) => {
  for (const options of [null, 5, 'max']) {
    t.throws(() => new MemoryTokenStore(options as unknown as object), { name: 'TypeError', message: 'MemoryTokenStore options must be an object' }, String(options))
  }
  t.throws(() => new MemoryTokenStore({ now: 'soon' as unknown as () => number }), { name: 'TypeError', message: /`now` must be a function/ })
})

t.test('a session whose set expired from the store is logged out', async (t) => {
  const clock = fakeClock()
  const tokenStore = new MemoryTokenStore({ ttl: HOUR, now: clock.now })
  const testApp = await buildApp(t, { plugin: { tokenStore } })
  await login(testApp)
  t.equal((await injectWithJar(testApp, { url: '/api/me' })).statusCode, 200)
  clock.tick(HOUR - 1)
  t.equal((await injectWithJar(testApp, { url: '/api/me' })).statusCode, 200, 'in use: the read kept it')
  clock.tick(HOUR + 1)
  t.equal((await injectWithJar(testApp, { url: '/api/me' })).statusCode, 401)
  t.same(readSession(testApp), {}, 'the session no longer names the lost set')
})
