import t from 'tap'
import { buildApp, injectWithJar, login, readSession } from '../helpers/build-app.js'

t.test('logs through the request\'s logger of the moment, not the one it had when request.discord was built', async (t) => {
  const lines: string[] = []
  const stream = { write (line: string) { lines.push(line) } }
  const testApp = await buildApp(t, {
    fastify: { logger: { level: 'info', stream } },
    routes: (app) => {
      app.get('/child-logger', async (request) => {
        const authorized = request.discord.authorized
        // An app (or a plugin of its) that binds more fields once it knows more about the request.
        request.log = request.log.child({ tag: 'bound-later' })
        await request.discord.request('/users/@me').catch(() => {})
        return { authorized }
      })
    }
  })
  await login(testApp)
  const tokens = readSession(testApp).tokens
  t.ok(tokens, 'logged in with the token in the cookie')
  testApp.fake.revokeToken(tokens?.accessToken as string)
  const res = await injectWithJar(testApp, { url: '/child-logger' })
  t.same(res.json(), { authorized: true })
  const refused = lines.find((line) => /Discord refused the access token/.test(line))
  t.ok(refused, 'the session was cleared on Discord\'s 401')
  t.match(refused, /"tag":"bound-later"/, 'with the bindings the request had at that moment')
  t.notOk(readSession(testApp).tokens, 'and the cookie no longer holds the token')
})
