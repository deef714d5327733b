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

/** A solid-colour RGB PNG of `size`×`size` pixels. */
export function solidPNG (colour: RGB, size = 32): Buffer {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header[8] = 8 // bit depth
  header[9] = 2 // colour type: truecolour RGB
  const row = Buffer.alloc(1 + size * 3) // leading 0 = filter "None"
  for (let x = 0; x < size; x++) row.set(colour, 1 + x * 3)
  const raw = Buffer.concat(Array.from({ length: size }, () => row))
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0))
  ])
}

/**
 * A looping 1×1 GIF that alternates between `colours` every half second (one frame each).
 * Each frame's LZW stream is hand-packed: clear code 4, the palette index, end code 5, in
 * 3-bit codes, which is `0x44 0x01` for index 0 and `0x4c 0x01` for index 1.
 */
export function blinkingGIF (colours: readonly [RGB, RGB]): Buffer {
  const frame = (index: 0 | 1): number[] => [
    0x21, 0xf9, 0x04, 0x00, 0x32, 0x00, 0x00, 0x00, // graphic control: 50 × 10 ms delay
    0x2c, 0, 0, 0, 0, 0x01, 0x00, 0x01, 0x00, 0x00, // image descriptor: 1×1 at 0,0
    0x02, 0x02, index === 0 ? 0x44 : 0x4c, 0x01, 0x00 // min code size 2, one 2-byte block
  ]
  return Buffer.from([
    ...Buffer.from('GIF89a', 'ascii'),
    0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, // 1×1, global colour table of 2 entries
    ...colours[0], ...colours[1],
    0x21, 0xff, 0x0b, ...Buffer.from('NETSCAPE2.0', 'ascii'), 0x03, 0x01, 0x00, 0x00, 0x00, // loop forever
    ...frame(0), ...frame(1),
    0x3b
  ])
}
