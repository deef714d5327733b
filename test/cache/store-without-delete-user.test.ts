import t from 'tap'
import { createUsersCache } from '../../lib/cache/users-cache.js'
import { buildApp, login } from '../helpers/build-app.js'

/** API.md §6's store: get, set and delete only. */
function plainStore (): { store: { get (key: string): Promise<unknown>, set (key: string, value: unknown): Promise<void>, delete (key: string): Promise<void> }, map: Map<string, unknown> } {
  const map = new Map<string, unknown>()
  return {
    map,
    store: {
      async get (key) { return map.get(key) },
      async set (key, value) { map.set(key, value) },
      async delete (key) { map.delete(key) }
    }
  }
}

t.test('a cache store with get, set and delete is accepted, and logout clears the user\'s keys', async (t) => {
  const { store, map } = plainStore()
  const testApp = await buildApp(t, {
    plugin: { scope: ['identify', 'guilds'], cache: store },
    routes (app) {
      app.get('/guilds', async (request) => (await request.discord.fetchGuilds()).length)
    }
  })
  t.equal((await login(testApp)).statusCode, 302)
  await testApp.app.inject({ url: '/guilds', headers: testApp.jar.headers() })
  map.set('user:someone-else:profile', { id: 'someone-else' })
  const id = testApp.fake.seedUsers.migrated
  t.ok(map.has(`user:${id}:profile`) && map.has(`user:${id}:guilds`), 'the login and the fetch cached')
  const out = await testApp.app.inject({ method: 'POST', url: '/logout', headers: testApp.jar.headers() })
  t.equal(out.statusCode, 302)
  t.same([...map.keys()], ['user:someone-else:profile'], 'only the other user\'s entry is left')
})

t.test('invalidate() uses deleteUser when the store has it', async (t) => {
  const dropped: string[] = []
  const { store } = plainStore()
  const cache = createUsersCache({ store: { ...store, async deleteUser (userId: string) { dropped.push(userId) } } })
  await cache.invalidate('7')
  t.same(dropped, ['7'])
})

t.test('without deleteUser, the per-guild member entries are found through the user\'s index and deleted too', async (t) => {
  const { store, map } = plainStore()
  const cache = createUsersCache({ store })
  await cache.load('7', 'member:111111111111111111', async () => ({ roles: [] }))
  await cache.load('7', 'member:222222222222222222', async () => ({ roles: ['1'] }))
  await cache.set('7', 'user', { id: '7' })
  await cache.load('8', 'member:111111111111111111', async () => ({ roles: [] }))
  t.same(map.get('user:7:members'), ['member:111111111111111111', 'member:222222222222222222'], 'each guild listed once')
  await cache.invalidate('7')
  t.same([...map.keys()].sort(), ['user:8:member:111111111111111111', 'user:8:members'], 'only the other user\'s entries are left')
})

t.test('with deleteUser, no index entry is written', async (t) => {
  const { store, map } = plainStore()
  const cache = createUsersCache({ store: { ...store, async deleteUser () {} } })
  await cache.load('7', 'member:111111111111111111', async () => ({ roles: [] }))
  t.same([...map.keys()], ['user:7:member:111111111111111111'])
})
