import t, { type Test } from 'tap'
import { ConfigurationError, ErrorCodes } from '../../lib/index.js'
import type { DiscordPluginOptions } from '../../lib/options/plugin-options.js'
import { resolveOptions } from '../../lib/options/resolve-options.js'
import { MemoryTokenStore } from '../../lib/tokens/memory-token-store.js'

const SECRET = 'super-secret-value-that-must-not-leak'
const base = { clientId: '123456789012345678', clientSecret: SECRET, redirectUri: 'https://app.example/auth/callback' }

function rejects (t: Test, options: unknown, env: NodeJS.ProcessEnv, pattern: RegExp): void {
  let error: unknown
  try {
    resolveOptions(options as DiscordPluginOptions, env)
  } catch (err) {
    error = err
  }
  t.ok(error instanceof ConfigurationError, 'throws a ConfigurationError')
  const err = error as ConfigurationError
  t.equal(err.code, ErrorCodes.OPTIONS)
  t.match(err.message, pattern)
  t.notMatch(err.message, SECRET, 'never echoes the secret')
}

t.test('applies Discord\'s real endpoints and the documented defaults', async (t) => {
  const options = resolveOptions(base, {})
  t.equal(options.apiBaseUrl, 'https://discord.com/api/v10')
  t.equal(options.authorizeUrl, 'https://discord.com/oauth2/authorize')
  t.equal(options.tokenUrl, 'https://discord.com/api/v10/oauth2/token')
  t.equal(options.revokeUrl, 'https://discord.com/api/v10/oauth2/token/revoke')
  t.equal(options.cdnBaseUrl, 'https://cdn.discordapp.com')
  t.same(options.issuers, ['https://discord.com'])
  t.same(options.scope, ['identify'])
  t.equal(options.loginPath, '/login')
  t.equal(options.callbackPath, '/auth/callback', 'callbackPath defaults to the path of redirectUri')
  t.equal(options.logoutPath, '/logout')
  t.equal(options.successRedirect, '/')
  t.equal(options.failureRedirect, null)
  t.equal(options.botToken, null)
  t.equal(options.tokenStore, null)
  t.equal(options.prompt, 'consent')
  t.same(options.cache, { max: 10_000, ttl: 300_000 })
  t.ok(Object.isFrozen(options))
})

t.test('derives token and revoke URLs from apiBaseUrl, without a trailing slash', async (t) => {
  const options = resolveOptions({ ...base, apiBaseUrl: 'http://127.0.0.1:9/api/v10/', authorizeUrl: 'http://127.0.0.1:9/oauth2/authorize' }, {})
  t.equal(options.tokenUrl, 'http://127.0.0.1:9/api/v10/oauth2/token')
  t.equal(options.revokeUrl, 'http://127.0.0.1:9/api/v10/oauth2/token/revoke')
  t.same(options.issuers, ['https://discord.com', 'http://127.0.0.1:9'])
})

t.test('falls back to the environment for credentials, bot token and cache size', async (t) => {
  const options = resolveOptions({}, {
    DISCORD_CLIENT_ID: '423456789012345678',
    DISCORD_CLIENT_SECRET: SECRET,
    DISCORD_REDIRECT_URI: 'http://localhost:3000/callback',
    DISCORD_BOT_TOKEN: 'bot-token',
    DISCORD_USERS_CACHE_MAX_LIMIT: '250'
  })
  t.equal(options.clientId, '423456789012345678')
  t.equal(options.clientSecret, SECRET)
  t.equal(options.botToken, 'bot-token')
  t.same(options.cache, { max: 250, ttl: 300_000 })
  t.equal(resolveOptions({ ...base, clientId: '723456789012345678' }, { DISCORD_CLIENT_ID: '423456789012345678' }).clientId, '723456789012345678', 'an option wins over the environment')
})

t.test('a missing credential names the option and its environment variable', async (t) => {
  rejects(t, { clientSecret: SECRET, redirectUri: base.redirectUri }, {}, /`clientId`.*DISCORD_CLIENT_ID/)
  rejects(t, { clientId: '123456789012345678', redirectUri: base.redirectUri }, {}, /`clientSecret`.*DISCORD_CLIENT_SECRET/)
  rejects(t, { clientId: '123456789012345678', clientSecret: SECRET }, {}, /`redirectUri`.*DISCORD_REDIRECT_URI/)
  rejects(t, { clientId: '123456789012345678', redirectUri: base.redirectUri }, { DISCORD_CLIENT_SECRET: '' }, /DISCORD_CLIENT_SECRET/)
})

t.test('a malformed option is refused without echoing its value', async (t) => {
  rejects(t, { ...base, clientId: SECRET }, {}, /`clientId` \(or DISCORD_CLIENT_ID\) is malformed/)
  rejects(t, { ...base, redirectUri: SECRET }, {}, /`redirectUri` \(or DISCORD_REDIRECT_URI\) is malformed: expected an absolute http\(s\) URL/)
  rejects(t, { ...base, redirectUri: 'ftp://x.example/cb' }, {}, /`redirectUri`/)
  rejects(t, { ...base, clientSecret: 42 }, {}, /`clientSecret` \(or DISCORD_CLIENT_SECRET\) is malformed/)
  rejects(t, { ...base, loginPath: 'login' }, {}, /`loginPath` is malformed/)
  rejects(t, { ...base, scope: [] }, {}, /`scope` is malformed/)
  rejects(t, { ...base, scope: ['identify guilds'] }, {}, /`scope` is malformed/)
  rejects(t, { ...base, cache: { max: 0 } }, {}, /`cache.max` \(or DISCORD_USERS_CACHE_MAX_LIMIT\)/)
  rejects(t, base, { DISCORD_USERS_CACHE_MAX_LIMIT: 'many' }, /`cache.max` \(or DISCORD_USERS_CACHE_MAX_LIMIT\) is malformed/)
  rejects(t, { ...base, prompt: 'login' }, {}, /`prompt`/)
  rejects(t, { ...base, now: 5 }, {}, /`now`/)
  rejects(t, { ...base, tokenStore: { get () {} } }, {}, /`tokenStore`/)
  rejects(t, { ...base, cache: { get () {} } }, {}, /`cache`/)
  rejects(t, { ...base, session: { cookieName: 'x' } }, {}, /`session.key`/)
  rejects(t, { ...base, session: { key: SECRET, expiry: 1 } }, {}, /`session.expiry`/)
  rejects(t, { ...base, session: { key: SECRET, remember: -1 } }, {}, /`session.remember` is malformed: expected a whole number of cookies, 0 to remember none/)
  rejects(t, { ...base, session: { key: SECRET, remember: 1.5 } }, {}, /`session.remember`/)
  rejects(t, { ...base, apiBaseUrl: 'not a url' }, {}, /`apiBaseUrl` is malformed/)
  rejects(t, null, {}, /must be an object/)
})

t.test('accepts route switches, a token store, a cache store and a clock', async (t) => {
  const tokenStore = new MemoryTokenStore()
  const cacheStore = { async get () {}, async set () {}, async delete () {}, async deleteUser () {} }
  const now = (): number => 5
  const options = resolveOptions({ ...base, loginPath: false, callbackPath: '/cb', logoutPath: false, tokenStore, cache: cacheStore, now, failureRedirect: '/oops' }, {})
  t.equal(options.loginPath, false)
  t.equal(options.callbackPath, '/cb')
  t.equal(options.logoutPath, false)
  t.equal(options.tokenStore, tokenStore)
  t.equal(options.cache, cacheStore)
  t.equal(options.now, now)
  t.equal(options.failureRedirect, '/oops')
})
