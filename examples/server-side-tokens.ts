/**
 * Server-side token storage: the OAuth2 tokens stay on the server and the session cookie holds
 * only an opaque id. `MapTokenStore` below is written against the `TokenStore` interface the
 * way a Redis or database store would be (the Redis call each method maps to is noted); the
 * package also ships `MemoryTokenStore` for tests and single-process apps.
 *
 * Run it (from the repository):  npx tsx --conditions=fastify-discord-source examples/server-side-tokens.ts
 * (in your own app, with the package installed: npx tsx server-side-tokens.ts)
 *
 * Without DISCORD_CLIENT_ID it starts the built-in fake Discord and prints both URLs. For the
 * real Discord, set DISCORD_CLIENT_ID, DISCORD_CLIENT_SECRET and
 * DISCORD_REDIRECT_URI=http://localhost:3000/callback (registered in the Developer Portal).
 * PORT (default 3000; 0 = any free port), HOST, LOG_LEVEL and SESSION_KEY (base64 of 32 bytes) are read too.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import fastifyDiscord, { type DiscordPluginOptions, type TokenSet, type TokenStore } from 'fastify-discord'
import { escapeHtml, logoutForm, page } from './helpers/html.js'
import { runIfMain, type RunExampleOptions } from './helpers/run-example.js'

/** Options of {@link MapTokenStore}. */
export interface MapTokenStoreOptions {
  /** How long a token set is kept after its last write, ms. @defaultValue 30 days */
  ttl?: number
  /** Clock, ms since the epoch. @defaultValue `Date.now` */
  now?: () => number
}

/**
 * A {@link TokenStore} over a `Map`, shaped like one over Redis: values are JSON strings under
 * prefixed keys, and each entry expires (Redis: `PX`) so abandoned sessions do not pile up.
 */
export class MapTokenStore implements TokenStore {
  readonly #entries = new Map<string, { json: string, expiresAt: number }>()
  readonly #ttl: number
  readonly #now: () => number

  constructor (options: MapTokenStoreOptions = {}) {
    this.#ttl = options.ttl ?? 30 * 24 * 60 * 60 * 1000
    this.#now = options.now ?? Date.now
  }

  /** Number of entries, expired ones included until they are read. */
  get size (): number {
    return this.#entries.size
  }

  /** Redis: `GET discord:tokens:<id>`. */
  async get (id: string): Promise<TokenSet | undefined> {
    const key = `discord:tokens:${id}`
    const entry = this.#entries.get(key)
    if (entry === undefined) return undefined
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key)
      return undefined
    }
    return JSON.parse(entry.json) as TokenSet
  }

  /** Redis: `SET discord:tokens:<id> <json> PX <ttl>`. */
  async set (id: string, tokens: TokenSet): Promise<void> {
    this.#entries.set(`discord:tokens:${id}`, { json: JSON.stringify(tokens), expiresAt: this.#now() + this.#ttl })
  }

  /** Redis: `DEL discord:tokens:<id>`. */
  async delete (id: string): Promise<void> {
    this.#entries.delete(`discord:tokens:${id}`)
  }
}

/** Options of the server-side-tokens example's {@link build}. */
export interface ServerSideTokensExampleOptions {
  /** Plugin options; `scope` and `tokenStore` are set by the example. */
  discord: DiscordPluginOptions
  /** Where the tokens live. @defaultValue a new {@link MapTokenStore} */
  tokenStore?: TokenStore
  /** @defaultValue `{}` */
  fastify?: FastifyServerOptions
}

/** Builds the server-side-tokens example app (not listening). */
export async function build (options: ServerSideTokensExampleOptions): Promise<FastifyInstance> {
  const app = Fastify(options.fastify)
  await app.register(fastifyDiscord, {
    ...options.discord,
    scope: ['identify'],
    tokenStore: options.tokenStore ?? new MapTokenStore()
  })

  app.get('/', async (request, reply) => {
    reply.type('text/html; charset=utf-8')
    if (!request.discord.authorized) {
      return page('Server-side tokens', '<h1>Server-side tokens</h1><p><a href="/login">Log in with Discord</a></p>')
    }
    const user = await request.discord.fetchUser()
    return page(`Hello ${user.displayName}`, `
      <h1>Hello ${escapeHtml(user.displayName)}</h1>
      <p>Your Discord tokens are kept on the server; your cookie holds only an id that points to them.
      Logging out deletes them there too.</p>
      ${logoutForm()}`)
  })

  app.get('/me', { preHandler: app.discord.requireAuthorization }, async (request) => {
    const user = await request.discord.fetchUser()
    return { id: user.id, username: user.username, displayName: user.displayName }
  })

  return app
}

/** How the example runs on its own (`runExample(example)`), against the fake or the real Discord. */
export const example: RunExampleOptions = {
  name: 'Server-side tokens',
  build: async ({ discord, fastify }) => build({ discord, fastify })
}

await runIfMain(import.meta.url, example)
