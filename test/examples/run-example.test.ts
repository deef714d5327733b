import { createServer, type AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import * as basic from '../../examples/basic.js'
import * as botInvite from '../../examples/bot-invite.js'
import * as demo from '../../examples/demo.js'
import * as guildGated from '../../examples/guild-gated.js'
import * as linkedRoles from '../../examples/linked-roles.js'
import { isMain, runExample, runIfMain, type RunExampleOptions } from '../../examples/helpers/run-example.js'
import * as serverSideTokens from '../../examples/server-side-tokens.js'
import { CookieJar } from '../helpers/cookie-jar.js'
import { browse } from './helpers/example-app.js'

const QUIET = { PORT: '0', LOG_LEVEL: 'silent' }
const REAL = {
  ...QUIET,
  DISCORD_CLIENT_ID: '123456789012345678',
  DISCORD_CLIENT_SECRET: 'not-a-real-secret',
  DISCORD_REDIRECT_URI: 'http://localhost:3000/callback',
  DISCORD_BOT_TOKEN: 'not-a-real-bot-token'
}

const examples: Array<[string, RunExampleOptions]> = [
  ['basic', basic.example],
  ['bot-invite', botInvite.example],
  ['server-side-tokens', serverSideTokens.example],
  ['guild-gated', guildGated.example],
  ['linked-roles', linkedRoles.example],
  ['demo', demo.example]
]

for (const [name, example] of examples) {
  t.test(`${name} runs against the fake Discord and serves its home page`, async (t) => {
    const lines: string[] = []
    const running = await runExample({ ...example, env: QUIET, print: (line) => lines.push(line) })
    t.teardown(running.close)
    t.match(running.url, /^http:\/\/localhost:\d+$/)
    t.match(lines.join('\n'), `example: ${running.url}/`)
    t.match(lines.join('\n'), `Fake Discord: ${running.fake?.url}`)
    const res = await fetch(`${running.url}/`)
    t.equal(res.status, 200)
    t.match(await res.text(), '<h1>')
  })
}

t.test('with DISCORD_CLIENT_ID set an example talks to the real Discord', async (t) => {
  const lines: string[] = []
  const running = await runExample({ ...guildGated.example, env: { ...REAL, GUILD_ID: '1170000000000000001', ROLE_ID: '' }, print: (line) => lines.push(line) })
  t.teardown(running.close)
  t.equal(running.fake, null)
  t.match(lines.join('\n'), 'Discord:      https://discord.com (real)')
  const res = await fetch(`${running.url}/login`, { redirect: 'manual' })
  t.equal(res.status, 302)
  const location = new URL(String(res.headers.get('location')))
  t.equal(`${location.origin}${location.pathname}`, 'https://discord.com/oauth2/authorize')
  t.equal(location.searchParams.get('client_id'), REAL.DISCORD_CLIENT_ID)
  t.equal(location.searchParams.get('redirect_uri'), REAL.DISCORD_REDIRECT_URI)
  t.notMatch(lines.join('\n'), REAL.DISCORD_CLIENT_SECRET)
})

t.test('the guild-gated example needs GUILD_ID against the real Discord', async (t) => {
  await t.rejects(runExample({ ...guildGated.example, env: REAL, print: () => {} }), { name: 'TypeError', message: /GUILD_ID/ })
})

t.test('a build that fails closes the fake it started', async (t) => {
  let fakeUrl = ''
  await t.rejects(runExample({
    name: 'broken',
    env: QUIET,
    print: () => {},
    build: async ({ fake }) => {
      fakeUrl = String(fake?.url)
      throw new Error('boom')
    }
  }), { message: 'boom' })
  await t.rejects(fetch(`${fakeUrl}/oauth2/authorize`), 'the fake no longer listens')
})

t.test('a port already in use fails the start with which port and how to choose another, and closes the app and the fake', async (t) => {
  const blocker = createServer()
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { blocker.close() })
  const { port } = blocker.address() as AddressInfo
  let fakeUrl = ''
  await t.rejects(runExample({
    ...basic.example,
    env: { ...QUIET, HOST: '127.0.0.1', PORT: String(port) },
    print: () => {},
    command: 'npm run demo',
    build: async (context) => {
      fakeUrl = String(context.fake?.url)
      return basic.example.build(context)
    }
  }), { name: 'PortInUseError', code: 'EADDRINUSE', port, message: `Port ${port} on 127.0.0.1 is already in use` })
  const err = await runExample({ ...basic.example, env: { ...QUIET, HOST: '127.0.0.1', PORT: String(port) }, print: () => {} }).catch((e: unknown) => e) as Error
  t.match(err.message, `PORT=${port + 1} npm run demo`, 'the hint shows the command with another PORT')
  t.match(err.message, 'PORT=0 picks any free port')
  await t.rejects(fetch(`${fakeUrl}/oauth2/authorize`), 'the fake no longer listens')
})

t.test('a malformed PORT is refused with its name', async (t) => {
  await t.rejects(runExample({ ...basic.example, env: { PORT: 'eighty' }, print: () => {} }), { name: 'RangeError', message: /PORT/ })
})

t.test('SESSION_KEY keeps sessions valid across restarts', async (t) => {
  const env = { ...QUIET, SESSION_KEY: Buffer.alloc(32, 7).toString('base64') }
  const first = await runExample({ ...basic.example, env, fake: { consent: 'approve' }, print: () => {} })
  const jar = new CookieJar()
  const { res } = await browse(`${first.url}/login`, jar, first.url)
  t.match(await res.text(), 'Hello Nelly')
  await first.close()
  // The restarted app has a new fake (whose tokens differ), but it can still read the cookie.
  const second = await runExample({ ...basic.example, env, print: () => {} })
  t.teardown(second.close)
  const cookie = jar.get('session')
  t.ok(cookie)
  t.ok(second.app.decodeSecureSession(decodeURIComponent(String(cookie))), 'the same key decrypts the old cookie')
})

t.test('isMain tells the started script from an imported module', async (t) => {
  const script = fileURLToPath(import.meta.url)
  t.equal(isMain(import.meta.url, ['node', script]), true)
  t.equal(isMain(import.meta.url, ['node', fileURLToPath(new URL('../../examples/basic.ts', import.meta.url))]), false)
  t.equal(isMain(import.meta.url, ['node']), false, 'no script (a REPL)')
  t.equal(isMain(import.meta.url, ['node', '/no/such/file.ts']), false)
  await runIfMain('file:///not/the/main/module.ts', { ...basic.example, env: QUIET })
})
