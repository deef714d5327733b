import { digest } from './identity-id.js'

/** How a request path maps onto Discord's rate-limit buckets. */
export interface RouteData {
  /** Method and route template, e.g. `GET /users/@me/guilds/:id/member`: the bucket's route. */
  key: string
  /** The route template alone, e.g. `/guilds/:id/members/:id`. */
  template: string
  /** Discord's major parameter (guild, channel or webhook id), or `global` when there is none. */
  major: string
  /** The request path with webhook and interaction tokens replaced by `:token`: safe to log. */
  safePath: string
}

const MAJOR_RESOURCES = new Set(['channels', 'guilds', 'webhooks'])
const NUMERIC = /^\d+$/
/** Discord's epoch (2015-01-01) in ms: the snowflake timestamp origin. */
const DISCORD_EPOCH = 1420070400000n
const FOURTEEN_DAYS_MS = 14 * 24 * 60 * 60 * 1000

/**
 * Derives the bucket route of a request. Ids become `:id` (`@me` stays), the major parameter is
 * kept apart, because Discord keys buckets by route × major parameter
 * (https://discord.com/developers/docs/topics/rate-limits#rate-limits).
 */
export function routeData (method: string, path: string, now: number): RouteData {
  const segments = path.split('/')
  const template: string[] = []
  const safe: string[] = []
  let major = 'global'
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as string
    const previous = segments[i - 1]
    const isToken = i === 3 && NUMERIC.test(segments[2] ?? '') &&
      (segments[1] === 'webhooks' || (segments[1] === 'interactions' && segments[4] === 'callback'))
    if (isToken) {
      template.push(':token')
      safe.push(':token')
      // A webhook's token is part of its major parameter; keep only a digest of it.
      if (segments[1] === 'webhooks') major = `${major}/${digest(segment)}`
      continue
    }
    safe.push(segment)
    if (previous !== undefined && segments.slice(1, i).includes('reactions')) {
      // Every emoji of a message shares one reaction bucket.
      if (template[template.length - 1] !== ':reaction') template.push(':reaction')
      continue
    }
    if (NUMERIC.test(segment)) {
      template.push(':id')
      if (i === 2 && MAJOR_RESOURCES.has(segments[1] ?? '')) major = segment
    } else {
      template.push(segment)
    }
  }
  const route = template.join('/')
  let key = `${method} ${route}`
  // Deleting messages older than two weeks has its own, stricter bucket.
  if (method === 'DELETE' && route === '/channels/:id/messages/:id') {
    const created = Number((BigInt(segments[4] as string) >> 22n) + DISCORD_EPOCH)
    if (now - created > FOURTEEN_DAYS_MS) key += ' (old message)'
  }
  return { key, template: route, major, safePath: safe.join('/') }
}
