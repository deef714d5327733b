/** A minimal cookie jar for tests: one origin, name → value, honours deletion. */
export class CookieJar {
  readonly #cookies = new Map<string, string>()

  /** Reads the `set-cookie` header(s) of a response. */
  update (setCookie: string | string[] | undefined | null): void {
    if (setCookie === undefined || setCookie === null) return
    for (const line of Array.isArray(setCookie) ? setCookie : [setCookie]) {
      const [pair = '', ...attributes] = line.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === ''
      if (expired) this.#cookies.delete(name)
      else this.#cookies.set(name, value)
    }
  }

  /** The raw `set-cookie` lines of the last update, for attribute checks. */
  get (name: string): string | undefined {
    return this.#cookies.get(name)
  }

  set (name: string, value: string): void {
    this.#cookies.set(name, value)
  }

  clear (): void {
    this.#cookies.clear()
  }

  /** The `cookie` request header, or `undefined` when the jar is empty. */
  header (): string | undefined {
    if (this.#cookies.size === 0) return undefined
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  /** Headers to spread into `inject` or `fetch`. */
  headers (): Record<string, string> {
    const header = this.header()
    return header === undefined ? {} : { cookie: header }
  }
}
