import t from 'tap'
import { CookieJar } from '../helpers/cookie-jar.js'
import { authorizeAtFake, BROWSER, buildApp, startLogin } from '../helpers/build-app.js'

t.test('two concurrent identical callbacks log the user in once, and the replay leaves the session untouched', async (t) => {
  const testApp = await buildApp(t)
  const callback = await authorizeAtFake(await startLogin(testApp))
  const request = { url: `${callback.pathname}${callback.search}`, headers: { ...testApp.jar.headers(), accept: BROWSER } }
  const [first, second] = await Promise.all([testApp.app.inject(request), testApp.app.inject(request)])
  const statuses = [first.statusCode, second.statusCode].sort()
  t.same(statuses, [302, 400], 'one login, one refused replay')
  const winner = first.statusCode === 302 ? first : second
  const loser = first.statusCode === 302 ? second : first
  t.equal(loser.json().code, 'FST_DISCORD_INVALID_STATE')
  t.equal(loser.headers['set-cookie'], undefined, 'the replay sends no cookie that could overwrite the login')

  // Whatever order the browser stores the two answers in, the user stays logged in.
  const jar = new CookieJar()
  jar.update(winner.headers['set-cookie'])
  jar.update(loser.headers['set-cookie'])
  const whoami = await testApp.app.inject({ url: '/whoami', headers: jar.headers() })
  t.equal(whoami.json().authorized, true)
  t.equal(testApp.fake.callCount('POST', '/api/v10/oauth2/token'), 1, 'the code was exchanged once')
})

t.test('a replayed callback with an old cookie after a completed login is refused without touching that cookie\'s session', async (t) => {
  const testApp = await buildApp(t)
  const callback = await authorizeAtFake(await startLogin(testApp))
  const preLogin = testApp.jar.headers()
  const url = `${callback.pathname}${callback.search}`
  t.equal((await testApp.app.inject({ url, headers: preLogin })).statusCode, 302)
  const replay = await testApp.app.inject({ url, headers: { ...preLogin, accept: 'application/json' } })
  t.equal(replay.statusCode, 400)
  t.match(replay.json().message, /already used/)
  t.equal(replay.headers['set-cookie'], undefined)
})
