/**
 * The deployment of API.md §9's proof (test/plugin/several-instances-*.test.ts): two instances of
 * one app, each its own process (test/plugin/fixtures/app-instance.ts), sharing one Redis (a
 * real redis-server), one session key and one fake Discord; one browser (a cookie jar) whose
 * requests go to either, as behind a load balancer.
 */
import { randomBytes } from 'node:crypto'
import type { Test } from 'tap'
import { createFakeDiscord, type FakeDiscord } from '../../lib/testing/index.js'
import { spawnScript, type RunningScript } from '../examples/helpers/spawn-script.js'
import { CookieJar } from './cookie-jar.js'
import { freePort, startRedisServer, type RedisServer } from './redis-server.js'

export const TOKEN_ROUTE = '/api/v10/oauth2/token'
export const USER_ROUTE = '/api/v10/users/@me'
export const AUTHORIZATION_ROUTE = '/api/v10/oauth2/@me'
/** Past the fake's default token lifetime (a week). */
export const EIGHT_DAYS = 8 * 24 * 60 * 60 * 1000

export interface Instance {
  url: string
  script: RunningScript
}

export interface Deployment {
  redis: RedisServer
  fake: FakeDiscord
  a: Instance
  b: Instance
  jar: CookieJar
  /** A request from the browser to one instance (redirects not followed); the jar is updated. */
  send: (instance: Instance, path: string, init?: { method?: string }) => Promise<Response>
  /** The whole login: login route on A, consent at the fake, callback on A. */
  login: () => Promise<void>
  /** The lines of one instance's log (pino JSON) whose message matches. */
  logLines: (instance: Instance, pattern: RegExp) => Array<{ msg: string }>
}

export async function deploy (t: Test, options: { tokenStore?: 'redis' } = {}): Promise<Deployment> {
  const redis = await startRedisServer(t)
  const [portA, portB] = [await freePort(), await freePort()]
  // Both instances answer the one public origin's callback; here, A's.
  const redirectUri = `http://127.0.0.1:${portA}/callback`
  const fake = await createFakeDiscord({ consent: 'approve', redirectUris: [redirectUri] })
  t.teardown(async () => { await fake.close() })
  const common = {
    REDIS_URL: redis.url,
    SESSION_KEY: randomBytes(32).toString('base64'),
    DISCORD: JSON.stringify({ ...fake.pluginOptions, redirectUri }),
    ...(options.tokenStore === undefined ? {} : { TOKEN_STORE: options.tokenStore })
  }
  const start = async (name: string, port: number): Promise<Instance> => {
    const script = await spawnScript(t, 'test/plugin/fixtures/app-instance.ts', { ...common, NAME: name, PORT: String(port) }, /ready at (\S+)/, 30_000)
    return { url: script.match, script }
  }
  const [a, b] = await Promise.all([start('A', portA), start('B', portB)])
  const jar = new CookieJar()
  const send = async (instance: Instance, path: string, init: { method?: string } = {}): Promise<Response> => {
    const res = await fetch(`${instance.url}${path}`, { method: init.method ?? 'GET', headers: jar.headers(), redirect: 'manual' })
    jar.update(res.headers.getSetCookie())
    return res
  }
  const login = async (): Promise<void> => {
    const start = await send(a, '/login')
    const consent = await fetch(String(start.headers.get('location')), { redirect: 'manual' })
    const callback = new URL(String(consent.headers.get('location')))
    const done = await send(a, `${callback.pathname}${callback.search}`)
    if (done.status !== 302) throw new Error(`callback answered ${done.status}: ${await done.text()}`)
  }
  const logLines = (instance: Instance, pattern: RegExp): Array<{ msg: string }> => instance.script.output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg: string })
    .filter((line) => pattern.test(line.msg))
  return { redis, fake, a, b, jar, send, login, logLines }
}

/** The statuses of the responses, their bodies read. */
export async function statuses (responses: Array<Promise<Response>>): Promise<number[]> {
  return await Promise.all(responses.map(async (pending) => {
    const res = await pending
    await res.arrayBuffer()
    return res.status
  }))
}
