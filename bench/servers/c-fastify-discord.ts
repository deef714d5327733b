/**
 * Target C, fastify-discord: `GET /me` behind `requireAuthorization`, answering
 * `request.discord.fetchUser()` from the users cache.
 *
 * The session is a real one: the harness logs in through `GET /login`, the in-process fake
 * Discord (consent approved at once) and the callback, then measures the authorized request.
 * Two test-only routes serve the cold-burst measurement: `POST /bench/cold` empties this user's
 * cache entries and the fake's call log, `GET /bench/upstream` counts `GET /users/@me` calls.
 */
import Fastify from 'fastify'
import { createFakeDiscord } from 'fastify-discord/testing'
import type { APIUser } from 'discord-api-types/v10'
import { freePort, reportUnavailable, serveFastify } from './child.js'
import { loadFastifyDiscord } from './fastify-discord-entry.js'
import { BENCH_USER, sessionKey } from './fixture.js'

const plugin = await loadFastifyDiscord()
if (typeof plugin === 'string') {
  reportUnavailable(plugin)
} else {
  const port = await freePort()
  const fake = await createFakeDiscord({ consent: 'approve', redirectUris: [`http://127.0.0.1:${port}/callback`] })
  fake.addUser(BENCH_USER as APIUser)
  fake.setActingUser(BENCH_USER.id)

  const app = Fastify({ logger: false })
  app.addHook('onClose', async () => fake.close())
  // Discord's own CDN (the default) rather than the fake's: no image is fetched here, and the
  // avatar URLs then match the fixture's profile byte for byte, whatever port the fake got.
  await app.register(plugin, { ...fake.pluginOptions, cdnBaseUrl: 'https://cdn.discordapp.com', scope: ['identify'], successRedirect: '/me', session: { key: sessionKey() } })

  app.get('/me', { preHandler: app.discord.requireAuthorization }, async (request) => request.discord.fetchUser())

  app.post('/bench/cold', async () => {
    await app.discord.cache.invalidate(BENCH_USER.id)
    fake.resetCalls()
    return { ok: true }
  })
  app.get('/bench/upstream', async () => ({ usersMe: fake.callCount('GET', '/api/v10/users/@me') }))

  await serveFastify(app, '/login', port)
}
