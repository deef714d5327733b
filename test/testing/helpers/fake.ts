import { createHash, randomBytes } from 'node:crypto'
import { createFakeDiscord } from '../../../lib/testing/index.js'
import type { FakeDiscord, FakeDiscordOptions } from '../../../lib/testing/index.js'

/** The slice of a tap test the helpers need. */
interface TestLike {
  teardown (fn: () => unknown): void
}

/** A hand-driven clock: tests move time with `advance()`. */
export interface ManualClock {
  now (): number
  advance (ms: number): void
}

export function manualClock (start = 1_700_000_000_000): ManualClock {
  let ms = start
  return { now: () => ms, advance: (by) => { ms += by } }
}

/** Starts a fake Discord that closes when the test ends. */
export async function startFake (t: TestLike, opts: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const fake = await createFakeDiscord(opts)
  t.teardown(() => fake.close())
  return fake
}

export interface Pkce {
  verifier: string
  challenge: string
}

export function pkce (): Pkce {
  const verifier = randomBytes(32).toString('base64url')
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') }
}

/** The query of a valid authorization request; `overrides` with `undefined` drop a parameter. */
export function authorizeQuery (fake: FakeDiscord, challenge: string, overrides: Record<string, string | undefined> = {}): URLSearchParams {
  const params: Record<string, string | undefined> = {
    client_id: fake.clientId,
    redirect_uri: fake.pluginOptions.redirectUri,
    response_type: 'code',
    scope: 'identify email guilds',
    state: 'st4te',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...overrides
  }
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v)
  return q
}

/** GET /oauth2/authorize without following redirects. */
export async function authorize (fake: FakeDiscord, query: URLSearchParams): Promise<Response> {
  return fetch(`${fake.pluginOptions.authorizeUrl}?${query.toString()}`, { redirect: 'manual' })
}

/** Runs the browser part of the flow in `approve` mode and returns the code. */
export async function obtainCode (fake: FakeDiscord, challenge: string, overrides: Record<string, string | undefined> = {}): Promise<string> {
  fake.setConsent('approve')
  const res = await authorize(fake, authorizeQuery(fake, challenge, overrides))
  const code = new URL(res.headers.get('location') ?? '').searchParams.get('code')
  if (code === null) throw new Error(`no code in ${res.headers.get('location') ?? '(no location)'}`)
  return code
}

export function basicAuth (id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`
}

/** POSTs a form to the token (or revoke) endpoint with Basic client auth unless `headers` says otherwise. */
export async function postForm (fake: FakeDiscord, url: string, fields: Record<string, string>, headers?: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: headers ?? {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: basicAuth(fake.clientId, fake.clientSecret)
    },
    body: new URLSearchParams(fields).toString()
  })
}

/** The whole authorization-code flow; returns the token response body. */
export async function login (fake: FakeDiscord, scope = 'identify email guilds'): Promise<{ access_token: string, refresh_token: string, scope: string, expires_in: number, [k: string]: unknown }> {
  const { verifier, challenge } = pkce()
  const code = await obtainCode(fake, challenge, { scope })
  const res = await postForm(fake, fake.pluginOptions.tokenUrl, {
    grant_type: 'authorization_code', code, redirect_uri: fake.pluginOptions.redirectUri, code_verifier: verifier
  })
  if (res.status !== 200) throw new Error(`token exchange failed: ${res.status} ${await res.text()}`)
  return await res.json() as { access_token: string, refresh_token: string, scope: string, expires_in: number }
}

/** GET an API route with a given Authorization header. */
export async function api (fake: FakeDiscord, path: string, authorization?: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${fake.pluginOptions.apiBaseUrl}${path}`, {
    ...init,
    headers: { ...(authorization === undefined ? {} : { authorization }), ...(init.headers as Record<string, string> | undefined) }
  })
}
