import t from 'tap'
import { grantOf } from '../../lib/models/grant.js'

const ctx = { cdnBaseUrl: 'https://cdn.example' }
const base = { scopes: ['bot'], guild: null, webhook: null, guildId: undefined, permissions: undefined, userId: null }

t.test('malformed extras are null, never an error: the tokens were granted all the same', async (t) => {
  const grant = grantOf({ ...base, guild: { id: 'x' }, webhook: { id: '1', token: '' }, guildId: '../x', permissions: '-1' }, ctx)
  t.same({ guild: grant.guild, webhook: grant.webhook, permissions: grant.permissions }, { guild: null, webhook: null, permissions: null })
  t.equal(grantOf({ ...base, webhook: [1] }, ctx).webhook, null)
})

t.test('the callback\'s guild_id alone makes a guild with only its id', async (t) => {
  const guild = grantOf({ ...base, guildId: '123', permissions: '8' }, ctx).guild
  t.equal(guild?.id, '123')
  t.equal(guild?.name, '')
  t.equal(guild?.isOwner, false)
  t.equal(guild?.iconUrl, null)
})

t.test('a full guild names its owner and icon', async (t) => {
  const grant = grantOf({ ...base, userId: '7', guild: { id: '123', name: 'G', icon: 'abc', owner_id: '7', features: ['COMMUNITY', 3] } }, ctx)
  t.equal(grant.guild?.isOwner, true)
  t.equal(grant.guild?.iconUrl, 'https://cdn.example/icons/123/abc.png')
  t.same(grant.guild?.features, ['COMMUNITY'])
  t.ok(Object.isFrozen(grant))
})

t.test('a webhook without a url gets Discord\'s', async (t) => {
  const webhook = grantOf({ ...base, scopes: ['webhook.incoming'], webhook: { id: '5', token: 'tok', channel_id: '6', guild_id: 'no', name: 7 } }, ctx).webhook
  t.equal(webhook?.url, 'https://discord.com/api/webhooks/5/tok')
  t.same(webhook?.toJSON(), { id: '5', channelId: '6', guildId: null, name: null })
})
