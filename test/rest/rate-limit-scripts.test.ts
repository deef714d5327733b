/**
 * The shared rate-limit scripts, run directly against a real redis-server with states set up by
 * hand: every decision of RESERVE and every kind of answer SETTLE records.
 */
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import t, { type Test } from 'tap'
import { RESERVE, SETTLE } from '../../lib/rest/rate-limit-scripts.js'
import { redisTestOptions, startRedisServer } from '../helpers/redis-server.js'

const ROUTE = 'p:rate-limit:{bearer:x}:route:GET /r'
const GLOBAL = 'p:rate-limit:{bearer:x}:global'
const WINDOW = 'p:rate-limit:{bearer:x}:global-window'
const BY_ROUTE = 'p:rate-limit:{bearer:x}:bucket:GET /r:global'
const H1 = 'p:rate-limit:{bearer:x}:bucket:h1:global'
const H2 = 'p:rate-limit:{bearer:x}:bucket:h2:global'
const LEARN_MS = 5000
const POLL_MS = 20
const OFFSET = 5

type Answer = [string, number | string, number?]

interface Scripts {
  redis: Redis
  reserve: (bucket: string, hint?: string, perSecond?: number, sent?: string) => Promise<Answer>
  settle: (from: string, to: string, args: Partial<SettleArgs>) => Promise<void>
  state: (key: string) => Promise<Record<string, number>>
  set: (key: string, fields: Record<string, number>) => Promise<void>
}

interface SettleArgs {
  window: number
  learning: 0 | 1
  outcome: 'answer' | 'unlimited' | 'none'
  limit: number
  remaining: number
  resetAfter: number
  hash: string
  verdict: '' | 'bucket' | 'global'
  waitMs: number
  sent: string
}

async function scripts (t: Test): Promise<Scripts> {
  const server = await startRedisServer(t)
  const redis = new Redis(server.url)
  t.teardown(() => { redis.disconnect() })
  const fresh = { limit: -1, remaining: 0, reset: -1, window: 0, inflight: 0, windowMs: 0, provisional: 0, unlimited: 0, learning: 0 }
  return {
    redis,
    reserve: async (bucket, hint = '', perSecond = 50, sent = randomUUID()) => await RESERVE.run(redis, [ROUTE, GLOBAL, bucket, WINDOW], [hint, perSecond, LEARN_MS, POLL_MS, OFFSET, 60_000, 86_400_000, sent]) as Answer,
    settle: async (from, to, args) => {
      const a: SettleArgs = { window: 0, learning: 0, outcome: 'answer', limit: -1, remaining: -1, resetAfter: -1, hash: '', verdict: '', waitMs: 0, sent: '', ...args }
      await SETTLE.run(redis, [ROUTE, GLOBAL, from, to, WINDOW], [a.window, a.learning, a.outcome, a.limit, a.remaining, a.resetAfter, a.hash, a.verdict, a.waitMs, OFFSET, 60_000, 86_400_000, a.sent])
    },
    state: async (key) => Object.fromEntries(Object.entries(await redis.hgetall(key)).map(([k, v]) => [k, Number(v)])),
    set: async (key, fields) => { await redis.hset(key, { ...fresh, ...fields }) }
  }
}

async function redisNow (redis: Redis): Promise<number> {
  const [seconds, micros] = await redis.time()
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000)
}

t.test('an unknown bucket: one request learns it while the others poll; its answer opens the first window', redisTestOptions(), async (t) => {
  const s = await scripts(t)
  t.same(await s.reserve(BY_ROUTE), ['go', 0, 1], 'the first request learns')
  const poll = await s.reserve(BY_ROUTE)
  t.equal(poll[0], 'poll')
  t.ok(Number(poll[1]) <= POLL_MS, 'the next one polls')
  await s.settle(BY_ROUTE, H1, { learning: 1, limit: 5, remaining: 4, resetAfter: 1000, hash: 'h1' })
  t.equal(await s.redis.exists(BY_ROUTE), 0, 'the route\'s learning state is gone')
  t.equal(await s.redis.get(ROUTE), 'h1', 'the route maps to the hash')
  t.match(await s.state(H1), { limit: 5, remaining: 4, window: 1, inflight: 0, windowMs: 1000, provisional: 0, learning: 0 })
  t.same(await s.reserve(BY_ROUTE), ['hash', 'h1'], 'a request that knows no hash is told it')
  t.same(await s.reserve(H1, 'h1'), ['go', 1, 0])
  t.match(await s.state(H1), { remaining: 3, inflight: 1 })
  t.ok(await s.redis.pttl(H1) > 60_000, 'the state outlives its window')
})

t.test('a hint names the route\'s hash where Redis knew none', redisTestOptions(), async (t) => {
  const s = await scripts(t)
  await s.reserve(H1, 'h1')
  t.equal(await s.redis.get(ROUTE), 'h1')
  t.ok(await s.redis.pttl(ROUTE) > 86_000_000)
})

t.test('a learner whose answer comes after another learner\'s counts it as in flight', redisTestOptions(), async (t) => {
  const s = await scripts(t)
  t.same(await s.reserve(BY_ROUTE), ['go', 0, 1])
  // Another process knew the hash and learned the bucket under it at the same time.
  t.same(await s.reserve(H1, 'h1'), ['go', 0, 1])
  t.same(await s.reserve(H2, 'h2'), ['hash', 'h1'], 'a hint loses to what Redis knows')
  await s.settle(BY_ROUTE, H1, { learning: 1, limit: 5, remaining: 4, resetAfter: 1000, hash: 'h1' })
  t.match(await s.state(H1), { remaining: 3, window: 1, inflight: 0 }, 'the other learner is not in Discord\'s figure yet')
  await s.settle(H1, H1, { learning: 1, limit: 5, remaining: 3, resetAfter: 990, hash: 'h1' })
  t.match(await s.state(H1), { remaining: 3, learning: 0 }, 'its own answer, from window 0, changes nothing more')
})

t.test('a window runs out, waits for its reset, then rolls on an estimate that the first answer replaces', redisTestOptions(), async (t) => {
  const s = await scripts(t)
  const now = await redisNow(s.redis)
  await s.set(H1, { limit: 2, remaining: 0, reset: now + 300, window: 1, inflight: 0, windowMs: 1000 })
  const wait = await s.reserve(H1, 'h1')
  t.equal(wait[0], 'wait')
  t.ok(Number(wait[1]) > 250 && Number(wait[1]) <= 300 && wait[2] === 0, `until the reset (${wait[1]} ms)`)
  await s.set(H1, { limit: 2, remaining: 0, reset: now - 1, window: 1, inflight: 0, windowMs: 1000 })
  t.same(await s.reserve(H1, 'h1'), ['go', 2, 0], 'a new window')
  let state = await s.state(H1)
  t.match(state, { remaining: 1, inflight: 1, provisional: 1 })
  t.ok(state['reset'] as number >= now + 1000 + OFFSET, 'its reset estimated from the window\'s length')
  await s.settle(H1, H1, { window: 2, limit: 2, remaining: 1, resetAfter: 1500, hash: 'h1' })
  state = await s.state(H1)
  t.match(state, { remaining: 1, inflight: 0, provisional: 0, windowMs: 1500 })
  t.ok(state['reset'] as number >= now + 1500, 'the answer replaced the estimate, even upwards')
  await s.settle(H1, H1, { window: 2, limit: 2, remaining: 0, resetAfter: 1200, hash: 'h1' })
  t.ok((await s.state(H1))['reset'] as number < (state['reset'] as number), 'later answers only tighten it')
  await s.settle(H1, H1, { window: 1, limit: 3, remaining: 2, resetAfter: 10, hash: 'h1' })
  t.match(await s.state(H1), { limit: 3, remaining: 0 }, 'an answer of an earlier window teaches the limit only')
})

t.test('an estimated reset passed with answers still on their way: the window does not roll yet', redisTestOptions(), async (t) => {
  const s = await scripts(t)
  const now = await redisNow(s.redis)
  await s.set(H1, { limit: 2, remaining: 0, reset: now - 10, window: 3, inflight: 2, windowMs: 1000, provisional: 1 })
  const wait = await s.reserve(H1, 'h1')
  t.same(wait, ['poll', POLL_MS])
  await s.set(H1, { limit: 2, remaining: 1, reset: now - 10, window: 3, inflight: 1, windowMs: 1000, provisional: 1 })
  t.same(await s.reserve(H1, 'h1'), ['go', 3, 0], 'room left in the window is used')
  await s.set(H1, { limit: 2, remaining: 0, reset: now - LEARN_MS - 10, window: 3, inflight: 2, windowMs: 1000, provisional: 1 })
  t.same(await s.reserve(H1, 'h1'), ['go', 4, 0], 'answers lost for longer than an attempt lasts no longer hold it')
})

t.test('out of room with no reset known: wait for an answer, or learn the bucket anew', redisTestOptions(), async (t) => {
  const s = await scripts(t)
  await s.set(H1, { limit: 2, remaining: 0, reset: -1, window: 1, inflight: 1 })
  t.same(await s.reserve(H1, 'h1'), ['poll', POLL_MS])
  await s.set(H1, { limit: 2, remaining: 0, reset: -1, window: 1, inflight: 0 })
  t.same(await s.reserve(H1, 'h1'), ['go', 1, 1], 'learns anew')
  await s.settle(H1, H1, { window: 1, learning: 1, limit: 2, remaining: 1, hash: 'h1' })
  t.match(await s.state(H1), { limit: 2, remaining: 1, reset: -1, window: 2 }, 'an answer without reset leaves it unknown')
  await s.settle(H1, H1, { window: 2, limit: 2, hash: 'h1' })
  t.match(await s.state(H1), { limit: 2, remaining: 1 }, 'nor does an answer without remaining change the count')
  await s.redis.del(H2)
  await s.reserve(H2, 'h2')
  await s.settle(H2, H2, { learning: 1, limit: 3, hash: 'h2' })
  t.match(await s.state(H2), { limit: 3, remaining: 3 }, 'a first answer without remaining: the whole limit')
  const now = await redisNow(s.redis)
  // Blocked by a 429 before any reset-after was seen: the window's length is unknown.
  await s.set(H1, { limit: 2, remaining: 0, reset: now - 1, window: 4, inflight: 0, windowMs: 0 })
  await s.redis.del(ROUTE)
  t.same(await s.reserve(H1, 'h1'), ['go', 5, 0])
  t.match(await s.state(H1), { reset: -1, remaining: 1 }, 'the new window\'s reset is left to its answers')
})

t.test('a route without rate-limit headers is never counted', redisTestOptions(), async (t) => {
  const s = await scripts(t)
  await s.reserve(BY_ROUTE)
  await s.settle(BY_ROUTE, BY_ROUTE, { learning: 1, outcome: 'unlimited' })
  for (let i = 0; i < 3; i++) t.same(await s.reserve(BY_ROUTE), ['go', 0, 0])
  t.match(await s.state(BY_ROUTE), { unlimited: 1, learning: 0 })
  await s.settle(BY_ROUTE, BY_ROUTE, { window: 0, limit: 1, remaining: 0, resetAfter: 500 })
  t.match(await s.state(BY_ROUTE), { unlimited: 0, limit: 1 }, 'until it answers with them')
})

t.test('a learning request that got no answer frees the bucket', redisTestOptions(), async (t) => {
  const s = await scripts(t)
  await s.reserve(BY_ROUTE)
  await s.settle(BY_ROUTE, BY_ROUTE, { learning: 1, outcome: 'none' })
  t.match(await s.state(BY_ROUTE), { learning: 0, inflight: 0, limit: -1 })
  t.same(await s.reserve(BY_ROUTE), ['go', 0, 1], 'the next one learns')
  await s.settle(BY_ROUTE, BY_ROUTE, { learning: 1, outcome: 'answer' })
  t.match(await s.state(BY_ROUTE), { limit: -1, learning: 0 }, 'an answer without figures (an HTML 429) teaches nothing')
})

t.test('an answer naming another hash moves the request to that bucket', redisTestOptions(), async (t) => {
  const s = await scripts(t)
  const now = await redisNow(s.redis)
  await s.set(H1, { limit: 5, remaining: 3, reset: now + 800, window: 1, inflight: 2, windowMs: 1000 })
  await s.set(H2, { limit: 5, remaining: 4, reset: now + 800, window: 7, inflight: 0, windowMs: 1000 })
  await s.settle(H1, H2, { window: 1, limit: 5, remaining: 2, resetAfter: 700, hash: 'h2' })
  t.match(await s.state(H1), { inflight: 1 }, 'the old bucket lets go of it')
  t.match(await s.state(H2), { remaining: 2, window: 7 }, 'the new one takes Discord\'s figures')
  t.equal(await s.redis.get(ROUTE), 'h2')
})

t.test('a bucket 429 blocks until the retry; one before the limit was learned makes the next request learn after it', redisTestOptions(), async (t) => {
  const s = await scripts(t)
  const now = await redisNow(s.redis)
  await s.reserve(BY_ROUTE)
  await s.settle(BY_ROUTE, BY_ROUTE, { learning: 1, outcome: 'answer', verdict: 'bucket', waitMs: 400 })
  const wait = await s.reserve(BY_ROUTE)
  t.equal(wait[0], 'poll')
  t.ok(Number(wait[1]) <= POLL_MS, 'polls until the 429 wait is over')
  t.ok((await s.state(BY_ROUTE))['learning'] as number >= now + 400)
  await s.set(H1, { limit: 5, remaining: 2, reset: now + 100, window: 1, inflight: 1, windowMs: 1000 })
  await s.settle(H1, H1, { window: 1, limit: 5, remaining: 0, resetAfter: 100, hash: 'h1', verdict: 'bucket', waitMs: 900 })
  const blocked = await s.state(H1)
  t.match(blocked, { remaining: 0, provisional: 0 })
  t.ok(blocked['reset'] as number >= now + 900)
})

t.test('a global 429 pauses every route of the identity, and expires', redisTestOptions(), async (t) => {
  const s = await scripts(t)
  await s.settle(H1, H1, { outcome: 'none', verdict: 'global', waitMs: 300 })
  const wait = await s.reserve(H2, 'h2')
  t.same([wait[0], wait[2]], ['wait', 1])
  t.ok(Number(wait[1]) > 250 && Number(wait[1]) <= 300)
  const pttl = await s.redis.pttl(GLOBAL)
  t.ok(pttl > 300 && pttl <= 1300, `the pause expires (${pttl} ms)`)
  await s.settle(H1, H1, { outcome: 'none', verdict: 'global', waitMs: 100 })
  t.ok(Number((await s.redis.hget(GLOBAL, 'paused'))) - (await redisNow(s.redis)) > 150, 'a shorter pause does not shorten a longer one')
})

t.test('the global limit: at most N requests in any window, counted from their answers, and fractional rates spread them out', redisTestOptions(), async (t) => {
  const s = await scripts(t)
  await s.settle(BY_ROUTE, BY_ROUTE, { learning: 1, outcome: 'unlimited' })
  for (const sent of ['a', 'b', 'c']) t.same(await s.reserve(BY_ROUTE, '', 3, sent), ['go', 0, 0])
  t.ok(await s.redis.pttl(WINDOW) > LEARN_MS, 'requests on their way hold the window as long as an attempt may last')
  t.same(await s.reserve(BY_ROUTE, '', 3), ['poll', POLL_MS], 'three on their way: their answers will say how long to wait')
  const answered = await redisNow(s.redis)
  for (const sent of ['a', 'b', 'c']) await s.settle(BY_ROUTE, BY_ROUTE, { outcome: 'unlimited', sent })
  const wait = await s.reserve(BY_ROUTE, '', 3)
  t.same([wait[0], wait[2]], ['wait', 1])
  t.ok(Number(wait[1]) > 950 && Number(wait[1]) <= 1000 + OFFSET, `until the oldest answer is a window old (${wait[1]} ms)`)
  t.ok(Number(await s.redis.zscore(WINDOW, 'a')) >= answered, 'the answer moved the request to when it came')
  await s.settle(BY_ROUTE, BY_ROUTE, { outcome: 'unlimited', sent: 'never-sent' })
  t.equal(await s.redis.zscore(WINDOW, 'never-sent'), null, 'an answer of a request no longer in the window does not enter it')
  await s.redis.del(WINDOW)
  t.same(await s.reserve(BY_ROUTE, '', 0.5, 'x'), ['go', 0, 0])
  await s.settle(BY_ROUTE, BY_ROUTE, { outcome: 'unlimited', sent: 'x' })
  const slow = await s.reserve(BY_ROUTE, '', 0.5)
  t.ok(Number(slow[1]) > 1950 && Number(slow[1]) <= 2000 + OFFSET, `half a request per second: one per two seconds (${slow[1]} ms)`)
  await s.redis.zadd(WINDOW, (await redisNow(s.redis)) - 2000 - OFFSET, 'x')
  t.same(await s.reserve(BY_ROUTE, '', 0.5), ['go', 0, 0], 'a request a whole window old no longer counts')
})
