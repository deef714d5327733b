import { MAX_NEXT_LENGTH } from '../cookie/session-data.js'

/**
 * `value` when it is a same-origin relative path (`/x`, `/x?y#z`) of at most
 * {@link MAX_NEXT_LENGTH} characters once encoded, percent-encoded where it holds characters a
 * Location header cannot carry; else `null`.
 *
 * Refused: protocol-relative `//host`, anything with a scheme (`https:`, `javascript:`),
 * backslashes (browsers read `/\host` as `//host`), and control characters (browsers strip
 * tabs and newlines, so `/\t/host` would become `//host`).
 *
 * @param value - the `next` a caller asked to return to
 */
export function safeNext (value: unknown): string | null {
  // Encoding never shortens a value: one already too long is not worth encoding.
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_NEXT_LENGTH) return null
  if (!value.startsWith('/') || value.startsWith('//')) return null
  // eslint-disable-next-line no-control-regex
  if (value.includes('\\') || /[\u0000-\u001f\u007f]/.test(value)) return null
  const encoded = encodeUnsafe(value)
  if (encoded.length > MAX_NEXT_LENGTH) return null
  // Defence in depth: let the WHATWG parser, as browsers use it, confirm the origin is ours.
  return new URL(encoded, SAME_ORIGIN).origin === SAME_ORIGIN ? encoded : null
}

const SAME_ORIGIN = 'http://same-origin.invalid'

/**
 * Characters kept as they are: RFC 3986's unreserved and reserved ones, and `%` starting an
 * escape. Anything else (emoji, CJK, U+2028, U+FEFF, fullwidth slashes, spaces, quotes…) would
 * make Node refuse the Location header (ERR_INVALID_CHAR) or let a browser re-read the path.
 */
const UNSAFE = /%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~!$&'()*+,;=:@/?#%[\]]/gu

/** Percent-encodes (UTF-8) what a URL path cannot carry as it is. */
function encodeUnsafe (value: string): string {
  return value.replace(UNSAFE, encodeChar)
}

/** A lone surrogate has no UTF-8 form (encodeURIComponent throws URIError): it becomes U+FFFD, as browsers do. */
function encodeChar (char: string): string {
  try {
    return encodeURIComponent(char)
  } catch {
    return '%EF%BF%BD'
  }
}
