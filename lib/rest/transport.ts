import type { RestClock } from './clock.js'

/** A fetch-compatible function: the transport seam. */
export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>

/** A response read in full. */
export interface RawResponse {
  status: number
  headers: Headers
  /** Parsed JSON, text for other content (cut to {@link MAX_TEXT_IN_ERROR} for an error status), `undefined` for an empty body. */
  body: unknown
  /** The content type announced JSON but the body did not parse; `body` holds the (truncated) text. */
  malformed: boolean
  /** The body is JSON (parsed). */
  json: boolean
}

/** No response arrived: the connection failed or the timeout elapsed. */
export class TransportFailure extends Error {
  override name = 'TransportFailure'
  readonly timeout: boolean

  constructor (message: string, timeout: boolean, cause: unknown) {
    super(message, { cause })
    this.timeout = timeout
  }
}

/**
 * Text bodies kept in errors are cut here: an HTML error page is of no use in full, and an
 * error's `body` ends up in Fastify's error log line.
 */
export const MAX_TEXT_IN_ERROR = 2048

/**
 * Performs one HTTP exchange and reads the whole body, within `timeout` ms. Rejects with the
 * signal's reason when `signal` aborts, and with a {@link TransportFailure} when no complete
 * response arrived.
 */
export async function send (fetchFn: FetchFunction, clock: RestClock, timeout: number, url: string, init: RequestInit, signal: AbortSignal): Promise<RawResponse> {
  const controller = new AbortController()
  let timedOut = false
  const timer = clock.setTimeout(() => {
    timedOut = true
    controller.abort(new TransportFailure(`no response within ${timeout} ms`, true, null))
  }, timeout)
  const onAbort = (): void => { controller.abort(signal.reason) }
  signal.addEventListener('abort', onAbort, { once: true })
  if (signal.aborted) onAbort()
  try {
    const res = await fetchFn(url, { ...init, signal: controller.signal })
    const text = await res.text()
    return readBody(res.status, res.headers, text)
  } catch (err) {
    if (signal.aborted) throw signal.reason
    if (timedOut) throw new TransportFailure(`no response within ${timeout} ms`, true, err)
    throw new TransportFailure(`connection failed (${describe(err)})`, false, err)
  } finally {
    clock.clearTimeout(timer)
    signal.removeEventListener('abort', onAbort)
  }
}

function readBody (status: number, headers: Headers, text: string): RawResponse {
  if (status === 204 || text === '') return { status, headers, body: undefined, malformed: false, json: false }
  const type = headers.get('content-type') ?? ''
  if (!/[/+]json\b/i.test(type)) return { status, headers, body: status >= 200 && status < 300 ? text : cut(text), malformed: false, json: false }
  try {
    return { status, headers, body: JSON.parse(text), malformed: false, json: true }
  } catch {
    return { status, headers, body: cut(text), malformed: true, json: false }
  }
}

/** The text, or its first {@link MAX_TEXT_IN_ERROR} characters and a marker saying how much was left out. */
function cut (text: string): string {
  return text.length <= MAX_TEXT_IN_ERROR ? text : `${text.slice(0, MAX_TEXT_IN_ERROR)}… [${text.length - MAX_TEXT_IN_ERROR} more characters cut]`
}

/** A short, URL-free description of a network error: its code when it has one. */
function describe (err: unknown): string {
  const cause = (err as { cause?: unknown } | null)?.cause ?? err
  const code = (cause as { code?: unknown } | null)?.code
  if (typeof code === 'string') return code
  return cause instanceof Error ? cause.name : 'unknown error'
}
