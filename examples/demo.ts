/**
 * "Log in with Discord" demo: `npm run demo`.
 *
 * With DISCORD_CLIENT_ID, DISCORD_CLIENT_SECRET and DISCORD_REDIRECT_URI set it talks to the real
 * Discord (register the redirect URI, e.g. http://localhost:3000/callback, in the Developer
 * Portal). Without them it starts the built-in fake Discord and prints both URLs.
 * PORT (default 3000; 0 = any free port), HOST, LOG_LEVEL and SESSION_KEY (base64 of 32 bytes)
 * are read too (see examples/helpers/run-example.ts). The members-only page /members is for
 * members of MEMBERS_GUILD_ID (against the fake: the seeded user's own server), gated by
 * `requireAuthorization({ guild })`.
 */
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify'
import { PermissionFlagsBits } from 'discord-api-types/v10'
import fastifyDiscord, { AccessDenied, Forbidden, InvalidState, OAuth2Error } from 'fastify-discord'
import { escapeHtml, FAVICON_SVG, faviconLink, logoutForm } from './helpers/html.js'
import { runIfMain, type ExampleContext, type RunExampleOptions } from './helpers/run-example.js'

// guilds.members.read: the /members guard reads the user's membership of the members server.
const scope = ['identify', 'email', 'guilds', 'connections', 'guilds.members.read']

/** The server whose members may see /members: MEMBERS_GUILD_ID, or the fake's seeded server; `null` when neither. */
function membersGuild (fake: ExampleContext['fake'], env: NodeJS.ProcessEnv): string | null {
  if (fake !== null) return fake.seedGuilds.owned
  const id = env['MEMBERS_GUILD_ID']
  if (id === undefined || id === '') return null
  if (!/^[0-9]{17,20}$/.test(id)) throw new TypeError('MEMBERS_GUILD_ID must be the id of a Discord server')
  return id
}

/** Builds the demo app (not listening). */
export async function build ({ discord: pluginOptions, fake, env, fastify: fastifyOptions }: ExampleContext): Promise<FastifyInstance> {
  const guildId = membersGuild(fake, env)
  const app = Fastify(fastifyOptions)
  // Rather than one `failureRedirect` for every failure, tell the user what happened: Cancel at
  // Discord is AccessDenied; a login left open too long (or finished twice) is InvalidState. Set before the
  // plugin is registered, so that its routes take this handler.
  app.setErrorHandler(async (error, request, reply) => {
    // The /members guard refuses a non-member with Forbidden (403): a page instead of Fastify's JSON.
    if (error instanceof Forbidden) {
      return html(reply.code(403), 'Members only', '<h1>Members only</h1><p>This page is for members of the demo\'s server. Join it, then come back.</p><p><a href="/">Home</a></p>')
    }
    const accept = request.headers.accept ?? ''
    if (accept.includes('text/html')) {
      if (error instanceof AccessDenied) return reply.redirect('/?login=cancelled', 302)
      if (error instanceof InvalidState) return reply.redirect('/?login=expired', 302)
      if (error instanceof OAuth2Error) return reply.redirect('/?login=failed', 302)
    }
    return reply.send(error)
  })

  await app.register(fastifyDiscord, {
    ...pluginOptions,
    scope,
    successRedirect: '/me'
  })

  app.get('/favicon.svg', async (_request, reply) => reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(FAVICON_SVG))
  // Browsers ask for /favicon.ico on pages without a <link rel="icon">, such as a JSON reply.
  app.get('/favicon.ico', async (_request, reply) => reply.redirect('/favicon.svg', 301))

  app.get('/', async (request, reply) => {
    const login = (request.query as { login?: string }).login
    const notice = LOGIN_NOTICES[login ?? ''] ?? ''
    const user = request.discord.authorized ? await request.discord.fetchUser().catch(() => null) : null
    return html(reply, 'fastify-discord demo', `
      <h1>${user === null ? 'fastify-discord demo' : `Hello, ${escapeHtml(user.displayName)}!`}</h1>
      ${notice === '' ? '' : `<p class="error">${notice}</p>`}
      ${user !== null
        ? `<p><img class="avatar small" src="${escapeHtml(user.avatarUrl)}" alt=""> You are logged in as @${escapeHtml(user.username)}. <a href="/me">See your profile</a> or the <a href="/members">members-only page</a>.</p>` + logoutForm()
        : '<p><a class="button" href="/login?next=/me">Log in with Discord</a></p>'}
      ${fake === null ? '' : `<p class="note">Running against the built-in fake Discord at <code>${escapeHtml(fake.url)}</code>.</p>`}`)
  })

  app.get('/me', { preHandler: app.discord.requireAuthorization }, async (request, reply) => {
    const discord = request.discord
    const [user, guilds, connections] = await Promise.all([
      discord.fetchUser(),
      discord.scopes.includes('guilds') ? discord.fetchGuilds() : Promise.resolve([]),
      discord.scopes.includes('connections') ? discord.fetchConnections() : Promise.resolve([])
    ])
    const guildItems = guilds.map((guild) => {
      const badges = [
        guild.isOwner ? '<span class="badge owner">owner</span>' : '',
        !guild.isOwner && guild.permissions.has(PermissionFlagsBits.Administrator) ? '<span class="badge admin">admin</span>' : ''
      ].join('')
      const icon = guild.iconUrl === null
        ? `<span class="icon placeholder">${escapeHtml(guild.name.slice(0, 1))}</span>`
        : `<img class="icon" src="${escapeHtml(guild.iconUrl)}" alt="">`
      return `<li>${icon} ${escapeHtml(guild.name)} ${badges}</li>`
    }).join('')
    const connectionItems = connections.map((c) =>
      `<li>${escapeHtml(c.type)}: ${escapeHtml(c.name)}${c.verified ? ' <span class="badge">verified</span>' : ''}</li>`).join('')
    // The decoration is drawn over the avatar, a little larger, as Discord's clients do.
    const decoration = user.avatarDecorationUrl === null ? '' : `<img class="decoration" src="${escapeHtml(user.avatarDecorationUrl)}" alt="">`
    const tag = user.primaryGuild === null
      ? ''
      : ` <span class="tag" title="Server tag">${user.primaryGuild.badgeUrl === null ? '' : `<img src="${escapeHtml(user.primaryGuild.badgeUrl)}" alt="">`}${escapeHtml(user.primaryGuild.tag)}</span>`
    return html(reply, `${user.displayName} — fastify-discord demo`, `
      <h1><span class="portrait"><img class="avatar" src="${escapeHtml(user.avatarUrl)}" alt="">${decoration}</span> ${escapeHtml(user.displayName)}${tag}</h1>
      <p>@${escapeHtml(user.username)}${user.email === null ? '' : ` · ${escapeHtml(user.email)}`} · id <code>${escapeHtml(user.id)}</code></p>
      <p>Granted scopes: ${discord.scopes.map((s) => `<code>${escapeHtml(s)}</code>`).join(' ')}</p>
      <h2>Guilds (${guilds.length})</h2><ul class="guilds">${guildItems || '<li>none</li>'}</ul>
      <h2>Connections (${connections.length})</h2><ul>${connectionItems || '<li>none</li>'}</ul>
      ${logoutForm()}
      <p><a href="/members">Members-only page</a> · <a href="/">Home</a></p>`)
  })

  const membersOnly = guildId === null ? app.discord.requireAuthorization : app.discord.requireAuthorization({ guild: guildId })
  app.get('/members', { preHandler: membersOnly }, async (request, reply) => {
    if (guildId === null) {
      return html(reply, 'Members only', '<h1>Members only</h1><p>Set MEMBERS_GUILD_ID to the server whose members may see this page.</p><p><a href="/">Home</a></p>')
    }
    // Only for the server's name: the guard has checked membership. A cached list can predate
    // the user joining; then the id stands in for the name.
    const guild = (await request.discord.fetchGuilds()).find((g) => g.id === guildId)
    const name = guild?.name ?? guildId
    return html(reply, `${name} — members only`, `
      <h1>Members of ${escapeHtml(name)}</h1>
      <p>Only members of this server see this page.</p>
      <p><a href="/me">Your profile</a> · <a href="/">Home</a></p>`)
  })
  return app
}

/** What the home page says after a login that did not complete, by `?login=`. */
const LOGIN_NOTICES: Record<string, string> = {
  cancelled: 'You cancelled the login at Discord, so nothing was shared. Log in again whenever you like.',
  expired: 'The login expired before it was finished (or was already used). Please log in again.',
  failed: 'The login did not complete: Discord refused it. Please try again.'
}

function html (reply: FastifyReply, title: string, body: string): FastifyReply {
  return reply.type('text/html; charset=utf-8').send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>${faviconLink()}
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font-family: system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
  .button, button { background: #5865f2; color: #fff; padding: .6rem 1.2rem; border: 0; border-radius: .4rem; text-decoration: none; font-size: 1rem; cursor: pointer; }
  .avatar { width: 64px; height: 64px; border-radius: 50%; vertical-align: middle; }
  .avatar.small { width: 32px; height: 32px; }
  .portrait { position: relative; display: inline-block; width: 64px; height: 64px; vertical-align: middle; }
  .decoration { position: absolute; left: -8px; top: -8px; width: 80px; height: 80px; pointer-events: none; }
  .tag { font-size: .8rem; background: #eef; border-radius: .3rem; padding: .1rem .4rem; vertical-align: middle; }
  .tag img { width: 14px; height: 14px; vertical-align: middle; margin-right: .2rem; }
  .guilds { list-style: none; padding: 0; } .guilds li { margin: .4rem 0; }
  .icon { width: 32px; height: 32px; border-radius: 50%; vertical-align: middle; display: inline-block; }
  .placeholder { background: #ddd; text-align: center; line-height: 32px; }
  .badge { font-size: .75rem; background: #eee; border-radius: .3rem; padding: .1rem .4rem; }
  .owner { background: #fde68a; } .admin { background: #fecaca; }
  .error { color: #b91c1c; } .note { color: #666; font-size: .9rem; }
</style></head><body>${body}</body></html>`)
}

/** How `npm run demo` starts it. */
export const example: RunExampleOptions = { name: 'Demo', build }

await runIfMain(import.meta.url, example)
