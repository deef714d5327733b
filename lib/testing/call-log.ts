import type { FakeCall } from './fake-discord.js'
import { matchesRoute } from './route-match.js'

/** Query parameters that can carry secrets; the log keeps that they were sent, not their value. */
const SECRET_PARAMS = new Set(['access_token', 'refresh_token', 'token', 'client_secret', 'code', 'code_verifier'])

/** Copies a query for the log, redacting secret-bearing parameters. */
export function loggableQuery (query: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(query)) {
    out[k] = SECRET_PARAMS.has(k) ? '[redacted]' : String(v)
  }
  return out
}

/** Every request the fake received, in arrival order. */
export class CallLog {
  readonly #calls: FakeCall[] = []

  get calls (): readonly FakeCall[] {
    return this.#calls
  }

  record (call: FakeCall): void {
    this.#calls.push(call)
  }

  /** Calls that matched `method` and the path or route template, and `status` when given. */
  count (method: string, pathOrRoute: string, status?: number): number {
    const route = `${method} ${pathOrRoute}`
    return this.#calls.filter((c) => (status === undefined || c.status === status) && matchesRoute(route, c.method, c.path, c.route)).length
  }

  reset (): void {
    this.#calls.length = 0
  }
}
