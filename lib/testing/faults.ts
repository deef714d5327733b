import type { FakeFault } from './fake-discord.js'
import { matchesRoute } from './route-match.js'

interface PendingFault {
  readonly route: string
  readonly fault: FakeFault
  remaining: number
}

/** Faults queued for upcoming requests, each spent after `count` matching requests. */
export class FaultInjector {
  readonly #pending: PendingFault[] = []

  inject (route: string, fault: FakeFault): void {
    const count = fault.count ?? 1
    if (!Number.isInteger(count) || count < 1) throw new RangeError('`count` must be a positive integer')
    this.#pending.push({ route, fault, remaining: count })
  }

  /** Spends one use of the oldest fault matching the request. */
  take (method: string, path: string, template: string): FakeFault | undefined {
    const index = this.#pending.findIndex((p) => matchesRoute(p.route, method, path, template))
    if (index === -1) return undefined
    const pending = this.#pending[index]!
    pending.remaining--
    if (pending.remaining === 0) this.#pending.splice(index, 1)
    return pending.fault
  }
}

/** A Cloudflare-style 429 page: HTML, no JSON, no X-RateLimit headers. */
export const CLOUDFLARE_429_HTML = '<!DOCTYPE html><html><head><title>Access denied | discord.com used Cloudflare to restrict access</title></head>' +
  '<body><div class="cf-error-details"><h1>Error 1015</h1><h2>You are being rate limited</h2>' +
  '<p>The owner of this website (discord.com) has banned you temporarily from accessing this website.</p></div></body></html>'

/** The HTML an upstream proxy sends for a 502/503/504. */
export function gatewayErrorHTML (status: number): string {
  return `<html><head><title>${status}</title></head><body><center><h1>${status}</h1></center><hr><center>cloudflare</center></body></html>`
}
