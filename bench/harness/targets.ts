/** The servers the harness compares. Each runs in its own child process. */
export interface Target {
  id: 'A' | 'B' | 'C' | 'D' | 'E' | 'N' | 'P' | 'R'
  /** Short description for the report. */
  title: string
  /** Entry under bench/servers/. */
  server: string
  /** The measured route. */
  path: string
  env?: Record<string, string>
  /** Needs a redis-server: the harness starts one for the run and gives its URL as `BENCH_REDIS_URL`. */
  redis?: true
  /** Measurement 1 (authorized `GET /me`) or 2 (a route that never touches `request.discord`). */
  group: 'authorized' | 'untouched'
}

export const TARGETS: readonly Target[] = [
  { id: 'A', title: 'bare Fastify, constant (ceiling)', server: 'a-bare.ts', path: '/me', group: 'authorized' },
  { id: 'B', title: 'Fastify + @fastify/secure-session + Map', server: 'b-secure-session.ts', path: '/me', group: 'authorized' },
  { id: 'C', title: 'fastify-discord: requireAuthorization + fetchUser() from cache', server: 'c-fastify-discord.ts', path: '/me', group: 'authorized' },
  { id: 'D', title: '@fastify/passport + passport-discord on secure-session', server: 'd-fastify-passport.ts', path: '/me', group: 'authorized' },
  { id: 'E', title: 'Express + express-session + passport + passport-discord', server: 'e-express-passport.ts', path: '/me', group: 'authorized' },
  { id: 'R', title: 'fastify-discord with `redis`: the users cache shared through Redis, fetchUser() from its first level', server: 'r-fastify-discord-redis.ts', path: '/me', group: 'authorized', redis: true },
  { id: 'N', title: 'Fastify without fastify-discord, route not touching request.discord', server: 'untouched.ts', path: '/plain', group: 'untouched' },
  { id: 'P', title: 'Fastify with fastify-discord, route not touching request.discord', server: 'untouched.ts', path: '/plain', env: { BENCH_WITH_PLUGIN: '1' }, group: 'untouched' }
]

/** A ratio the issue sets a target for, `numerator / denominator >= min`. */
export interface RatioGoal {
  numerator: Target['id']
  denominator: Target['id']
  min: number | null
  why: string
}

export const RATIO_GOALS: readonly RatioGoal[] = [
  { numerator: 'C', denominator: 'B', min: 0.95, why: 'the session cookie must be read anyway' },
  { numerator: 'C', denominator: 'D', min: 1.05, why: 'ahead of what Fastify users pick today' },
  { numerator: 'C', denominator: 'E', min: 6, why: 'against the usual Express tutorial stack' },
  { numerator: 'D', denominator: 'B', min: null, why: 'for reference' },
  { numerator: 'E', denominator: 'B', min: null, why: 'for reference' },
  { numerator: 'R', denominator: 'C', min: 0.9, why: 'sharing the users cache through Redis keeps the hot path off the network' },
  { numerator: 'P', denominator: 'N', min: 0.98, why: 'routes that never read the session pay nothing measurable' }
]
