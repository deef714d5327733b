/**
 * A page only for members of one Discord server, optionally only for those with a role, gated
 * by `app.discord.requireAuthorization({ guild, roles })` (which reads the member, cached, with
 * the scope `guilds.members.read`). An error handler turns the guard's `Forbidden` into pages.
 *
 * Run it (from the repository):  npx tsx --conditions=fastify-discord-source examples/guild-gated.ts
 * (in your own app, with the package installed: npx tsx guild-gated.ts)
 *
 * Without DISCORD_CLIENT_ID it starts the built-in fake Discord with a "Members Club" server in
 * which the seeded user (nelly) has the Member role, and prints both URLs. For the real Discord,
 * set DISCORD_CLIENT_ID, DISCORD_CLIENT_SECRET, DISCORD_REDIRECT_URI=http://localhost:3000/callback
 * (registered in the Developer Portal), GUILD_ID and optionally ROLE_ID.
 * PORT (default 3000; 0 = any free port), HOST, LOG_LEVEL and SESSION_KEY (base64 of 32 bytes) are read too.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify'
import fastifyDiscord, { ErrorCodes, Forbidden, type DiscordPluginOptions } from 'fastify-discord'
import { fakeGuild, type FakeDiscord } from 'fastify-discord/testing'
import { escapeHtml, logoutForm, page } from './helpers/html.js'
import { runIfMain, type RunExampleOptions } from './helpers/run-example.js'

/** Options of the guild-gated example's {@link build}. */
export interface GuildGatedExampleOptions {
  /** Plugin options; `scope` is set by the example. */
  discord: DiscordPluginOptions
  /** The server whose members may see the page. */
  guildId: string
  /** A role the member must also have. @defaultValue `null` (membership is enough) */
  roleId?: string | null
  /** @defaultValue `{}` */
  fastify?: FastifyServerOptions
}

/** Builds the guild-gated example app (not listening). */
export async function build (options: GuildGatedExampleOptions): Promise<FastifyInstance> {
  const { guildId, roleId = null } = options
  const app = Fastify(options.fastify)
  await app.register(fastifyDiscord, { ...options.discord, scope: ['identify', 'guilds.members.read'] })

  app.get('/', async (request, reply) => {
    return html(reply, 200, 'Members club', `
      <h1>Members club</h1>
      <p><a href="/club">Enter the club</a> (members${roleId === null ? '' : ' with the role'} only)</p>
      ${request.discord.authorized ? logoutForm() : ''}`)
  })

  // The guard's refusals are Forbidden (403) errors whose code says why: this app answers them
  // with a page; anything else goes on to Fastify's default handler.
  app.setErrorHandler(async (err, _request, reply) => {
    if (!(err instanceof Forbidden)) throw err
    const why = err.code === ErrorCodes.NOT_GUILD_MEMBER
      ? 'Join the server first, then come back.'
      : 'This page needs a role you do not have yet.'
    return html(reply, 403, 'Members only', `<h1>Members only</h1><p>${why}</p>${logoutForm()}`)
  })

  // Logged-out browsers go to the login route and come back to /club; members without the
  // role, and non-members, get the pages above.
  const club = app.discord.requireAuthorization(roleId === null ? { guild: guildId } : { guild: guildId, roles: [roleId] })
  app.get('/club', { preHandler: club }, async (request, reply) => {
    // The guard fetched the member; this comes from the users cache, not from Discord.
    const member = await request.discord.fetchGuildMember(guildId)
    const since = member.joinedAt === null ? '' : ` since ${member.joinedAt.toISOString().slice(0, 10)}`
    return html(reply, 200, 'The club', `
      <h1>Welcome to the club, ${escapeHtml(member.displayName ?? 'member')}</h1>
      <p>Member${escapeHtml(since)}.</p>
      ${logoutForm()}`)
  })

  return app
}

function html (reply: FastifyReply, status: number, title: string, body: string): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(page(title, body))
}

/**
 * Adds the example's server to a fake Discord: the seeded user "nelly" has its Member role,
 * "oldtimer" is a member without it. Returns the ids to gate on.
 */
export function addExampleGuild (fake: FakeDiscord): { guildId: string, roleId: string } {
  const guildId = '1170000000000000001'
  const roleId = '1170000000000000002'
  fake.addGuild(fakeGuild({ id: guildId, name: 'Members Club', owner_id: fake.seedUsers.legacy }), {
    [fake.seedUsers.migrated]: { roles: [roleId] },
    [fake.seedUsers.legacy]: { owner: true }
  })
  return { guildId, roleId }
}

/** The server (GUILD_ID) and optional role (ROLE_ID) to gate on, against the real Discord. */
function gateFromEnv (env: NodeJS.ProcessEnv): { guildId: string, roleId: string | null } {
  const guildId = env['GUILD_ID']
  if (guildId === undefined || !/^[0-9]{17,20}$/.test(guildId)) throw new TypeError('set GUILD_ID to the id of the server to gate on')
  const roleId = env['ROLE_ID']
  return { guildId, roleId: roleId === undefined || roleId === '' ? null : roleId }
}

/** How the example runs on its own (`runExample(example)`), against the fake or the real Discord. */
export const example: RunExampleOptions = {
  name: 'Guild-gated',
  build: async ({ discord, fake, env, fastify }) => {
    const gate = fake === null ? gateFromEnv(env) : addExampleGuild(fake)
    return build({ discord, ...gate, fastify })
  }
}

await runIfMain(import.meta.url, example)
