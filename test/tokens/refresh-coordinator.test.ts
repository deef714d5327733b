import t from 'tap'
import { RefreshCoordinator } from '../../lib/tokens/refresh-coordinator.js'
import type { TokenSet } from '../../lib/contracts/token-set.js'

const fresh: TokenSet = { accessToken: 'new-access', refreshToken: 'new-refresh', tokenType: 'Bearer', expiresAt: 1, scopes: ['identify'] }

t.test('concurrent refreshes of one refresh token share a single call', async (t) => {
  const coordinator = new RefreshCoordinator()
  let calls = 0
  let release!: () => void
  const gate = new Promise<void>((resolve) => { release = resolve })
  const run = async (): Promise<TokenSet> => { calls++; await gate; return fresh }
  const all = Promise.all(Array.from({ length: 10 }, async () => coordinator.refresh('old-refresh', run)))
  release()
  const results = await all
  t.equal(calls, 1)
  t.ok(results.every((r) => r === fresh))
})

t.test('a request arriving after the refresh with the old token gets the recent result', async (t) => {
  const coordinator = new RefreshCoordinator()
  let calls = 0
  const run = async (): Promise<TokenSet> => { calls++; return fresh }
  await coordinator.refresh('old-refresh', run)
  t.equal(await coordinator.refresh('old-refresh', run), fresh)
  t.equal(calls, 1)
  await coordinator.refresh('other-refresh', run)
  t.equal(calls, 2, 'another refresh token is refreshed on its own')
})

t.test('a failed refresh is not remembered', async (t) => {
  const coordinator = new RefreshCoordinator()
  let calls = 0
  await t.rejects(coordinator.refresh('rt', async () => { calls++; throw new Error('down') }), /down/)
  t.equal(await coordinator.refresh('rt', async () => { calls++; return fresh }), fresh)
  t.equal(calls, 2)
})

t.test('recent results expire and clear() forgets them', async (t) => {
  const coordinator = new RefreshCoordinator({ ttl: 1, max: 10 })
  let calls = 0
  const run = async (): Promise<TokenSet> => { calls++; return fresh }
  await coordinator.refresh('rt', run)
  await new Promise((resolve) => setTimeout(resolve, 5))
  await coordinator.refresh('rt', run)
  t.equal(calls, 2)
  coordinator.clear()
  await coordinator.refresh('rt', run)
  t.equal(calls, 3)
})
