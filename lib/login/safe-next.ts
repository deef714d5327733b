/**
 * `value` when it is a same-origin relative path (`/x`, `/x?y#z`), else `null`.
 *
 * Refused: protocol-relative `//host`, anything with a scheme (`https:`, `javascript:`),
 * backslashes (browsers read `/\host` as `//host`), and control characters (browsers strip
 * tabs and newlines, so `/\t/host` would become `//host`).
 *
 * @param value - the `next` a caller asked to return to
 */
export function safeNext (value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return null
  if (!value.startsWith('/') || value.startsWith('//')) return null
  // eslint-disable-next-line no-control-regex
  if (value.includes('\\') || /[\u0000-\u001f\u007f]/.test(value)) return null
  // Defence in depth: let the WHATWG parser, as browsers use it, confirm the origin is ours.
  return new URL(value, SAME_ORIGIN).origin === SAME_ORIGIN ? value : null
}

const SAME_ORIGIN = 'http://same-origin.invalid'
