import t from 'tap'
import { authorizeAtFake, BROWSER, buildApp, finishLogin, injectWithJar, login } from '../helpers/build-app.js'
import type { TestApp } from '../helpers/build-app.js'

/** The plugin's app with a route that needs `guilds` on top of the default `identify`. */
async function appWithGuildsRoute (t: Parameters<typeof buildApp>[0]): Promise<TestApp> {
  return buildApp(t, {
    routes: (app) => {
      app.get('/profile', { preHandler: app.discord.requireAuthorization }, async (request) => ({ userId: request.discord.userId }))
      app.get('/guilds', { preHandler: app.discord.requireAuthorization({ scopes: ['guilds'] }) }, async (request) => ({ scopes: request.discord.scopes }))
    }
  })
}

t.test('with the real plugin, a browser sent to log in comes back to the page it asked for', async (t) => {
  const testApp = await appWithGuildsRoute(t)
  const guarded = await injectWithJar(testApp, { url: '/profile?tab=1', headers: { accept: BROWSER } })
  t.equal(guarded.statusCode, 302)
  t.equal(guarded.headers.location, '/login?next=%2Fprofile%3Ftab%3D1')

  const start = await injectWithJar(testApp, { url: String(guarded.headers.location) })
  t.equal(start.statusCode, 302)
  const callback = await finishLogin(testApp, await authorizeAtFake(new URL(String(start.headers.location))))
  t.equal(callback.headers.location, '/profile?tab=1', 'the login route honoured next')

  const profile = await injectWithJar(testApp, { url: '/profile?tab=1', headers: { accept: BROWSER } })
  t.equal(profile.statusCode, 200)
  t.same(profile.json(), { userId: testApp.fake.seedUsers.migrated })
})

t.test('with the real plugin, an API client without a session gets 401', async (t) => {
  const testApp = await appWithGuildsRoute(t)
  const res = await injectWithJar(testApp, { url: '/profile', headers: { accept: 'application/json' } })
  t.equal(res.statusCode, 401)
  t.equal(res.json().code, 'FST_DISCORD_UNAUTHORIZED')
})

t.test('with the real plugin, a missing scope is 403 for an API client and incremental consent for a browser', async (t) => {
  const testApp = await appWithGuildsRoute(t)
  await login(testApp)

  const api = await injectWithJar(testApp, { url: '/guilds', headers: { accept: 'application/json' } })
  t.equal(api.statusCode, 403)
  t.equal(api.json().code, 'FST_DISCORD_MISSING_SCOPE')
  t.match(api.json().message, /`guilds`/)

  const browser = await injectWithJar(testApp, { url: '/guilds', headers: { accept: BROWSER } })
  t.equal(browser.statusCode, 302)
  const authorize = new URL(String(browser.headers.location))
  t.equal(`${authorize.origin}${authorize.pathname}`, testApp.fake.pluginOptions.authorizeUrl)
  t.equal(authorize.searchParams.get('scope'), 'identify guilds')

  const callback = await finishLogin(testApp, await authorizeAtFake(authorize))
  t.equal(callback.headers.location, '/guilds')
  const granted = await injectWithJar(testApp, { url: '/guilds', headers: { accept: BROWSER } })
  t.equal(granted.statusCode, 200)
  t.same(granted.json(), { scopes: ['identify', 'guilds'] })
})
