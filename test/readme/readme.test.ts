/**
 * Follows README.md as a new user would, in a fresh app outside the repository: `npm init -y`,
 * the Quick start's steps with the packed tarball, the Quick start's server against the fake
 * Discord of the installed `fastify-discord/testing`, then "Testing your app"'s test, run by the
 * command the README shows. Slow (a build and an npm install), so it runs once, in its own file.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import t from 'tap'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const README = await readFile(join(ROOT, 'README.md'), 'utf8')
// npm pack (with its build) and npm install, with npm's cache preferred over the registry.
t.setTimeout(300_000)

/** The environment of a user's shell: without tap's variables, nor those of the npm running the suite. */
const userEnv = Object.fromEntries(Object.entries(process.env)
  .filter(([key]) => key !== 'NODE_OPTIONS' && !/^_?TAP/.test(key) && !/^npm_/i.test(key)))

interface Run { code: number | null, stdout: string, stderr: string }

/** Runs a shell command as a user would type it; rejects on a non-zero exit or after `timeoutMs`. */
async function sh (command: string, cwd: string, env: Record<string, string> = {}, timeoutMs = 120_000): Promise<Run> {
  const child = spawn('sh', ['-c', command], { cwd, env: { ...userEnv, ...env, _TAPJS_PROCESSINFO_COVERAGE_: '0' }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8') })
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8') })
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve))
  clearTimeout(timer)
  if (code !== 0) throw new Error(`\`${command}\` exited ${code} in ${cwd}:\n${stdout}\n${stderr}`)
  return { code, stdout, stderr }
}

/** The code block that follows `marker` in the README. */
function blockAfter (marker: string): string {
  const at = README.indexOf(marker)
  if (at === -1) throw new Error(`README.md no longer has ${JSON.stringify(marker)}`)
  const match = /```[a-z]*\n([\s\S]*?)```/.exec(README.slice(at))
  if (match === null) throw new Error(`no code block after ${JSON.stringify(marker)}`)
  return match[1]!
}

/** `text` with `from` (which must occur exactly once) replaced. */
function replaceOnce (text: string, from: string, to: string): string {
  if (text.split(from).length !== 2) throw new Error(`expected exactly one ${JSON.stringify(from)} in:\n${text}`)
  return text.replace(from, to)
}

async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number)
const stripsTypes = major > 22 || (major === 22 && minor >= 18)

t.test('a fresh app follows the README: Quick start against the fake, then the README\'s own test', async (t) => {
  const work = await mkdtemp(join(tmpdir(), 'fastify-discord-readme-'))
  t.teardown(async () => rm(work, { recursive: true, force: true }))

  // The package as it would be published: `npm pack` runs the prepack build.
  const packed = JSON.parse((await sh(`npm pack --json --pack-destination "${work}"`, ROOT, {}, 180_000)).stdout) as Array<{ filename: string, files: Array<{ path: string }> }>
  const tarball = join(work, packed[0]!.filename)
  const shipped = packed[0]!.files.map((file) => file.path)
  t.ok(shipped.includes('dist/index.js') && shipped.includes('dist/testing/index.js'), 'the tarball ships the built code')
  t.notOk(shipped.some((path) => path.startsWith('lib/') || path.startsWith('test/')), 'and not the sources or tests')

  // Install: `npm init -y`, the Quick start's `npm pkg set type=module`, the Install section's
  // command with the tarball in place of the registry's fastify-discord, and the session key.
  const app = join(work, 'app')
  await mkdir(app)
  await sh('npm init -y', app)
  t.match(blockAfter('## Quick start'), 'npm pkg set type=module')
  await sh(blockAfter('## Quick start').trim(), app)
  const install = blockAfter('## Install').trim()
  t.equal(install, 'npm i fastify fastify-discord')
  await sh(`${install.replace('fastify-discord', `"${tarball}"`)} --prefer-offline --no-audit --no-fund`, app, {}, 180_000)
  const keyCommand = /```sh\n(npx @fastify\/secure-session > secret-key)/.exec(README)?.[1]
  t.ok(keyCommand, 'the README shows how to make the session key')
  await sh(keyCommand!.trim(), app)
  t.equal((await readFile(join(app, 'secret-key'))).length, 32)

  // The Quick start's server, against the installed fake Discord. The port and the fake's
  // endpoints are the only changes: the README listens on 3000 and talks to discord.com.
  const port = await freePort()
  const { createFakeDiscord } = await import(pathToFileURL(join(app, 'node_modules/fastify-discord/dist/testing/index.js')).href) as typeof import('fastify-discord/testing')
  const fake = await createFakeDiscord({ consent: 'approve', redirectUris: [`http://localhost:${port}/callback`] })
  t.teardown(() => fake.close())
  const { clientId, clientSecret, redirectUri, ...endpoints } = fake.pluginOptions
  let server = blockAfter('Save this as `server.js`')
  server = replaceOnce(server, 'port: 3000', 'port: Number(process.env.PORT)')
  server = replaceOnce(server, 'discordAuth, {', 'discordAuth, { ...JSON.parse(process.env.FAKE_DISCORD_ENDPOINTS),')
  await writeFile(join(app, 'server.js'), server)
  const child = spawn(process.execPath, ['server.js'], {
    cwd: app,
    env: { ...userEnv, PORT: String(port), FAKE_DISCORD_ENDPOINTS: JSON.stringify(endpoints), DISCORD_CLIENT_ID: clientId, DISCORD_CLIENT_SECRET: clientSecret, DISCORD_REDIRECT_URI: redirectUri },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  t.teardown(async () => { child.kill('SIGTERM'); await exited })
  let log = ''
  child.stderr.on('data', (chunk: Buffer) => { log += chunk.toString('utf8') })
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server.js did not start:\n${log}`)), 30_000)
    child.stdout.on('data', (chunk: Buffer) => {
      log += chunk.toString('utf8')
      if (log.includes('Server listening')) { clearTimeout(timer); resolve() }
    })
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`server.js exited ${code}:\n${log}`)) })
  })

  const base = `http://localhost:${port}`
  t.equal(await (await fetch(`${base}/`)).text(), 'Log in at /login')
  const login = await fetch(`${base}/login`, { redirect: 'manual' })
  const cookie = (res: Response): string => res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
  const consent = await fetch(login.headers.get('location')!, { redirect: 'manual' })
  const callback = await fetch(consent.headers.get('location')!, { redirect: 'manual', headers: { cookie: cookie(login) } })
  t.equal(callback.status, 302)
  t.equal(callback.headers.get('location'), '/')
  const session = { cookie: cookie(callback) }
  t.equal(await (await fetch(`${base}/`, { headers: session })).text(), 'Hello Nelly')
  const guilds = await (await fetch(`${base}/guilds`, { headers: session })).json() as Array<{ owner: boolean }>
  t.ok(guilds.length > 0 && guilds.some((guild) => guild.owner), '/guilds lists the user\'s guilds')
  t.equal((await fetch(`${base}/guilds`)).status, 401, 'and is guarded')

  // "Testing your app": the README's test file, run by the README's command.
  const command = /run it with `(node --test [^`]+)`/.exec(README)?.[1]
  t.ok(command, 'the README says how to run its test')
  const file = /save it as `([^`]+)`/.exec(README)?.[1]
  t.ok(file, 'and where to save it')
  await mkdir(join(app, 'test'), { recursive: true })
  await writeFile(join(app, file!), blockAfter('## Testing your app'))
  const skip = stripsTypes ? false : `Node ${process.versions.node} cannot run a .ts test without a loader; the README asks for Node 22.18 or later`
  await t.test(`the README's test passes with \`${command!}\``, { skip }, async (t) => {
    // sh() rejects on a non-zero exit. Node 22 reports in TAP when its output is not a
    // terminal (`# pass 1`), later versions with the spec reporter (`ℹ pass 1`).
    const run = await sh(command!, app)
    t.match(run.stdout, /^(?:#|ℹ) pass 1\b/m)
    t.match(run.stdout, /^(?:#|ℹ) fail 0\b/m)
  })
  t.same((await readdir(app)).filter((name) => name.endsWith('.tgz')), [], 'nothing packed into the app')
})
