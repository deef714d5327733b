/**
 * Users cache micro-benchmark (issue 5):
 * 1. the cost of a cached `fetchUser()` (what `request.discord.fetchUser()` does on a hit),
 *    against a bare `Map` lookup in the same run;
 * 2. the heap held by a full default cache of 100,000 users at `max: 100000`.
 *
 * Run: `node --expose-gc --import tsx --conditions=fastify-discord-source bench/users-cache.bench.ts`
 * (without --expose-gc it re-runs itself with it). `USERS_CACHE_BENCH_USERS` changes the 100,000.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { APIConnection, APIUser, RESTAPIPartialCurrentUserGuild } from 'discord-api-types/v10'
import { Redis } from 'ioredis'
import { USERS_CACHE_FIRST_LEVEL_TTL } from '../lib/cache/cache-defaults.js'
import { openUsersCache } from '../lib/cache/open-users-cache.js'
import { createUsersCache } from '../lib/cache/users-cache.js'
import { openRedis } from '../lib/redis/open-redis.js'
import { fetchConnections } from '../lib/resources/fetch-connections.js'
import { fetchGuilds } from '../lib/resources/fetch-guilds.js'
import { fetchUser } from '../lib/resources/fetch-user.js'
import type { ResourceContext, ResourceSession } from '../lib/resources/resource-types.js'
import type { TokenSet } from '../lib/contracts/token-set.js'
import { redisServerPath, startRedisServer } from '../test/helpers/redis-server.js'

const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) {
  const child = spawnSync(process.execPath, ['--expose-gc', ...process.execArgv, fileURLToPath(import.meta.url)], { stdio: 'inherit' })
  process.exit(child.status ?? 1)
}
const collect = gc as () => void

const USERS = Number(process.env.USERS_CACHE_BENCH_USERS ?? 100_000)
const ROUND_MS = 1000
const ROUNDS = 5
const MiB = 1024 * 1024

function profile (id: string): APIUser {
  // JSON.parse gives objects shaped like the ones the REST client hands to the cache.
  return JSON.parse(JSON.stringify({
    id,
    username: `user_${id.slice(-6)}`,
    discriminator: '0',
    global_name: `User ${id.slice(-6)}`,
    avatar: `a_${id.padStart(32, '0').slice(-32)}`,
    banner: null,
    accent_color: null,
    locale: 'en-US',
    mfa_enabled: true,
    premium_type: 0,
    flags: 0,
    public_flags: 0
  })) as APIUser
}

function guilds (n: number): RESTAPIPartialCurrentUserGuild[] {
  return Array.from({ length: n }, (_, i) => ({
    id: String(700000000000000000n + BigInt(i)),
    name: `Guild ${i}`,
    icon: 'f64c482b807da4f539cff778d174971c',
    banner: null,
    owner: i === 0,
    features: ['COMMUNITY'],
    permissions: '2248473465835073'
  }) as RESTAPIPartialCurrentUserGuild)
}

const CONNECTIONS: APIConnection[] = JSON.parse(JSON.stringify([
  { id: '583231', name: 'gh', type: 'github', verified: true, friend_sync: false, show_activity: true, two_way_link: false, visibility: 1 },
  { id: '7788', name: 'tw', type: 'twitch', verified: true, friend_sync: false, show_activity: true, two_way_link: false, visibility: 0 }
])) as APIConnection[]

/** `atHand`: the token is in the cookie, as by default (the synchronous path); else as with a token store. */
function session (userId: string, scopes: string[], counter: { calls: number }, atHand = true): ResourceSession {
  const token: TokenSet = { accessToken: 'bench', refreshToken: null, tokenType: 'Bearer', expiresAt: Number.MAX_SAFE_INTEGER, scopes }
  return {
    ...(atHand ? { tokenAtHand: () => token } : {}),
    userId,
    authorized: true,
    scopes,
    async request<ResultType> (route: string): Promise<ResultType> {
      counter.calls++
      if (route === '/users/@me') return profile(userId) as ResultType
      if (route === '/users/@me/guilds') return guilds(20) as ResultType
      return CONNECTIONS as ResultType
    },
    // A usable token: cached fetches check for one before serving the cache.
    async getAuthorizationToken () { return token }
  }
}

/** Runs `fn` in a loop for ROUND_MS and returns operations per second. */
async function opsPerSecond (fn: () => Promise<unknown>): Promise<number> {
  let ops = 0
  const start = performance.now()
  let now = start
  while (now - start < ROUND_MS) {
    for (let i = 0; i < 1000; i++) await fn()
    ops += 1000
    now = performance.now()
  }
  return ops / ((now - start) / 1000)
}

function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

function fmt (n: number): string {
  return Math.round(n).toLocaleString('en-US')
}

// 1. Cached fetchUser path.
const ctx: ResourceContext = {
  cache: createUsersCache({ max: 100_000 }),
  cdnBaseUrl: 'https://cdn.discordapp.com',
  applicationId: '1000000000000000000',
  async botRequest () { throw new Error('no bot in this benchmark') }
}
const counter = { calls: 0 }
const identifyOnly = session('80351110224678912', ['identify'], counter)
const full = session('80351110224678912', ['identify', 'guilds', 'connections'], counter)
const viaTokenStore = session('80351110224678912', ['identify'], counter, false)
await fetchUser(full, ctx)
await fetchGuilds(full, ctx)
await fetchConnections(full, ctx)
const primedCalls = counter.calls

// The same with `redis`: the users cache shared through a real redis-server, whose first level
// must answer a cached fetchUser() as the process-local cache does, without a Redis command.
const silent: any = { warn () {}, info () {}, debug () {}, error () {}, trace () {}, fatal () {}, child () { return silent }, level: 'silent' }
const redisServer = redisServerPath() === null ? null : await startRedisServer()
const sharedRedis = redisServer === null ? null : await openRedis(redisServer.url, 'bench:', silent)
const sharedCtx: ResourceContext | null = sharedRedis === null ? null : { ...ctx, cache: await openUsersCache({ max: 100_000 }, sharedRedis) }
if (sharedCtx !== null) await fetchUser(identifyOnly, sharedCtx)
const sharedPrimedCalls = counter.calls
const commandsProcessed = async (): Promise<number> => {
  if (redisServer === null) return 0
  // No ready check: it would be a command of its own.
  const client = new Redis(redisServer.url, { enableReadyCheck: false })
  const info = await client.info('stats')
  client.disconnect()
  return Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? 0)
}
const commandsBefore = await commandsProcessed()

const bare = new Map<string, APIUser>([['80351110224678912', profile('80351110224678912')]])
const cases: Array<[string, () => Promise<unknown>]> = [
  ['bare Map lookup (await Promise.resolve(map.get(id)))', async () => await Promise.resolve(bare.get('80351110224678912'))],
  ['fetchUser() from cache, scope identify', async () => await fetchUser(identifyOnly, ctx)],
  ['fetchUser() from cache, + guilds, connections scopes', async () => await fetchUser(full, ctx)],
  ...(sharedCtx === null
    ? []
    : [['fetchUser() from cache, scope identify, with `redis` (first level of the shared cache)', async () => await fetchUser(identifyOnly, sharedCtx)] as [string, () => Promise<unknown>]]),
  ['fetchUser() from cache, token not at hand (token store: asynchronous path)', async () => await fetchUser(viaTokenStore, ctx)],
  ['fetchUser() from cache, then .displayName + .avatarUrl', async () => {
    const user = await fetchUser(identifyOnly, ctx)
    return user.displayName + user.avatarUrl
  }]
]
const samples = cases.map(() => [] as number[])
for (let round = 0; round < ROUNDS; round++) {
  for (const [i, [, fn]] of cases.entries()) samples[i]?.push(await opsPerSecond(fn))
}
if (counter.calls !== sharedPrimedCalls || sharedPrimedCalls - primedCalls > 1) throw new Error(`the cached path called Discord ${counter.calls - primedCalls} times`)
// INFO itself is one command.
const redisCommands = (await commandsProcessed()) - commandsBefore - 1
await sharedRedis?.close()
await redisServer?.kill()

const baseline = median(samples[0] ?? [])
console.log(`users cache — cached fetchUser() path (${ROUNDS} interleaved rounds of ${ROUND_MS} ms, median; Node ${process.version})`)
console.log('| case | ops/s | ns/op | × bare Map |')
console.log('|---|---:|---:|---:|')
for (const [i, [name]] of cases.entries()) {
  const ops = median(samples[i] ?? [])
  console.log(`| ${name} | ${fmt(ops)} | ${fmt(1e9 / ops)} | ${(baseline / ops).toFixed(1)} |`)
}
if (redisServer === null) console.log('(no redis-server installed: the case with `redis` was skipped)')
// A first-level copy lives at most USERS_CACHE_FIRST_LEVEL_TTL while Redis answers: a run longer
// than that re-reads the entry once.
else console.log(`Redis commands during all the cached fetchUser() calls above (the first level re-reads an entry after ${USERS_CACHE_FIRST_LEVEL_TTL / 1000} s): ${redisCommands}`)

// 2. Heap of a full cache.
async function heapOf (label: string, fill: (cache: ReturnType<typeof createUsersCache>, id: string) => Promise<void>): Promise<void> {
  collect()
  const before = process.memoryUsage().heapUsed
  const cache = createUsersCache({ max: USERS })
  for (let i = 0; i < USERS; i++) await fill(cache, String(100000000000000000n + BigInt(i)))
  collect()
  const after = process.memoryUsage().heapUsed
  const held = after - before
  console.log(`| ${label} | ${fmt(USERS)} | ${(held / MiB).toFixed(1)} MiB | ${fmt(held / USERS)} B |`)
  // Keep the cache alive until measured.
  if ((await cache.get('100000000000000000', 'user')) === undefined) throw new Error('the cache lost its first user')
}

console.log('')
console.log(`users cache — heap held by a full cache at max: ${fmt(USERS)} (heapUsed after gc, minus before)`)
console.log('| content per user | users | heap | per user |')
console.log('|---|---:|---:|---:|')
await heapOf('profile (GET /users/@me payload)', async (cache, id) => { await cache.set(id, 'user', profile(id)) })
await heapOf('profile + 5 guilds + 2 connections', async (cache, id) => {
  await cache.set(id, 'user', profile(id))
  await cache.set(id, 'guilds', JSON.parse(JSON.stringify(guilds(5))))
  await cache.set(id, 'connections', JSON.parse(JSON.stringify(CONNECTIONS)))
})
