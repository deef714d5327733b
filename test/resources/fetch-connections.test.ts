import t from 'tap'
import { MissingScope } from '../../lib/errors/missing-scope.js'
import { UserConnection } from '../../lib/models/user-connection.js'
import { fetchConnections } from '../../lib/resources/fetch-connections.js'
import { connection, twitchConnection } from '../models/helpers/payloads.js'
import { stubContext, stubSession } from './helpers/stubs.js'

const handler = (route: string): unknown => {
  if (route !== '/users/@me/connections') throw new Error(`unexpected ${route}`)
  return [connection(), twitchConnection()]
}

t.test('without the connections scope it throws MissingScope and does not call Discord', async (t) => {
  const { session, calls } = stubSession({ userId: '1', scopes: ['identify', 'guilds'], handler })
  await t.rejects(fetchConnections(session, stubContext().ctx), MissingScope)
  t.equal(calls.length, 0)
})

t.test('builds UserConnection models, cached per user', async (t) => {
  const { ctx } = stubContext()
  const a = stubSession({ userId: '1', scopes: ['connections'], handler })
  const b = stubSession({ userId: '2', scopes: ['connections'], handler: () => [] })
  const [connections, none] = await Promise.all([fetchConnections(a.session, ctx), fetchConnections(b.session, ctx), fetchConnections(a.session, ctx)])
  t.ok(connections[0] instanceof UserConnection)
  t.same(connections.map((c) => c.isVisible), [true, false])
  t.same(none, [])
  await fetchConnections(a.session, ctx)
  t.equal(a.calls.length, 1)
  t.equal(b.calls.length, 1)
  await fetchConnections(a.session, ctx, { cache: false })
  t.equal(a.calls.length, 2)
})

t.test('without a user id nothing is cached', async (t) => {
  const { session, calls } = stubSession({ userId: null, scopes: ['connections'], handler })
  const { ctx } = stubContext()
  await fetchConnections(session, ctx)
  await fetchConnections(session, ctx)
  t.equal(calls.length, 2)
})
