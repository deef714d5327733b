/** Image formats Discord's CDN serves for avatars, icons and banners. */
export type ImageFormat = 'png' | 'jpg' | 'jpeg' | 'webp' | 'gif'

/** Sizes Discord's CDN accepts: powers of two from 16 to 4096. */
export type ImageSize = 16 | 32 | 64 | 128 | 256 | 512 | 1024 | 2048 | 4096

/** Options of the `…URL()` methods of the models. */
export interface ImageURLOptions {
  /** Requested edge length in pixels. @defaultValue the CDN's default (no `size` parameter) */
  size?: ImageSize
  /**
   * Requested format. `gif` is only honoured for animated (`a_`) hashes, since the CDN has no
   * GIF of a still image; other hashes fall back to `png`.
   * @defaultValue `gif` for animated hashes, else `png`
   */
  format?: ImageFormat
}

const FORMATS: ReadonlySet<string> = new Set(['png', 'jpg', 'jpeg', 'webp', 'gif'])

/** True when a CDN hash names an animated image (Discord prefixes those with `a_`). */
export function isAnimatedHash (hash: string | null | undefined): boolean {
  return typeof hash === 'string' && hash.startsWith('a_')
}

/**
 * Builds `${cdnBaseUrl}/${segments...}/${hash}.${ext}[?size=N]`.
 *
 * @param cdnBaseUrl - e.g. `https://cdn.discordapp.com` (a trailing slash is tolerated)
 * @param segments - path segments before the hash, e.g. `['avatars', userId]`
 * @param hash - the image hash from the payload
 * @throws RangeError when `size` is not a power of two from 16 to 4096, or `format` is unknown
 */
export function imageURL (cdnBaseUrl: string, segments: readonly string[], hash: string, options: ImageURLOptions = {}): string {
  const animated = isAnimatedHash(hash)
  let ext: string = animated ? 'gif' : 'png'
  if (options.format !== undefined) {
    if (!FORMATS.has(options.format)) throw new RangeError(`Unknown image format \`${String(options.format)}\`: use png, jpg, jpeg, webp or gif`)
    if (options.format !== 'gif' || animated) ext = options.format
  }
  let url = trimSlash(cdnBaseUrl)
  for (const segment of segments) url += `/${encodeURIComponent(segment)}`
  return `${url}/${encodeURIComponent(hash)}.${ext}${sizeQuery(options.size)}`
}

/** `${cdnBaseUrl}/embed/avatars/${index}.png`, the avatar of users without one. */
export function defaultAvatarURL (cdnBaseUrl: string, index: number): string {
  return `${trimSlash(cdnBaseUrl)}/embed/avatars/${index}.png`
}

/**
 * Checks an image size requested at run time (JavaScript callers, computed numbers).
 *
 * @throws RangeError unless `size` is a power of two from 16 to 4096
 */
export function assertImageSize (size: number): asserts size is ImageSize {
  if (!Number.isInteger(size) || size < 16 || size > 4096 || (size & (size - 1)) !== 0) {
    throw new RangeError(`Image size must be a power of two from 16 to 4096, got ${String(size)}`)
  }
}

function sizeQuery (size: number | undefined): string {
  if (size === undefined) return ''
  assertImageSize(size)
  return `?size=${size}`
}

function trimSlash (url: string): string {
  let end = url.length
  while (end > 0 && url.charCodeAt(end - 1) === 47) end--
  return end === url.length ? url : url.slice(0, end)
}
