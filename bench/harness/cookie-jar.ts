/**
 * A minimal cookie jar for the harness's own HTTP client: one set of cookies per origin, enough
 * to carry a session through a login's redirects. Path, Domain and Secure are ignored (every
 * server is a loopback origin); Max-Age and Expires in the past delete.
 */
export class CookieJar {
  readonly #byOrigin = new Map<string, Map<string, string>>()

  /** Records the `Set-Cookie` headers of a response from `origin`. */
  store (origin: string, setCookies: readonly string[]): void {
    let cookies = this.#byOrigin.get(origin)
    if (cookies === undefined) {
      cookies = new Map()
      this.#byOrigin.set(origin, cookies)
    }
    for (const line of setCookies) {
      const [pair = '', ...attributes] = line.split(';')
      const eq = pair.indexOf('=')
      if (eq <= 0) continue
      const name = pair.slice(0, eq).trim()
      if (isExpired(attributes)) cookies.delete(name)
      else cookies.set(name, pair.slice(eq + 1).trim())
    }
  }

  /** The `Cookie` header for a request to `origin`, or undefined when there is none. */
  header (origin: string): string | undefined {
    const cookies = this.#byOrigin.get(origin)
    if (cookies === undefined || cookies.size === 0) return undefined
    return [...cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }
}

function isExpired (attributes: readonly string[]): boolean {
  for (const attribute of attributes) {
    const eq = attribute.indexOf('=')
    const name = attribute.slice(0, eq === -1 ? undefined : eq).trim().toLowerCase()
    const value = eq === -1 ? '' : attribute.slice(eq + 1).trim()
    if (name === 'max-age' && Number(value) <= 0) return true
    if (name === 'expires' && Date.parse(value) <= Date.now()) return true
  }
  return false
}
