import t from 'tap'
import { Integration } from '../../lib/models/integration.js'
import { UserConnection } from '../../lib/models/user-connection.js'
import { connection, twitchConnection } from './helpers/payloads.js'

t.test('a visible GitHub connection', async (t) => {
  const c = new UserConnection(connection())
  t.equal(c.id, '4242421')
  t.equal(c.name, 'nelly-gh')
  t.equal(c.toString(), 'nelly-gh')
  t.equal(c.type, 'github')
  t.equal(c.revoked, false)
  t.equal(c.verified, true)
  t.equal(c.friendSync, false)
  t.equal(c.showActivity, true)
  t.equal(c.twoWayLink, false)
  t.equal(c.visibility, 1)
  t.equal(c.isVisible, true)
  t.same(c.integrations, [])
})

t.test('a connection with visibility 0 is not visible', async (t) => {
  const c = new UserConnection(twitchConnection())
  t.equal(c.visibility, 0)
  t.equal(c.isVisible, false)
  t.equal(c.friendSync, true)
  t.equal(c.twoWayLink, true)
})

t.test('integrations are built from the connection payload', async (t) => {
  const [integration] = new UserConnection(twitchConnection()).integrations
  t.ok(integration instanceof Integration)
  t.equal(integration?.id, '33590653072239123')
  t.equal(integration?.name, 'nellystreams')
  t.equal(integration?.type, 'twitch')
  t.equal(integration?.enabled, true)
  t.equal(integration?.syncing, false)
  t.equal(integration?.roleId, '41771983423143936')
  t.equal(integration?.enableEmoticons, true)
  t.equal(integration?.expireBehavior, 1)
  t.equal(integration?.expireGracePeriod, 7)
  t.same(integration?.account, { id: 'twitch-9001', name: 'nellystreams' })
  t.equal(integration?.syncedAt?.toISOString(), '2024-05-01T12:00:00.000Z')
  t.equal(integration?.subscriberCount, 12)
  t.equal(integration?.revoked, false)
  t.equal(integration?.applicationId, '1200000000000000000')
  t.same(integration?.scopes, ['identify'])
  t.equal(integration?.guild, null)
})

t.test('an integration names its guild when the payload does', async (t) => {
  const integration = new Integration({ id: '1', guild: { id: '2', name: 'G', icon: null } })
  t.same(integration.guild, { id: '2', name: 'G', icon: null })
  t.same(integration.toJSON().guild, { id: '2', name: 'G', icon: null })
})

t.test('a partial integration has nulls for what is absent', async (t) => {
  const integration = new Integration({})
  const json = integration.toJSON()
  t.same(json, {
    id: null,
    name: null,
    type: null,
    enabled: null,
    syncing: null,
    roleId: null,
    enableEmoticons: null,
    expireBehavior: null,
    expireGracePeriod: null,
    account: null,
    syncedAt: null,
    subscriberCount: null,
    revoked: null,
    applicationId: null,
    scopes: [],
    guild: null
  })
  t.equal(integration.equals(new Integration({})), false, 'no id, no identity')
  t.equal(new Integration({ id: '1' }).equals(new Integration({ id: '1', name: 'x' })), true)
  t.equal(new Integration({ id: '1' }).equals({ id: '1' }), false)
})

t.test('toJSON of a connection nests plain integrations', async (t) => {
  const json = new UserConnection(twitchConnection()).toJSON()
  t.equal(json.isVisible, false)
  t.equal(json.integrations[0]?.syncedAt, '2024-05-01T12:00:00.000Z')
  t.same(JSON.parse(JSON.stringify(new UserConnection(twitchConnection()))), json)
})

t.test('equals compares the service and the account id', async (t) => {
  const c = new UserConnection(connection())
  t.equal(c.equals(new UserConnection(connection({ name: 'renamed' }))), true)
  t.equal(c.equals(new UserConnection(connection({ type: 'twitch' as never }))), false)
  t.equal(c.equals({}), false)
})

t.test('missing booleans read as false', async (t) => {
  const { two_way_link: _a, friend_sync: _b, ...partial } = connection()
  const c = new UserConnection(partial as ReturnType<typeof connection>)
  t.equal(c.twoWayLink, false)
  t.equal(c.friendSync, false)
})
