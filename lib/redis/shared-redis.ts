/**
 * Owns the plugin's Redis connections (the one for commands and, on demand, one for
 * subscriptions) and what an outage means: bounded waits, a log line per outage rather than per
 * request, and a fast failure while the connection is known to be down.
 */
import type { FastifyBaseLogger } from 'fastify'
import { failureFields } from '../errors/failure-fields.js'
import type { RedisClient } from './redis-client.js'
import type { RedisScript } from './redis-script.js'

/** Options of {@link SharedRedis}. */
export interface SharedRedisOptions {
  client: RedisClient
  /** The plugin created the client from a URL: it closes it on app close. */
  owned: boolean
  /** Prepended to every key and channel, e.g. `'fastify-discord:'`. */
  prefix: string
  /** Longest wait for one Redis call, ms; past it the call counts as failed. */
  timeout: number
  log: FastifyBaseLogger
}

/** A Redis call failed or did not answer in time; callers fall back or answer 503. */
export class RedisUnavailable extends Error {
  override name = 'RedisUnavailable'
}

type MessageHandler = (message: string) => void

/**
 * The Redis side of one plugin registration. Every call goes through {@link SharedRedis.call},
 * which bounds its wait and tracks outages: the first failure of an outage logs one warning per
 * consequence (`fallback` or `503`), the first success after it logs the recovery, and while the
 * client reports itself disconnected calls fail at once instead of queueing behind a reconnect.
 */
export class SharedRedis {
  readonly client: RedisClient
  readonly prefix: string
  readonly timeout: number
  readonly #owned: boolean
  readonly #log: FastifyBaseLogger
  /** The consequences already logged during the current outage; empty while Redis answers. */
  readonly #logged = new Set<string>()
  #down = false
  #subscriber: RedisClient | null = null
  readonly #handlers = new Map<string, Set<MessageHandler>>()
  readonly #reconnectHandlers = new Set<() => void>()
  #closed = false

  constructor (options: SharedRedisOptions) {
    this.client = options.client
    this.prefix = options.prefix
    this.timeout = options.timeout
    this.#owned = options.owned
    this.#log = options.log
    // An ioredis client without an 'error' listener prints each connection error to stderr.
    this.client.on('error', this.#onClientError)
  }

  /** `prefix` + the parts, joined with `:`. */
  key (...parts: string[]): string {
    return this.prefix + parts.join(':')
  }

  /** Whether the last call failed and no call has succeeded since. */
  get down (): boolean {
    return this.#down
  }

  /**
   * Runs `fn` against the command connection, waiting at most `timeout` ms.
   *
   * @param consequence - what the caller does when Redis fails, for the outage's one log line,
   * e.g. `'the users cache falls back to process-local memory'`
   * @throws RedisUnavailable when Redis is disconnected, fails or is too slow
   */
  async call<T> (consequence: string, fn: (client: RedisClient) => Promise<T>): Promise<T> {
    if (this.#closed) throw new RedisUnavailable('fastify-discord: Redis connection closed')
    const status = this.client.status
    if (status === 'reconnecting' || status === 'close' || status === 'end' || (status === 'connecting' && this.#down)) {
      // Fail fast: ioredis would queue the command until it reconnects.
      this.#failed(consequence, new RedisUnavailable(`Redis connection is ${status}`))
    }
    let timer: NodeJS.Timeout | undefined
    try {
      const result = await Promise.race([
        fn(this.client),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => { reject(new RedisUnavailable(`Redis did not answer within ${this.timeout} ms`)) }, this.timeout)
          timer.unref()
        })
      ])
      this.#succeeded()
      return result
    } catch (err) {
      // A script's own refusal (a Lua error) is a bug, not an outage: it is not hidden.
      if (err instanceof Error && err.message.startsWith('ERR') && !(err instanceof RedisUnavailable)) throw err
      this.#failed(consequence, err)
    } finally {
      clearTimeout(timer)
    }
  }

  /** Runs a Lua script through {@link SharedRedis.call}. */
  async script (consequence: string, script: RedisScript, keys: readonly string[], args: ReadonlyArray<string | number> = []): Promise<unknown> {
    return await this.call(consequence, async (client) => await script.run(client, keys, args))
  }

  /**
   * Calls `handler` with each message published on `prefix` + `channel` by any instance
   * (this one included). The subscription connection is opened on the first call.
   */
  async subscribe (channel: string, handler: MessageHandler): Promise<void> {
    const name = this.prefix + channel
    let handlers = this.#handlers.get(name)
    if (handlers === undefined) {
      handlers = new Set()
      this.#handlers.set(name, handlers)
      const subscriber = this.#ensureSubscriber()
      try {
        if (subscriber.status === 'wait') await subscriber.connect()
        await subscriber.subscribe(name)
      } catch (err) {
        // ioredis subscribes again on reconnect; until then this instance misses messages,
        // which the reconnect handlers make up for.
        this.#noteOutage('messages from other instances are missed until Redis is back', err)
      }
    }
    handlers.add(handler)
  }

  /** Publishes `message` on `prefix` + `channel`; false when Redis could not take it. */
  async publish (consequence: string, channel: string, message: string): Promise<boolean> {
    try {
      await this.call(consequence, async (client) => await client.publish(this.prefix + channel, message))
      return true
    } catch {
      return false
    }
  }

  /**
   * Calls `handler` each time the subscription connection is ready again after a loss: messages
   * published meanwhile were missed, so process-local copies must be dropped.
   */
  onReconnect (handler: () => void): void {
    this.#reconnectHandlers.add(handler)
  }

  /** Closes the subscription connection, and the command connection when the plugin owns it. */
  async close (): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    const subscriber = this.#subscriber
    this.#subscriber = null
    if (subscriber !== null) await quit(subscriber)
    if (this.#owned) {
      await quit(this.client)
    } else {
      this.client.off('error', this.#onClientError)
    }
  }

  #ensureSubscriber (): RedisClient {
    if (this.#subscriber !== null) return this.#subscriber
    const subscriber = this.client.duplicate()
    this.#subscriber = subscriber
    subscriber.on('error', this.#onClientError)
    subscriber.on('message', (channel: string, message: string) => {
      for (const handler of this.#handlers.get(channel) ?? []) handler(message)
    })
    let lost = false
    subscriber.on('close', () => { lost = true })
    subscriber.on('ready', () => {
      if (!lost) return
      lost = false
      for (const handler of this.#reconnectHandlers) handler()
    })
    return subscriber
  }

  readonly #onClientError = (): void => {
    // Connection errors surface through the calls that fail; logging each retry would flood
    // the log during an outage.
  }

  #failed (consequence: string, err: unknown): never {
    this.#noteOutage(consequence, err)
    throw err instanceof RedisUnavailable ? err : new RedisUnavailable('Redis call failed', { cause: err })
  }

  #noteOutage (consequence: string, err: unknown): void {
    this.#down = true
    if (this.#logged.has(consequence)) return
    this.#logged.add(consequence)
    this.#log.warn({ ...failureFields(err), redisOutage: true }, `fastify-discord: Redis unavailable: ${consequence}`)
  }

  #succeeded (): void {
    if (!this.#down) return
    this.#down = false
    this.#logged.clear()
    this.#log.info({ redisOutage: false }, 'fastify-discord: Redis is available again; shared state resumes')
  }
}

async function quit (client: RedisClient): Promise<void> {
  try {
    await client.quit()
  } catch {
    client.disconnect()
  }
}
