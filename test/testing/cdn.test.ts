import { inflateSync } from 'node:zlib'
import t from 'tap'
import { startFake } from './helpers/fake.js'
import type { APIUser } from 'discord-api-types/v10'
import { User } from '../../lib/models/user.js'
import { fakeGuild, fakeUser } from '../../lib/testing/index.js'

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

async function get (url: string): Promise<{ status: number, type: string | null, body: Buffer }> {
  const res = await fetch(url)
  return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) }
}

/** The RGB pixels of one of the fake's PNGs (8-bit RGB, filter "None" on every row). */
function pngPixels (png: Buffer): string[] {
  const width = png.readUInt32BE(16)
  const idat = png.indexOf('IDAT')
  const raw = inflateSync(png.subarray(idat + 4, idat + 4 + png.readUInt32BE(idat - 4)))
  const pixels: string[] = []
  for (let y = 0; y < width; y++) {
    for (let x = 0; x < width; x++) pixels.push([...raw.subarray(y * (1 + width * 3) + 1 + x * 3, y * (1 + width * 3) + 4 + x * 3)].join(','))
  }
  return pixels
}

/** The RGB pixels of a single-frame GIF with a global colour table: a general LZW decoder. */
function gifPixels (gif: Buffer): string[] {
  const tableSize = 2 << (gif[10]! & 7)
  const palette = Array.from({ length: tableSize }, (_, i) => [...gif.subarray(13 + i * 3, 16 + i * 3)].join(','))
  let at = 13 + tableSize * 3
  if (gif[at] !== 0x2c) throw new Error('expected the image descriptor right after the colour table')
  at += 10
  const minCodeSize = gif[at++]!
  const data: number[] = []
  while (gif[at] !== 0) {
    const length = gif[at]!
    data.push(...gif.subarray(at + 1, at + 1 + length))
    at += 1 + length
  }
  const clear = 1 << minCodeSize
  let width = minCodeSize + 1
  let dict: number[][] = []
  const reset = (): void => { dict = Array.from({ length: clear + 2 }, (_, i) => [i]); width = minCodeSize + 1 }
  reset()
  const out: number[] = []
  let previous: number[] | null = null
  let bit = 0
  while (bit + width <= data.length * 8) {
    let code = 0
    for (let i = 0; i < width; i++, bit++) code |= ((data[bit >> 3]! >> (bit & 7)) & 1) << i
    if (code === clear) { reset(); previous = null; continue }
    if (code === clear + 1) break
    const entry: number[] = code < dict.length ? dict[code]! : [...previous!, previous![0]!]
    out.push(...entry)
    if (previous !== null) dict.push([...previous, entry[0]!])
    previous = entry
    if (dict.length === 1 << width && width < 12) width++
  }
  return out.map((index) => palette[index]!)
}

/** The colour of the first pixel of one of the fake's solid PNGs. */
function firstPixel (png: Buffer): number[] {
  const idat = png.indexOf('IDAT')
  const length = png.readUInt32BE(idat - 4)
  const raw = inflateSync(png.subarray(idat + 4, idat + 4 + length))
  return [...raw.subarray(1, 4)]
}

t.test('the seeded users\' avatars are real PNGs, and GIFs for animated hashes', async (t) => {
  const fake = await startFake(t)
  const cdn = fake.pluginOptions.cdnBaseUrl
  const token = fake.issueToken(fake.seedUsers.migrated, ['identify'])
  const me = await (await fetch(`${fake.pluginOptions.apiBaseUrl}/users/@me`, { headers: { authorization: `Bearer ${token.access_token}` } })).json() as { avatar: string, banner: string }
  const png = await get(`${cdn}/avatars/${fake.seedUsers.migrated}/${me.avatar}.png?size=128`)
  t.equal(png.status, 200)
  t.equal(png.type, 'image/png')
  t.same(png.body.subarray(0, 8), PNG_SIGNATURE)
  t.equal(png.body.readUInt32BE(16), 32, 'width from IHDR')
  const gif = await get(`${cdn}/avatars/${fake.seedUsers.migrated}/${me.avatar}.gif`)
  t.equal(gif.type, 'image/gif')
  t.equal(gif.body.subarray(0, 6).toString('ascii'), 'GIF89a')
  t.equal(gif.body.at(-1), 0x3b, 'GIF trailer')
  t.same(gifPixels(gif.body), pngPixels(png.body), 'the GIF draws the same image as the PNG')
  for (const ext of ['webp', 'jpg', 'jpeg']) t.equal((await get(`${cdn}/avatars/${fake.seedUsers.migrated}/${me.avatar}.${ext}`)).status, 200)
  t.equal((await get(`${cdn}/banners/${fake.seedUsers.migrated}/${me.banner}.png`)).status, 200)
})

t.test('default avatars 0 to 5 have Discord\'s distinct colours', async (t) => {
  const fake = await startFake(t)
  const colours = new Set<string>()
  for (let i = 0; i <= 5; i++) {
    const res = await get(`${fake.pluginOptions.cdnBaseUrl}/embed/avatars/${i}.png`)
    t.equal(res.status, 200)
    colours.add(firstPixel(res.body).join(','))
  }
  t.equal(colours.size, 6)
  t.ok(colours.has('88,101,242'), 'index 0 is blurple')
  t.equal((await get(`${fake.pluginOptions.cdnBaseUrl}/embed/avatars/6.png`)).status, 404)
})

t.test('guild icons and banners are served, static and animated', async (t) => {
  const fake = await startFake(t, { seed: false })
  fake.addGuild(fakeGuild({ id: '11', name: 'G', icon: 'a_0123456789abcdef0123456789abcdef', banner: 'feedfacefeedfacefeedfacefeedface' }))
  const cdn = fake.pluginOptions.cdnBaseUrl
  const gif = await get(`${cdn}/icons/11/a_0123456789abcdef0123456789abcdef.gif`)
  t.equal(gif.type, 'image/gif')
  t.equal((await get(`${cdn}/icons/11/a_0123456789abcdef0123456789abcdef.png`)).type, 'image/png')
  t.equal((await get(`${cdn}/banners/11/feedfacefeedfacefeedfacefeedface.png`)).status, 200)
  fake.addUser(fakeUser({ id: '22', username: 'u', avatar: 'cafebabecafebabecafebabecafebabe' }))
  t.equal((await get(`${cdn}/avatars/22/cafebabecafebabecafebabecafebabe.gif`)).type, 'image/gif', 'a static hash as GIF is one colour')
})

t.test('an image is the same on every load, still for animated hashes, and the same as PNG and GIF', async (t) => {
  const fake = await startFake(t, { seed: false })
  fake.addGuild(fakeGuild({ id: '11', name: 'G', icon: 'a_0123456789abcdef0123456789abcdef' }))
  const url = `${fake.pluginOptions.cdnBaseUrl}/icons/11/a_0123456789abcdef0123456789abcdef`
  const [gif1, gif2, png] = [await get(`${url}.gif`), await get(`${url}.gif`), await get(`${url}.png`)]
  t.same(gif1.body, gif2.body, 'the same bytes twice')
  t.notMatch(gif1.body.toString('latin1'), 'NETSCAPE2.0', 'no looping animation')
  t.equal(gif1.body.indexOf(Buffer.from([0x21, 0xf9])), -1, 'no frame timing: one still frame')
  const pixels = gifPixels(gif1.body)
  t.same(pixels, pngPixels(png.body))
  t.ok(new Set(pixels).size === 2, 'a pattern of two colours, not a single dot')
})

t.test('different hashes render in different colours', async (t) => {
  const fake = await startFake(t, { seed: false })
  fake.addUser(fakeUser({ id: '1', username: 'a', avatar: 'aaaa' }))
  fake.addUser(fakeUser({ id: '2', username: 'b', avatar: 'bbbb' }))
  const a = await get(`${fake.pluginOptions.cdnBaseUrl}/avatars/1/aaaa.png`)
  const b = await get(`${fake.pluginOptions.cdnBaseUrl}/avatars/2/bbbb.png`)
  const [pa, pb] = [pngPixels(a.body), pngPixels(b.body)]
  t.notSame(new Set(pa), new Set(pb), 'different colours')
  t.notSame(pa.map((p) => p === pa[0]), pb.map((p) => p === pb[0]), 'and different shapes')
})

t.test('unknown CDN paths, wrong hashes and odd extensions are 404', async (t) => {
  const fake = await startFake(t)
  const cdn = fake.pluginOptions.cdnBaseUrl
  for (const path of [
    `/avatars/${fake.seedUsers.migrated}/wronghash.png`,
    `/avatars/${fake.seedUsers.legacy}/null.png`,
    '/avatars/1/abc.png',
    `/avatars/${fake.seedUsers.migrated}/abc.bmp`,
    `/icons/${fake.seedGuilds.plain[1]!}/abc.png`,
    '/emojis/1.png',
    '/embed/avatars/x.png'
  ]) {
    const res = await get(`${cdn}${path}`)
    t.equal(res.status, 404, path)
    t.equal(res.body.toString(), '404: Not Found')
  }
})

t.test('the seeded user\'s avatar decoration and server tag badge are served where the User model points', async (t) => {
  const fake = await startFake(t)
  const cdn = fake.pluginOptions.cdnBaseUrl
  const token = fake.issueToken(fake.seedUsers.migrated, ['identify'])
  const me = await (await fetch(`${fake.pluginOptions.apiBaseUrl}/users/@me`, { headers: { authorization: `Bearer ${token.access_token}` } })).json() as APIUser
  const user = new User(me, { cdnBaseUrl: cdn })
  t.ok(user.avatarDecorationUrl !== null && user.primaryGuild?.badgeUrl != null, 'the seeded user has both')
  t.equal(user.primaryGuild?.guildId, fake.seedGuilds.owned, 'the tag of the guild the user owns')
  const decoration = await get(user.avatarDecorationUrl ?? '')
  t.equal(decoration.status, 200)
  t.equal(decoration.type, 'image/png', 'an animated decoration is still a PNG')
  t.same(decoration.body.subarray(0, 8), PNG_SIGNATURE)
  t.equal((await get(user.avatarDecorationUrl?.replace(/\.png$/, '.gif') ?? '')).status, 404, 'no GIF of a decoration')
  const badge = await get(user.primaryGuild?.badgeUrl ?? '')
  t.equal(badge.status, 200)
  t.equal(badge.type, 'image/png')
  t.equal((await get(user.primaryGuild?.badgeUrl?.replace(/\.png$/, '.webp') ?? '')).status, 200)
  t.equal((await get(user.primaryGuild?.badgeUrl?.replace(/\.png$/, '.gif') ?? '')).status, 404)
})

t.test('decorations and badges nobody uses are 404', async (t) => {
  const fake = await startFake(t, { seed: false })
  fake.addUser(fakeUser({
    id: '21',
    username: 'tagged',
    avatar_decoration_data: { asset: '0123456789abcdef0123456789abcdef', sku_id: '31' },
    primary_guild: { identity_guild_id: '41', identity_enabled: true, tag: 'ABC', badge: 'fedcba9876543210fedcba9876543210' }
  }))
  const cdn = fake.pluginOptions.cdnBaseUrl
  t.equal((await get(`${cdn}/avatar-decoration-presets/0123456789abcdef0123456789abcdef.png`)).status, 200)
  t.equal((await get(`${cdn}/avatar-decoration-presets/00000000000000000000000000000000.png`)).status, 404)
  t.equal((await get(`${cdn}/avatar-decoration-presets/not-a-hash.png`)).status, 404)
  t.equal((await get(`${cdn}/guild-tag-badges/41/fedcba9876543210fedcba9876543210.png`)).status, 200)
  t.equal((await get(`${cdn}/guild-tag-badges/42/fedcba9876543210fedcba9876543210.png`)).status, 404, 'the badge of another guild')
  t.equal((await get(`${cdn}/guild-tag-badges/41/00000000000000000000000000000000.png`)).status, 404)
})
