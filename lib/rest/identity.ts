import { Bucket, type BucketHost, type Wait } from './bucket.js'
import type { RestClock } from './clock.js'
import type { RouteData } from './route-key.js'

/** What an identity needs from the client. */
export interface IdentityHost {
  readonly clock: RestClock
  readonly offset: number
  readonly globalRequestsPerSecond: number
  waiting (identity: Identity, bucket: Bucket, wait: Wait): void
}

/**
 * The rate-limit state of one set of credentials (one user token, the bot token, or none): its
 * buckets, its global limit (requests per second) and any global 429 pause. Identities never
 * share state, so one user's limits never slow another user down.
 */
export class Identity implements BucketHost {
  readonly id: string
  readonly buckets = new Map<string, Bucket>()
  lastUsed: number
  #host: IdentityHost
  #pausedUntil = 0
  #globalResetAt = 0
  #globalRemaining = 0

  constructor (host: IdentityHost, id: string) {
    this.#host = host
    this.id = id
    this.lastUsed = host.clock.now()
  }

  get clock (): RestClock {
    return this.#host.clock
  }

  get offset (): number {
    return this.#host.offset
  }

  /** The bucket a request on `route` queues in: by learned hash, or by route until it is learned. */
  bucketFor (route: RouteData, hash: string | undefined): Bucket {
    this.lastUsed = this.clock.now()
    const routeKey = `${route.key}:${route.major}`
    // A bucket still learning its hash keeps its queue, so that concurrent first requests stay sequential.
    const learning = this.buckets.get(routeKey)
    if (learning !== undefined) return learning
    const key = hash === undefined ? routeKey : `${hash}:${route.major}`
    let bucket = this.buckets.get(key)
    if (bucket === undefined) {
      bucket = new Bucket(this, key, hash ?? null, route.major, route.key)
      this.buckets.set(key, bucket)
    }
    return bucket
  }

  /** Files `bucket` under the hash Discord sent; merges it into an existing bucket with that hash. */
  rekey (bucket: Bucket, hash: string): void {
    bucket.hash = hash
    const key = `${hash}:${bucket.major}`
    if (bucket.key === key) return
    if (this.buckets.get(bucket.key) === bucket) this.buckets.delete(bucket.key)
    const existing = this.buckets.get(key)
    if (existing === undefined) {
      bucket.key = key
      this.buckets.set(key, bucket)
    } else {
      bucket.transferTo(existing)
    }
  }

  /** Discord answered a global 429: this identity sends nothing before `until`. */
  pause (until: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, until)
    for (const bucket of this.buckets.values()) bucket.pump()
  }

  globalWait (now: number): number {
    if (this.#pausedUntil > now) return this.#pausedUntil - now
    if (this.#globalResetAt > now && this.#globalRemaining <= 0) return this.#globalResetAt - now
    return 0
  }

  consumeGlobal (now: number): void {
    if (this.#globalResetAt <= now) {
      this.#globalResetAt = now + 1000
      this.#globalRemaining = this.#host.globalRequestsPerSecond
    }
    this.#globalRemaining--
    this.lastUsed = now
  }

  waiting (bucket: Bucket, wait: Wait): void {
    this.#host.waiting(this, bucket, wait)
  }

  /** Drops idle buckets; returns how many. */
  sweep (now: number, idleBefore: number): number {
    let swept = 0
    for (const [key, bucket] of this.buckets) {
      if (bucket.idle(now) && bucket.lastUsed <= idleBefore) {
        this.buckets.delete(key)
        swept++
      }
    }
    return swept
  }

  /** No buckets left and no pause or global window running. */
  idle (now: number): boolean {
    return this.buckets.size === 0 && this.#pausedUntil <= now && this.#globalResetAt <= now
  }

  close (reason: unknown): void {
    for (const bucket of this.buckets.values()) bucket.close(reason)
  }
}
