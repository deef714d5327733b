import t from 'tap'
import { buildApp } from '../helpers/build-app.js'

t.test('logged out, every fetch and request() is 401 Unauthorized before any scope check', async (t) => {
  const calls: Record<string, (discord: import('../../lib/session/discord-session.js').DiscordSession) => Promise<unknown>> = {
    fetchUser: async (d) => await d.fetchUser(),
    fetchUserFresh: async (d) => await d.fetchUser({ cache: false }),
    fetchGuilds: async (d) => await d.fetchGuilds(),
    fetchConnections: async (d) => await d.fetchConnections(),
    fetchGuildMember: async (d) => await d.fetchGuildMember('81384788765712384'),
    fetchAuthorization: async (d) => await d.fetchAuthorization(),
    request: async (d) => await d.request('/users/@me')
  }
  const testApp = await buildApp(t, {
    routes (app) {
      app.get('/call/:name', async (request) => await calls[(request.params as { name: string }).name]!(request.discord))
    }
  })
  for (const name of Object.keys(calls)) {
    const res = await testApp.app.inject({ url: `/call/${name}` })
    t.equal(res.statusCode, 401, name)
    t.equal(res.json().code, 'FST_DISCORD_UNAUTHORIZED', name)
  }
  t.equal(testApp.fake.calls.length, 0, 'Discord was not asked')
})
