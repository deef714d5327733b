/**
 * Linked Roles: the page Discord's "Linked Roles Verification URL" points at. A user coming from
 * a server's Linked Roles menu logs in (with `role_connections.write`, which Discord only grants
 * without PKCE: the plugin leaves PKCE out for it), and the page writes their role connection;
 * servers then give roles by its metadata.
 *
 * Run it (from the repository):  npx tsx --conditions=fastify-discord-source examples/linked-roles.ts
 * (in your own app, with the package installed: npx tsx linked-roles.ts)
 *
 * Without DISCORD_CLIENT_ID it starts the built-in fake Discord. For the real Discord, set
 * DISCORD_CLIENT_ID, DISCORD_CLIENT_SECRET, DISCORD_BOT_TOKEN (to register the metadata) and
 * DISCORD_REDIRECT_URI=http://localhost:3000/callback, and set the application's Linked Roles
 * Verification URL to http://localhost:3000/linked-role in the Developer Portal.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import fastifyDiscord, { RoleConnectionMetadataType, type DiscordPluginOptions, type RoleConnectionMetadataRecord } from 'fastify-discord'
import { escapeHtml, page } from './helpers/html.js'
import { runIfMain, type RunExampleOptions } from './helpers/run-example.js'

/** What servers may require of a user's connection: registered once, with the bot token. */
export const METADATA: RoleConnectionMetadataRecord[] = [
  { type: RoleConnectionMetadataType.BooleanEqual, key: 'verified', name: 'Verified', description: 'Passed the verification on this site' },
  { type: RoleConnectionMetadataType.DatetimeLessThanOrEqual, key: 'verified_since', name: 'Verified for', description: 'Days since the verification' }
]

export interface LinkedRolesExampleOptions {
  discord: DiscordPluginOptions
  /** @defaultValue `{}` */
  fastify?: FastifyServerOptions
}

/** Builds the Linked Roles example app (not listening); the metadata is registered when it is ready. */
export async function build (options: LinkedRolesExampleOptions): Promise<FastifyInstance> {
  const app = Fastify(options.fastify)
  await app.register(fastifyDiscord, {
    ...options.discord,
    scope: ['identify', 'role_connections.write'],
    successRedirect: '/linked-role'
  })
  app.addHook('onReady', async () => {
    await app.discord.setRoleConnectionMetadata(METADATA)
  })

  // The Linked Roles Verification URL: a logged-out visitor goes through /login and back here.
  app.get('/linked-role', { preHandler: app.discord.requireAuthorization({ scopes: ['role_connections.write'] }) }, async (request, reply) => {
    const user = await request.discord.fetchUser()
    const current = await request.discord.fetchRoleConnection()
    const connection = await request.discord.updateRoleConnection({
      platformName: 'Example Site',
      platformUsername: user.username,
      metadata: {
        verified: true,
        // Kept from the first verification, so "verified for N days" grows.
        verified_since: current.metadata['verified_since'] ?? new Date()
      }
    })
    return reply.type('text/html; charset=utf-8').send(page('Verified', `
      <h1>You are verified, ${escapeHtml(user.displayName)}</h1>
      <p>Your connection to ${escapeHtml(connection.platformName ?? '')} is saved: servers can now give you their linked roles.</p>
      <p>Verified since ${escapeHtml(connection.metadata['verified_since'] ?? '')}.</p>
      <p>You can close this page and go back to Discord.</p>`))
  })

  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(page('Linked Roles', `
      <h1>Linked Roles</h1>
      <p>Discord sends users here from a server's Linked Roles menu.</p>
      <p><a href="/linked-role">Verify and link my account</a></p>`)))
  return app
}

/** How the example runs on its own (`runExample(example)`), against the fake or the real Discord. */
export const example: RunExampleOptions = {
  name: 'Linked Roles',
  build: async ({ discord, fastify }) => build({ discord, fastify })
}

await runIfMain(import.meta.url, example)
