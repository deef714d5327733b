import { resetInMs, type RateLimitHeaders } from './rate-limit-headers.js'
import type { RestClock } from './clock.js'

/** A rate-limit wait: how long, and whether the identity-wide limit imposes it. */
export interface Wait {
  ms: number
  global: boolean
}

/** What a bucket needs from its owner: the clock and the identity-wide limit. */
export interface BucketHost {
  readonly clock: RestClock
  /** Added to every learned reset, to absorb rounding of Discord's `reset_after`. */
  readonly offset: number
  /** Milliseconds the identity must wait (global pause or exhausted global limit); 0 when free. */
  globalWait (now: number): number
  /** Takes one request from the identity-wide limit. */
  consumeGlobal (now: number): void
  /** A queued request starts waiting `wait` on `bucket`. */
  waiting (bucket: Bucket, wait: Wait): void
}

/** Proof of a granted slot; hand it back with {@link Bucket.release}. */
export interface Ticket {
  readonly window: number
}

/** Decides, before a wait, whether the request refuses to wait: returns the error to reject with, or `null`. */
export type WaitPolicy = (wait: Wait, waitedMs: number) => Error | null

interface Waiter {
  readonly enqueuedAt: number
  readonly policy: WaitPolicy
  resolve (ticket: Ticket): void
  reject (reason: unknown): void
  detach (): void
}

/**
 * One Discord rate-limit bucket of one identity: a FIFO queue that lets requests go as long as
 * the bucket has room, concurrently. The first request of an unknown bucket goes alone, to
 * learn the limit; a route that answers without rate-limit headers is never blocked.
 */
export class Bucket {
  /** Map key in the identity: `<hash>:<major>`, or `<route>:<major>` until the hash is known. */
  key: string
  hash: string | null
  readonly major: string
  /** The route (`GET /users/@me`) whose request created the bucket; for logs and events. */
  readonly route: string
  lastUsed: number
  #host: BucketHost
  #limit = Infinity
  #remaining = Infinity
  /** When the current window ends (local clock); -1 while unknown. */
  #resetAt = -1
  #windowMs = 0
  #window = 0
  #windowInFlight = 0
  #inFlight = 0
  #known = false
  #unlimited = false
  #queue: Waiter[] = []
  #timer: unknown = null
  #timerAt = -1

  constructor (host: BucketHost, key: string, hash: string | null, major: string, route: string) {
    this.#host = host
    this.key = key
    this.hash = hash
    this.major = major
    this.route = route
    this.lastUsed = host.clock.now()
  }

  /** Requests per window, when known. */
  get limit (): number | null {
    return Number.isFinite(this.#limit) ? this.#limit : null
  }

  /** Nothing queued, in flight or pending: the bucket can be forgotten. */
  idle (now: number): boolean {
    return this.#queue.length === 0 && this.#inFlight === 0 && this.#timer === null && this.#resetAt <= now
  }

  /**
   * Waits for a slot. Rejects with the signal's reason on abort, or with the policy's error when
   * the request refuses to wait. `front` puts a retried request back at the head of the queue.
   */
  acquire (signal: AbortSignal, policy: WaitPolicy, front: boolean): Promise<Ticket> {
    const now = this.#host.clock.now()
    this.lastUsed = now
    if (signal.aborted) return Promise.reject(signal.reason)
    const estimate = this.#estimate(now, front)
    if (estimate.ms > 0) {
      const refusal = policy(estimate, 0)
      if (refusal !== null) return Promise.reject(refusal)
    }
    return new Promise<Ticket>((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.#queue.indexOf(waiter)
        if (index !== -1) this.#queue.splice(index, 1)
        reject(signal.reason)
        // The aborted request may have been the head that a timer waits for.
        this.pump()
      }
      const waiter: Waiter = {
        enqueuedAt: now,
        policy,
        resolve,
        reject,
        detach: () => { signal.removeEventListener('abort', onAbort) }
      }
      signal.addEventListener('abort', onAbort, { once: true })
      if (front) this.#queue.unshift(waiter)
      else this.#queue.push(waiter)
      this.pump()
    })
  }

  /** Hands a slot back with what the response taught (`null` when no response arrived). */
  release (ticket: Ticket, headers: RateLimitHeaders | null, status: number): void {
    const now = this.#host.clock.now()
    this.lastUsed = now
    this.#inFlight--
    const current = ticket.window === this.#window
    if (current) this.#windowInFlight--
    if (headers !== null && !headers.present) {
      // Routes without limits send no headers; a 429 without headers is handled by block().
      if (status !== 429) {
        this.#known = true
        this.#unlimited = true
      }
    } else if (headers !== null) {
      this.#known = true
      this.#unlimited = false
      if (headers.limit !== null) this.#limit = headers.limit
      const resetIn = resetInMs(headers, now)
      // Answers from an earlier window describe a window that is already over.
      if (current) {
        if (headers.remaining !== null) {
          // Requests of this window still in flight may not be counted in Discord's figure yet.
          this.#remaining = Math.min(this.#remaining, headers.remaining - this.#windowInFlight)
        }
        if (resetIn !== null) {
          // Every answer bounds the window's end from above (it left Discord before we read it): keep the tightest.
          const candidate = now + resetIn + this.#host.offset
          this.#resetAt = this.#resetAt === -1 ? candidate : Math.min(this.#resetAt, candidate)
          this.#windowMs = Math.max(this.#windowMs, resetIn)
        }
      }
    }
    this.pump()
  }

  /** Discord answered 429 for this bucket: nothing goes before `until`. */
  block (until: number): void {
    this.#known = true
    this.#unlimited = false
    this.#remaining = 0
    this.#resetAt = Math.max(this.#resetAt, until)
    this.pump()
  }

  /** Rejects every queued request and stops the timer. */
  close (reason: unknown): void {
    this.#clearTimer()
    for (const waiter of this.#queue.splice(0)) {
      waiter.detach()
      waiter.reject(reason)
    }
  }

  /** Moves queued requests to `other` (the same Discord bucket, learned under another key). */
  transferTo (other: Bucket): void {
    this.#clearTimer()
    other.#queue.push(...this.#queue.splice(0))
    other.pump()
  }

  /** Lets queued requests go while there is room; otherwise arms a timer for when there will be. */
  pump (): void {
    const now = this.#host.clock.now()
    while (this.#queue.length > 0) {
      const head = this.#queue[0] as Waiter
      const gate = this.#gate(now)
      if (gate === 'block') break
      if (gate !== 'go') {
        const refusal = head.policy(gate, now - head.enqueuedAt)
        if (refusal !== null) {
          this.#queue.shift()
          head.detach()
          head.reject(refusal)
          continue
        }
        this.#schedule(now, gate)
        return
      }
      this.#queue.shift()
      head.detach()
      this.#host.consumeGlobal(now)
      this.#inFlight++
      this.#windowInFlight++
      this.#remaining--
      this.lastUsed = now
      head.resolve({ window: this.#window })
    }
    this.#clearTimer()
  }

  #gate (now: number): 'go' | 'block' | Wait {
    const global = this.#host.globalWait(now)
    if (global > 0) return { ms: global, global: true }
    if (this.#unlimited) return 'go'
    if (this.#resetAt !== -1 && now >= this.#resetAt) this.#newWindow()
    if (!this.#known) return this.#inFlight > 0 ? 'block' : 'go'
    if (this.#remaining > 0) return 'go'
    if (this.#resetAt === -1) {
      // Out of room with no reset known: wait for an answer in flight, or learn the bucket anew.
      if (this.#inFlight > 0) return 'block'
      this.#known = false
      this.#remaining = Infinity
      return 'go'
    }
    return { ms: this.#resetAt - now, global: false }
  }

  #newWindow (): void {
    this.#window++
    this.#windowInFlight = 0
    this.#remaining = this.#limit
    this.#resetAt = -1
    // Blocked by a 429 without ever learning the limit: send one request first, not a flood.
    if (!Number.isFinite(this.#limit)) this.#known = false
  }

  /** The wait a request joining the queue now can expect. */
  #estimate (now: number, front: boolean): Wait {
    const global = this.#host.globalWait(now)
    if (global > 0 || this.#unlimited || !this.#known || !Number.isFinite(this.#limit)) return { ms: global, global: global > 0 }
    const expired = this.#resetAt !== -1 && now >= this.#resetAt
    const available = expired ? this.#limit : this.#remaining
    const ahead = (front ? 0 : this.#queue.length) + 1 - available
    if (ahead <= 0) return { ms: 0, global: false }
    const nextReset = expired || this.#resetAt === -1 ? now + this.#windowMs : this.#resetAt
    const windows = Math.ceil(ahead / this.#limit)
    return { ms: nextReset - now + (windows - 1) * this.#windowMs, global: false }
  }

  #schedule (now: number, wait: Wait): void {
    const at = now + wait.ms
    if (this.#timer !== null && this.#timerAt === at) return
    this.#clearTimer()
    this.#timerAt = at
    this.#timer = this.#host.clock.setTimeout(() => {
      this.#timer = null
      this.#timerAt = -1
      this.pump()
    }, wait.ms)
    this.#host.waiting(this, wait)
  }

  #clearTimer (): void {
    if (this.#timer === null) return
    this.#host.clock.clearTimeout(this.#timer)
    this.#timer = null
    this.#timerAt = -1
  }
}
