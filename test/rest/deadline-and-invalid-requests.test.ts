import t from 'tap'
import { HttpException, InvalidRequestLimit, Unauthorized } from '../../lib/index.js'
import { RestClient } from '../../lib/rest/rest-client.js'
import { INVALID_REQUEST_WINDOW } from '../../lib/rest/invalid-requests.js'
import { resolveRestClientOptions } from '../../lib/rest/rest-options.js'
import { fakeClock } from './helpers/fake-clock.js'

const API = 'http://discord.invalid/api/v10'
const BOT = { type: 'Bot', token: 'bot-token' } as const

function json (status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } })
}

/** Lets the client's awaits run between clock ticks. */
async function settle (): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve))
}

t.test('a call that keeps failing ends at its total deadline with the timeout error, across retries and waits', async (t) => {
  const { clock, restClock } = fakeClock()
  let calls = 0
  // Every attempt hangs until its own timeout; with retries the worst case would be 3 timeouts plus backoffs.
  const hanging = async (_url: string, init: RequestInit): Promise<Response> => {
    calls++
    return await new Promise((_resolve, reject) => { init.signal?.addEventListener('abort', () => { reject(init.signal?.reason) }) })
  }
  const client = new RestClient({ apiBaseUrl: API, clock: restClock, fetch: hanging, timeout: 1000, deadline: 2500 })
  t.teardown(() => { client.close() })
  const started = clock.now
  const result = client.request('/users/@me', { auth: BOT }).catch((err: unknown) => err)
  for (let i = 0; i < 40 && clock.now - started < 10_000; i++) {
    await settle()
    clock.tick(100)
  }
  const err = await result as HttpException
  t.ok(err instanceof HttpException)
  t.equal(err.errorCode, 'FST_DISCORD_TIMEOUT')
  t.match(err.message, /2500 ms deadline/)
  t.ok(calls >= 2, 'it did retry within the deadline')
  t.equal(resolveRestClientOptions({ apiBaseUrl: API, timeout: 1000, maxRateLimitWait: 0 }).deadline, 6000, 'the default is a few seconds above one attempt')
  t.equal(resolveRestClientOptions({ apiBaseUrl: API }).deadline, 20_000, 'with the default timeout')
  t.equal(resolveRestClientOptions({ apiBaseUrl: API, maxRateLimitWait: 60_000 }).deadline, 65_000, 'or above the longest accepted rate-limit wait')
  t.equal(resolveRestClientOptions({ apiBaseUrl: API, maxRateLimitWait: Infinity }).deadline, 20_000, 'an unbounded wait still has a deadline')
  t.throws(() => new RestClient({ apiBaseUrl: API, deadline: 0 }), RangeError)
})

t.test('invalid requests are counted; at half a warning, past the limit calls are refused locally with 503', async (t) => {
  const { clock, restClock } = fakeClock()
  const warnings: string[] = []
  let sent = 0
  const statuses = [401, 403, 429, 200]
  const answer = async (url: string): Promise<Response> => {
    sent++
    const status = Number(new URL(url).searchParams.get('status'))
    if (status === 429) return json(429, { message: 'shared', retry_after: 0, global: false }, { 'x-ratelimit-scope': 'shared', 'retry-after': '0' })
    return json(status, status === 200 ? { id: '1' } : { message: 'no', code: 0 })
  }
  const client = new RestClient({
    apiBaseUrl: API,
    clock: restClock,
    fetch: answer,
    invalidRequestLimit: 4,
    rateLimitRetries: 0,
    logger: { debug () {}, warn (_obj, msg) { warnings.push(msg) } }
  })
  t.teardown(() => { client.close() })
  for (const status of statuses) await client.request(`/x?status=${status}`, { auth: BOT }).catch(() => {})
  t.same(client.invalidRequests, { count: 2, limit: 4 }, 'a 401 and a 403 count; a shared-scope 429 and a 200 do not')
  t.ok(warnings.some((w) => /half the invalid-request limit/.test(w)), 'warned at half')
  await t.rejects(client.request('/x?status=401', { auth: BOT }), Unauthorized)
  clock.tick(1000)
  await t.rejects(client.request('/x?status=403', { auth: BOT }), HttpException)
  const before = sent
  const refused = await client.request('/x?status=200', { auth: BOT }).catch((err: unknown) => err) as InvalidRequestLimit
  t.ok(refused instanceof InvalidRequestLimit)
  t.equal(refused.statusCode, 503)
  t.equal(sent, before, 'nothing was sent')
  t.equal(Math.ceil(refused.retryAfter), Math.ceil((INVALID_REQUEST_WINDOW - 1000) / 1000), 'until the oldest leaves the window')
  clock.tick(INVALID_REQUEST_WINDOW - 1000)
  t.same(await client.request('/x?status=200', { auth: BOT }), { id: '1' }, 'calls go out again once the window has moved')
  t.throws(() => new RestClient({ apiBaseUrl: API, invalidRequestLimit: 0 }), RangeError)
})

t.test('the counter keeps its memory to the window over many invalid requests', async (t) => {
  const { InvalidRequestCounter } = await import('../../lib/rest/invalid-requests.js')
  const counter = new InvalidRequestCounter(10_000)
  let now = 0
  for (let i = 0; i < 3000; i++) counter.record(now += 1000)
  t.equal(counter.count(now), INVALID_REQUEST_WINDOW / 1000, 'only the last 10 minutes count')
  t.equal(counter.blockedFor(now), 0)
})

t.test('sleep() on an already aborted signal rejects with its reason at once', async (t) => {
  const { sleep } = await import('../../lib/rest/clock.js')
  const { restClock } = fakeClock()
  const controller = new AbortController()
  controller.abort(new Error('gone'))
  await t.rejects(sleep(restClock, 1000, controller.signal), { message: 'gone' })
})
