import t from 'tap'
import type { TokenSet } from '../../lib/contracts/token-set.js'
import { authorizeAtFake, buildApp, CALLBACK_PATH, finishLogin, injectWithJar, readSession, startLogin } from '../helpers/build-app.js'

t.test('the logs of a whole flow hold no token, code, verifier, client secret, bot token or cookie', async (t) => {
  const lines: string[] = []
  const stream = { write (line: string) { lines.push(line) } }
  let now = Date.now()
  const testApp = await buildApp(t, { fastify: { logger: { level: 'trace', stream } }, plugin: { now: () => now } })
  const secrets: string[] = [testApp.fake.clientSecret, testApp.fake.botToken]

  // A failed attempt, a denied one, then a good one.
  await injectWithJar(testApp, { url: `${CALLBACK_PATH}?code=stray-code-value-1234&state=bogus-state-value` })
  const url = await startLogin(testApp)
  const verifier = readSession(testApp).pending?.[0]?.verifier as string
  const callback = await authorizeAtFake(url)
  secrets.push(verifier, callback.searchParams.get('code') as string, testApp.jar.get('session') as string)
  t.equal((await finishLogin(testApp, callback)).statusCode, 302)
  const first = readSession(testApp).tokens as TokenSet
  secrets.push(first.accessToken, first.refreshToken as string, testApp.jar.get('session') as string)

  t.equal((await injectWithJar(testApp, { url: '/api/me' })).statusCode, 200)
  now += 604_800_000
  t.equal((await injectWithJar(testApp, { url: '/api/me' })).statusCode, 200, 'refreshed')
  const second = readSession(testApp).tokens as TokenSet
  secrets.push(second.accessToken, second.refreshToken as string)
  t.equal((await testApp.app.discord.botRequest<{ id: string }>('/users/@me')).id, testApp.fake.clientId)
  testApp.fake.injectFault('POST /api/v10/oauth2/token/revoke', { kind: 'status', status: 503 })
  t.equal((await injectWithJar(testApp, { method: 'POST', url: '/logout' })).statusCode, 302)

  const log = lines.join('\n')
  t.ok(lines.length > 10, `captured ${lines.length} log lines`)
  t.match(log, /login completed/)
  t.match(log, /callback state unknown/)
  t.match(log, /revoking at Discord failed/)
  for (const secret of secrets) {
    t.ok(secret.length >= 16, 'a real secret is checked')
    t.notOk(log.includes(secret), `a secret of ${secret.length} characters is not logged`)
    t.notOk(log.includes(encodeURIComponent(secret)), 'nor its URL-encoded form')
  }
  t.notOk(log.includes('stray-code-value-1234'), 'a callback\'s code never reaches the request log')
})
