/**
 * Target R, fastify-discord with `redis`: target C's app, its users cache shared through the
 * redis-server the harness starts (`BENCH_REDIS_URL`). A cached `fetchUser()` is answered by the
 * process-local first level, as in C; this measures what sharing costs the hot path.
 *
 * Same routes as C (login through the in-process fake Discord, `POST /bench/cold`,
 * `GET /bench/upstream`).
 */
import Fastify from 'fastify'
import { createFakeDiscord } from 'fastify-discord/testing'
import type { APIUser } from 'discord-api-types/v10'
import { freePort, reportUnavailable, serveFastify } from './child.js'
import { loadFastifyDiscord } from './fastify-discord-entry.js'
import { BENCH_USER, sessionKey } from './fixture.js'

const plugin = await loadFastifyDiscord()
const redis = process.env.BENCH_REDIS_URL
if (typeof plugin === 'string') {
  reportUnavailable(plugin)
} else if (redis === undefined || redis === '') {
  reportUnavailable('BENCH_REDIS_URL is not set (the harness sets it)')
} else {
  const port = await freePort()
  const fake = await createFakeDiscord({ consent: 'approve', redirectUris: [`http://127.0.0.1:${port}/callback`] })
  fake.addUser(BENCH_USER as APIUser)
  fake.setActingUser(BENCH_USER.id)

  const app = Fastify({ logger: false })
  app.addHook('onClose', async () => fake.close())
  await app.register(plugin, { ...fake.pluginOptions, cdnBaseUrl: 'https://cdn.discordapp.com', scope: ['identify'], successRedirect: '/me', session: { key: sessionKey() }, redis })

  app.get('/me', { preHandler: app.discord.requireAuthorization }, async (request) => request.discord.fetchUser())

  app.post('/bench/cold', async () => {
    await app.discord.cache.invalidate(BENCH_USER.id)
    fake.resetCalls()
    return { ok: true }
  })
  app.get('/bench/upstream', async () => ({ usersMe: fake.callCount('GET', '/api/v10/users/@me') }))

  await serveFastify(app, '/login', port)
}
