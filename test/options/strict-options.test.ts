import { randomBytes } from 'node:crypto'
import Fastify from 'fastify'
import t from 'tap'
import fastifyDiscord from '../../lib/plugin.js'
import { ConfigurationError, ErrorCodes } from '../../lib/index.js'
import { MemoryCacheStore } from '../../lib/cache/memory-cache-store.js'
import type { DiscordPluginOptions } from '../../lib/options/plugin-options.js'
import { resolveOptions } from '../../lib/options/resolve-options.js'
import { buildApp, login, REDIRECT_URI } from '../helpers/build-app.js'

const SECRET = 'client-secret-that-must-not-leak-0123456789'
const base = { clientId: '123456789012345678', clientSecret: SECRET, redirectUri: 'https://app.example/auth/callback' }

function refusal (options: unknown): ConfigurationError {
  try {
    resolveOptions(options as DiscordPluginOptions, {})
  } catch (err) {
    if (err instanceof ConfigurationError) return err
    throw err
  }
  throw new Error('resolveOptions accepted the options')
}

t.test('an unknown or misspelt top-level option is refused, naming it and the likely option', async (t) => {
  t.match(refusal({ ...base, loginPth: '/x' }).message, /^`loginPth` is not a fastify-discord option \(did you mean `loginPath`\?\)$/)
  t.match(refusal({ ...base, scopes: ['guilds'] }).message, /`scopes` is not a fastify-discord option \(did you mean `scope`\?\)/)
  t.match(refusal({ ...base, redirectURI: 'x' }).message, /did you mean `redirectUri`/)
  t.match(refusal({ ...base, nowAndThen: 5 }).message, /^`nowAndThen` is not a fastify-discord option$/, 'no hint when nothing is close')
  t.equal(refusal({ ...base, loginPth: '/x' }).code, ErrorCodes.OPTIONS)
})

t.test('an unknown option is reported before a malformed one, and never with its value', async (t) => {
  const err = refusal({ ...base, clientId: 'abc', clientSecrt: SECRET })
  t.match(err.message, /`clientSecrt` is not a fastify-discord option \(did you mean `clientSecret`\?\)/)
  t.notMatch(err.message, SECRET)
  t.match(refusal({ ...base, ['x'.repeat(200)]: 1 }).message, /^`x{64}…` is not/, 'a long name is cut')
})

t.test('unknown session, cache and rest keys are refused; session.cookie takes any cookie option', async (t) => {
  t.match(refusal({ ...base, session: { key: 'k', cookiName: 's' } }).message, /`session.cookiName` is not a fastify-discord option \(did you mean `session.cookieName`\?\)/)
  t.match(refusal({ ...base, cache: { max: 5, tll: 5 } }).message, /`cache.tll` is not a fastify-discord option \(did you mean `cache.ttl`\?\)/)
  t.match(refusal({ ...base, rest: { timout: 5 } }).message, /`rest.timout` is not a fastify-discord option \(did you mean `rest.timeout`\?\)/)
  t.match(refusal({ ...base, rest: { logger: console } }).message, /^`rest.logger` is not a fastify-discord option$/)
  const options = resolveOptions({ ...base, session: { key: 'k', cookie: { domain: 'app.example', partitioned: true, maxAge: 60 } } }, {})
  t.same(options.session?.cookie, { domain: 'app.example', partitioned: true, maxAge: 60 })
})

t.test('Fastify\'s own register options (prefix, logLevel, logSerializers) are not refused', async (t) => {
  const input = { ...base, prefix: '/discord', logLevel: 'warn', logSerializers: {} } as DiscordPluginOptions
  const options = resolveOptions(input, {})
  t.equal(options.loginPath, '/login')
  t.notOk('prefix' in options)
})

t.test('register passes `prefix` through to the plugin, which neither refuses it nor moves its routes', async (t) => {
  const testApp = await buildApp(t, { plugin: { prefix: '/discord' } as Partial<DiscordPluginOptions> })
  t.equal((await testApp.app.inject('/login')).statusCode, 302, 'the routes stay where loginPath says')
  t.equal((await testApp.app.inject('/discord/login')).statusCode, 404)
})

t.test('register rejects a misspelt option with a ConfigurationError naming it', async (t) => {
  const app = Fastify()
  t.teardown(async () => app.close())
  const input = { clientId: '123456789012345678', clientSecret: SECRET, redirectUri: REDIRECT_URI, session: { key: randomBytes(32) }, callbackPth: '/cb' }
  const err = await app.register(fastifyDiscord, input as DiscordPluginOptions).ready().then(() => null, (e: unknown) => e)
  t.ok(err instanceof ConfigurationError)
  t.match((err as Error).message, /`callbackPth`.*did you mean `callbackPath`/)
})

t.test('cache: { store, ttl } resolves to that store and that ttl', async (t) => {
  const store = new MemoryCacheStore({ max: 10, ttl: 1000 })
  t.same(resolveOptions({ ...base, cache: { store, ttl: 1234 } }, {}).cache, { store, ttl: 1234 })
  t.same(resolveOptions({ ...base, cache: { store } }, { DISCORD_USERS_CACHE_MAX_LIMIT: '5' }).cache, { store, ttl: 300_000 }, 'the env size is for the default store only')
  t.match(refusal({ ...base, cache: { store, max: 5 } }).message, /`cache.max` sizes the default store only/)
  t.match(refusal({ ...base, cache: { store: { get () {} } } }).message, /`cache.store` must be a CacheStore/)
  t.match(refusal({ ...base, cache: { store: 'redis' } }).message, /`cache.store` is malformed/)
  t.match(refusal({ ...base, cache: { ttl: 1.5 } }).message, /`cache.ttl` is malformed/)
})

t.test('the plugin writes the users cache to cache.store, with cache.ttl', async (t) => {
  const writes: Array<{ key: string, ttl: number | undefined }> = []
  const inner = new MemoryCacheStore({ max: 100, ttl: 60_000 })
  const store = {
    get: async (key: string) => inner.get(key),
    set: async (key: string, value: unknown, ttl?: number) => {
      writes.push({ key, ttl })
      await inner.set(key, value, ttl)
    },
    delete: async (key: string) => inner.delete(key),
    deleteUser: async (userId: string) => inner.deleteUser(userId)
  }
  const testApp = await buildApp(t, { plugin: { cache: { store, ttl: 4321 } } })
  t.equal(testApp.app.discord.cache.store, store)
  t.equal(testApp.app.discord.cache.ttl, 4321)
  await login(testApp)
  t.ok(writes.length > 0, 'the login cached the profile in the app\'s store')
  t.ok(writes.every((write) => write.ttl === 4321))
  t.match(writes[0]?.key, /^user:[0-9]+:profile$/)
})

t.test('two built-in routes on one path are refused, naming both options', async (t) => {
  t.match(refusal({ ...base, loginPath: '/auth', callbackPath: '/auth' }).message, /^`loginPath` and `callbackPath` are the same path/)
  t.match(refusal({ ...base, loginPath: '/auth/callback' }).message, /^`loginPath` and `callbackPath` \(the path of `redirectUri`\) are the same path/)
  t.match(refusal({ ...base, logoutPath: '/login' }).message, /^`loginPath` and `logoutPath` are the same path/)
  t.match(refusal({ ...base, callbackPath: '/bye', logoutPath: '/bye' }).message, /^`callbackPath` and `logoutPath`/)
  const off = resolveOptions({ ...base, loginPath: false, logoutPath: false, callbackPath: false }, {})
  t.same([off.loginPath, off.callbackPath, off.logoutPath], [false, false, false], 'routes turned off never clash')
})

t.test('one check requires a session key, with or without a session option', async (t) => {
  const withoutOption = t.throws(() => resolveOptions(base, {}, { sessionRegistered: false })) as Error
  const withoutKey = refusal({ ...base, session: { cookieName: 'sid' } })
  t.equal(withoutKey.message, withoutOption.message)
  t.match(withoutKey.message, /`session.key` \(or `session.secret` with `session.salt`\) is required.*unless @fastify\/secure-session is registered/)
  t.same(resolveOptions({ ...base, session: { secret: 'x'.repeat(32) } }, {}).session, { secret: 'x'.repeat(32) }, 'a secret will do')
  t.doesNotThrow(() => resolveOptions(base, {}, { sessionRegistered: true }), 'none needed when the app registered secure-session')
  t.equal((await refusedRegistration(base)).message, withoutOption.message, 'no session option at all, through register')
})

async function refusedRegistration (options: unknown): Promise<Error> {
  const app = Fastify()
  try {
    await app.register(fastifyDiscord, options as DiscordPluginOptions)
    await app.ready()
  } catch (err) {
    return err as Error
  } finally {
    await app.close()
  }
  throw new Error('register accepted the options')
}

t.test('register warns that `prefix` has no effect', async (t) => {
  const lines: string[] = []
  const stream = { write: (line: string) => { lines.push(line) } }
  await buildApp(t, { plugin: { prefix: '/discord' } as Partial<DiscordPluginOptions>, fastify: { logger: { level: 'warn', stream } } })
  t.ok(lines.some((line) => /`prefix` register option has no effect/.test(line)), 'a warning names the option')
  const quiet: string[] = []
  await buildApp(t, { fastify: { logger: { level: 'warn', stream: { write: (line: string) => { quiet.push(line) } } } } })
  t.notOk(quiet.some((line) => /prefix/.test(line)), 'no warning without it')
})
