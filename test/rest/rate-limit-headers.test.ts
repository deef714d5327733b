import t from 'tap'
import { parseRateLimitHeaders, resetInMs, retryAfterSeconds } from '../../lib/rest/rate-limit-headers.js'

const NOW = Date.UTC(2026, 10, 25, 12)

t.test('retry_after in the body wins over the Retry-After header', async (t) => {
  t.equal(retryAfterSeconds(new Headers({ 'retry-after': '3' }), { retry_after: 1.234 }, NOW), 1.234)
  t.equal(retryAfterSeconds(new Headers({ 'retry-after': '3' }), { retry_after: 'x' }, NOW), 3)
  t.equal(retryAfterSeconds(new Headers(), null, NOW), null)
})

t.test('Retry-After may be an HTTP date; garbage is ignored', async (t) => {
  t.equal(retryAfterSeconds(new Headers({ 'retry-after': new Date(NOW + 4000).toUTCString() }), undefined, NOW), 4)
  t.equal(retryAfterSeconds(new Headers({ 'retry-after': 'soon' }), undefined, NOW), null)
})

t.test('headers are parsed leniently and Reset-After is preferred to Reset', async (t) => {
  const headers = parseRateLimitHeaders(new Headers({ 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': ' ', 'x-ratelimit-reset-after': '1.5', 'x-ratelimit-reset': String(NOW / 1000 + 60), 'x-ratelimit-global': 'false' }))
  t.match(headers, { present: true, limit: 5, remaining: null, resetAfter: 1.5, global: false })
  t.equal(resetInMs(headers, NOW), 1500)
  t.equal(resetInMs({ ...headers, resetAfter: null }, NOW), 60_000)
  t.equal(resetInMs({ ...headers, resetAfter: null, reset: null }, NOW), null)
  t.equal(parseRateLimitHeaders(new Headers()).present, false)
})
