import t from 'tap'
import { createUsersCache } from '../../lib/cache/users-cache.js'
import { fetchRoleConnection, fetchRoleConnectionMetadata, setRoleConnectionMetadata, updateRoleConnection } from '../../lib/resources/role-connection.js'
import type { ResourceContext, ResourceSession } from '../../lib/resources/resource-types.js'
import type { CallOptions } from '../../lib/contracts/request-options.js'

interface Sent { route: string, options: CallOptions }

/** A context and a session whose calls are recorded and answered by `answer`. */
function stubs (answer: (sent: Sent) => unknown): { ctx: ResourceContext, session: ResourceSession, sent: Sent[] } {
  const sent: Sent[] = []
  const respond = async <ResultType>(route: string, options: CallOptions = {}): Promise<ResultType> => {
    const call = { route, options }
    sent.push(call)
    return answer(call) as ResultType
  }
  const ctx: ResourceContext = { cache: createUsersCache(), cdnBaseUrl: 'https://cdn.example', applicationId: '42', botRequest: respond }
  const session: ResourceSession = {
    userId: '7',
    scopes: ['role_connections.write'],
    authorized: true,
    request: respond,
    getAuthorizationToken: async () => null
  } as unknown as ResourceSession
  return { ctx, session, sent }
}

const echo = (sent: Sent): unknown => sent.options.body

t.test('metadata values are sent as Discord stores them', async (t) => {
  const { ctx, session, sent } = stubs(echo)
  const at = new Date('2026-01-02T03:04:05.000Z')
  const saved = await updateRoleConnection(session, ctx, { platformName: 'Game', platformUsername: 'nelly', metadata: { level: 7, verified: true, banned: false, since: at, big: '-1234567890123456789' } })
  t.same(sent[0]?.options.body, { platform_name: 'Game', platform_username: 'nelly', metadata: { level: '7', verified: '1', banned: '0', since: '2026-01-02T03:04:05.000Z', big: '-1234567890123456789' } })
  t.equal(sent[0]?.route, '/users/@me/applications/42/role-connection')
  t.equal(sent[0]?.options.method, 'PUT')
  t.same(saved, { platformName: 'Game', platformUsername: 'nelly', metadata: { level: '7', verified: '1', banned: '0', since: '2026-01-02T03:04:05.000Z', big: '-1234567890123456789' } })
  await updateRoleConnection(session, ctx, { metadata: { since: '2026-01-02T03:04:05Z' } })
  t.same(sent[1]?.options.body, { metadata: { since: '2026-01-02T03:04:05Z' } }, 'an ISO 8601 string goes as it is')
  t.same(await updateRoleConnection(session, ctx, {}), { platformName: null, platformUsername: null, metadata: {} }, 'an empty update clears it')
})

t.test('a malformed update is a 400 before any call to Discord', async (t) => {
  const { ctx, session, sent } = stubs(echo)
  const bad: unknown[] = [
    null,
    { platformName: 'x'.repeat(51) },
    { metadata: { level: 1.5 } },
    { metadata: { level: Number.MAX_SAFE_INTEGER + 2 } },
    { metadata: { since: new Date('not a date') } },
    { metadata: { level: 'seven' } },
    { metadata: { 'Bad Key': 1 } },
    { metadata: { a: 1, b: 1, c: 1, d: 1, e: 1, f: 1 } }
  ]
  for (const update of bad) {
    await t.rejects(updateRoleConnection(session, ctx, update as never), { name: 'InvalidArgument', statusCode: 400 }, JSON.stringify(update))
  }
  t.same(sent, [], 'nothing reached Discord')
})

t.test('metadata records: localizations round-trip, malformed ones and repeated keys are a 400 before any call', async (t) => {
  const { ctx, sent } = stubs((call) => call.options.method === 'PUT'
    ? (call.options.body as Array<Record<string, unknown>>)
    : [{ type: 1, key: 'level', name: 'Level', description: 'd', name_localizations: null, description_localizations: null }])
  const records = [{ type: 2 as const, key: 'level', name: 'Level', description: 'At least', nameLocalizations: { fr: 'Niveau' }, descriptionLocalizations: { fr: 'Au moins' } }]
  t.same(await setRoleConnectionMetadata(ctx, records), records, 'localizations sent and read back')
  t.same((sent[0]?.options.body as unknown[])[0], { type: 2, key: 'level', name: 'Level', description: 'At least', name_localizations: { fr: 'Niveau' }, description_localizations: { fr: 'Au moins' } })
  t.same(await fetchRoleConnectionMetadata(ctx), [{ type: 1, key: 'level', name: 'Level', description: 'd' }], 'null localizations are left out')
  await setRoleConnectionMetadata(ctx, [{ type: 1, key: 'plain', name: 'Plain', description: 'No translations' }])
  t.same(sent.at(-1)?.options.body, [{ type: 1, key: 'plain', name: 'Plain', description: 'No translations' }], 'no localization fields when there are none')
  sent.length = 0
  await t.rejects(setRoleConnectionMetadata(ctx, 'level' as never), { name: 'InvalidArgument', message: /at `\/`/ })
  await t.rejects(setRoleConnectionMetadata(ctx, [{ ...records[0]!, type: 9 as never }]), { name: 'InvalidArgument', message: /at `\/0\/type`/ })
  await t.rejects(setRoleConnectionMetadata(ctx, [records[0]!, records[0]!]), { name: 'InvalidArgument', message: /unique/ })
  t.same(sent, [], 'nothing reached Discord')
})

t.test('a stored role connection without platform fields reads as nulls', async (t) => {
  const { ctx, session } = stubs(() => ({ metadata: { level: '3' } }))
  t.same(await fetchRoleConnection(session, ctx), { platformName: null, platformUsername: null, metadata: { level: '3' } })
  const bare = stubs(() => ({}))
  t.same(await fetchRoleConnection(bare.session, bare.ctx), { platformName: null, platformUsername: null, metadata: {} })
})
