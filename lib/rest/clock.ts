/** The time source and timers the REST client waits with. Tests pass a fake one. */
export interface RestClock {
  /** Milliseconds since the epoch. */
  now (): number
  setTimeout (callback: () => void, ms: number): unknown
  clearTimeout (handle: unknown): void
}

/** The real clock: `Date.now` and the global timers. */
export const systemClock: RestClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => { clearTimeout(handle as NodeJS.Timeout) }
}

/** Lets a background timer (the sweeper) not keep the process alive, for clocks whose handles support it. */
export function unrefTimer (handle: unknown): void {
  const unref = (handle as { unref?: unknown } | null)?.unref
  if (typeof unref === 'function') unref.call(handle)
}

/** Resolves after `ms` on `clock`, or rejects with the signal's reason when it aborts first. */
export function sleep (clock: RestClock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason)
      return
    }
    const onAbort = (): void => {
      clock.clearTimeout(handle)
      reject(signal.reason)
    }
    const handle = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
