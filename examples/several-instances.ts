/**
 * Several instances of one app sharing a Redis: log in on one, be logged in on the other; a
 * user fetched by one is served from the cache by the other; token refreshes, single-use login
 * states and Discord's rate limits hold across both. Here the two instances run in one process on
 * two ports; in production each is its own process (or machine) behind a load balancer, with the
 * same `redis` and the same session key.
 *
 * Start a Redis first (Debian: apt-get install redis-server), e.g. one that keeps nothing on disk:
 *   redis-server --port 6379 --save '' --appendonly no
 * Run it (from the repository):  npx tsx --conditions=fastify-discord-source examples/several-instances.ts
 * (in your own app, with the package and ioredis installed: npx tsx several-instances.ts)
 *
 * REDIS_URL (default redis://127.0.0.1:6379), PORT (instance A, default 3000; 0 = any free
 * port), PORT_B (instance B, default PORT + 1), HOST, LOG_LEVEL and SESSION_KEY (base64 of 32
 * bytes) are read. Without DISCORD_CLIENT_ID it starts the built-in fake Discord; for the real
 * Discord set DISCORD_CLIENT_ID, DISCORD_CLIENT_SECRET and DISCORD_REDIRECT_URI (instance A's
 * http://localhost:3000/callback).
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import discordAuth, { type DiscordPluginOptions } from 'fastify-discord'
import { escapeHtml, logoutForm, page } from './helpers/html.js'
import { isMain, runExample, type RunningExample } from './helpers/run-example.js'

/** Options of {@link build}. */
export interface InstanceOptions {
  /** Plugin options (credentials, endpoints, session key): the same for every instance. */
  discord: DiscordPluginOptions
  /** The Redis every instance shares, e.g. `redis://127.0.0.1:6379`. */
  redis: string
  /** Shown on the pages, to see which instance answered. */
  name: string
  /** The other instance's base URL, linked from the pages. */
  other?: string
  fastify?: FastifyServerOptions
}

/** Builds one instance (not listening). */
export async function build (options: InstanceOptions): Promise<FastifyInstance> {
  const fastify = Fastify(options.fastify)
  // Token sets stay server-side in Redis, sealed with the session key; the cookie names them.
  await fastify.register(discordAuth, { ...options.discord, redis: options.redis, tokenStore: 'redis' })
  const name = escapeHtml(options.name)
  const other = options.other === undefined ? '' : `<p>Open <a href="${escapeHtml(options.other)}/">the other instance</a>: you are logged in there too.</p>`

  fastify.get('/', async (request, reply) => {
    reply.type('text/html; charset=utf-8')
    if (!request.discord.authorized) {
      return page(`Instance ${name}`, `<h1>Instance ${name}</h1><p><a href="/login">Log in with Discord</a></p>${other}`)
    }
    const user = await request.discord.fetchUser()
    return page(`Instance ${name}`, `<h1>Hello, ${escapeHtml(user.displayName)}!</h1><p>Served by instance ${name}.</p>${other}${logoutForm()}`)
  })

  fastify.get('/me', { preHandler: fastify.discord.requireAuthorization }, async (request) => {
    const user = await request.discord.fetchUser()
    return { instance: options.name, id: user.id, displayName: user.displayName }
  })

  return fastify
}

/** Both instances, as {@link runSeveralInstances} starts them. */
export interface RunningInstances {
  a: RunningExample
  b: { app: FastifyInstance, url: string }
  close (): Promise<void>
}

/**
 * Starts instance A (and the fake Discord, unless DISCORD_CLIENT_ID is set) like every example,
 * then instance B with the same plugin options, hence the same session key and Discord.
 */
export async function runSeveralInstances (env: NodeJS.ProcessEnv = process.env, print: (line: string) => void = console.log): Promise<RunningInstances> {
  const redis = env['REDIS_URL'] === undefined || env['REDIS_URL'] === '' ? 'redis://127.0.0.1:6379' : env['REDIS_URL']
  const portA = env['PORT'] === undefined || env['PORT'] === '' ? 3000 : Number(env['PORT'])
  const portB = env['PORT_B'] !== undefined && env['PORT_B'] !== '' ? Number(env['PORT_B']) : portA === 0 ? 0 : portA + 1
  const host = env['HOST'] === undefined || env['HOST'] === '' ? 'localhost' : env['HOST']
  const fastify = { logger: { level: env['LOG_LEVEL'] === undefined || env['LOG_LEVEL'] === '' ? 'info' : env['LOG_LEVEL'] } }
  const a = await runExample({
    name: 'Several instances: A',
    // With PORT_B picked by the system, B's URL is known only once it listens: A cannot link it.
    build: async ({ discord }) => await build({ discord, redis, name: 'A', fastify, ...(portB === 0 ? {} : { other: `http://localhost:${portB}` }) }),
    env,
    print,
    command: 'npx tsx --conditions=fastify-discord-source examples/several-instances.ts'
  })
  let b: FastifyInstance | undefined
  try {
    b = await build({ discord: a.discord, redis, name: 'B', other: a.url, fastify })
    await b.listen({ port: portB, host })
  } catch (err) {
    await b?.close()
    await a.close()
    throw err
  }
  const urlB = `http://localhost:${(b.server.address() as { port: number }).port}`
  print(`  Several instances: B example: ${urlB}/`)
  print(`  Redis:        ${redis}`)
  print('')
  const running = b
  return {
    a,
    b: { app: running, url: urlB },
    close: async () => {
      await running.close()
      await a.close()
    }
  }
}

if (isMain(import.meta.url)) {
  // Reached only in a started script, which test/examples/several-instances.test.ts runs uninstrumented.
  /* c8 ignore start */
  const running = await runSeveralInstances()
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      running.close().then(() => process.exit(0), () => process.exit(1))
    })
  }
  /* c8 ignore stop */
}
