import t from 'tap'
import { PermissionFlagsBits } from 'discord-api-types/v10'
import { fakeGuild, fakeUser } from '../../lib/testing/index.js'
import { ErrorCodes } from '../../lib/errors/codes.js'
import type { RequireAuthorizationOptions } from '../../lib/fastify/require-authorization.js'
import { BROWSER, buildApp, injectWithJar, login, readSession, type Teardown, type TestApp } from '../helpers/build-app.js'

const GUILD = '1190000000000000001'
const ROLE = '1190000000000000002'
const OTHER_ROLE = '1190000000000000003'
const STRANGER = '1190000000000000099'
const MEMBER_PATH = `/api/v10/users/@me/guilds/${GUILD}/member`
const ALL_SCOPES = ['identify', 'guilds', 'guilds.members.read']

/** The members of the test guild: user id → how they belong (owner, permissions, roles). */
type Members = Record<string, { owner?: boolean, permissions?: string, roles?: string[] }>

/**
 * An app whose `GET /gated` is behind `requireAuthorization(gate)`, logged in (unless `login`
 * is false) as `actingUser` with `scope`; the guild has `members`.
 */
async function gatedApp (t: Teardown, gate: RequireAuthorizationOptions, options: { members: Members, actingUser?: string, scope?: string[], login?: boolean }): Promise<TestApp> {
  const testApp = await buildApp(t, {
    plugin: { scope: options.scope ?? ALL_SCOPES },
    routes: (app) => {
      app.get('/gated', { preHandler: app.discord.requireAuthorization(gate) }, async () => ({ ok: true }))
    }
  })
  const { fake } = testApp
  fake.addUser(fakeUser({ id: STRANGER, username: 'stranger' }))
  fake.addGuild(fakeGuild({ id: GUILD, name: 'Gated' }), options.members)
  fake.setActingUser(options.actingUser ?? fake.seedUsers.migrated)
  if (options.login !== false) await login(testApp)
  return testApp
}

async function get (testApp: TestApp, accept = 'application/json'): Promise<{ status: number, body: { ok?: true, code?: string, message?: string }, location: string | undefined }> {
  const res = await injectWithJar(testApp, { url: '/gated', headers: { accept } })
  // A redirect has no body.
  return { status: res.statusCode, body: res.body === '' ? {} : res.json(), location: res.headers.location as string | undefined }
}

t.test('a member of the guild passes; someone else gets 403 NOT_GUILD_MEMBER', async (t) => {
  const member = await gatedApp(t, { guild: GUILD }, { members: { [STRANGER]: {} }, actingUser: STRANGER })
  t.same(await get(member), { status: 200, body: { ok: true }, location: undefined })

  const outsider = await gatedApp(t, { guild: GUILD }, { members: {} })
  const refused = await get(outsider)
  t.equal(refused.status, 403)
  t.equal(refused.body.code, ErrorCodes.NOT_GUILD_MEMBER)
  t.match(refused.body.message, `guild ${GUILD}`)
  t.equal((await get(outsider, BROWSER)).status, 403, 'a browser is refused too: logging in again would not help')
})

t.test('roles: holding one of them passes, holding none is 403 MISSING_ROLE', async (t) => {
  const holder = await gatedApp(t, { guild: GUILD, roles: [OTHER_ROLE, ROLE] }, { members: { [STRANGER]: { roles: [ROLE] } }, actingUser: STRANGER })
  t.equal((await get(holder)).status, 200)

  const plain = await gatedApp(t, { guild: GUILD, roles: [ROLE] }, { members: { [STRANGER]: { roles: [OTHER_ROLE] } }, actingUser: STRANGER })
  const refused = await get(plain)
  t.equal(refused.status, 403)
  t.equal(refused.body.code, ErrorCodes.MISSING_ROLE)
  t.notMatch(refused.body.message, OTHER_ROLE, 'the reply does not list the roles the user holds')
})

t.test('permissions: the owner and an Administrator hold all, a plain bitfield must hold every bit', async (t) => {
  const wanted = PermissionFlagsBits.ManageGuild | PermissionFlagsBits.KickMembers
  const owner = await gatedApp(t, { guild: GUILD, permissions: wanted }, { members: { [STRANGER]: { owner: true, permissions: '0' } }, actingUser: STRANGER })
  t.equal((await get(owner)).status, 200, 'owner')

  const admin = await gatedApp(t, { guild: GUILD, permissions: wanted }, { members: { [STRANGER]: { permissions: PermissionFlagsBits.Administrator.toString() } }, actingUser: STRANGER })
  t.equal((await get(admin)).status, 200, 'Administrator')

  const both = await gatedApp(t, { guild: GUILD, permissions: wanted }, { members: { [STRANGER]: { permissions: (wanted | PermissionFlagsBits.SendMessages).toString() } }, actingUser: STRANGER })
  t.equal((await get(both)).status, 200, 'a bitfield with every wanted bit')

  const half = await gatedApp(t, { guild: GUILD, permissions: wanted }, { members: { [STRANGER]: { permissions: PermissionFlagsBits.ManageGuild.toString() } }, actingUser: STRANGER })
  const refused = await get(half)
  t.equal(refused.status, 403, 'one wanted bit missing')
  t.equal(refused.body.code, ErrorCodes.MISSING_PERMISSIONS)

  const outsider = await gatedApp(t, { guild: GUILD, permissions: wanted }, { members: {} })
  t.equal((await get(outsider)).body.code, ErrorCodes.NOT_GUILD_MEMBER, 'membership is checked before permissions')
})

t.test('roles and permissions together: both must hold', async (t) => {
  const gate = { guild: GUILD, roles: [ROLE], permissions: PermissionFlagsBits.ManageGuild }
  const noRole = await gatedApp(t, gate, { members: { [STRANGER]: { owner: true } }, actingUser: STRANGER })
  t.equal((await get(noRole)).body.code, ErrorCodes.MISSING_ROLE, 'owning the guild does not stand in for a role')
  const both = await gatedApp(t, gate, { members: { [STRANGER]: { owner: true, roles: [ROLE] } }, actingUser: STRANGER })
  t.equal((await get(both)).status, 200)
})

t.test('a missing guilds.members.read sends a browser to Discord for it and answers JSON with 403 MissingScope', async (t) => {
  const testApp = await gatedApp(t, { guild: GUILD }, { members: { [STRANGER]: {} }, actingUser: STRANGER, scope: ['identify'] })
  const browser = await get(testApp, BROWSER)
  t.equal(browser.status, 302)
  const authorize = new URL(String(browser.location))
  t.equal(authorize.origin, new URL(testApp.fake.url).origin, 'to Discord')
  t.same(authorize.searchParams.get('scope')?.split(' ').sort(), ['guilds.members.read', 'identify'], 'granted plus missing')
  const api = await get(testApp)
  t.equal(api.status, 403)
  t.equal(api.body.code, ErrorCodes.MISSING_SCOPE)
  t.match(api.body.message, 'guilds.members.read')
  t.equal(testApp.fake.callCount('GET', MEMBER_PATH), 0, 'Discord is not asked without the scope')
})

t.test('permissions need the guilds scope too', async (t) => {
  const testApp = await gatedApp(t, { guild: GUILD, permissions: PermissionFlagsBits.ManageGuild }, { members: { [STRANGER]: { owner: true } }, actingUser: STRANGER, scope: ['identify', 'guilds.members.read'] })
  const api = await get(testApp)
  t.equal(api.status, 403)
  t.equal(api.body.code, ErrorCodes.MISSING_SCOPE)
  t.match(api.body.message, '`guilds`')
  const browser = await get(testApp, BROWSER)
  t.same(new URL(String(browser.location)).searchParams.get('scope')?.split(' ').sort(), ['guilds', 'guilds.members.read', 'identify'])
})

t.test('not logged in: 401 for an API client, 302 to the login for a browser, as the bare guard', async (t) => {
  const testApp = await gatedApp(t, { guild: GUILD, roles: [ROLE] }, { members: {}, login: false })
  const api = await get(testApp)
  t.equal(api.status, 401)
  t.equal(api.body.code, ErrorCodes.UNAUTHORIZED)
  const browser = await get(testApp, BROWSER)
  t.equal(browser.status, 302)
  t.equal(browser.location, '/login?next=%2Fgated')
  t.equal(testApp.fake.callCount('GET', MEMBER_PATH), 0)
})

t.test('a token revoked at Discord counts as not logged in, not as "not a member"', async (t) => {
  const testApp = await gatedApp(t, { guild: GUILD }, { members: { [STRANGER]: {} }, actingUser: STRANGER })
  testApp.fake.revokeToken(String(readSession(testApp).tokens?.accessToken))
  t.equal((await get(testApp)).status, 401)
  const browser = await get(testApp, BROWSER)
  t.equal(browser.status, 302)
  t.equal(browser.location, '/login?next=%2Fgated')
})

t.test('the member is fetched once, then served from the cache; a refusal is not cached', async (t) => {
  const testApp = await gatedApp(t, { guild: GUILD, roles: [ROLE] }, { members: { [STRANGER]: { roles: [ROLE] } }, actingUser: STRANGER })
  for (let i = 0; i < 3; i++) t.equal((await get(testApp)).status, 200)
  t.equal(testApp.fake.callCount('GET', MEMBER_PATH), 1)

  const outsider = await gatedApp(t, { guild: GUILD }, { members: {} })
  t.equal((await get(outsider)).status, 403)
  outsider.fake.addMember(GUILD, outsider.fake.seedUsers.migrated)
  t.equal((await get(outsider)).status, 200, 'joining the guild takes effect on the next request')
  t.equal(outsider.fake.callCount('GET', MEMBER_PATH), 2)
})

t.test('the guild list is read from the cache too', async (t) => {
  const testApp = await gatedApp(t, { guild: GUILD, permissions: PermissionFlagsBits.ManageGuild }, { members: { [STRANGER]: { owner: true } }, actingUser: STRANGER })
  for (let i = 0; i < 3; i++) t.equal((await get(testApp)).status, 200)
  t.equal(testApp.fake.callCount('GET', '/api/v10/users/@me/guilds'), 1)
  t.equal(testApp.fake.callCount('GET', MEMBER_PATH), 1)
})

t.test('Discord failing otherwise is not a refusal', async (t) => {
  const testApp = await gatedApp(t, { guild: GUILD }, { members: { [STRANGER]: {} }, actingUser: STRANGER })
  testApp.fake.injectFault(`GET ${MEMBER_PATH}`, { kind: 'status', status: 500, count: 10 })
  const res = await get(testApp)
  t.equal(res.status, 502)
  t.not(res.body.code, ErrorCodes.NOT_GUILD_MEMBER)
})

t.test('bad options throw a TypeError naming the option when the guard is made', async (t) => {
  const { app } = await buildApp(t)
  const make = (options: unknown): unknown => app.discord.requireAuthorization(options as RequireAuthorizationOptions)
  t.throws(() => make({ guild: 1190000000 }), { name: 'TypeError', message: /`guild`/ })
  t.throws(() => make({ guild: '../guilds/1' }), { name: 'TypeError', message: /`guild`/ })
  t.throws(() => make({ guild: GUILD, roles: ROLE }), { name: 'TypeError', message: /`roles`/ })
  t.throws(() => make({ guild: GUILD, roles: [] }), { name: 'TypeError', message: /`roles`/ })
  t.throws(() => make({ guild: GUILD, roles: ['admin'] }), { name: 'TypeError', message: /`roles`/ })
  t.throws(() => make({ guild: GUILD, permissions: 8 }), { name: 'TypeError', message: /`permissions`/ })
  t.throws(() => make({ guild: GUILD, permissions: -8n }), { name: 'TypeError', message: /`permissions`/ })
  t.throws(() => make({ guild: GUILD, permissions: 0n }), { name: 'TypeError', message: /`permissions`/ })
  t.throws(() => make({ roles: [ROLE] }), { name: 'TypeError', message: /`roles` .* needs `guild`/ })
  t.throws(() => make({ permissions: 8n }), { name: 'TypeError', message: /`permissions` .* needs `guild`/ })
  t.throws(() => make({ guild: GUILD, role: [ROLE] }), { name: 'TypeError', message: /no option `role` \(did you mean `roles`\?\)/ }, 'a misspelt option would leave the route open')
  t.type(make({ guild: GUILD, roles: [ROLE], permissions: 8n, scopes: ['email'] }), 'function', 'every option at once is fine')
  t.type(make({ guild: GUILD, roles: undefined, permissions: undefined }), 'function', 'an option left undefined is absent')
})
