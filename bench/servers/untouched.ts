/**
 * Targets N and P: a route that never reads `request.discord` (`GET /plain`, a constant), on an
 * app without fastify-discord (N) and with it registered (P, when `BENCH_WITH_PLUGIN=1`).
 * Requests carry no cookie: this measures what the plugin's hooks cost anonymous traffic.
 */
import Fastify from 'fastify'
import { reportUnavailable, serveFastify } from './child.js'
import { loadFastifyDiscord } from './fastify-discord-entry.js'
import { BENCH_USER, sessionKey } from './fixture.js'

const app = Fastify({ logger: false })
let available = true
if (process.env.BENCH_WITH_PLUGIN === '1') {
  const plugin = await loadFastifyDiscord()
  if (typeof plugin === 'string') {
    reportUnavailable(plugin)
    available = false
  } else {
    // Endpoints are never called: no route here reads request.discord.
    await app.register(plugin, {
      clientId: '123456789012345678',
      clientSecret: 'bench-client-secret',
      redirectUri: 'http://127.0.0.1/callback',
      session: { key: sessionKey() }
    })
  }
}

if (available) {
  app.get('/plain', async () => BENCH_USER)
  await serveFastify(app, null)
}
