/**
 * One upstream call that several callers await. Each caller may abort on its own signal without
 * cancelling the call for the others; when every caller has left, the call itself is aborted
 * (which frees its place in the rate-limit queue).
 */
export class SharedCall<ResultType> {
  readonly #controller = new AbortController()
  readonly #promise: Promise<ResultType>
  readonly #onAbandon: () => void
  #members = 0

  constructor (run: (signal: AbortSignal) => Promise<ResultType>, onAbandon: () => void) {
    this.#onAbandon = onAbandon
    this.#promise = run(this.#controller.signal)
    // Callers get the rejection through join(); this only keeps an abandoned call from being "unhandled".
    this.#promise.catch(() => {})
  }

  /** Settles with the call's result, or with `signal`'s reason as soon as it aborts. */
  join (signal: AbortSignal | undefined): Promise<ResultType> {
    this.#members++
    // The client refuses an already aborted signal before it gets here.
    if (signal === undefined) return this.#promise
    return new Promise<ResultType>((resolve, reject) => {
      const onAbort = (): void => {
        reject(signal.reason)
        this.#leave(signal.reason)
      }
      signal.addEventListener('abort', onAbort, { once: true })
      this.#promise.then((value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      }, (err: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(err)
      })
    })
  }

  #leave (reason: unknown): void {
    this.#members--
    if (this.#members > 0) return
    this.#onAbandon()
    this.#controller.abort(reason)
  }
}
