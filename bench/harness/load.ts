import autocannon from 'autocannon'

/** One measured run against one target. */
export interface LoadSample {
  /** Completed requests per second over the run. */
  rps: number
  /** Requests completed over the run. */
  requests: number
  /**
   * The server's CPU time per completed request, microseconds (its CPU time over the run, read
   * from the server process, divided by the requests); NaN until the caller sets it.
   */
  cpuPerRequest: number
  /** 99th percentile latency, milliseconds. */
  p99: number
  non2xx: number
  errors: number
}

/** Settings of one autocannon run. */
export interface LoadOptions {
  url: string
  headers: Record<string, string>
  /** Seconds. */
  duration: number
  connections: number
}

/** Runs autocannon in this process against a server in another one. */
export async function runLoad (options: LoadOptions): Promise<LoadSample> {
  const result = await autocannon({
    url: options.url,
    headers: options.headers,
    duration: options.duration,
    connections: options.connections,
    pipelining: 1
  })
  return {
    rps: result.requests.total / result.duration,
    requests: result.requests.total,
    cpuPerRequest: Number.NaN,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors
  }
}
