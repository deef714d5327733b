import t from 'tap'
import { Authorization } from '../../lib/models/authorization.js'
import { User } from '../../lib/models/user.js'
import { CDN, authorization } from './helpers/payloads.js'

const ctx = { cdnBaseUrl: CDN }

t.test('an authorization has scopes, expiry, application and user', async (t) => {
  const a = new Authorization(authorization(), ctx)
  t.same(a.scopes, ['identify', 'guilds'])
  t.equal(a.hasScope('guilds'), true)
  t.equal(a.hasScope('email'), false)
  t.ok(a.expires instanceof Date)
  t.equal(a.expires.toISOString(), '2026-12-02T08:00:00.000Z')
  t.ok(a.user instanceof User)
  t.equal(a.user?.username, 'nelly')
  t.same(a.application, {
    id: '1200000000000000000',
    name: 'Fake App',
    iconHash: '1f0bfc0865d324c2587920a7d80c609b',
    iconUrl: `${CDN}/app-icons/1200000000000000000/1f0bfc0865d324c2587920a7d80c609b.png`,
    description: 'A test app',
    botPublic: true,
    botRequireCodeGrant: false
  })
  t.equal(a.applicationIconURL({ size: 64 }), `${CDN}/app-icons/1200000000000000000/1f0bfc0865d324c2587920a7d80c609b.png?size=64`)
})

t.test('without identify there is no user; without icon no icon URL', async (t) => {
  const { user: _user, ...rest } = authorization({ application: { id: '1', name: 'A', icon: null } })
  const a = new Authorization(rest, ctx)
  t.equal(a.user, null)
  t.equal(a.application.iconUrl, null)
  t.equal(a.application.description, null)
  t.equal(a.application.botPublic, null)
  t.equal(a.toJSON().user, null)
})

t.test('a partial application without id has no icon URL', async (t) => {
  const a = new Authorization(authorization({ application: { icon: 'abc' } }), ctx)
  t.equal(a.application.id, '')
  t.equal(a.application.name, null)
  t.equal(a.application.iconUrl, null)
})

t.test('toJSON is plain', async (t) => {
  const json = new Authorization(authorization(), ctx).toJSON()
  t.equal(json.expires, '2026-12-02T08:00:00.000Z')
  t.equal(json.user?.id, '80351110224678912')
  t.same(JSON.parse(JSON.stringify(new Authorization(authorization(), ctx))), json)
})
