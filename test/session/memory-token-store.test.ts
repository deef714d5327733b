import t from 'tap'
import { MemoryTokenStore } from '../../lib/session/memory-token-store.js'

t.test('stores, returns copies of, and deletes token sets', async (t) => {
  const store = new MemoryTokenStore()
  const tokens = { accessToken: 'a', refreshToken: 'r', tokenType: 'Bearer', expiresAt: 10, scopes: ['identify'] }
  await store.set('id', tokens)
  t.equal(store.size, 1)
  const read = await store.get('id')
  t.same(read, tokens)
  read?.scopes.push('guilds')
  t.same((await store.get('id'))?.scopes, ['identify'], 'callers cannot mutate the stored set')
  await store.delete('id')
  t.equal(await store.get('id'), undefined)
  t.equal(store.size, 0)
})
