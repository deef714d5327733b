import autocannon from 'autocannon'
import { CookieJar } from './cookie-jar.js'
import { follow } from './follow.js'

/** Outcome of the cold-burst measurement. */
export interface ColdBurst {
  requests: number
  non2xx: number
  errors: number
  /** Upstream `GET /users/@me` calls the burst caused (goal: 1). */
  upstreamCalls: number
}

/**
 * Empties the user's cache entries on target C, fires `requests` concurrent `GET /me` of that
 * one logged-in user, and asks the fake Discord how many `/users/@me` calls reached it.
 */
export async function coldBurst (origin: string, cookie: string, requests = 1000): Promise<ColdBurst> {
  const reset = await fetch(new URL('/bench/cold', origin), { method: 'POST' })
  if (reset.status !== 200) throw new Error(`POST /bench/cold answered ${reset.status}`)
  const result = await autocannon({
    url: new URL('/me', origin).href,
    headers: { cookie, accept: 'application/json' },
    connections: requests,
    amount: requests,
    timeout: 30
  })
  const upstream = await fetch(new URL('/bench/upstream', origin))
  const { usersMe } = await upstream.json() as { usersMe: number }
  return { requests, non2xx: result.non2xx, errors: result.errors, upstreamCalls: usersMe }
}

/** Outcome of the login-throughput measurement. */
export interface LoginThroughput {
  completed: number
  failed: number
  seconds: number
  concurrency: number
  perSecond: number
  /** The first failure, to explain a non-zero `failed`. */
  firstError: string | null
}

/**
 * Complete logins against target C and the fake Discord for `seconds`: `GET /login` → the
 * fake's authorize (approved at once) → the callback → the first page (`/me`, the success
 * redirect), each with a fresh cookie jar, `concurrency` at a time.
 */
export async function loginThroughput (origin: string, loginPath: string, seconds: number, concurrency = 10): Promise<LoginThroughput> {
  const deadline = performance.now() + seconds * 1000
  const started = performance.now()
  let completed = 0
  let failed = 0
  let firstError: string | null = null
  async function worker (): Promise<void> {
    while (performance.now() < deadline) {
      try {
        const end = await follow(new URL(loginPath, origin).href, new CookieJar())
        if (end.status !== 200) throw new Error(`ended with ${end.status} at ${end.url}`)
        completed++
      } catch (err) {
        failed++
        firstError ??= (err as Error).message
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  const elapsed = (performance.now() - started) / 1000
  return { completed, failed, seconds: elapsed, concurrency, perSecond: completed / elapsed, firstError }
}
