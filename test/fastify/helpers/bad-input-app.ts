import { randomBytes } from 'node:crypto'
import { Writable } from 'node:stream'
import type { LightMyRequestResponse } from 'fastify'
import { buildApp, login, readSession, type TestApp } from '../../helpers/build-app.js'

/** The fixed seed of the generated suites; `FC_SEED=<n>` replays another run. */
export const SEED = Number(process.env['FC_SEED'] ?? 1414)
/** Runs per route: the issue asks for at least 1,000 in `npm test`. */
export const RUNS = Number(process.env['FC_RUNS'] ?? 1000)
/** A run that takes longer fails instead of growing `npm test` unnoticed. */
export const TIME_LIMIT = 30_000

export interface BadInputApp {
  testApp: TestApp
  /** Every log line the app wrote. */
  logs: string[]
  /** Values that must never appear in a log line or a reply. */
  secrets: string[]
  /** Cookie headers: logged in, a login in progress, none. */
  cookies: { loggedIn: string, pending: string }
  /** The state of the login in progress in `cookies.pending`. */
  pendingState: string
  /** Rejections nobody handled while the suite ran. */
  unhandled: unknown[]
}

/**
 * The app the generated suites hammer: the plugin on a fake Discord, with a guarded route, a log
 * captured line by line, and one real login whose tokens join the secrets to look for.
 */
export async function badInputApp (t: { teardown (fn: () => unknown): void }): Promise<BadInputApp> {
  const logs: string[] = []
  const stream = new Writable({
    write (chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString())
      done()
    }
  })
  const key = randomBytes(32)
  const testApp = await buildApp(t, {
    session: { key },
    fastify: { logger: { level: 'debug', stream } },
    routes (app) {
      app.get('/private', { preHandler: app.discord.requireAuthorization }, async (request) => ({ id: request.discord.userId }))
      app.get('/private/guilds', { preHandler: app.discord.requireAuthorization({ scopes: ['guilds'] }) }, async () => ({ ok: true }))
    }
  })
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown): void => { unhandled.push(reason) }
  process.on('unhandledRejection', onUnhandled)
  t.teardown(() => { process.off('unhandledRejection', onUnhandled) })

  await login(testApp)
  const session = readSession(testApp)
  const loggedIn = testApp.jar.header() ?? ''
  testApp.jar.clear()
  const started = await testApp.app.inject({ url: '/login' })
  testApp.jar.update(started.headers['set-cookie'])
  const pendingState = new URL(String(started.headers.location)).searchParams.get('state') ?? ''
  const pending = testApp.jar.header() ?? ''
  testApp.jar.clear()
  const secrets = [
    testApp.fake.clientSecret, testApp.fake.botToken, key.toString('hex'), key.toString('base64'),
    session.tokens?.accessToken ?? 'no-access-token', session.tokens?.refreshToken ?? 'no-refresh-token'
  ]
  return { testApp, logs, secrets, cookies: { loggedIn, pending }, pendingState, unhandled }
}

/** Why a reply breaks the suite's promises, or `null`: no 5xx, no redirect off the app's origin or Discord's, no secret. */
export function replyProblem (res: LightMyRequestResponse, ctx: BadInputApp): string | null {
  if (res.statusCode >= 500) return `status ${res.statusCode}: ${res.body.slice(0, 300)}`
  const location = res.headers.location
  if (location !== undefined) {
    const target = new URL(String(location), 'http://app.test')
    const allowed = ['http://app.test', new URL(ctx.testApp.fake.pluginOptions.authorizeUrl).origin]
    if (!allowed.includes(target.origin)) return `redirect off-origin: ${String(location)}`
    if (/[\\\t\n\r]/.test(String(location))) return `ambiguous Location: ${JSON.stringify(location)}`
  }
  const text = `${res.body} ${JSON.stringify(res.headers)}`
  const leaked = ctx.secrets.find((secret) => text.includes(secret))
  return leaked === undefined ? null : 'a secret in the reply'
}

/** Log lines holding a secret (their count; never the lines themselves, which would print it). */
export function leakedLogLines (ctx: BadInputApp): number {
  return ctx.logs.filter((line) => ctx.secrets.some((secret) => line.includes(secret))).length
}
