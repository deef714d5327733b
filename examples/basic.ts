/**
 * The basic app: "Log in with Discord", a page that greets the user, and JSON routes that only
 * logged-in users reach.
 *
 * Run it (from the repository):  npx tsx --conditions=fastify-discord-source examples/basic.ts
 * (in your own app, with the package installed: npx tsx basic.ts)
 *
 * Without DISCORD_CLIENT_ID it starts the built-in fake Discord and prints both URLs: open the
 * app, log in, press Authorize on the fake's consent page. For the real Discord, set
 * DISCORD_CLIENT_ID, DISCORD_CLIENT_SECRET and DISCORD_REDIRECT_URI=http://localhost:3000/callback
 * (registered under OAuth2 → Redirects in the Developer Portal). PORT (default 3000; 0 = any
 * free port), HOST, LOG_LEVEL and SESSION_KEY (base64 of 32 bytes) are read too.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import discordAuth, { type DiscordPluginOptions } from 'fastify-discord'
import { escapeHtml, logoutForm, page } from './helpers/html.js'
import { runIfMain, type RunExampleOptions } from './helpers/run-example.js'

/** Options of the basic example's {@link build}. */
export interface BasicExampleOptions {
  /** Plugin options (credentials, endpoints, session key); `scope` is set by the example. */
  discord: DiscordPluginOptions
  /** @defaultValue `{}` */
  fastify?: FastifyServerOptions
}

/** Builds the basic example app (not listening). */
export async function build (options: BasicExampleOptions): Promise<FastifyInstance> {
  const fastify = Fastify(options.fastify)
  await fastify.register(discordAuth, { ...options.discord, scope: ['identify', 'guilds'] })

  fastify.get('/', async (request, reply) => {
    reply.type('text/html; charset=utf-8')
    if (!request.discord.authorized) {
      return page('Basic example', '<h1>Basic example</h1><p><a href="/login">Log in with Discord</a></p>')
    }
    const user = await request.discord.fetchUser()
    return page(`Hello ${user.displayName}`, `
      <h1><img src="${escapeHtml(user.avatarUrl)}" alt="" width="64" height="64"> Hello ${escapeHtml(user.displayName)}</h1>
      <p>See <a href="/me">/me</a> and <a href="/guilds">/guilds</a> (JSON).</p>
      ${logoutForm()}`)
  })

  // Logged out: browsers are sent to the login route (and come back here), API clients get 401.
  fastify.get('/me', { preHandler: fastify.discord.requireAuthorization }, async (request) => {
    const user = await request.discord.fetchUser()
    return { id: user.id, username: user.username, displayName: user.displayName, avatarUrl: user.avatarUrl }
  })

  fastify.get('/guilds', { preHandler: fastify.discord.requireAuthorization({ scopes: ['guilds'] }) }, async (request) => {
    const guilds = await request.discord.fetchGuilds()
    return guilds.map((guild) => ({ id: guild.id, name: guild.name, owner: guild.isOwner }))
  })

  return fastify
}

/** How the example runs on its own (`runExample(example)`), against the fake or the real Discord. */
export const example: RunExampleOptions = {
  name: 'Basic',
  build: async ({ discord, fastify }) => build({ discord, fastify })
}

await runIfMain(import.meta.url, example)
