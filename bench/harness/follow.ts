import { CookieJar } from './cookie-jar.js'

/** Where a chain of redirects ended. */
export interface FollowResult {
  status: number
  url: string
  body: string
  /** Requests made, the first included. */
  hops: number
}

/**
 * GETs `url` and follows redirects across origins (the app, the fake Discord, back), keeping
 * cookies per origin in `jar`, as a browser would during a login.
 */
export async function follow (url: string, jar: CookieJar, maxHops = 10): Promise<FollowResult> {
  let current = new URL(url)
  for (let hops = 1; hops <= maxHops; hops++) {
    const cookie = jar.header(current.origin)
    const res = await fetch(current, {
      redirect: 'manual',
      headers: { accept: 'text/html', ...(cookie === undefined ? {} : { cookie }) }
    })
    jar.store(current.origin, res.headers.getSetCookie())
    const location = res.headers.get('location')
    if (res.status < 300 || res.status >= 400 || location === null) {
      return { status: res.status, url: current.href, body: await res.text(), hops }
    }
    await res.body?.cancel()
    current = new URL(location, current)
  }
  throw new Error(`more than ${maxHops} redirects from ${url}`)
}

/** Logs in at `origin + loginPath` and returns the Cookie header that carries the session. */
export async function login (origin: string, loginPath: string): Promise<string> {
  const jar = new CookieJar()
  const end = await follow(new URL(loginPath, origin).href, jar)
  if (end.status !== 200) throw new Error(`login at ${loginPath} ended with ${end.status} at ${end.url}: ${end.body.slice(0, 200)}`)
  const cookie = jar.header(origin)
  if (cookie === undefined) throw new Error(`login at ${loginPath} set no cookie`)
  return cookie
}
