import t from 'tap'
import { MAX_NEXT_LENGTH } from '../../lib/cookie/session-data.js'
import { BROWSER, buildApp, injectWithJar } from '../helpers/build-app.js'

t.test('a guarded URL too long to come back to sends the browser to login without next, and the login works', async (t) => {
  const testApp = await buildApp(t, {
    routes (app) {
      app.get('/private', { preHandler: app.discord.requireAuthorization }, async () => ({ ok: true }))
    }
  })
  const long = `/private?q=${'a'.repeat(3000)}`
  const res = await injectWithJar(testApp, { url: long, headers: { accept: BROWSER } })
  t.equal(res.statusCode, 302)
  t.equal(res.headers.location, '/login', 'no next: the login route would refuse it')
  const loginRes = await injectWithJar(testApp, { url: String(res.headers.location), headers: { accept: BROWSER } })
  t.equal(loginRes.statusCode, 302, 'the login route starts the flow instead of answering 400')

  const justOver = `/private?q=${'a'.repeat(MAX_NEXT_LENGTH - '/private?q='.length + 1)}`
  t.equal(justOver.length, MAX_NEXT_LENGTH + 1)
  t.equal((await injectWithJar(testApp, { url: justOver, headers: { accept: BROWSER } })).headers.location, '/login')

  const longest = justOver.slice(0, -1)
  const kept = await injectWithJar(testApp, { url: longest, headers: { accept: BROWSER } })
  t.equal(kept.headers.location, `/login?next=${encodeURIComponent(longest)}`)
  const follow = await injectWithJar(testApp, { url: String(kept.headers.location), headers: { accept: BROWSER } })
  t.equal(follow.statusCode, 302)
})
