/** What one cookie value decrypted to, kept so that the next request with it skips the decryption. */
export interface MemoizedSession {
  /** The session's values as JSON, parsed afresh for each request: requests never share objects. */
  readonly json: string
  /** secure-session's `__ts`: when the cookie was written, epoch seconds (its expiry counts from it). */
  readonly issuedAt: number
  /** Opened with an older key: the session is re-sealed with the current one (`changed`). */
  readonly rotated: boolean
}

/** Options of {@link SessionMemo}. */
export interface SessionMemoOptions {
  /** Cookie values remembered; past it the oldest is forgotten first. */
  max: number
  /** Longest cookie value remembered, in characters. */
  maxValueLength: number
}

/**
 * Session cookies already opened by this process, by cookie value. Every guarded request of a
 * logged-in user carries the same cookie until the session changes, and opening it (two base64
 * decodings, a secretbox and a buffer) is most of what the session costs a request.
 *
 * Only values that secure-session opened are remembered, under the exact string it opened: a
 * changed byte is another key, which secure-session decides on. A remembered value is worth no
 * more than the key that opened it, which the process holds anyway. The bound on entries and
 * on their length bounds the memory; an attacker replaying many valid cookies only evicts.
 */
export class SessionMemo {
  readonly #entries = new Map<string, MemoizedSession>()
  readonly #max: number
  readonly #maxValueLength: number

  constructor (options: SessionMemoOptions) {
    this.#max = options.max
    this.#maxValueLength = options.maxValueLength
  }

  /** Number of cookie values remembered. */
  get size (): number {
    return this.#entries.size
  }

  get (value: string): MemoizedSession | undefined {
    return this.#entries.get(value)
  }

  /** Remembers what `value` opened to; a value longer than the bound is not remembered. */
  remember (value: string, session: MemoizedSession): void {
    if (value.length > this.#maxValueLength) return
    this.#entries.set(value, session)
    // A Map keeps insertion order: its first key is the oldest.
    if (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value as string)
  }

  /** Forgets one value (an expired session: secure-session is asked again and says so). */
  forget (value: string): void {
    this.#entries.delete(value)
  }
}
