import { randomBytes } from 'node:crypto'
import Fastify, { type FastifyInstance, type FastifyServerOptions, type LightMyRequestResponse } from 'fastify'
import fastifyDiscord from '../../lib/plugin.js'
import type { DiscordPluginOptions } from '../../lib/options/plugin-options.js'
import { decodeSessionData } from '../../lib/cookie/session-codec.js'
import { SESSION_KEY, type DiscordSessionData } from '../../lib/cookie/session-data.js'
import { createFakeDiscord } from '../../lib/testing/index.js'
import type { FakeDiscord, FakeDiscordOptions } from '../../lib/testing/index.js'
import { CookieJar } from './cookie-jar.js'

/** The redirect URI registered at the fake; `inject` does not care about its host. */
export const REDIRECT_URI = 'http://localhost/auth/callback'
export const CALLBACK_PATH = '/auth/callback'
export const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'

/** What a test's `t` offers that the helper needs. */
export interface Teardown {
  teardown (fn: () => unknown): void
}

export interface BuildAppOptions {
  /** Options of the fake; `consent` defaults to `'approve'`. */
  fake?: FakeDiscordOptions
  /** Another app's fake instead of a new one (two instances of one app); closed by its owner. */
  sharedFake?: FakeDiscord
  /** Plugin options over the fake's `pluginOptions` and a random session key. */
  plugin?: Partial<DiscordPluginOptions>
  /** Replace the session option entirely (`null`: none). */
  session?: DiscordPluginOptions['session'] | null
  fastify?: FastifyServerOptions
  /** Runs before the plugin is registered (e.g. to register @fastify/secure-session). */
  before?: (app: FastifyInstance) => Promise<void> | void
  /** Adds the test's routes after the plugin. */
  routes?: (app: FastifyInstance) => void
  /** Listen on a free loopback port, for real HTTP. */
  listen?: boolean
}

export interface TestApp {
  app: FastifyInstance
  fake: FakeDiscord
  /** Base URL when `listen` was set. */
  url: string
  jar: CookieJar
}

/**
 * A fresh fake Discord and an app with the plugin on it, both closed at teardown. The app has
 * `GET /whoami` answering `{ authorized, userId, scopes }` and `GET /api/me` calling Discord's
 * `/users/@me` with the session's token.
 */
export async function buildApp (t: Teardown, options: BuildAppOptions = {}): Promise<TestApp> {
  const fake = options.sharedFake ?? await createFakeDiscord({ consent: 'approve', redirectUris: [REDIRECT_URI], ...options.fake })
  if (options.sharedFake === undefined) t.teardown(async () => fake.close())
  const app = Fastify(options.fastify)
  t.teardown(async () => app.close())
  await options.before?.(app)
  const session = options.session === undefined ? { key: randomBytes(32) } : options.session
  await app.register(fastifyDiscord, {
    ...fake.pluginOptions,
    ...(session === null ? {} : { session }),
    ...options.plugin
  })
  app.get('/whoami', async (request) => ({
    authorized: request.discord.authorized,
    userId: request.discord.userId,
    scopes: request.discord.scopes
  }))
  app.get('/api/me', async (request) => {
    const user = await request.discord.request<{ id: string }>('/users/@me')
    return { id: user.id }
  })
  options.routes?.(app)
  let url = ''
  if (options.listen === true) url = await app.listen({ port: 0, host: '127.0.0.1' })
  else await app.ready()
  return { app, fake, url, jar: new CookieJar() }
}

/** `app.inject` with the jar's cookies, updating the jar from the response. */
export async function injectWithJar (testApp: TestApp, request: { method?: 'GET' | 'POST', url: string, headers?: Record<string, string>, payload?: string }): Promise<LightMyRequestResponse> {
  const res = await testApp.app.inject({
    method: request.method ?? 'GET',
    url: request.url,
    headers: { ...testApp.jar.headers(), ...request.headers },
    ...(request.payload === undefined ? {} : { payload: request.payload })
  })
  testApp.jar.update(res.headers['set-cookie'])
  return res
}

/** Starts a login through the login route; returns Discord's authorize URL. */
export async function startLogin (testApp: TestApp, query = ''): Promise<URL> {
  const res = await injectWithJar(testApp, { url: `/login${query}` })
  if (res.statusCode !== 302) throw new Error(`login route answered ${res.statusCode}: ${res.body}`)
  return new URL(String(res.headers.location))
}

/** Follows the authorize URL at the fake (consent decided by the fake); returns the callback URL. */
export async function authorizeAtFake (authorizeUrl: URL): Promise<URL> {
  const res = await fetch(authorizeUrl, { redirect: 'manual' })
  const location = res.headers.get('location')
  if (res.status !== 302 || location === null) throw new Error(`fake authorize answered ${res.status}`)
  return new URL(location)
}

/** Calls the app's callback route with the query of `callbackUrl`. */
export async function finishLogin (testApp: TestApp, callbackUrl: URL, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return injectWithJar(testApp, { url: `${callbackUrl.pathname}${callbackUrl.search}`, headers })
}

/** The whole browser flow through `inject`: login route, fake consent, callback route. */
export async function login (testApp: TestApp, query = ''): Promise<LightMyRequestResponse> {
  return finishLogin(testApp, await authorizeAtFake(await startLogin(testApp, query)))
}

/** Decrypts the jar's session cookie and returns what fastify-discord keeps in it. */
export function readSession (testApp: TestApp, cookie = testApp.jar.get('session')): DiscordSessionData {
  if (cookie === undefined) return {}
  const session = testApp.app.decodeSecureSession(decodeURIComponent(cookie))
  return decodeSessionData(session?.get(SESSION_KEY))
}
