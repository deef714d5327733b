/** Names of the events a {@link RestClient} emits. */
export enum RestEvents {
  /** A request waits for (or is refused because of) a rate limit, or Discord answered 429. */
  RateLimited = 'rateLimited',
  /** A failed attempt (5xx, connection failure, timeout) is retried after a backoff. */
  Retry = 'retry',
  /** Discord answered 401: the credentials are unusable. */
  Unauthorized = 'unauthorized',
  /** Discord answered (any status). */
  Response = 'response',
  /** Idle rate-limit state was dropped. */
  Sweep = 'sweep'
}

/** Payload of {@link RestEvents.RateLimited}. Carries the identity id, never a token. */
export interface RateLimitEvent {
  /** `bot:<digest>`, `bearer:<digest>` or `none`. */
  identity: string
  method: string
  /** The bucket route, e.g. `GET /users/@me/guilds`. */
  route: string
  /** Discord's bucket hash, when learned. */
  bucket: string | null
  majorParameter: string
  /** Milliseconds the request waits (or would have waited). */
  wait: number
  /** The identity-wide limit, not a route bucket. */
  global: boolean
  /** Discord's `X-RateLimit-Scope` of a 429, or `user`/`global` for a wait this client imposed. */
  scope: string | null
  /** The bucket's request limit per window, when known. */
  limit: number | null
  /** 429 when Discord answered 429; `null` when this client waits proactively. */
  status: 429 | null
  /** The request was refused with `RateLimited` instead of waiting. */
  rejected: boolean
}

/** Payload of {@link RestEvents.Retry}. */
export interface RetryEvent {
  identity: string
  method: string
  route: string
  /** 1 for the first retry. */
  attempt: number
  /** Backoff in milliseconds. */
  wait: number
  reason: 'status' | 'network' | 'timeout'
  /** Upstream status for `reason: 'status'`, else 0. */
  status: number
}

/** Payload of {@link RestEvents.Unauthorized}. */
export interface UnauthorizedEvent {
  identity: string
  method: string
  route: string
}

/** Payload of {@link RestEvents.Response}. */
export interface ResponseEvent {
  identity: string
  method: string
  route: string
  /** Token-free request path. */
  path: string
  status: number
}

/** Payload of {@link RestEvents.Sweep}: how many entries were dropped. */
export interface SweepEvent {
  buckets: number
  identities: number
  routes: number
}

/** Event name → payload. */
export interface RestEventMap {
  [RestEvents.RateLimited]: RateLimitEvent
  [RestEvents.Retry]: RetryEvent
  [RestEvents.Unauthorized]: UnauthorizedEvent
  [RestEvents.Response]: ResponseEvent
  [RestEvents.Sweep]: SweepEvent
}

/** A listener of event `EventName`. */
export type RestListener<EventName extends keyof RestEventMap> = (payload: RestEventMap[EventName]) => void
