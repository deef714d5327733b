/**
 * True when an `Accept` header ranks `text/html` above `application/json`, as a browser's
 * navigation does (`text/html,...,*\/*;q=0.8`).
 *
 * Follows RFC 9110 §12.5.1: the most specific media range that matches a type gives its
 * quality; a type with quality 0 is not acceptable. On a tie (`*\/*`, or no header at all) the
 * answer is JSON, because API clients such as curl and fetch send `*\/*`; when both types are
 * named with the same quality and specificity, the one listed first wins.
 *
 * @param accept - the request's `Accept` header, if any
 */
export function prefersHtml (accept: string | string[] | undefined): boolean {
  if (accept === undefined) return false
  const ranges = parseAccept(Array.isArray(accept) ? accept.join(',') : accept)
  const html = rank(ranges, 'text', 'html')
  if (html.quality === 0) return false
  const json = rank(ranges, 'application', 'json')
  if (html.quality !== json.quality) return html.quality > json.quality
  if (html.specificity !== json.specificity) return html.specificity > json.specificity
  return html.index < json.index
}

interface MediaRange {
  type: string
  subtype: string
  quality: number
  /** Other parameters make a range more specific than any parameterless type it could match. */
  hasParams: boolean
  index: number
}

interface Rank {
  quality: number
  specificity: number
  index: number
}

const NO_MATCH: Rank = { quality: 0, specificity: -1, index: Number.POSITIVE_INFINITY }

function rank (ranges: readonly MediaRange[], type: string, subtype: string): Rank {
  let best = NO_MATCH
  for (const range of ranges) {
    // A range with parameters (`text/html;level=1`) applies only to types carrying them.
    if (range.hasParams) continue
    let specificity: number
    if (range.type === type && range.subtype === subtype) specificity = 2
    else if (range.type === type && range.subtype === '*') specificity = 1
    else if (range.type === '*' && range.subtype === '*') specificity = 0
    else continue
    if (specificity > best.specificity) best = { quality: range.quality, specificity, index: range.index }
  }
  return best
}

function parseAccept (header: string): MediaRange[] {
  const ranges: MediaRange[] = []
  let index = 0
  for (const part of header.split(',')) {
    const [mediaType = '', ...params] = part.split(';')
    const slash = mediaType.indexOf('/')
    if (slash === -1) continue
    const type = mediaType.slice(0, slash).trim().toLowerCase()
    const subtype = mediaType.slice(slash + 1).trim().toLowerCase()
    if (type === '' || subtype === '') continue
    let quality = 1
    let hasParams = false
    for (const param of params) {
      const eq = param.indexOf('=')
      const name = (eq === -1 ? param : param.slice(0, eq)).trim().toLowerCase()
      if (name === 'q') {
        quality = parseQuality(param.slice(eq + 1))
        // Parameters after `q` are accept-extensions, not media type parameters.
        break
      }
      if (name !== '') hasParams = true
    }
    ranges.push({ type, subtype, quality, hasParams, index: index++ })
  }
  return ranges
}

function parseQuality (value: string): number {
  const quality = Number(value.trim())
  // An unreadable weight is treated as 1, the default, rather than rejecting the whole header.
  if (!Number.isFinite(quality) || value.trim() === '') return 1
  return Math.min(1, Math.max(0, quality))
}
