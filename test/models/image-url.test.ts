import t from 'tap'
import { assertImageSize, defaultAvatarURL, imageURL, isAnimatedHash } from '../../lib/models/image-url.js'
import type { ImageSize } from '../../lib/models/image-url.js'

t.test('animated hashes start with a_', async (t) => {
  t.equal(isAnimatedHash('a_123'), true)
  t.equal(isAnimatedHash('123'), false)
  t.equal(isAnimatedHash(null), false)
  t.equal(isAnimatedHash(undefined), false)
})

t.test('builds png URLs for still images and gif for animated ones', async (t) => {
  t.equal(imageURL('https://cdn', ['avatars', '1'], 'abc'), 'https://cdn/avatars/1/abc.png')
  t.equal(imageURL('https://cdn', ['avatars', '1'], 'a_abc'), 'https://cdn/avatars/1/a_abc.gif')
})

t.test('honours format, except gif for a still image', async (t) => {
  t.equal(imageURL('https://cdn', ['icons', '1'], 'abc', { format: 'webp' }), 'https://cdn/icons/1/abc.webp')
  t.equal(imageURL('https://cdn', ['icons', '1'], 'a_abc', { format: 'jpg' }), 'https://cdn/icons/1/a_abc.jpg')
  t.equal(imageURL('https://cdn', ['icons', '1'], 'abc', { format: 'gif' }), 'https://cdn/icons/1/abc.png')
  t.equal(imageURL('https://cdn', ['icons', '1'], 'a_abc', { format: 'gif', size: 64 }), 'https://cdn/icons/1/a_abc.gif?size=64')
})

t.test('rejects an unknown format', async (t) => {
  t.throws(() => imageURL('https://cdn', ['icons', '1'], 'abc', { format: 'bmp' as 'png' }), RangeError)
})

t.test('appends a valid size and tolerates a trailing slash on the CDN base', async (t) => {
  t.equal(imageURL('https://cdn///', ['avatars', '1'], 'abc', { size: 4096 }), 'https://cdn/avatars/1/abc.png?size=4096')
  t.equal(imageURL('https://cdn/', ['avatars', '1'], 'abc', { size: 16 }), 'https://cdn/avatars/1/abc.png?size=16')
  t.equal(defaultAvatarURL('https://cdn/', 3), 'https://cdn/embed/avatars/3.png')
})

t.test('encodes path segments so a payload cannot change the path', async (t) => {
  t.equal(imageURL('https://cdn', ['avatars', '1'], '../x?y'), 'https://cdn/avatars/1/..%2Fx%3Fy.png')
})

t.test('refuses sizes that are not powers of two from 16 to 4096', async (t) => {
  for (const size of [0, 8, 15, 17, 48, 100, 8192, 16.5, Number.NaN, -16]) {
    t.throws(() => imageURL('https://cdn', ['avatars', '1'], 'abc', { size: size as ImageSize }), RangeError, `size ${size}`)
  }
  for (const size of [16, 32, 64, 128, 256, 512, 1024, 2048, 4096]) {
    t.doesNotThrow(() => assertImageSize(size), `size ${size}`)
  }
})
