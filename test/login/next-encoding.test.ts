import t from 'tap'
import { MAX_NEXT_LENGTH } from '../../lib/cookie/session-data.js'
import { safeNext } from '../../lib/login/safe-next.js'
import { authorizeAtFake, buildApp, finishLogin, login, readSession, startLogin } from '../helpers/build-app.js'

t.test('a next outside Latin-1 comes back percent-encoded from the callback, with the login done', async (t) => {
  const testApp = await buildApp(t)
  const cases: Array<[string, string]> = [
    ['/\u{1F600}', '/%F0%9F%98%80'],
    ['/\u65E5\u672C?q=\u8A9E#\u2028', '/%E6%97%A5%E6%9C%AC?q=%E8%AA%9E#%E2%80%A8'],
    ['/\uFEFFa', '/%EF%BB%BFa'],
    ['/\uFF0F\uFF0Fevil.example', '/%EF%BC%8F%EF%BC%8Fevil.example']
  ]
  for (const [next, location] of cases) {
    testApp.jar.clear()
    const res = await login(testApp, `?next=${encodeURIComponent(next)}`)
    t.equal(res.statusCode, 302, next)
    t.equal(res.headers.location, location)
    t.ok(readSession(testApp).tokens !== undefined, 'the login is kept')
  }
})

t.test('a next too long or repeated is ignored at /login, not refused', async (t) => {
  const testApp = await buildApp(t)
  for (const query of [`?next=/${'n'.repeat(3000)}`, `?next=/${'n'.repeat(MAX_NEXT_LENGTH)}`, '?next=/a&next=/b']) {
    testApp.jar.clear()
    const authorize = await startLogin(testApp, query)
    const res = await finishLogin(testApp, await authorizeAtFake(authorize))
    t.equal(res.statusCode, 302, query.slice(0, 20))
    t.equal(res.headers.location, '/', 'the user lands on successRedirect')
  }
  testApp.jar.clear()
  const longest = `/${'n'.repeat(MAX_NEXT_LENGTH - 1)}`
  t.equal((await login(testApp, `?next=${longest}`)).headers.location, longest, 'exactly the limit is kept')
})

t.test('safeNext encodes what a Location header cannot carry and keeps existing escapes', async (t) => {
  t.equal(safeNext('/a b"<>'), '/a%20b%22%3C%3E')
  t.equal(safeNext('/x?y=%2F&z=%zz'), '/x?y=%2F&z=%25zz')
  t.equal(safeNext('/\uD800x'), '/%EF%BF%BDx', 'a lone surrogate')
  t.equal(safeNext(`/${'\u00e9'.repeat(200)}`), null, 'over the limit once encoded')
})
