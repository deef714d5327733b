import t from 'tap'
import { openRedis } from '../../lib/redis/open-redis.js'
import { SharedRevokedSessions } from '../../lib/tokens/shared-revoked-sessions.js'
import { redisTestOptions, startRedisServer } from '../helpers/redis-server.js'

const silent: any = { warn () {}, info () {}, debug () {}, error () {}, trace () {}, fatal () {}, child () { return silent }, level: 'silent' }
const HOUR = 3_600_000

/** Polls `check` every 20 ms for up to `ms` (ioredis reconnects with a backoff of up to 2 s). */
async function eventually (check: () => boolean, ms = 2000): Promise<boolean> {
  for (let i = 0; i < ms / 20; i++) {
    if (check()) return true
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return check()
}

t.test('a logout on one instance is known to the others, and to an instance that starts later', redisTestOptions(), async (t) => {
  const server = await startRedisServer(t)
  let now = 1_000_000
  const open = async (): Promise<SharedRevokedSessions> => {
    const redis = await openRedis(server.url, 'app:', silent)
    t.teardown(async () => { await redis.close() })
    const sessions = new SharedRevokedSessions({ redis, now: () => now, lifetime: HOUR, max: 3 })
    await sessions.start()
    return sessions
  }
  const [a, b] = [await open(), await open()]
  a.revoke('s1', now + HOUR)
  t.ok(a.isRevoked('s1'), 'at once where it happened')
  t.ok(await eventually(() => b.isRevoked('s1')), 'and on the other instance through Redis')
  t.notOk(b.isRevoked('s2'))
  const later = await open()
  t.ok(later.isRevoked('s1'), 'an instance that starts later reads the logouts made before')
  now += HOUR
  t.notOk(later.isRevoked('s1'), 'forgotten once every cookie copy has expired')
  const c = await open()
  t.notOk(c.isRevoked('s1'), 'and not loaded after that')
  for (const id of ['x1', 'x2', 'x3', 'x4']) a.revoke(id, now + HOUR)
  const d = await open()
  t.ok(await eventually(() => d.isRevoked('x4')))
  t.notOk(d.isRevoked('x1'), 'the shared set keeps the newest `max`')
  b.clear()
  t.notOk(b.isRevoked('x4'), 'clear() forgets this instance\'s copy')
})

t.test('messages that are not logouts are ignored', redisTestOptions(), async (t) => {
  const server = await startRedisServer(t)
  const redis = await openRedis(server.url, 'app:', silent)
  t.teardown(async () => { await redis.close() })
  const sessions = new SharedRevokedSessions({ redis, now: () => 1000, lifetime: HOUR })
  await sessions.start()
  for (const message of ['', 'nonsense', ' s1', '500 s2', 'NaN s3']) await redis.publish('test', 'revoked-sessions', message)
  await redis.publish('test', 'revoked-sessions', '5000 s4')
  t.ok(await eventually(() => sessions.isRevoked('s4')))
  for (const id of ['s1', 's2', 's3', '']) t.notOk(sessions.isRevoked(id))
})

t.test('Redis down: a logout is kept here; after the restart the subscription reads the set again', redisTestOptions(), async (t) => {
  const server = await startRedisServer(t)
  const warnings: string[] = []
  const log: any = { ...silent, warn: (_f: unknown, msg: string) => { warnings.push(msg) }, child: () => log }
  const redis = await openRedis(server.url, 'app:', log)
  t.teardown(async () => { await redis.close() })
  const sessions = new SharedRevokedSessions({ redis, now: () => 1000, lifetime: HOUR })
  await sessions.start()
  await server.kill()
  sessions.revoke('during-outage', 1000 + HOUR)
  t.ok(sessions.isRevoked('during-outage'))
  t.ok(await eventually(() => warnings.some((line) => line.includes('a logout is known to this instance only'))), 'the outage is logged')
  const starting = new SharedRevokedSessions({ redis, now: () => 1000, lifetime: HOUR })
  await t.resolves(starting.start(), 'an instance starting during the outage starts anyway')
  await server.restart()
  const other = await openRedis(server.url, 'app:', silent)
  t.teardown(async () => { await other.close() })
  const writer = new SharedRevokedSessions({ redis: other, now: () => 1000, lifetime: HOUR })
  writer.revoke('while-reconnecting', 1000 + HOUR)
  t.ok(await eventually(() => sessions.isRevoked('while-reconnecting'), 15_000), 'a logout made while this instance was cut off is read on reconnect')
})
