import { Redis } from 'ioredis'
import t from 'tap'
import { RedisScript } from '../../lib/redis/redis-script.js'
import { RedisUnavailable, SharedRedis } from '../../lib/redis/shared-redis.js'
import { openRedis } from '../../lib/redis/open-redis.js'
import { redisTestOptions, startRedisServer } from '../helpers/redis-server.js'

function recordingLog (): { lines: Array<{ level: string, fields: Record<string, unknown>, msg: string }>, log: any } {
  const lines: Array<{ level: string, fields: Record<string, unknown>, msg: string }> = []
  const at = (level: string) => (fields: Record<string, unknown>, msg: string) => { lines.push({ level, fields, msg }) }
  const log = { warn: at('warn'), info: at('info'), debug: at('debug'), error: at('error'), trace: at('trace'), fatal: at('fatal'), child: () => log, level: 'info' }
  return { lines, log }
}

t.test('a script runs by its hash and loads itself into a server that lost it', redisTestOptions(), async (t) => {
  const server = await startRedisServer(t)
  const client = new Redis(server.url)
  t.teardown(() => { client.disconnect() })
  const script = new RedisScript("return redis.call('INCR', KEYS[1]) + tonumber(ARGV[1])")
  t.equal(await script.run(client, ['k'], [10]), 11)
  await client.script('FLUSH')
  t.equal(await script.run(client, ['k'], [10]), 12, 'NOSCRIPT: loaded again with EVAL')
})

t.test('an outage logs once per consequence, calls fail fast while down, and the recovery is logged once', redisTestOptions(), async (t) => {
  const server = await startRedisServer(t)
  const { lines, log } = recordingLog()
  const shared = await openRedis(server.url, 'test:', log)
  t.teardown(async () => { await shared.close() })
  t.equal(await shared.call('x falls back', async (c) => await c.set(shared.key('a'), '1', 'PX', 10_000)), 'OK')
  t.equal(shared.key('a', 'b'), 'test:a:b')
  await server.kill()
  for (let i = 0; i < 5; i++) {
    await t.rejects(shared.call('x falls back', async (c) => await c.get('test:a')), RedisUnavailable)
  }
  await t.rejects(shared.call('y answers 503', async (c) => await c.get('test:a')), RedisUnavailable)
  t.ok(shared.down)
  const warnings = lines.filter((line) => line.level === 'warn')
  t.same(warnings.map((line) => line.msg), ['fastify-discord: Redis unavailable: x falls back', 'fastify-discord: Redis unavailable: y answers 503'])
  t.equal(warnings[0]?.fields['redisOutage'], true)
  await server.restart()
  for (let i = 0; i < 100; i++) {
    try {
      await shared.call('x falls back', async (c) => await c.get('test:a'))
      break
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  t.notOk(shared.down)
  t.equal(lines.filter((line) => line.msg.includes('available again')).length, 1)
})

t.test('a slow Redis counts as down after the timeout', redisTestOptions(), async (t) => {
  const server = await startRedisServer(t)
  const client = new Redis(server.url)
  const admin = new Redis(server.url)
  t.teardown(() => { client.disconnect(); admin.disconnect() })
  const { log } = recordingLog()
  const shared = new SharedRedis({ client, owned: false, prefix: 'p:', timeout: 100, log })
  await client.ping()
  await admin.call('CLIENT', 'PAUSE', '500', 'ALL')
  const started = Date.now()
  await t.rejects(shared.call('slow', async (c) => await c.get('p:x')), RedisUnavailable)
  t.ok(Date.now() - started < 400, 'bounded by the timeout')
  await shared.close()
  t.equal(client.status, 'ready', 'a client of the app is left open')
})

t.test('a Lua error is a bug and surfaces as it is', redisTestOptions(), async (t) => {
  const server = await startRedisServer(t)
  const { log } = recordingLog()
  const shared = await openRedis(server.url, 'p:', log)
  t.teardown(async () => { await shared.close() })
  await t.rejects(shared.script('x', new RedisScript('return redis.call("NOPE")'), []), /ERR/)
  t.notOk(shared.down)
})

t.test('pub/sub reaches every subscriber, and a lost subscription reports its reconnect', redisTestOptions(), async (t) => {
  const server = await startRedisServer(t)
  const { log } = recordingLog()
  const a = await openRedis(server.url, 'p:', log)
  const b = await openRedis(server.url, 'p:', log)
  t.teardown(async () => { await a.close(); await b.close() })
  const got: string[] = []
  await b.subscribe('chan', (message) => { got.push(message) })
  const reconnects: number[] = []
  b.onReconnect(() => { reconnects.push(Date.now()) })
  t.ok(await a.publish('x', 'chan', 'hello'))
  for (let i = 0; i < 50 && got.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10))
  t.same(got, ['hello'])
  await server.restart()
  for (let i = 0; i < 200 && reconnects.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 25))
  t.equal(reconnects.length, 1)
})
