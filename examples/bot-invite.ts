/**
 * A bot-invite flow: the user adds the application's bot to one of their servers, with the
 * permissions the bot needs, optionally with the server chosen in advance.
 *
 * Run it (from the repository):  npx tsx --conditions=fastify-discord-source examples/bot-invite.ts
 * (in your own app, with the package installed: npx tsx bot-invite.ts)
 *
 * Without DISCORD_CLIENT_ID it starts the built-in fake Discord and prints both URLs. For the
 * real Discord, set DISCORD_CLIENT_ID, DISCORD_CLIENT_SECRET, DISCORD_BOT_TOKEN and
 * DISCORD_REDIRECT_URI=http://localhost:3000/callback (registered in the Developer Portal).
 * PORT (default 3000; 0 = any free port), HOST, LOG_LEVEL and SESSION_KEY (base64 of 32 bytes) are read too.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { PermissionFlagsBits } from 'discord-api-types/v10'
import fastifyDiscord, { AccessDenied, type DiscordPluginOptions } from 'fastify-discord'
import { escapeHtml, page } from './helpers/html.js'
import { runIfMain, type RunExampleOptions } from './helpers/run-example.js'

/** What the bot asks for in the servers it joins. */
export const BOT_PERMISSIONS = PermissionFlagsBits.ManageGuild | PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages

/** Options of the bot-invite example's {@link build}. */
export interface BotInviteExampleOptions {
  /** Plugin options; `botToken` (or env DISCORD_BOT_TOKEN) is needed for the page after the invite. */
  discord: DiscordPluginOptions
  /** @defaultValue `{}` */
  fastify?: FastifyServerOptions
}

/** Builds the bot-invite example app (not listening). */
export async function build (options: BotInviteExampleOptions): Promise<FastifyInstance> {
  const app = Fastify(options.fastify)
  await app.register(fastifyDiscord, {
    ...options.discord,
    // The invite is the only flow here: no login route, and the callback is the page below,
    // which shows what Discord granted.
    loginPath: false,
    callbackPath: false
  })
  const redirectUri = options.discord.redirectUri ?? process.env['DISCORD_REDIRECT_URI'] ?? 'http://localhost:3000/callback'

  app.get<{ Querystring: { cancelled?: string } }>('/', {
    schema: { querystring: { type: 'object', properties: { cancelled: { type: 'string', maxLength: 1 } } } }
  }, async (request, reply) => {
    const bot = await app.discord.fetchBot()
    return reply.type('text/html; charset=utf-8').send(page('Invite the bot', `
      <h1>Add ${escapeHtml(bot.username)} to your server</h1>
      ${request.query.cancelled === undefined ? '' : '<p>The invite was cancelled.</p>'}
      <p><a href="/invite">Add to a server…</a></p>
      <form method="get" action="/invite">
        <label>Or to the server with id <input name="guild" pattern="[0-9]{17,20}" required></label>
        <button type="submit">Add</button>
      </form>`))
  })

  app.get<{ Querystring: { guild?: string } }>('/invite', {
    schema: { querystring: { type: 'object', properties: { guild: { type: 'string', pattern: '^[0-9]{17,20}$' } } } }
  }, async (request, reply) => {
    const { guild } = request.query
    const url = await request.discord.createSession({
      scope: ['bot', 'applications.commands'],
      permissions: BOT_PERMISSIONS,
      // With a server given, Discord shows only that one.
      ...(guild === undefined ? {} : { guildId: guild, disableGuildSelect: true })
    })
    return reply.redirect(url)
  })

  // Discord sends the user back here: the code exchange adds the bot, and the grant names the
  // server the user picked (the token response's `guild`, the callback's `permissions`).
  app.get(new URL(redirectUri).pathname, async (request, reply) => {
    try {
      await request.discord.callback()
    } catch (err) {
      if (err instanceof AccessDenied) return reply.redirect('/?cancelled=1')
      throw err
    }
    const guild = request.discord.grant?.guild ?? null
    const permissions = request.discord.grant?.permissions ?? 0n
    const icon = guild?.iconUrl ?? null
    return reply.type('text/html; charset=utf-8').send(page('Bot added', `
      <h1>Bot added</h1>
      ${guild === null
        ? '<p>Discord did not say which server.</p>'
        : `<p>${icon === null ? '' : `<img src="${escapeHtml(icon)}" alt="" width="32" height="32"> `}Added to <strong>${escapeHtml(guild.name)}</strong> (${escapeHtml(guild.id)}).</p>`}
      <p>Permissions granted to the bot: ${escapeHtml(permissions.toString())}${permissions === BOT_PERMISSIONS ? ' (all it asked for)' : ''}</p>
      <p><a href="/">Back</a></p>`))
  })

  return app
}

/** How the example runs on its own (`runExample(example)`), against the fake or the real Discord. */
export const example: RunExampleOptions = {
  name: 'Bot invite',
  build: async ({ discord, fastify }) => build({ discord, fastify })
}

await runIfMain(import.meta.url, example)
