import t from 'tap'
import { UsedStates } from '../../lib/login/used-states.js'
import { openRedis } from '../../lib/redis/open-redis.js'
import { redisTestOptions, startRedisServer } from '../helpers/redis-server.js'

function recordingLog (): { warnings: string[], log: any } {
  const warnings: string[] = []
  const log: any = { warn: (_fields: unknown, msg: string) => { warnings.push(msg) }, info () {}, debug () {}, error () {}, trace () {}, fatal () {}, child: () => log, level: 'info' }
  return { warnings, log }
}

t.test('without Redis a state is consumed once in this process', async (t) => {
  const states = new UsedStates({ max: 10 })
  t.equal(await states.consume('s1'), true)
  t.equal(await states.consume('s1'), false)
  t.equal(await states.consume('s2'), true)
  states.clear()
  t.equal(await states.consume('s1'), true, 'clear() forgets')
})

t.test('with Redis a state consumed on one instance is refused on another; keys are hashes that expire', redisTestOptions(), async (t) => {
  const server = await startRedisServer(t)
  const a = await openRedis(server.url, 'app:', recordingLog().log)
  const b = await openRedis(server.url, 'app:', recordingLog().log)
  t.teardown(async () => { await a.close(); await b.close() })
  const onA = new UsedStates({ redis: a })
  const onB = new UsedStates({ redis: b })
  const [first, second] = await Promise.all([onA.consume('the-state'), onB.consume('the-state')])
  t.same([first, second].sort(), [false, true], 'exactly one instance wins a race')
  t.equal(await onB.consume('the-state'), false)
  const keys = await a.client.eval("return redis.call('KEYS', 'app:state:*')", 0) as string[]
  t.equal(keys.length, 1)
  t.notMatch(keys[0], 'the-state', 'the key is a hash of the state')
  const pttl = await a.client.eval("return redis.call('PTTL', KEYS[1])", 1, keys[0]!) as number
  t.ok(pttl > 590_000 && pttl <= 600_000, 'and expires with the state')
})

t.test('Redis down: states fall back to this process, logged once', redisTestOptions(), async (t) => {
  const server = await startRedisServer(t)
  const { warnings, log } = recordingLog()
  const redis = await openRedis(server.url, 'app:', log)
  t.teardown(async () => { await redis.close() })
  const states = new UsedStates({ redis })
  await server.kill()
  t.equal(await states.consume('s1'), true)
  t.equal(await states.consume('s1'), false, 'still single use in this process')
  t.equal(await states.consume('s2'), true)
  t.equal(warnings.length, 1)
  t.match(warnings[0], 'single-use OAuth2 states are checked in this process only')
})
