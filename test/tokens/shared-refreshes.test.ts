import { randomBytes } from 'node:crypto'
import fastifySecureSession from '@fastify/secure-session'
import Fastify from 'fastify'
import { Redis } from 'ioredis'
import t, { type Test } from 'tap'
import type { Sealer } from '../../lib/contracts/sealer.js'
import type { TokenSet } from '../../lib/contracts/token-set.js'
import { SharedStateUnavailable } from '../../lib/errors/shared-state-unavailable.js'
import { createSessionSealer } from '../../lib/fastify/session-sealer.js'
import { openRedis } from '../../lib/redis/open-redis.js'
import type { SharedRedis } from '../../lib/redis/shared-redis.js'
import { RefreshCoordinator } from '../../lib/tokens/refresh-coordinator.js'
import { RefreshRevoked, SharedRefreshes } from '../../lib/tokens/shared-refreshes.js'
import { redisTestOptions, startRedisServer, type RedisServer } from '../helpers/redis-server.js'

const silent: any = { warn () {}, info () {}, debug () {}, error () {}, trace () {}, fatal () {}, child () { return silent }, level: 'silent' }

/** The sealer the plugin builds: secure-session's own, on a session key. */
async function sealerFor (t: Test, key: Buffer): Promise<Sealer> {
  const app = Fastify()
  await app.register(fastifySecureSession, { key })
  await app.ready()
  t.teardown(async () => { await app.close() })
  return createSessionSealer(app)
}

function tokenSet (refreshToken: string): TokenSet {
  return { accessToken: `access-${refreshToken}`, refreshToken, tokenType: 'Bearer', expiresAt: 1_900_000_000_000, scopes: ['identify'] }
}

interface Setup {
  server: RedisServer
  client: Redis
  /** Two instances' Redis sides and refreshes, on one server and one session key. */
  instances: Array<{ redis: SharedRedis, refreshes: SharedRefreshes }>
}

async function setup (t: Test, options: { lockTtl?: number, resultTtl?: number, key?: Buffer } = {}): Promise<Setup> {
  const server = await startRedisServer(t)
  const client = new Redis(server.url)
  t.teardown(() => { client.disconnect() })
  const key = options.key ?? randomBytes(32)
  const instances = []
  for (let i = 0; i < 2; i++) {
    const redis = await openRedis(server.url, 'app:', silent)
    t.teardown(async () => { await redis.close() })
    instances.push({ redis, refreshes: new SharedRefreshes({ redis, sealer: await sealerFor(t, key), lockTtl: options.lockTtl ?? 5000, resultTtl: options.resultTtl ?? 60_000 }) })
  }
  return { server, client, instances }
}

const HASH = 'aGFzaA'

t.test('two instances refreshing one token: one refresh, both get its set, kept sealed for the late ones', redisTestOptions(), async (t) => {
  const { client, instances: [a, b] } = await setup(t)
  let runs = 0
  const run = async (): Promise<TokenSet> => {
    runs++
    await new Promise((resolve) => setTimeout(resolve, 100))
    return tokenSet('rotated-secret')
  }
  const [onA, onB] = await Promise.all([a!.refreshes.refresh(HASH, run), b!.refreshes.refresh(HASH, run)])
  t.equal(runs, 1, 'one refresh at Discord')
  t.same(onA, tokenSet('rotated-secret'))
  t.same(onB, onA, 'the waiting instance got the same set')
  t.equal(await client.exists(`app:refresh:{${HASH}}:lock`), 0, 'the lock is released')
  const sealed = String(await client.get(`app:refresh:{${HASH}}:result`))
  t.notMatch(sealed, 'rotated-secret', 'the kept set is sealed')
  const pttl = await client.pttl(`app:refresh:{${HASH}}:result`)
  t.ok(pttl > 59_000 && pttl <= 60_000, 'and kept for the result ttl only')
  const late = await b!.refreshes.refresh(HASH, async () => { runs++; return tokenSet('never') })
  t.same(late, onA, 'a request still carrying the old token gets the set')
  t.equal(runs, 1)
  t.same(await a!.refreshes.result(HASH), onA)
  t.equal(await a!.refreshes.result('other'), null)
})

t.test('a failed refresh releases the lock: the waiting instance refreshes instead', redisTestOptions(), async (t) => {
  const { client, instances: [a, b] } = await setup(t)
  const failing = a!.refreshes.refresh(HASH, async () => {
    await new Promise((resolve) => setTimeout(resolve, 50))
    throw new Error('Discord unreachable')
  })
  await new Promise((resolve) => setTimeout(resolve, 10))
  const waiting = b!.refreshes.refresh(HASH, async () => tokenSet('second'))
  await t.rejects(failing, /Discord unreachable/)
  t.same(await waiting, tokenSet('second'))
  t.equal(await client.exists(`app:refresh:{${HASH}}:lock`), 0)
})

t.test('a logout mark stops a refresh before it starts, and hands a finished one to no one', redisTestOptions(), async (t) => {
  const { client, instances: [a, b] } = await setup(t)
  t.ok(await b!.refreshes.markRevoked(HASH))
  let ran = false
  await t.rejects(a!.refreshes.refresh(HASH, async () => { ran = true; return tokenSet('x') }), new RefreshRevoked(null))
  t.notOk(ran, 'no refresh at Discord')
  const pttl = await client.pttl(`app:refresh:{${HASH}}:revoked`)
  t.ok(pttl > 59_000, 'the mark lasts as long as a result would')

  const other = 'b3RoZXI'
  const refreshing = a!.refreshes.refresh(other, async () => {
    await new Promise((resolve) => setTimeout(resolve, 100))
    return tokenSet('made-during-logout')
  })
  await new Promise((resolve) => setTimeout(resolve, 20))
  await b!.refreshes.markRevoked(other)
  const err = await refreshing.then(() => null, (err: unknown) => err)
  t.type(err, RefreshRevoked)
  t.same((err as RefreshRevoked).tokens, tokenSet('made-during-logout'), 'the new set comes back to be revoked')
  t.equal(await client.exists(`app:refresh:{${other}}:result`), 0, 'and is not kept for anyone')
})

t.test('a lock that outlives the wait answers 503 rather than refreshing twice', redisTestOptions(), async (t) => {
  const { client, instances: [a] } = await setup(t, { lockTtl: 300 })
  await client.set(`app:refresh:{${HASH}}:lock`, 'someone-else', 'PX', 10_000)
  let ran = false
  const started = Date.now()
  await t.rejects(a!.refreshes.refresh(HASH, async () => { ran = true; return tokenSet('x') }), SharedStateUnavailable)
  t.notOk(ran)
  t.ok(Date.now() - started >= 290, 'after waiting up to the lock ttl')
})

t.test('a winner whose lock expired keeps its set unless another instance already kept one', redisTestOptions(), async (t) => {
  const { client, instances: [a] } = await setup(t)
  const expire = async (): Promise<void> => { await client.del(`app:refresh:{${HASH}}:lock`) }
  t.same(await a!.refreshes.refresh(HASH, async () => { await expire(); return tokenSet('mine') }), tokenSet('mine'))
  t.same(await a!.refreshes.result(HASH), tokenSet('mine'), 'kept: it is the only live set')

  const other = 'b3RoZXI'
  t.same(await a!.refreshes.refresh(other, async () => {
    await client.del(`app:refresh:{${other}}:lock`)
    await client.set(`app:refresh:{${other}}:lock`, 'another-fence', 'PX', 10_000)
    await client.set(`app:refresh:{${other}}:result`, 'their-box', 'PX', 10_000)
    return tokenSet('late')
  }), tokenSet('late'), 'the late winner still uses its own set')
  t.equal(await client.get(`app:refresh:{${other}}:result`), 'their-box', 'but does not overwrite the kept one')
  t.equal(await client.get(`app:refresh:{${other}}:lock`), 'another-fence', 'nor release a lock it no longer holds')
})

t.test('a kept set no instance can open (another session key) ends the session', redisTestOptions(), async (t) => {
  const { client, instances: [a] } = await setup(t)
  await client.set(`app:refresh:{${HASH}}:result`, 'not-a-box', 'PX', 10_000)
  await t.rejects(a!.refreshes.refresh(HASH, async () => tokenSet('x')), new RefreshRevoked(null))
  t.equal(await a!.refreshes.result(HASH), null)
})

t.test('Redis down: a refresh answers 503, lookups find nothing, marks report failure; a refresh done at Discord is still used', redisTestOptions(), async (t) => {
  const { server, instances: [a] } = await setup(t)
  const done = await a!.refreshes.refresh(HASH, async () => {
    await server.kill()
    return tokenSet('rotated')
  })
  t.same(done, tokenSet('rotated'), 'Discord rotated the token: the new set is used though Redis could not keep it')
  await t.rejects(a!.refreshes.refresh('b3RoZXI', async () => tokenSet('x')), SharedStateUnavailable)
  t.equal(await a!.refreshes.result(HASH), null)
  t.equal(await a!.refreshes.markRevoked(HASH), false)
})

t.test('the coordinator follows rotations kept by another instance, and a logout marks each one', redisTestOptions(), async (t) => {
  const { client, instances: [a, b] } = await setup(t)
  const onA = new RefreshCoordinator({ shared: a!.refreshes })
  const onB = new RefreshCoordinator({ shared: b!.refreshes })
  await onA.refresh('first', async () => tokenSet('second'))
  await onA.refresh('second', async () => tokenSet('third'))
  t.same(await onB.latest('first'), tokenSet('third'), 'B follows both rotations A kept')
  t.same(await onB.latest('first', { end: true }), tokenSet('third'))
  t.equal((await client.keys('app:refresh:*:revoked')).length, 3, 'each token of the chain is marked, the newest included')
  await t.rejects(onA.refresh('third', async () => tokenSet('fourth')), RefreshRevoked, 'so the newest is not refreshed again')

  // A refresh under way here when the logout comes: its set is the newest, to be revoked.
  const inflight = onA.refresh('x1', async () => {
    await new Promise((resolve) => setTimeout(resolve, 50))
    return tokenSet('x2')
  })
  inflight.catch(() => {})
  t.same(await onA.latest('x1', { end: true }), tokenSet('x2'))
  await t.rejects(inflight, RefreshRevoked)
})
