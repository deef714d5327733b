import t from 'tap'
import { routeData } from '../../lib/rest/route-key.js'

const NOW = Date.UTC(2026, 10, 25)

t.test('ids become :id, @me stays, and the guild/channel/webhook id is the major parameter', async (t) => {
  t.same(routeData('GET', '/users/@me/guilds/123456789012345678/member', NOW), {
    key: 'GET /users/@me/guilds/:id/member', template: '/users/@me/guilds/:id/member', major: 'global', safePath: '/users/@me/guilds/123456789012345678/member'
  })
  t.match(routeData('GET', '/guilds/111111111111111111/members/222222222222222222', NOW), { key: 'GET /guilds/:id/members/:id', major: '111111111111111111' })
  t.match(routeData('POST', '/channels/333333333333333333/messages', NOW), { key: 'POST /channels/:id/messages', major: '333333333333333333' })
  t.match(routeData('GET', '/users/444444444444444444', NOW), { key: 'GET /users/:id', major: 'global' })
})

t.test('webhook and interaction tokens are replaced, and only a digest enters the major parameter', async (t) => {
  const hook = routeData('POST', '/webhooks/555555555555555555/secret-token/messages/@original', NOW)
  t.equal(hook.key, 'POST /webhooks/:id/:token/messages/@original')
  t.equal(hook.safePath, '/webhooks/555555555555555555/:token/messages/@original')
  t.match(hook.major, /^555555555555555555\/[\w-]{22}$/)
  t.notMatch(JSON.stringify(hook), 'secret-token')
  t.not(routeData('POST', '/webhooks/555555555555555555/other-token', NOW).major, hook.major)
  const callback = routeData('POST', '/interactions/666666666666666666/interaction-token/callback', NOW)
  t.equal(callback.key, 'POST /interactions/:id/:token/callback')
  t.notMatch(JSON.stringify(callback), 'interaction-token')
})

t.test('all reactions of a message share one route', async (t) => {
  t.equal(routeData('PUT', '/channels/1/messages/2/reactions/%F0%9F%91%8D/@me', NOW).key, 'PUT /channels/:id/messages/:id/reactions/:reaction')
  t.equal(routeData('DELETE', '/channels/1/messages/2/reactions/name:123/7', NOW).key, 'DELETE /channels/:id/messages/:id/reactions/:reaction')
})

t.test('deleting a message older than two weeks uses its own bucket', async (t) => {
  const recent = ((BigInt(NOW - 1000) - 1420070400000n) << 22n).toString()
  const old = ((BigInt(NOW - 15 * 24 * 3600 * 1000) - 1420070400000n) << 22n).toString()
  t.equal(routeData('DELETE', `/channels/1/messages/${recent}`, NOW).key, 'DELETE /channels/:id/messages/:id')
  t.equal(routeData('DELETE', `/channels/1/messages/${old}`, NOW).key, 'DELETE /channels/:id/messages/:id (old message)')
})
