import type { FastifyInstance } from 'fastify'
import { createFakeDiscord, type FakeDiscord, type FakeDiscordOptions } from 'fastify-discord/testing'
import { REDIRECT_URI, type Teardown, type TestApp } from '../../helpers/build-app.js'
import { CookieJar } from '../../helpers/cookie-jar.js'

/** A fake Discord that approves at once and knows the test redirect URI; closed at teardown. */
export async function startFake (t: Teardown, options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const fake = await createFakeDiscord({ consent: 'approve', redirectUris: [REDIRECT_URI], ...options })
  t.teardown(async () => fake.close())
  return fake
}

/** Wraps an example's app (closed at teardown) for the `inject` helpers of test/helpers/build-app. */
export async function asTestApp (t: Teardown, fake: FakeDiscord, app: FastifyInstance): Promise<TestApp> {
  t.teardown(async () => app.close())
  await app.ready()
  return { app, fake, url: '', jar: new CookieJar() }
}

/** A random 32-byte session key, as the examples' options expect. */
export function sessionKey (): { key: Buffer } {
  return { key: Buffer.from(crypto.getRandomValues(new Uint8Array(32))) }
}

/**
 * Follows redirects over real HTTP like a browser would, sending the jar's cookies to `origin`
 * only; returns the last response (not a redirect) and the URL it came from.
 */
export async function browse (url: string, jar: CookieJar, origin: string, init: { method?: string } = {}): Promise<{ res: Response, url: string }> {
  let current = url
  let method = init.method ?? 'GET'
  for (let hop = 0; hop < 10; hop++) {
    const sameOrigin = new URL(current).origin === origin
    const res = await fetch(current, { method, redirect: 'manual', headers: sameOrigin ? jar.headers() : {} })
    if (sameOrigin) jar.update(res.headers.getSetCookie())
    const location = res.headers.get('location')
    if (res.status < 300 || res.status >= 400 || location === null) return { res, url: current }
    await res.arrayBuffer()
    current = new URL(location, current).toString()
    method = 'GET'
  }
  throw new Error(`too many redirects from ${url}`)
}
