import { createHash } from 'node:crypto'
import { crc32, deflateSync } from 'node:zlib'

/** An RGB colour. */
export type RGB = readonly [number, number, number]

/** Discord's default avatar colours, by index 0–5 (blurple, grey, green, yellow, red, pink). */
export const DEFAULT_AVATAR_COLOURS: readonly RGB[] = [
  [0x58, 0x65, 0xf2], [0x75, 0x7e, 0x8a], [0x3b, 0xa5, 0x5c],
  [0xfa, 0xa6, 0x1a], [0xed, 0x42, 0x45], [0xeb, 0x45, 0x9f]
]

/** A colour derived from a key, so each hash renders distinctly but stably. */
export function colourFor (key: string): RGB {
  const d = createHash('sha1').update(key).digest()
  return [d.readUInt8(0), d.readUInt8(1), d.readUInt8(2)]
}

function chunk (type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([length, body, crc])
}

/** A solid-colour RGB PNG of `size`×`size` pixels (Discord's default avatars are one colour). */
export function solidPNG (colour: RGB, size = 32): Buffer {
  const row = Buffer.alloc(1 + size * 3) // leading 0 = filter "None"
  for (let x = 0; x < size; x++) row.set(colour, 1 + x * 3)
  return png(size, Buffer.concat(Array.from({ length: size }, () => row)))
}

const GRID = 5
const CELL = 6
const BACKGROUND: RGB = [0xf2, 0xf3, 0xf5]

/**
 * The pixels of an identicon for `key`, `size`×`size`, row by row: `true` for the key's colour.
 * Five by five cells, mirrored left to right, from the key's SHA-1, so each hash draws the same
 * image every time and different hashes differ in shape as well as colour.
 */
export function identiconPixels (key: string, size = GRID * CELL + 2): boolean[] {
  const digest = createHash('sha1').update(key).digest()
  const cell = (row: number, column: number): boolean => {
    const bit = row * 3 + Math.min(column, GRID - 1 - column)
    return ((digest.readUInt8(3 + (bit >> 3)) >> (bit & 7)) & 1) === 1
  }
  const margin = Math.floor((size - GRID * CELL) / 2)
  const pixels: boolean[] = []
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const row = Math.floor((y - margin) / CELL)
      const column = Math.floor((x - margin) / CELL)
      pixels.push(row >= 0 && row < GRID && column >= 0 && column < GRID && cell(row, column))
    }
  }
  return pixels
}

/** The identicon for `key` as an RGB PNG, in the key's colour on a light background. */
export function identiconPNG (key: string, size = GRID * CELL + 2): Buffer {
  const pixels = identiconPixels(key, size)
  const colour = colourFor(key)
  const rows = Array.from({ length: size }, (_, y) => {
    const row = Buffer.alloc(1 + size * 3) // leading 0 = filter "None"
    for (let x = 0; x < size; x++) row.set(pixels[y * size + x] === true ? colour : BACKGROUND, 1 + x * 3)
    return row
  })
  return png(size, Buffer.concat(rows))
}

/**
 * The same identicon as a single-frame GIF, so that `.gif` and `.png` of one hash look alike and
 * a page never changes between loads. Its LZW stream is written without compression: a clear
 * code before every two pixels keeps every code 3 bits wide (palette index, clear 4, end 5).
 */
export function identiconGIF (key: string, size = GRID * CELL + 2): Buffer {
  const pixels = identiconPixels(key, size)
  const codes: number[] = []
  for (let index = 0; index < pixels.length; index++) {
    if (index % 2 === 0) codes.push(4)
    codes.push(pixels[index] === true ? 1 : 0)
  }
  codes.push(5)
  const packed: number[] = []
  let bits = 0
  let count = 0
  for (const code of codes) {
    bits |= code << count
    count += 3
    while (count >= 8) {
      packed.push(bits & 0xff)
      bits >>= 8
      count -= 8
    }
  }
  if (count > 0) packed.push(bits & 0xff)
  const blocks: number[] = []
  for (let start = 0; start < packed.length; start += 255) {
    const block = packed.slice(start, start + 255)
    blocks.push(block.length, ...block)
  }
  const word = (value: number): number[] => [value & 0xff, value >> 8]
  return Buffer.from([
    ...Buffer.from('GIF89a', 'ascii'),
    ...word(size), ...word(size), 0x81, 0x00, 0x00, // global colour table of 4 entries
    ...BACKGROUND, ...colourFor(key), 0, 0, 0, 0, 0, 0,
    0x2c, 0, 0, 0, 0, ...word(size), ...word(size), 0x00, // image descriptor: the whole canvas
    0x02, ...blocks, 0x00, // min code size 2, the data, block terminator
    0x3b
  ])
}

function png (size: number, raw: Buffer): Buffer {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header[8] = 8 // bit depth
  header[9] = 2 // colour type: truecolour RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0))
  ])
}
