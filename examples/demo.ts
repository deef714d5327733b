/**
 * "Log in with Discord" demo: `npm run demo`.
 *
 * With DISCORD_CLIENT_ID, DISCORD_CLIENT_SECRET and DISCORD_REDIRECT_URI set it talks to the real
 * Discord (register the redirect URI, e.g. http://localhost:3000/callback, in the Developer
 * Portal). Without them it starts the built-in fake Discord and prints both URLs.
 * PORT (default 3000) and HOST (default localhost) choose where the demo listens.
 */
import { randomBytes } from 'node:crypto'
import Fastify, { type FastifyReply } from 'fastify'
import { PermissionFlagsBits } from 'discord-api-types/v10'
import fastifyDiscord, { type DiscordPluginOptions } from 'fastify-discord'
import { createFakeDiscord, type FakeDiscord } from 'fastify-discord/testing'

const port = Number(process.env['PORT'] ?? 3000)
const host = process.env['HOST'] ?? 'localhost'
const scope = ['identify', 'email', 'guilds', 'connections']

let fake: FakeDiscord | null = null
let discordOptions: DiscordPluginOptions
if (process.env['DISCORD_CLIENT_ID'] !== undefined && process.env['DISCORD_CLIENT_ID'] !== '') {
  // Credentials come from the environment (the plugin reads DISCORD_* itself).
  discordOptions = {}
} else {
  fake = await createFakeDiscord({ redirectUris: [`http://localhost:${port}/callback`], consent: 'page' })
  discordOptions = { ...fake.pluginOptions }
}

const app = Fastify({ logger: { level: process.env['LOG_LEVEL'] ?? 'info' } })
await app.register(fastifyDiscord, {
  ...discordOptions,
  scope,
  successRedirect: '/me',
  failureRedirect: '/?failed=1',
  // Demo only: a key generated per process logs everyone out on restart. A real app loads a
  // fixed key (`npx @fastify/secure-session > secret-key`) from its secrets.
  session: { key: randomBytes(32) }
})

app.get('/', async (request, reply) => {
  const failed = (request.query as { failed?: string }).failed === '1'
  return html(reply, 'fastify-discord demo', `
    <h1>fastify-discord demo</h1>
    ${failed ? '<p class="error">The login did not complete (cancelled or expired). Try again.</p>' : ''}
    ${request.discord.authorized
      ? '<p>You are logged in. <a href="/me">See your profile</a>.</p>' + logoutForm()
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
  return html(reply, `${user.displayName} — fastify-discord demo`, `
    <h1><img class="avatar" src="${escapeHtml(user.avatarUrl)}" alt=""> ${escapeHtml(user.displayName)}</h1>
    <p>@${escapeHtml(user.username)}${user.email === null ? '' : ` · ${escapeHtml(user.email)}`} · id <code>${escapeHtml(user.id)}</code></p>
    <p>Granted scopes: ${discord.scopes.map((s) => `<code>${escapeHtml(s)}</code>`).join(' ')}</p>
    <h2>Guilds (${guilds.length})</h2><ul class="guilds">${guildItems || '<li>none</li>'}</ul>
    <h2>Connections (${connections.length})</h2><ul>${connectionItems || '<li>none</li>'}</ul>
    ${logoutForm()}
    <p><a href="/">Home</a></p>`)
})

function logoutForm (): string {
  return '<form method="post" action="/logout"><button type="submit">Log out</button></form>'
}

function html (reply: FastifyReply, title: string, body: string): FastifyReply {
  return reply.type('text/html; charset=utf-8').send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font-family: system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
  .button, button { background: #5865f2; color: #fff; padding: .6rem 1.2rem; border: 0; border-radius: .4rem; text-decoration: none; font-size: 1rem; cursor: pointer; }
  .avatar { width: 64px; height: 64px; border-radius: 50%; vertical-align: middle; }
  .guilds { list-style: none; padding: 0; } .guilds li { margin: .4rem 0; }
  .icon { width: 32px; height: 32px; border-radius: 50%; vertical-align: middle; display: inline-block; }
  .placeholder { background: #ddd; text-align: center; line-height: 32px; }
  .badge { font-size: .75rem; background: #eee; border-radius: .3rem; padding: .1rem .4rem; }
  .owner { background: #fde68a; } .admin { background: #fecaca; }
  .error { color: #b91c1c; } .note { color: #666; font-size: .9rem; }
</style></head><body>${body}</body></html>`)
}

function escapeHtml (value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

app.addHook('onClose', async () => {
  await fake?.close()
})
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    app.close().then(() => process.exit(0), () => process.exit(1))
  })
}

await app.listen({ port, host })
console.log(`\n  Demo app:     http://localhost:${port}/`)
console.log(fake === null ? '  Discord:      https://discord.com (real)\n' : `  Fake Discord: ${fake.url}  (consent page, seeded users and guilds)\n`)
