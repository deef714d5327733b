/**
 * API.md §9's proof, two processes sharing one Redis (test/helpers/two-instances.ts):
 * the refresh single-flight across instances.
 */
import t from 'tap'
import { redisTestOptions } from '../helpers/redis-server.js'
import { TOKEN_ROUTE, EIGHT_DAYS, deploy, statuses } from '../helpers/two-instances.js'

t.test('an expired token: 10 requests split over two instances make exactly 1 refresh, and the old cookie keeps working', redisTestOptions(), async (t) => {
  for (const tokenStore of [undefined, 'redis'] as const) {
    const d = await deploy(t, tokenStore === undefined ? {} : { tokenStore })
    await d.login()
    const oldCookie = d.jar.header() as string
    await Promise.all([d.a, d.b].map(async (instance) => await fetch(`${instance.url}/__clock?advance=${EIGHT_DAYS}`, { method: 'POST' })))
    const refreshesBefore = d.fake.callCount('POST', TOKEN_ROUTE)
    const got = await statuses(Array.from({ length: 10 }, async (_, i) => await d.send(i % 2 === 0 ? d.a : d.b, '/me/fresh')))
    const label = tokenStore ?? 'cookie'
    t.same(got, Array(10).fill(200), `${label}: every request answered 200 (no 401)`)
    t.equal(d.fake.callCount('POST', TOKEN_ROUTE) - refreshesBefore, 1, `${label}: exactly one refresh reached Discord`)
    for (const instance of [d.b, d.a]) {
      const res = await fetch(`${instance.url}/me/fresh`, { headers: { cookie: oldCookie } })
      t.equal(res.status, 200, `${label}: the pre-refresh cookie still works on ${instance === d.a ? 'A' : 'B'}`)
    }
    t.equal(d.fake.callCount('POST', TOKEN_ROUTE) - refreshesBefore, 1, `${label}: and made no second refresh`)
  }
})
