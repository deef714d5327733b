import { createClock } from '@sinonjs/fake-timers'
import type { RestClient } from '../../../lib/rest/rest-client.js'
import type { RestClock } from '../../../lib/rest/clock.js'
import { RestEvents } from '../../../lib/rest/rest-events.js'

/** A fake clock (starting at the real now) plus its RestClock view. */
export function fakeClock (): { clock: ReturnType<typeof createClock>, restClock: RestClock } {
  const clock = createClock(Date.now())
  return {
    clock,
    restClock: {
      now: () => clock.now,
      setTimeout: (callback, ms) => clock.setTimeout(callback, ms),
      clearTimeout: (handle) => { clock.clearTimeout(handle as Parameters<typeof clock.clearTimeout>[0]) }
    }
  }
}

/**
 * Advances `clock` whenever the client announces a wait (rate limit or retry backoff), so tests
 * never sleep; `idle` holds the tick back while requests are on the wire. Returns the waits seen, in ms.
 */
export function autoAdvance (client: RestClient, clock: ReturnType<typeof createClock>, idle: () => boolean = () => true): number[] {
  const waits: number[] = []
  const advance = (wait: number): void => {
    waits.push(wait)
    const target = clock.now + wait
    // Moving time while a request is on the wire would let it reach the server in a later window than it was sent in.
    const step = (): void => {
      if (!idle()) {
        setTimeout(step, 1)
        return
      }
      if (clock.now < target) clock.tick(target - clock.now)
    }
    setImmediate(step)
  }
  client.on(RestEvents.RateLimited, (event) => { if (!event.rejected) advance(event.wait) })
  client.on(RestEvents.Retry, (event) => { advance(event.wait) })
  return waits
}
