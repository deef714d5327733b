/**
 * The slice of autocannon's programmatic API the harness uses. autocannon ships no types and
 * `@types/autocannon` is not a dependency; this declares only what bench/harness/load.ts reads.
 */
declare module 'autocannon' {
  interface Histogram {
    average: number
    mean: number
    stddev: number
    min: number
    max: number
    total: number
    p50: number
    p90: number
    p99: number
  }

  interface Options {
    url: string
    connections?: number
    duration?: number
    /** Requests to send before stopping; overrides `duration`. */
    amount?: number
    pipelining?: number
    timeout?: number
    method?: string
    headers?: Record<string, string>
  }

  interface Result {
    requests: Histogram
    latency: Histogram
    throughput: Histogram
    /** Seconds the run took. */
    duration: number
    errors: number
    timeouts: number
    non2xx: number
  }

  function autocannon (options: Options): Promise<Result> & { stop (): void }
  export default autocannon
}
