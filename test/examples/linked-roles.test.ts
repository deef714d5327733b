import t from 'tap'
import { build, METADATA } from '../../examples/linked-roles.js'
import { authorizeAtFake, finishLogin, injectWithJar, type Teardown, type TestApp } from '../helpers/build-app.js'
import { asTestApp, sessionKey, startFake } from './helpers/example-app.js'

async function setup (t: Teardown): Promise<TestApp> {
  const fake = await startFake(t)
  return asTestApp(t, fake, await build({ discord: { ...fake.pluginOptions, session: sessionKey() } }))
}

t.test('the metadata is registered at Discord when the app is ready', async (t) => {
  const testApp = await setup(t)
  t.same(await testApp.app.discord.fetchRoleConnectionMetadata(), METADATA)
})

t.test('the verification page logs the user in without PKCE and writes their role connection', async (t) => {
  const testApp = await setup(t)
  const guard = await injectWithJar(testApp, { url: '/linked-role', headers: { accept: 'text/html' } })
  t.equal(guard.statusCode, 302)
  const login = await injectWithJar(testApp, { url: String(guard.headers.location) })
  const authorizeUrl = new URL(String(login.headers.location))
  t.equal(authorizeUrl.searchParams.get('scope'), 'identify role_connections.write')
  t.equal(authorizeUrl.searchParams.get('code_challenge'), null)
  const callback = await finishLogin(testApp, await authorizeAtFake(authorizeUrl))
  t.equal(callback.headers.location, '/linked-role')
  const pageRes = await injectWithJar(testApp, { url: '/linked-role' })
  t.equal(pageRes.statusCode, 200)
  t.match(pageRes.body, '<h1>You are verified, Nelly</h1>')
  const first = /Verified since ([^.<]+\.\d+Z)/.exec(pageRes.body)?.[1]
  t.match(first, /^\d{4}-\d\d-\d\dT/)
  const again = await injectWithJar(testApp, { url: '/linked-role' })
  t.match(again.body, `Verified since ${first ?? 'missing'}`, 'the first verification date is kept')
})
