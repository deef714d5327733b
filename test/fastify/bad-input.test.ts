import fc from 'fast-check'
import t from 'tap'
import { BROWSER, CALLBACK_PATH } from '../helpers/build-app.js'
import { badInputApp, leakedLogLines, replyProblem, RUNS, SEED, TIME_LIMIT, type BadInputApp } from './helpers/bad-input-app.js'

// Generated bad input over the built-in routes, the guard and the session cookie (issue 14):
// no reply >= 500, no redirect off the app's origin (or Discord's authorize page), no secret in a
// reply or the log, no unhandled rejection. Seeded: a failure prints the seed and path to replay.

const HOSTILE = [
  '//evil.example', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)', '/\t/evil.example', '/%2F%2Fevil.example',
  '/%0d%0aSet-Cookie:%20x=1', '/\u2028', '/\uFEFF', '/\u{1F600}', '/\uFF0F\uFF0Fevil.example', '/\uD800', '%', '%%', '..', '/..//evil',
  '', ' ', '/', '?', '#', '/'.repeat(600), 'x'.repeat(3000), '\u0000', 'null', '[]', '{}', '/a?next=//evil'
]

/** Strings a browser or an attacker might send: hostile classics, any code points, long ones. */
const text = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.string({ maxLength: 3000 })
)

/** encodeURIComponent, with a lone surrogate sent as a raw `%` escape a URL parser must cope with. */
function encode (value: string): string {
  try {
    return encodeURIComponent(value)
  } catch {
    return '%ED%A0%80'
  }
}

function query (pairs: Array<[string, string]>): string {
  return pairs.length === 0 ? '' : `?${pairs.map(([name, value]) => `${encode(name)}=${encode(value)}`).join('&')}`
}

function cookieArbitrary (ctx: BadInputApp): fc.Arbitrary<string> {
  const { loggedIn, pending } = ctx.cookies
  return fc.oneof(
    fc.constantFrom('', loggedIn, pending, `${loggedIn}; ${pending}`, 'session=', 'session=;session=x', `${loggedIn}; other=1`),
    fc.string({ unit: 'binary-ascii', maxLength: 200 }).map((junk) => `session=${junk.replace(/[;\s]/g, '')}`),
    fc.nat({ max: Math.max(0, loggedIn.length - 1) }).chain((at) => fc.constantFrom('A', '%', '0', '_').map((c) => `${loggedIn.slice(0, at)}${c}${loggedIn.slice(at + 1)}`))
  )
}

const accept = fc.oneof(fc.constantFrom(BROWSER, 'application/json', '*/*', '', 'text/html;q=0', 'text/html, application/json;q=2'), fc.string({ unit: 'binary-ascii', maxLength: 60 }))

/** Header values as Node accepts them (Latin-1 without control characters), else left out. */
function headers (entries: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== '' && /^[\u0020-\u007e\u0080-\u00ff]*$/.test(value)))
}

/** What `check` needs of a tap test. */
interface Asserts {
  ok (value: unknown, message: string): unknown
  notOk (value: unknown, message: string): unknown
}

/** Runs a property with the suite's seed, runs and time limit; one assertion sums it up. */
async function check (t: Asserts, name: string, property: Parameters<typeof fc.check>[0]): Promise<void> {
  const started = performance.now()
  const details = await fc.check(property, { numRuns: RUNS, seed: SEED, interruptAfterTimeLimit: TIME_LIMIT, markInterruptAsFailure: true })
  t.notOk(details.failed, details.failed ? fc.defaultReportMessage(details) ?? 'failed' : `${name}: ${details.numRuns} runs in ${Math.round(performance.now() - started)} ms`)
  t.ok(details.numRuns >= RUNS, `${name}: ${details.numRuns} runs`)
}

t.test('generated bad input never gets a 5xx, an off-origin redirect, a leaked secret or an unhandled rejection', async (t) => {
  const ctx = await badInputApp(t)
  const { app } = ctx.testApp
  const names = fc.constantFrom('next', 'code', 'state', 'error', 'error_description', 'iss', 'guild_id', 'permissions', 'x', '__proto__', 'constructor')

  await check(t, 'GET /login', fc.asyncProperty(
    fc.array(fc.tuple(fc.oneof(fc.constant('next'), names), text), { maxLength: 4 }), cookieArbitrary(ctx), accept,
    async (pairs, cookie, acceptHeader) => {
      const res = await app.inject({ url: `/login${query(pairs)}`, headers: headers({ cookie, accept: acceptHeader }) })
      const problem = replyProblem(res, ctx)
      if (problem !== null) throw new Error(problem)
      if (res.statusCode !== 302 && res.statusCode !== 400) throw new Error(`unexpected ${res.statusCode}`)
    }))

  await check(t, `GET ${CALLBACK_PATH}`, fc.asyncProperty(
    fc.array(fc.tuple(names, fc.oneof(text, fc.constant(ctx.pendingState))), { maxLength: 5 }), cookieArbitrary(ctx), accept,
    async (pairs, cookie, acceptHeader) => {
      const res = await app.inject({ url: `${CALLBACK_PATH}${query(pairs)}`, headers: headers({ cookie, accept: acceptHeader }) })
      const problem = replyProblem(res, ctx)
      if (problem !== null) throw new Error(problem)
    }))

  await check(t, 'guarded GET /private', fc.asyncProperty(
    fc.constantFrom('/private', '/private/guilds'), fc.array(fc.tuple(names, text), { maxLength: 3 }), cookieArbitrary(ctx), accept,
    fc.constantFrom<'GET' | 'HEAD' | 'POST'>('GET', 'HEAD', 'POST'),
    async (path, pairs, cookie, acceptHeader, method) => {
      const res = await app.inject({ method, url: `${path}${query(pairs)}`, headers: headers({ cookie, accept: acceptHeader }) })
      const problem = replyProblem(res, ctx)
      if (problem !== null) throw new Error(problem)
      if (![200, 302, 401, 403, 404].includes(res.statusCode)) throw new Error(`unexpected ${res.statusCode}`)
    }))

  await check(t, 'POST /logout', fc.asyncProperty(
    cookieArbitrary(ctx), accept,
    fc.constantFrom('application/x-www-form-urlencoded', 'application/json', 'text/plain', 'multipart/form-data; boundary=x', ''),
    fc.oneof(fc.constant(''), fc.string({ maxLength: 5000 }), fc.constant('{"a":'), fc.constant('x'.repeat(5000))),
    async (cookie, acceptHeader, type, payload) => {
      const res = await app.inject({ method: 'POST', url: '/logout', payload, headers: headers({ cookie, accept: acceptHeader, 'content-type': type }) })
      const problem = replyProblem(res, ctx)
      if (problem !== null) throw new Error(problem)
    }))

  t.equal(leakedLogLines(ctx), 0, `no secret in ${ctx.logs.length} log lines`)
  t.same(ctx.unhandled, [], 'no unhandled rejection')
})
