import t from 'tap'
import { PermissionFlagsBits } from 'discord-api-types/v10'
import { Permissions } from '../../lib/models/permissions.js'
import { ALL_PERMISSIONS } from './helpers/payloads.js'

t.test('parses Discord\'s decimal string into a bigint, beyond 2^53', async (t) => {
  const high = 1n << 60n
  const bits = high | (ALL_PERMISSIONS & ~PermissionFlagsBits.Administrator)
  const value = bits.toString()
  t.notOk(Number.isSafeInteger(Number(value)), 'a Number would lose bits')
  const permissions = new Permissions(value)
  t.equal(permissions.bitfield, bits)
  t.equal(permissions.toString(), value)
  t.equal(permissions.toJSON(), value)
  t.equal(JSON.stringify({ permissions }), `{"permissions":"${value}"}`)
  t.equal(permissions.has(high), true)
  t.equal(permissions.has(1n << 61n), false)
})

t.test('bits near the top of today\'s flags are kept exactly', async (t) => {
  const bit = PermissionFlagsBits.BypassSlowmode
  const permissions = new Permissions((bit | PermissionFlagsBits.ViewChannel).toString())
  t.equal(permissions.has(bit), true)
  t.equal(permissions.has(PermissionFlagsBits.ViewChannel), true)
  t.equal(permissions.has(PermissionFlagsBits.BanMembers), false)
  t.same(permissions.toArray(), ['ViewChannel', 'BypassSlowmode'])
})

t.test('a plain member has only the bits set', async (t) => {
  const permissions = new Permissions((PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages).toString())
  t.equal(permissions.has(PermissionFlagsBits.SendMessages), true)
  t.equal(permissions.has(PermissionFlagsBits.ManageGuild), false)
  t.equal(permissions.has(PermissionFlagsBits.SendMessages | PermissionFlagsBits.ManageGuild), false, 'every bit of a combined flag is needed')
  t.equal(permissions.isAdministrator, false)
  t.same(permissions.toArray(), ['ViewChannel', 'SendMessages'])
})

t.test('Administrator has every permission', async (t) => {
  const permissions = new Permissions(PermissionFlagsBits.Administrator)
  t.equal(permissions.isAdministrator, true)
  t.equal(permissions.has(PermissionFlagsBits.ManageGuild), true)
  t.equal(permissions.has(PermissionFlagsBits.BanMembers | PermissionFlagsBits.UseExternalApps), true)
  t.same(permissions.toArray(), ['Administrator'], 'toArray lists only the granted bits')
})

t.test('the owner has every permission', async (t) => {
  const permissions = new Permissions('0', { owner: true })
  t.equal(permissions.owner, true)
  t.equal(permissions.has(PermissionFlagsBits.ManageGuild), true)
  t.same(permissions.toArray(), [])
})

t.test('toArray names each bit once, with current names', async (t) => {
  const names = new Permissions(ALL_PERMISSIONS).toArray()
  t.equal(new Set(names).size, names.length)
  t.ok(names.includes('ManageGuildExpressions'))
  t.notOk(names.includes('ManageEmojisAndStickers'))
  t.equal(names[0], 'CreateInstantInvite', 'lowest bit first')
})

t.test('refuses malformed values', async (t) => {
  t.throws(() => new Permissions('12a'), RangeError)
  t.throws(() => new Permissions('-1'), RangeError)
  t.throws(() => new Permissions(''), RangeError)
  t.throws(() => new Permissions(-1n), RangeError)
})

t.test('equals compares bitfield and ownership', async (t) => {
  const a = new Permissions('8')
  t.equal(a.equals(new Permissions(8n)), true)
  t.equal(a.equals(new Permissions('8', { owner: true })), false)
  t.equal(a.equals(new Permissions('9')), false)
  t.equal(a.equals('8'), false)
})
