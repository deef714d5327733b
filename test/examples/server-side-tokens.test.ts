import t from 'tap'
import { MemoryTokenStore, type TokenSet } from 'fastify-discord'
import { build, MapTokenStore } from '../../examples/server-side-tokens.js'
import { injectWithJar, login, readSession, type TestApp } from '../helpers/build-app.js'
import { asTestApp, sessionKey, startFake } from './helpers/example-app.js'

/** Everything the session cookie holds, decrypted. */
function cookieContents (testApp: TestApp): unknown {
  const cookie = testApp.jar.get('session')
  if (cookie === undefined) return undefined
  return testApp.app.decodeSecureSession(decodeURIComponent(cookie))?.data()
}

const TOKENS: TokenSet = { accessToken: 'a', refreshToken: 'r', tokenType: 'Bearer', expiresAt: 1, scopes: ['identify'] }

t.test('after login the cookie holds only an opaque id; the tokens are in the store', async (t) => {
  const fake = await startFake(t)
  const store = new MapTokenStore()
  const testApp = await asTestApp(t, fake, await build({ discord: { ...fake.pluginOptions, session: sessionKey() }, tokenStore: store }))
  await login(testApp)
  t.equal(store.size, 1)
  const contents = JSON.stringify(cookieContents(testApp))
  const tokenId = readSession(testApp).tokenId
  t.ok(tokenId, 'the session names its token set')
  const tokens = await store.get(String(tokenId))
  t.ok(tokens?.accessToken, 'the store holds the token set under that id')
  t.notMatch(contents, String(tokens?.accessToken), 'no access token in the cookie')
  t.notMatch(contents, String(tokens?.refreshToken), 'no refresh token in the cookie')
  t.notMatch(contents, /"a":/, 'no token set in the cookie')

  const home = await injectWithJar(testApp, { url: '/' })
  t.match(home.body, 'Hello Nelly')
  const me = await injectWithJar(testApp, { url: '/me' })
  t.match(me.json(), { id: fake.seedUsers.migrated, displayName: 'Nelly' })
})

t.test('logging out deletes the token set from the store', async (t) => {
  const fake = await startFake(t)
  const store = new MapTokenStore()
  const testApp = await asTestApp(t, fake, await build({ discord: { ...fake.pluginOptions, session: sessionKey() }, tokenStore: store }))
  await login(testApp)
  t.equal(store.size, 1)
  const out = await injectWithJar(testApp, { method: 'POST', url: '/logout' })
  t.equal(out.statusCode, 302)
  t.equal(store.size, 0)
  const home = await injectWithJar(testApp, { url: '/' })
  t.match(home.body, 'Log in with Discord')
})

t.test('MapTokenStore forgets a token set once its time to live has passed', async (t) => {
  let now = 1_000_000
  const store = new MapTokenStore({ ttl: 60_000, now: () => now })
  await store.set('id', TOKENS)
  now += 59_999
  t.same(await store.get('id'), TOKENS)
  now += 1
  t.equal(await store.get('id'), undefined)
  t.equal(store.size, 0, 'the expired entry is dropped when read')
})

t.test('MapTokenStore returns copies and forgets deleted ids', async (t) => {
  const store = new MapTokenStore()
  await store.set('id', TOKENS)
  const first = await store.get('id')
  t.same(first, TOKENS)
  t.not(first, TOKENS)
  await store.delete('id')
  t.equal(await store.get('id'), undefined)
  t.equal(await store.get('never'), undefined)
})

t.test('the example works with the shipped MemoryTokenStore and with its own default store', async (t) => {
  const fake = await startFake(t)
  const memory = new MemoryTokenStore()
  const withMemory = await asTestApp(t, fake, await build({ discord: { ...fake.pluginOptions, session: sessionKey() }, tokenStore: memory }))
  await login(withMemory)
  t.equal(memory.size, 1)
  const withDefault = await asTestApp(t, fake, await build({ discord: { ...fake.pluginOptions, session: sessionKey() } }))
  await login(withDefault)
  t.match((await injectWithJar(withDefault, { url: '/' })).body, 'Hello Nelly')
  t.ok(readSession(withDefault).tokenId, 'the example\'s own default store keeps only an id in the cookie')
})
