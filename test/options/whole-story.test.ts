import { randomBytes } from 'node:crypto'
import Fastify from 'fastify'
import t from 'tap'
import fastifyDiscord from '../../lib/plugin.js'
import { ConfigurationError, ErrorCodes } from '../../lib/index.js'
import { didYouMean } from '../../lib/options/did-you-mean.js'
import type { DiscordPluginOptions } from '../../lib/options/plugin-options.js'
import { resolveOptions } from '../../lib/options/resolve-options.js'
import { KNOWN_SCOPES, unknownScopes } from '../../lib/options/scopes.js'

const SECRET = 'client-secret-that-must-not-leak-0123456789'
const base = { clientId: '123456789012345678', clientSecret: SECRET, redirectUri: 'https://app.example/auth/callback', session: { key: randomBytes(32) } }

function refusal (options: unknown, sessionRegistered?: boolean): ConfigurationError {
  try {
    resolveOptions(options as DiscordPluginOptions, {}, sessionRegistered === undefined ? {} : { sessionRegistered })
  } catch (err) {
    if (err instanceof ConfigurationError) return err
    throw err
  }
  throw new Error('resolveOptions accepted the options')
}

t.test('register names every missing credential and the session key in one error', async (t) => {
  const app = Fastify()
  t.teardown(async () => app.close())
  const err = await app.register(fastifyDiscord, {}).ready().then(() => null, (e: unknown) => e) as ConfigurationError
  t.ok(err instanceof ConfigurationError)
  t.equal(err.code, ErrorCodes.OPTIONS)
  t.match(err.message, /^fastify-discord options have 2 problems:\n/)
  t.match(err.message, '`clientId`, `clientSecret` and `redirectUri` are required: pass them to register() or set DISCORD_CLIENT_ID, DISCORD_CLIENT_SECRET and DISCORD_REDIRECT_URI')
  t.match(err.message, /\n {2}- `session.key` \(or `session.secret` with `session.salt`\) is required/)
})

t.test('one missing credential reads as one sentence', async (t) => {
  t.equal(refusal({ ...base, clientSecret: undefined }).message, '`clientSecret` is required: pass it to register() or set DISCORD_CLIENT_SECRET')
  t.match(refusal({ clientSecret: SECRET, session: base.session }).message, /^`clientId` and `redirectUri` are required: pass them to register\(\) or set DISCORD_CLIENT_ID and DISCORD_REDIRECT_URI$/)
})

t.test('a missing session is fine when the app registered @fastify/secure-session, and named when not', async (t) => {
  const { session: _session, ...noSession } = base
  t.equal(resolveOptions(noSession, {}, { sessionRegistered: true }).session, null)
  t.match(refusal(noSession, false).message, /^`session.key` .* is required/)
})

t.test('malformed values say what was expected, and never echo the value', async (t) => {
  const err = refusal({ ...base, clientId: SECRET, redirectUri: SECRET, prompt: 'always', loginPath: 'login' })
  t.match(err.message, /^fastify-discord options have 4 problems:/)
  t.match(err.message, '`clientId` (or DISCORD_CLIENT_ID) is malformed: expected a snowflake: 17–20 digits')
  t.match(err.message, '`redirectUri` (or DISCORD_REDIRECT_URI) is malformed: expected an absolute http(s) URL')
  t.match(err.message, "`prompt` is malformed: expected 'consent' or 'none'")
  t.match(err.message, '`loginPath` is malformed: expected a path starting with `/`, or false')
  t.notMatch(err.message, SECRET)
  t.match(refusal({ ...base, clientId: '1234567890123456' }).message, /snowflake: 17–20 digits/, '16 digits are too few')
  t.match(refusal({ ...base, clientId: '123456789012345678901' }).message, /snowflake: 17–20 digits/, '21 digits are too many')
  t.equal(resolveOptions({ ...base, clientId: '12345678901234567' }, {}).clientId, '12345678901234567')
})

t.test('a scope string with spaces is refused with the array it should be', async (t) => {
  for (const scope of ['identify guilds', ['identify guilds']]) {
    t.match(refusal({ ...base, scope }).message, /^`scope` is malformed: expected an array of scope strings, not one space-separated string: `\['identify', 'guilds'\]`$/)
  }
  t.match(refusal({ ...base, scope: [] }).message, /^`scope` is malformed: expected a non-empty array of scope strings$/)
})

t.test('a misspelt scope is refused at register with the scope it probably meant', async (t) => {
  const app = Fastify()
  t.teardown(async () => app.close())
  const err = await app.register(fastifyDiscord, { ...base, scope: ['identify', 'guild'] }).ready().then(() => null, (e: unknown) => e) as ConfigurationError
  t.ok(err instanceof ConfigurationError)
  t.equal(err.message, '`scope` has `guild`, which is not a Discord OAuth2 scope (did you mean `guilds`?)')
  t.same(unknownScopes(['identify', 'guilds.join', 'email']), [], 'real scopes pass')
  t.same(unknownScopes(['zzzzzzzzzz']), ['`scope` has `zzzzzzzzzz`, which is not a Discord OAuth2 scope'], 'no hint when nothing is close')
  t.ok(KNOWN_SCOPES.includes('applications.commands'), 'the list comes from discord-api-types')
})

t.test('did-you-mean picks the closest candidate, not the first one near enough', async (t) => {
  t.equal(didYouMean('guild', ['gdm.join', 'guilds', 'guild']), 'guild')
  t.equal(didYouMean('emial', ['email', 'emails']), 'email')
  t.equal(didYouMean('xyz', ['email']), undefined)
})

t.test('a hex session key is explained, with how to pass it, and never shown', async (t) => {
  const hex = randomBytes(32).toString('hex')
  for (const key of [hex, [hex], [randomBytes(32), hex.toUpperCase()]]) {
    const err = refusal({ ...base, session: { key } })
    t.match(err.message, /^`session.key` looks like 64 hex characters \(32 bytes written as hex\), but a string key is read as base64: pass `Buffer.from\(key, 'hex'\)`/)
    t.notMatch(err.message.toLowerCase(), hex)
  }
  t.ok(resolveOptions({ ...base, session: { key: randomBytes(32).toString('base64') } }, {}).session, 'a base64 key passes')
})

t.test('unknown options come first, then malformed ones, all in one error', async (t) => {
  const err = refusal({ ...base, loginPth: '/x', cache: { tll: 5 }, clientId: 'abc' })
  t.equal(err.message, [
    'fastify-discord options have 3 problems:',
    '  - `loginPth` is not a fastify-discord option (did you mean `loginPath`?)',
    '  - `cache.tll` is not a fastify-discord option (did you mean `cache.ttl`?)',
    '  - `clientId` (or DISCORD_CLIENT_ID) is malformed: expected a snowflake: 17–20 digits'
  ].join('\n'))
})
