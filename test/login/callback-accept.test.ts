import t, { type Test } from 'tap'
import { authorizeAtFake, BROWSER, buildApp, finishLogin, startLogin } from '../helpers/build-app.js'

async function failedLogin (t: Test, headers: Record<string, string>): Promise<{ status: number, location: string | undefined }> {
  const testApp = await buildApp(t, {
    fake: { consent: 'deny' },
    plugin: { failureRedirect: '/login-failed' },
    routes (app) {
      app.get('/private', { preHandler: app.discord.requireAuthorization }, async () => ({ ok: true }))
    }
  })
  const guard = await testApp.app.inject({ url: '/private', headers })
  const res = await finishLogin(testApp, await authorizeAtFake(await startLogin(testApp)), headers)
  t.equal(guard.statusCode === 302, res.statusCode === 302, `the guard (${guard.statusCode}) and the callback (${res.statusCode}) agree`)
  return { status: res.statusCode, location: res.headers.location as string | undefined }
}

t.test('the callback and the guard agree that a request without Accept is an API client', async (t) => {
  t.same(await failedLogin(t, {}), { status: 403, location: undefined })
})

t.test('the callback and the guard agree that */* is an API client', async (t) => {
  t.same(await failedLogin(t, { accept: '*/*' }), { status: 403, location: undefined })
})

t.test('the callback and the guard agree that a navigation is a browser', async (t) => {
  t.same(await failedLogin(t, { accept: BROWSER }), { status: 302, location: '/login-failed' })
})

t.test('the callback and the guard agree that text/plain only is an API client', async (t) => {
  t.same(await failedLogin(t, { accept: 'text/plain' }), { status: 403, location: undefined })
})
