/**
 * What every example does when it is run directly: talk to the real Discord when
 * DISCORD_CLIENT_ID is set (the plugin then reads DISCORD_* itself), else start the built-in
 * fake Discord; listen; print the URLs. Examples import it; it is not part of the package.
 */
import { randomBytes } from 'node:crypto'
import { realpathSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { basename } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { FastifyInstance, FastifyServerOptions } from 'fastify'
import type { DiscordPluginOptions } from 'fastify-discord'
import { createFakeDiscord, type FakeDiscord, type FakeDiscordOptions } from 'fastify-discord/testing'

/** What an example's `build` receives from {@link runExample}. */
export interface ExampleContext {
  /** Plugin options: the fake's endpoints and credentials, or only the session for the real Discord. */
  discord: DiscordPluginOptions
  /** The fake Discord, or `null` against the real one. */
  fake: FakeDiscord | null
  /** The environment the example was started with. */
  env: NodeJS.ProcessEnv
  /** Fastify options: a logger at LOG_LEVEL (default `info`). */
  fastify: FastifyServerOptions
}

/** Options of {@link runExample}. */
export interface RunExampleOptions {
  /** Shown in the banner. */
  name: string
  /** Builds the example's app (not listening yet). */
  build: (context: ExampleContext) => Promise<FastifyInstance>
  /** Options of the fake Discord. @defaultValue `{ consent: 'page' }` */
  fake?: FakeDiscordOptions
  /** @defaultValue `process.env` */
  env?: NodeJS.ProcessEnv
  /** Where the banner goes. @defaultValue `console.log` */
  print?: (line: string) => void
  /** How the example is started, for the hint when PORT is taken. @defaultValue `npm run demo` */
  command?: string
}

/** PORT is taken: says which port and how to choose another, in place of a raw EADDRINUSE stack. */
export class PortInUseError extends Error {
  readonly code = 'EADDRINUSE'
  readonly port: number

  constructor (port: number, host: string, command: string, cause: unknown) {
    const other = port === 65535 ? 3001 : port + 1
    super(`Port ${port} on ${host} is already in use (by another copy of this app?). Choose another port with PORT, for example:\n\n    PORT=${other} ${command}\n\n  PORT=0 picks any free port.`, { cause })
    this.name = 'PortInUseError'
    this.port = port
  }
}

/** A running example, as {@link runExample} returns it. */
export interface RunningExample {
  app: FastifyInstance
  fake: FakeDiscord | null
  /** The plugin options the app was built with, for another instance of the same app. */
  discord: DiscordPluginOptions
  /** The app's base URL, e.g. `http://localhost:3000`. */
  url: string
  /** Closes the app and the fake. */
  close (): Promise<void>
}

/**
 * Starts an example. Reads PORT (default 3000; 0 picks a free one), HOST (default `localhost`), LOG_LEVEL,
 * SESSION_KEY (a base64 32-byte key; default a random key per process) and DISCORD_CLIENT_ID,
 * DISCORD_CLIENT_SECRET, DISCORD_REDIRECT_URI, DISCORD_BOT_TOKEN.
 */
export async function runExample (options: RunExampleOptions): Promise<RunningExample> {
  const env = options.env ?? process.env
  const print = options.print ?? console.log
  const host = nonEmpty(env['HOST']) ?? 'localhost'
  // The fake needs the redirect URI, hence the port, before the app exists.
  const port = await resolvePort(nonEmpty(env['PORT']) ?? '3000')
  const key = nonEmpty(env['SESSION_KEY'])
  // A key generated per process logs everyone out on restart; a real app loads a fixed one.
  const session = { key: key === undefined ? randomBytes(32) : Buffer.from(key, 'base64') }

  let fake: FakeDiscord | null = null
  let discord: DiscordPluginOptions
  const clientId = nonEmpty(env['DISCORD_CLIENT_ID'])
  if (clientId !== undefined) {
    // Passed on explicitly (rather than left to the plugin's own DISCORD_* fallback) so that
    // `env` is the only input; a missing one still fails registration with its name.
    discord = { clientId, session }
    const clientSecret = nonEmpty(env['DISCORD_CLIENT_SECRET'])
    const redirectUri = nonEmpty(env['DISCORD_REDIRECT_URI'])
    const botToken = nonEmpty(env['DISCORD_BOT_TOKEN'])
    if (clientSecret !== undefined) discord.clientSecret = clientSecret
    if (redirectUri !== undefined) discord.redirectUri = redirectUri
    if (botToken !== undefined) discord.botToken = botToken
  } else {
    // The plugin's callback route takes the path of the redirect URI.
    const redirectUri = `http://localhost:${port}/callback`
    fake = await createFakeDiscord({ consent: 'page', ...options.fake, redirectUris: [redirectUri] })
    discord = { ...fake.pluginOptions, redirectUri, session }
  }

  let app: FastifyInstance | undefined
  try {
    app = await options.build({ discord, fake, env, fastify: { logger: { level: nonEmpty(env['LOG_LEVEL']) ?? 'info' } } })
    await app.listen({ port, host })
  } catch (err) {
    await app?.close()
    await fake?.close()
    if ((err as { code?: unknown }).code === 'EADDRINUSE') throw new PortInUseError(port, host, options.command ?? 'npm run demo', err)
    throw err
  }
  const url = `http://localhost:${port}`
  const running = app
  print('')
  print(`  ${options.name} example: ${url}/`)
  print(fake === null ? '  Discord:      https://discord.com (real)' : `  Fake Discord: ${fake.url}  (consent page, seeded users and guilds)`)
  print('')
  return {
    app: running,
    fake,
    discord,
    url,
    close: async () => {
      await running.close()
      await fake?.close()
    }
  }
}

/**
 * Whether the module with this `import.meta.url` is the script Node was started with (what
 * `import.meta.main` says on Node 24; Node 22, which the package supports, lacks it).
 */
export function isMain (moduleUrl: string, argv: readonly string[] = process.argv): boolean {
  const script = argv[1]
  if (script === undefined) return false
  try {
    return pathToFileURL(realpathSync(script)).href === moduleUrl
  } catch {
    return false
  }
}

/** Runs the example when its module is the started script, closing it on SIGINT/SIGTERM. */
export async function runIfMain (moduleUrl: string, options: RunExampleOptions): Promise<void> {
  if (!isMain(moduleUrl)) return
  // Reached only in a started script, which test/examples/script.test.ts runs uninstrumented.
  /* c8 ignore start */
  const file = basename(fileURLToPath(moduleUrl))
  const command = options.command ?? (file === 'demo.ts' ? 'npm run demo' : `npx tsx --conditions=fastify-discord-source examples/${file}`)
  let running: RunningExample
  try {
    running = await runExample({ ...options, command })
  } catch (err) {
    if (!(err instanceof PortInUseError)) throw err
    console.error(`\n  ${err.message}\n`)
    process.exitCode = 1
    return
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      running.close().then(() => process.exit(0), () => process.exit(1))
    })
  }
  /* c8 ignore stop */
}

function nonEmpty (value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}

/** PORT as a number; 0 asks the system for a free port now, as the redirect URI must name it. */
async function resolvePort (value: string): Promise<number> {
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`PORT must be a port number, got ${JSON.stringify(value)}`)
  if (port !== 0) return port
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port: free } = server.address() as AddressInfo
      server.close(() => resolve(free))
    })
  })
}
